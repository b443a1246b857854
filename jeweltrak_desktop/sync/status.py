"""What the sync client shows: its state, pending work, last sync, and the sync problems."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from jeweltrak_desktop.services.local_store import LocalStore

_REJECTED = "The service did not accept this change; it was not applied anywhere else."
_CONFLICT = "The service applied this change but it needs a manager's review."


class SyncState(StrEnum):
    """The sync client's state, for the status bar."""

    ONLINE = "online"
    OFFLINE = "offline"
    SYNCING = "syncing"


@dataclass(frozen=True)
class SyncProblem:
    """A rejected or conflicting operation, with the sentence a clerk can act on."""

    seq: int
    op_type: str
    status: str  # rejected / conflict
    sentence: str
    created_at: datetime


@dataclass(frozen=True)
class SyncStatus:
    """A snapshot of the sync client's state (immutable, safe to hand to any thread)."""

    state: SyncState
    pending_ops: int
    last_sync_at: datetime | None
    problems: tuple[SyncProblem, ...] = ()
    #: The last failure's sentence (None after a successful sync).
    error: str | None = None
    #: (rows done, rows total) while an initial sync runs.
    snapshot_progress: tuple[int, int] | None = field(default=None)


def problem_sentence(status: str, result: dict[str, Any]) -> str:
    """The clerk's sentence of a stored result (the service's own words when it gave some)."""
    if status == "rejected":
        error = result.get("error")
        message = error.get("message") if isinstance(error, dict) else None
        return message if isinstance(message, str) and message else _REJECTED
    detail = result.get("detail")
    return detail if isinstance(detail, str) and detail else _CONFLICT


def sync_problems(store: LocalStore, *, limit: int = 200) -> tuple[SyncProblem, ...]:
    """Rejected and conflicting operations of this workstation, newest first."""
    with store.engine.connect() as conn:
        rows = conn.exec_driver_sql(
            "SELECT seq, op_type, status, result, created_at FROM outbox "
            "WHERE status IN ('rejected', 'conflict') ORDER BY seq DESC LIMIT ?",
            (limit,),
        ).all()
    problems = []
    for seq, op_type, status, result, created_at in rows:
        try:
            stored = json.loads(result) if result else {}
        except ValueError:
            stored = {}
        problems.append(
            SyncProblem(
                seq=int(seq),
                op_type=op_type,
                status=status,
                sentence=problem_sentence(status, stored if isinstance(stored, dict) else {}),
                created_at=_parse_utc(created_at),
            )
        )
    return tuple(problems)


def last_sync_at(store: LocalStore) -> datetime | None:
    """When the last page (or snapshot) was applied, UTC."""
    with store.engine.connect() as conn:
        value = conn.exec_driver_sql("SELECT last_sync_at FROM sync_state WHERE id = 1").scalar()
    return _parse_utc(value) if value else None


def _parse_utc(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)
