"""The read side: the change feed (pull), snapshots for new workstations, server-side writes.

Every change is a change-log row ``(version, seq)`` carrying the aggregate as of that version
(or a tombstone). Versions are handed out under the ``sync_state`` row lock, so a reader
that has seen version N can never later find a commit below N: pulling ``version > cursor``
sees every change exactly once. Pages end on version boundaries, never inside one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from psycopg.types.json import Jsonb
from sqlalchemy import Connection, Engine

from jeweltrak_core.sync.wire import encode
from sync_server.audit.entries import Actor, AuditEntry, audit_entry, write_audit
from sync_server.db.engine import tenant_transaction
from sync_server.db.names import TenantRef
from sync_server.db.tenant_tables import KIND_BY_TABLE, kind_of
from sync_server.errors import ServiceError
from sync_server.sync.push import NOTIFY_CHANNEL


@dataclass(frozen=True)
class Page:
    """One page of the change feed; each change is already JSON text."""

    changes: list[str]
    next_cursor: int
    has_more: bool
    version: int

    def to_json(self, store_id: UUID) -> bytes:
        """The response body, addressed to the asking device's store."""
        return (
            f'{{"store_id":"{store_id}","changes":[{",".join(self.changes)}],'
            f'"next_cursor":{self.next_cursor},'
            f'"has_more":{"true" if self.has_more else "false"},"version":{self.version}}}'
        ).encode()


def _cursor(conn: Connection) -> Any:
    return conn.connection.driver_connection.cursor()  # type: ignore[union-attr]


def current_version(conn: Connection) -> tuple[int, int]:
    """(version, retained_from) of the tenant the transaction is in."""
    cur = _cursor(conn)
    cur.execute("SELECT version, retained_from FROM sync_state WHERE id = 1")
    version, retained_from = cur.fetchone()
    return int(version), int(retained_from)


def read_page(conn: Connection, cursor: int, limit: int) -> Page:
    """Changes after ``cursor``: up to ``limit`` rows, extended to finish the last version."""
    version, retained_from = current_version(conn)
    if cursor < retained_from:
        raise ServiceError(
            410,
            "cursor_expired",
            "This workstation was offline longer than the change history is kept; it "
            "will download a fresh copy of the store.",
            retained_from=retained_from,
        )
    if cursor > version:
        raise ServiceError(
            410,
            "cursor_unknown",
            "This workstation's sync position is ahead of the service (the service was "
            "restored); it will download a fresh copy of the store.",
            version=version,
        )
    cur = _cursor(conn)
    cur.execute(
        "SELECT version FROM change_log WHERE version > %s ORDER BY version, seq "
        "OFFSET %s LIMIT 1",
        (cursor, max(limit - 1, 0)),
    )
    boundary = cur.fetchone()
    upper = min(int(boundary[0]), version) if boundary else version
    cur.execute(
        "SELECT version, entity, entity_id::text, deleted, doc::text FROM change_log "
        "WHERE version > %s AND version <= %s ORDER BY version, seq",
        (cursor, upper),
    )
    # Entity names and IDs are generated (no escaping needed); docs pass through as text.
    changes = [
        f'{{"version":{v},"entity":"{e}","id":"{i}","deleted":{"true" if d else "false"},'
        f'"doc":{"null" if doc is None else doc}}}'
        for v, e, i, d, doc in cur.fetchall()
    ]
    next_cursor = upper if changes else cursor
    return Page(
        changes=changes,
        next_cursor=max(next_cursor, cursor),
        has_more=next_cursor < version,
        version=version,
    )


def snapshot_manifest(conn: Connection, store_id: UUID) -> dict[str, Any]:
    """The version to pull from after a snapshot, and how many rows each table has."""
    version, _ = current_version(conn)
    cur = _cursor(conn)
    tables = []
    for table in KIND_BY_TABLE:
        cur.execute(f"SELECT count(*) FROM {table}")
        tables.append({"entity": table, "rows": int(cur.fetchone()[0])})
    return {"store_id": str(store_id), "version": version, "tables": tables}


