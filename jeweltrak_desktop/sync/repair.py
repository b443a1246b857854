"""Refreshing stale rows: local copies that may differ from the service's.

A row becomes stale when a pull skipped it (pending operations touched it) or when an
operation that touched it changed nothing on the service (rejected). Once no pending
operation touches it, its copy is fetched from the service and written over the local one
— or the local row is deleted when the service has none (a rejected creation).

The service has no "get rows by ID" endpoint, so a row is read as the keyset page of
one row that starts just before its ID (``after = id - 1``); a page whose first row has
another ID means the service has no such row.
"""

from __future__ import annotations

import logging
from uuid import UUID

from jeweltrak_desktop.services.local_store import LocalStore
from jeweltrak_desktop.sync.applier import (
    TABLES,
    RowWrite,
    check_stores,
    decode_row,
    pending_rows,
    write_rows,
    write_transaction,
)
from jeweltrak_desktop.sync.transport import SyncTransport

log = logging.getLogger(__name__)


def stale_rows(store: LocalStore, *, limit: int) -> list[tuple[str, str]]:
    """Up to ``limit`` stale rows as (table, id)."""
    with store.engine.connect() as conn:
        return [
            (str(e), str(i))
            for e, i in conn.exec_driver_sql(
                "SELECT entity, id FROM sync_stale_rows ORDER BY entity, id LIMIT ?", (limit,)
            ).all()
        ]


def fetch_row(transport: SyncTransport, table: str, row_id: UUID) -> RowWrite:
    """The service's copy of one row (a delete when it has none, or a tombstone)."""
    after = UUID(int=row_id.int - 1) if row_id.int else None
    page = transport.snapshot_page(table, after=after, limit=1)
    found = page.rows[0] if page.rows and page.rows[0].id == row_id else None
    doc = None if found is None or found.deleted else found.doc
    return decode_row(table, row_id, doc)


def fetch_stale_rows(
    store: LocalStore, transport: SyncTransport, *, limit: int = 200
) -> list[RowWrite]:
    """The service's copies of stale rows that no pending operation touches."""
    candidates = stale_rows(store, limit=limit)
    if not candidates:
        return []
    with write_transaction(store) as db:
        pending = pending_rows(db)
        unknown = [(t, i) for t, i in candidates if t not in TABLES]
        db.executemany("DELETE FROM sync_stale_rows WHERE entity = ? AND id = ?", unknown)
    return [
        fetch_row(transport, table, UUID(row_id))
        for table, row_id in candidates
        if table in TABLES and f"{table}:{row_id}" not in pending
    ]


def write_fetched_rows(store: LocalStore, rows: list[RowWrite]) -> int:
    """Write fetched copies (rows that became pending meanwhile stay stale); returns count.

    The caller must make sure no feed page was applied since the rows were fetched: a
    page could carry a newer copy than the one fetched.
    """
    if not rows:
        return 0
    with write_transaction(store) as db:
        check_stores(db, rows, store.identity.store_id)
        skipped = write_rows(db, rows)
    log.info("refreshed %s stale rows from the service", len(rows) - len(skipped))
    return len(rows) - len(skipped)
