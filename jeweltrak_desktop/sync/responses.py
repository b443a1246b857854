"""The sync service's answers as typed values, read strictly.

Everything the service sends is checked before anyone uses it: exact keys, exact types,
consistent cursors and keyset positions. A response that does not fit raises
``BadResponse`` — a proxy's error page, a truncated body or a newer service's new field
never reaches the local store. Unknown keys are refused too: a field the client does not
understand might change what the data means, so the safe answer is "update the app".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, NamedTuple, cast
from uuid import UUID

from jeweltrak_desktop.sync.errors import bad_response as _bad

OpStatus = Literal["applied", "conflict", "rejected"]


@dataclass(frozen=True)
class OpResult:
    """The service's verdict on one operation; ``raw`` is stored in the outbox as is."""

    op_id: UUID
    seq: int
    status: OpStatus
    version: int | None
    detail: str | None
    error_code: str | None
    error_message: str | None
    exceptions: tuple[str, ...]
    repeat: bool
    raw: dict[str, Any]


@dataclass(frozen=True)
class PushResult:
    """Per-op results in the order sent, and the tenant's version after the batch."""

    results: list[OpResult]
    version: int


class Change(NamedTuple):
    """One changed aggregate of the feed; ``doc`` is None for a tombstone."""

    version: int
    entity: str
    id: UUID
    deleted: bool
    doc: dict[str, Any] | None


@dataclass(frozen=True)
class PullPage:
    """A page of the change feed."""

    store_id: UUID
    changes: list[Change]
    next_cursor: int
    has_more: bool
    version: int


@dataclass(frozen=True)
class SnapshotManifest:
    """Where an initial sync starts: the version to pull from afterwards, rows per table."""

    store_id: UUID
    version: int
    tables: dict[str, int]


class SnapshotRow(NamedTuple):
    """One stored aggregate of a snapshot page (a NamedTuple: pages hold thousands)."""

    id: UUID
    version: int
    deleted: bool
    doc: dict[str, Any]


@dataclass(frozen=True)
class SnapshotPage:
    """A keyset page of one table; ``next_after`` is None on the last page."""

    store_id: UUID
    entity: str
    rows: list[SnapshotRow]
    next_after: UUID | None


def _object(data: Any, keys: frozenset[str], where: str, optional: frozenset[str] = frozenset()
            ) -> Mapping[str, Any]:
    if not isinstance(data, dict):
        raise _bad(where)
    present = frozenset(data)
    if not keys <= present or not present <= keys | optional:
        raise _bad(where)
    return data


def _int(value: Any, where: str, *, nullable: bool = False) -> Any:
    if value is None and nullable:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise _bad(where)
    return value


def _bool(value: Any, where: str) -> bool:
    if not isinstance(value, bool):
        raise _bad(where)
    return value


def _text(value: Any, where: str, *, nullable: bool = False) -> Any:
    if value is None and nullable:
        return None
    if not isinstance(value, str):
        raise _bad(where)
    return value


def _uuid(value: Any, where: str) -> UUID:
    if not isinstance(value, str) or len(value) != 36:
        raise _bad(where)
    try:
        return UUID(value)
    except ValueError:
        raise _bad(where) from None


def _list(value: Any, where: str) -> list[Any]:
    if not isinstance(value, list):
        raise _bad(where)
    return value


_RESULT_KEYS = frozenset(
    {"op_id", "seq", "status", "version", "detail", "error", "exceptions", "repeat"}
)
_ERROR_KEYS = frozenset({"code", "message", "details"})


def _op_result(data: Any, where: str) -> OpResult:
    item = _object(data, _RESULT_KEYS, where)
    status = item["status"]
    if status not in ("applied", "conflict", "rejected"):
        raise _bad(f"{where}.status")
    error = item["error"]
    code = message = None
    if error is not None:
        error = _object(error, _ERROR_KEYS, f"{where}.error")
        code = _text(error["code"], f"{where}.error.code")
        message = _text(error["message"], f"{where}.error.message")
        if not isinstance(error["details"], dict):
            raise _bad(f"{where}.error.details")
    if (status == "rejected") != (error is not None):
        raise _bad(f"{where}.error")
    exceptions = tuple(
        _text(e, f"{where}.exceptions") for e in _list(item["exceptions"], f"{where}.exceptions")
    )
    return OpResult(
        op_id=_uuid(item["op_id"], f"{where}.op_id"),
        seq=_int(item["seq"], f"{where}.seq"),
        status=cast(OpStatus, status),
        version=_int(item["version"], f"{where}.version", nullable=True),
        detail=_text(item["detail"], f"{where}.detail", nullable=True),
        error_code=code,
        error_message=message,
        exceptions=exceptions,
        repeat=_bool(item["repeat"], f"{where}.repeat"),
        raw=dict(item),
    )