def snapshot_page(
    conn: Connection, entity: str, after: UUID | None, limit: int, *, store_id: UUID
) -> bytes:
    """One keyset page of a table, by ID (stable under concurrent inserts), as JSON bytes.

    Documents are passed through as the text PostgreSQL stores, never parsed and
    re-serialised: a 100,000-piece snapshot is mostly this loop.
    """
    if entity not in KIND_BY_TABLE:
        raise ServiceError(
            422, "validation_error", f"Unknown entity {entity!r}.", known=",".join(KIND_BY_TABLE)
        )
    cur = _cursor(conn)
    # Limit first, then turn documents into text: otherwise a plan that sorts the table
    # would convert every row's document, not just this page's.
    where = "" if after is None else "WHERE id > %s "
    cur.execute(
        "SELECT id::text, version, deleted, doc::text FROM "
        f"(SELECT id, version, deleted, doc FROM {entity} {where}ORDER BY id LIMIT %s) page "
        "ORDER BY id",
        (limit,) if after is None else (after, limit),
    )
    rows = cur.fetchall()
    items = ",".join(
        f'{{"id":"{i}","version":{v},"deleted":{"true" if d else "false"},"doc":{doc}}}'
        for i, v, d, doc in rows
    )
    next_after = f'"{rows[-1][0]}"' if len(rows) == limit else "null"
    return (
        f'{{"store_id":"{store_id}","entity":"{entity}","rows":[{items}],'
        f'"next_after":{next_after}}}'
    ).encode()


def write_entities(conn: Connection, tenant: TenantRef, entities: list[object],
                   *, user_id: UUID | None = None) -> int:
    """Server-side changes (stores, staff, groups from the admin API) into the feed.

    Takes the version lock like a push, so these interleave correctly with synced ops.
    Changes to money, stock or settings go to the audit log too, with ``user_id`` (the
    signed-in person who made them) when the caller knows it.
    """
    cur = _cursor(conn)
    cur.execute("SELECT version FROM sync_state WHERE id = 1 FOR UPDATE")
    version = int(cur.fetchone()[0]) + 1
    audit: list[tuple[int, AuditEntry, Actor]] = []
    for seq, entity in enumerate(entities):
        table = kind_of(type(entity)).table
        if hasattr(entity, "version"):
            entity.version = version
        doc = encode(entity)
        entity_id = entity.id  # type: ignore[attr-defined]
        cur.execute(f"SELECT doc, deleted FROM {table} WHERE id = %s", (entity_id,))
        prior = cur.fetchone()
        entry = audit_entry(table, entity_id, None if prior is None or prior[1] else prior[0],
                            doc)
        if entry is not None:
            audit.append((version, entry, Actor(user_id=user_id)))
        cur.execute(
            f"INSERT INTO {table} (id, version, deleted, doc) VALUES (%s, %s, false, %s) "
            "ON CONFLICT (id) DO UPDATE SET version = excluded.version, deleted = false, "
            "doc = excluded.doc",
            (entity_id, version, Jsonb(doc)),
        )
        cur.execute(
            "INSERT INTO change_log (version, seq, entity, entity_id, deleted, doc) "
            "VALUES (%s, %s, %s, %s, false, %s)",
            (version, seq, table, entity_id, Jsonb(doc)),
        )
    write_audit(cur, audit)
    cur.execute("UPDATE sync_state SET version = %s WHERE id = 1", (version,))
    cur.execute("SELECT pg_notify(%s, %s)", (NOTIFY_CHANNEL, f"{tenant.id}:{version}"))
    return version


def list_problems(conn: Connection, limit: int = 200) -> list[dict[str, Any]]:
    """Rejected and conflicting ops, newest first: what the Sync problems screen lists."""
    cur = _cursor(conn)
    cur.execute(
        "SELECT op_id, device_id, seq, op_type, status, result, received_at FROM applied_ops "
        "WHERE status <> 'applied' ORDER BY received_at DESC LIMIT %s",
        (limit,),
    )
    return [
        {
            "op_id": str(op_id),
            "device_id": str(device_id),
            "seq": seq,
            "op_type": op_type,
            "status": status,
            "result": result,
            "received_at": received_at.isoformat(),
        }
        for op_id, device_id, seq, op_type, status, result, received_at in cur.fetchall()
    ]


def prune_change_log(engine: Engine, tenant: TenantRef, before: datetime) -> int:
    """Drop change-log entries committed before ``before``; older cursors then get 410."""
    with tenant_transaction(engine, tenant) as conn:
        cur = _cursor(conn)
        cur.execute("SELECT version FROM sync_state WHERE id = 1 FOR UPDATE")
        cur.execute(
            "DELETE FROM change_log WHERE committed_at < %s RETURNING version", (before,)
        )
        versions = [int(r[0]) for r in cur.fetchall()]
        if versions:
            cur.execute(
                "UPDATE sync_state SET retained_from = GREATEST(retained_from, %s) WHERE id = 1",
                (max(versions),),
            )
        return len(versions)
