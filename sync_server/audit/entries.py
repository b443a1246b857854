"""What the audit log records, and writing it.

Every write path of the service — a pushed batch (``sync/push.py``), a change the service
makes itself (``payments/ledger.apply_server_op``: card payments, imports) and the admin
API's documents (``sync/feed.write_entities``: stores, staff, groups) — hands each changed
row's document before and after to ``audit_entry``. It keeps the top-level fields that
changed and that concern:

* **money** — every field of invoices, payments, deposits, store-credit entries, drawer
  sessions and disputes, and any ``…_cents`` field anywhere (a piece's cost or price, a
  work-order estimate);
* **stock** — a piece's ``qty_…`` counters and status, memos and oversell exceptions;
* **settings** — stores, permission groups and staff.

Other changes (a contact's phone, a piece's description) are not audited: the change feed
has them. Values of secret-looking fields (a staff PIN verifier) are recorded only as
"changed". The table is append-only (migration ``t0004``): rows cannot be updated or
deleted, and ``prune`` never touches it, unlike the change log.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from psycopg import Cursor

Doc = dict[str, Any]

MONEY, STOCK, SETTINGS = "money", "stock", "settings"
_WHOLE: dict[str, str] = {
    "invoices": MONEY,
    "payments": MONEY,
    "deposits": MONEY,
    "store_credit_entries": MONEY,
    "drawer_sessions": MONEY,
    "disputes": MONEY,
    "customer_memos": STOCK,
    "vendor_memos": STOCK,
    "oversell_exceptions": STOCK,
    "stores": SETTINGS,
    "permission_groups": SETTINGS,
    "users": SETTINGS,
}
#: Bookkeeping that changes with every write.
_IGNORED = frozenset({"version", "updated_at"})
_SECRET_WORDS = ("pin", "password", "secret", "token", "verifier", "hash")
REDACTED = "(changed)"


def _categories(table: str, field: str) -> tuple[str, ...]:
    found: list[str] = []
    whole = _WHOLE.get(table)
    if whole is not None:
        found.append(whole)
    if field.endswith("_cents") and MONEY not in found:
        found.append(MONEY)
    if table == "pieces" and (field.startswith("qty_") or field == "status"):
        found.append(STOCK)
    return tuple(found)


def _secret(field: str) -> bool:
    lowered = field.lower()
    return any(word in lowered for word in _SECRET_WORDS)


@dataclass(frozen=True)
class AuditEntry:
    """One audited change of one row."""

    entity: str
    entity_id: UUID
    action: str  # created / changed / deleted
    categories: tuple[str, ...]
    changes: dict[str, list[Any]]  # field → [before, after]


def audit_entry(table: str, entity_id: UUID, before: Doc | None, after: Doc | None,
                *, deleted: bool = False) -> AuditEntry | None:
    """The audited part of a change, or None when nothing audited changed."""
    old = before or {}
    new = {} if deleted or after is None else after
    changes: dict[str, list[Any]] = {}
    categories: list[str] = []
    for field in old.keys() | new.keys():
        if field in _IGNORED:
            continue
        was, now = old.get(field), new.get(field)
        if was == now:
            continue
        found = _categories(table, field)
        if not found:
            continue
        if before is None and now in (None, 0, "", [], {}) and table not in _WHOLE:
            continue  # a new row's empty defaults (a contact's zero store credit) say nothing
        if _secret(field):
            was = None if was is None else REDACTED
            now = None if now is None else REDACTED
        changes[field] = [was, now]
        categories.extend(c for c in found if c not in categories)
    if not changes:
        return None
    action = "deleted" if deleted else ("created" if before is None else "changed")
    return AuditEntry(entity=table, entity_id=entity_id, action=action,
                      categories=tuple(sorted(categories)),
                      changes=dict(sorted(changes.items())))


@dataclass(frozen=True)
class Actor:
    """Who made a change: the op and its workstation and staff member, when known."""

    op_id: UUID | None = None
    op_type: str | None = None
    device_id: UUID | None = None
    user_id: UUID | None = None


def write_audit(cur: Cursor[Any], rows: list[tuple[int, AuditEntry, Actor]]) -> None:
    """Append audit rows (one COPY)."""
    if not rows:
        return
    with cur.copy(
        "COPY audit_log (version, entity, entity_id, action, categories, changes, op_id, "
        "op_type, device_id, user_id) FROM STDIN"
    ) as copy:
        for version, entry, actor in rows:
            copy.write_row((
                version, entry.entity, entry.entity_id, entry.action, list(entry.categories),
                json.dumps(entry.changes, separators=(",", ":"), default=str),
                actor.op_id, actor.op_type, actor.device_id, actor.user_id,
            ))