def parse_push(data: Any, sent: list[tuple[UUID, int]]) -> PushResult:
    """A push answer: one result per op sent, same order, same IDs and seqs."""
    body = _object(data, frozenset({"results", "version"}), "push")
    results = [_op_result(r, f"push.results[{i}]") for i, r in enumerate(_list(
        body["results"], "push.results"))]
    if [(r.op_id, r.seq) for r in results] != sent:
        raise _bad("push.results: not the operations sent")
    return PushResult(results=results, version=_int(body["version"], "push.version"))


_CHANGE_KEYS = frozenset({"version", "entity", "id", "deleted", "doc"})


def parse_pull(data: Any, cursor: int) -> PullPage:
    """A feed page: versions after ``cursor`` in order, ending at ``next_cursor``."""
    body = _object(
        data, frozenset({"store_id", "changes", "next_cursor", "has_more", "version"}), "pull"
    )
    next_cursor = _int(body["next_cursor"], "pull.next_cursor")
    version = _int(body["version"], "pull.version")
    has_more = _bool(body["has_more"], "pull.has_more")
    changes: list[Change] = []
    last = cursor
    for i, raw in enumerate(_list(body["changes"], "pull.changes")):
        where = f"pull.changes[{i}]"
        item = _object(raw, _CHANGE_KEYS, where)
        change = Change(
            version=_int(item["version"], f"{where}.version"),
            entity=_text(item["entity"], f"{where}.entity"),
            id=_uuid(item["id"], f"{where}.id"),
            deleted=_bool(item["deleted"], f"{where}.deleted"),
            doc=item["doc"],
        )
        if not last <= change.version <= next_cursor or change.version <= cursor:
            raise _bad(f"{where}.version")
        if change.deleted != (change.doc is None) or not (
            change.doc is None or isinstance(change.doc, dict)
        ):
            raise _bad(f"{where}.doc")
        last = change.version
        changes.append(change)
    if next_cursor < cursor or next_cursor > version or has_more != (next_cursor < version):
        raise _bad("pull.next_cursor")
    # Pages end on version boundaries: the last change is at next_cursor.
    if (next_cursor > cursor) != bool(changes) or (changes and last != next_cursor):
        raise _bad("pull.next_cursor")
    return PullPage(
        store_id=_uuid(body["store_id"], "pull.store_id"),
        changes=changes,
        next_cursor=next_cursor,
        has_more=has_more,
        version=version,
    )


def parse_manifest(data: Any) -> SnapshotManifest:
    """The snapshot manifest: a version and each table's row count (each table once)."""
    body = _object(data, frozenset({"store_id", "version", "tables"}), "snapshot")
    tables: dict[str, int] = {}
    for i, raw in enumerate(_list(body["tables"], "snapshot.tables")):
        item = _object(raw, frozenset({"entity", "rows"}), f"snapshot.tables[{i}]")
        entity = _text(item["entity"], f"snapshot.tables[{i}].entity")
        if entity in tables:
            raise _bad(f"snapshot.tables[{i}].entity")
        tables[entity] = _int(item["rows"], f"snapshot.tables[{i}].rows")
    return SnapshotManifest(
        store_id=_uuid(body["store_id"], "snapshot.store_id"),
        version=_int(body["version"], "snapshot.version"),
        tables=tables,
    )


def parse_snapshot_page(data: Any, *, entity: str, after: UUID | None, limit: int
                        ) -> SnapshotPage:
    """A keyset page: the table asked for, IDs increasing after ``after``, at most ``limit``."""
    body = _object(data, frozenset({"store_id", "entity", "rows", "next_after"}), "page")
    if body["entity"] != entity:
        raise _bad("page.entity")
    rows: list[SnapshotRow] = []
    last = after.int if after is not None else -1
    raw_rows = _list(body["rows"], "page.rows")
    if len(raw_rows) > limit:
        raise _bad("page.rows")
    for i, raw in enumerate(raw_rows):
        where = f"page.rows[{i}]"
        item = _object(raw, frozenset({"id", "version", "deleted", "doc"}), where)
        row = SnapshotRow(
            id=_uuid(item["id"], f"{where}.id"),
            version=_int(item["version"], f"{where}.version"),
            deleted=_bool(item["deleted"], f"{where}.deleted"),
            doc=item["doc"],
        )
        if not isinstance(row.doc, dict):
            raise _bad(f"{where}.doc")
        if row.id.int <= last:
            raise _bad(f"{where}.id")
        last = row.id.int
        rows.append(row)
    next_after = None
    if body["next_after"] is not None:
        next_after = _uuid(body["next_after"], "page.next_after")
        if not rows or next_after != rows[-1].id:
            raise _bad("page.next_after")
    return SnapshotPage(
        store_id=_uuid(body["store_id"], "page.store_id"),
        entity=entity,
        rows=rows,
        next_after=next_after,
    )
