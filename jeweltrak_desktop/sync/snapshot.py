"""Initial sync: a copy of the whole store from the snapshot endpoints, resumable.

1. ``GET /v1/sync/snapshot`` gives V0 and each table's row count; both are kept in
   ``snapshot_progress`` (one row per table) before the first page is fetched.
2. Each table is read in keyset pages (by ID). A page is applied with the same rules as a
   pull page (strict decoding, store check, pending rows left alone) in ONE transaction
   together with the table's new position, so after an interruption the download resumes
   at the first page not yet stored.
3. When every table is done the cursor is set to V0, the progress rows are removed and the
   full-text indexes are rebuilt, in one transaction; the feed is then pulled from V0.
   (While progress rows exist the FTS triggers stand still — migration 0004 — because
   one rebuild costs a fraction of indexing 100,000 rows one by one.) A resumed download
   keeps the first V0: rows read later are newer than V0, and replaying the feed from V0
   over them is harmless (each change carries the whole aggregate).

Deleted rows in the snapshot delete the local copy, so a re-snapshot (after 410) also
removes what the service deleted meanwhile.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from uuid import UUID

from jeweltrak_core.clock import utc_now
from jeweltrak_desktop.services.local_store import LocalStore
from jeweltrak_desktop.store.codec import format_datetime
from jeweltrak_desktop.sync.applier import (
    TABLES,
    RowWrite,
    check_addressed,
    check_stores,
    decode_row,
    write_rows,
    write_transaction,
)
from jeweltrak_desktop.sync.errors import BAD_RESPONSE_SENTENCE, BadResponse
from jeweltrak_desktop.sync.responses import SnapshotManifest, SnapshotPage
from jeweltrak_desktop.sync.transport import SyncTransport

log = logging.getLogger(__name__)

#: ``on_progress(rows_done, rows_total)``
ProgressCallback = Callable[[int, int], None]
DEFAULT_PAGE = 5000
#: The FTS5 indexes that pause during a download (migration 0004) and are rebuilt after.
FULL_TEXT_INDEXES = ("pieces_fts", "contacts_fts", "work_orders_fts")


@dataclass
class _TableProgress:
    entity: str
    total: int
    rows_done: int
    after: UUID | None
    done: bool


def _rebuild_full_text(db: sqlite3.Connection) -> None:
    """Re-index every FTS table from its content table (after the triggers stood still)."""
    for fts in FULL_TEXT_INDEXES:
        db.execute(f"INSERT INTO {fts}({fts}) VALUES ('rebuild')")


def initial_sync_needed(store: LocalStore) -> bool:
    """A workstation that never completed a sync, or whose download was interrupted."""
    with store.engine.connect() as conn:
        in_progress = conn.exec_driver_sql("SELECT count(*) FROM snapshot_progress").scalar()
        state = conn.exec_driver_sql(
            "SELECT cursor, last_sync_at FROM sync_state WHERE id = 1"
        ).first()
    never_synced = state is None or (state[0] == 0 and state[1] is None)
    return bool(in_progress) or never_synced


class SnapshotDownload:
    """Downloads (or resumes downloading) the store into this workstation."""

    def __init__(
        self,
        store: LocalStore,
        transport: SyncTransport,
        *,
        page_size: int = DEFAULT_PAGE,
        on_progress: ProgressCallback | None = None,
    ) -> None:
        self.store = store
        self.transport = transport
        self.page_size = page_size
        self.on_progress = on_progress

    def run(self, *, fresh: bool = False) -> int:
        """Download every table, set the cursor to V0 and return V0.

        ``fresh`` discards an interrupted download first (a 410 asks for a new copy).
        """
        if fresh:
            with write_transaction(self.store) as db:
                db.execute("DELETE FROM snapshot_progress")
                _rebuild_full_text(db)  # the indexes run again until the new download starts
        version, tables = self._load()
        if not tables:
            version, tables = self._start(self.transport.snapshot_manifest())
        total = sum(t.total for t in tables)
        self._report(tables, total)
        for table, page, rows in self._pages([t for t in tables if not t.done]):
            self._store_page(table, page, rows)
            self._report(tables, max(total, sum(t.rows_done for t in tables)))
        with write_transaction(self.store) as db:
            db.execute("DELETE FROM snapshot_progress")
            _rebuild_full_text(db)
            db.execute(
                "UPDATE sync_state SET cursor = ?, last_sync_at = ?, last_error = NULL "
                "WHERE id = 1",
                (version, format_datetime(utc_now())),
            )
        log.info("initial sync done at version %s (%s rows)", version,
                 sum(t.rows_done for t in tables))
        return version

    def _report(self, tables: list[_TableProgress], total: int) -> None:
        if self.on_progress is not None:
            self.on_progress(sum(t.rows_done for t in tables), total)

    def _load(self) -> tuple[int, list[_TableProgress]]:
        with self.store.engine.connect() as conn:
            rows = conn.exec_driver_sql(
                "SELECT entity, version, total, rows_done, after_id, done FROM snapshot_progress"
            ).all()
        order = list(TABLES)
        tables = sorted(
            (
                _TableProgress(e, int(t), int(d), UUID(a) if a else None, bool(done))
                for e, _v, t, d, a, done in rows
            ),
            key=lambda t: order.index(t.entity),
        )
        return (int(rows[0][1]) if rows else 0), tables

    def _start(self, manifest: SnapshotManifest) -> tuple[int, list[_TableProgress]]:
        check_addressed(manifest.store_id, self.store.identity.store_id, "snapshot.store_id")
        unknown = [e for e in manifest.tables if e not in TABLES]
        if unknown:
            raise BadResponse(BAD_RESPONSE_SENTENCE, where=f"unknown tables {unknown[:3]}")
        # Stores first: the store check of later pages needs them.
        tables = [
            _TableProgress(name, manifest.tables[name], 0, None, False)
            for name in TABLES
            if name in manifest.tables
        ]
        with write_transaction(self.store) as db:
            db.executemany(
                "INSERT INTO snapshot_progress (entity, version, total, rows_done, after_id, "
                "done) VALUES (?, ?, ?, 0, NULL, 0)",
                [(t.entity, manifest.version, t.total) for t in tables],
            )
        return manifest.version, tables

    def _fetch(self, table: _TableProgress, after: UUID | None) -> SnapshotPage:
        page = self.transport.snapshot_page(table.entity, after=after, limit=self.page_size)
        check_addressed(page.store_id, self.store.identity.store_id, "page.store_id")
        return page

    @staticmethod
    def _decode(table: _TableProgress, page: SnapshotPage) -> list[RowWrite]:
        return [decode_row(table.entity, r.id, None if r.deleted else r.doc) for r in page.rows]

    def _pages(
        self, tables: list[_TableProgress]
    ) -> Iterator[tuple[_TableProgress, SnapshotPage, list[RowWrite]]]:
        """Every remaining page in order, through three stages that overlap: while the
        caller writes page N, page N+1 is decoded on one helper thread and page N+2 is
        being answered by the service (its request waits on another). SQLite and the
        socket release the GIL, so the service's work and the write hide behind decoding.

        A page that failed to arrive (offline, bad answer) ends the run after the pages
        before it were handed out, so a resumed download starts right there.
        """
        if not tables:
            return
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="jeweltrak-fetch") as net, \
                ThreadPoolExecutor(max_workers=1, thread_name_prefix="jeweltrak-decode") as cpu:
            index = 0
            fetching: Future[SnapshotPage] | None = net.submit(
                self._fetch, tables[0], tables[0].after
            )
            ready: tuple[_TableProgress, SnapshotPage, Future[list[RowWrite]]] | None = None
            try:
                while fetching is not None:
                    table = tables[index]
                    try:
                        page = fetching.result()
                    except BaseException:
                        fetching = None
                        if ready is not None:
                            done, ready = ready, None
                            yield done[0], done[1], done[2].result()
                        raise
                    if page.next_after is not None:
                        fetching = net.submit(self._fetch, table, page.next_after)
                    elif index + 1 < len(tables):
                        index += 1
                        fetching = net.submit(self._fetch, tables[index], tables[index].after)
                    else:
                        fetching = None
                    decoding = cpu.submit(self._decode, table, page)
                    if ready is not None:
                        done, ready = ready, None
                        yield done[0], done[1], done[2].result()
                    ready = (table, page, decoding)
                if ready is not None:
                    done, ready = ready, None
                    yield done[0], done[1], done[2].result()
            finally:
                # Stopped early (an error, or the caller closed the generator): nothing
                # more is asked of the service; what is running finishes and is dropped.
                for future in (fetching, ready[2] if ready is not None else None):
                    if future is not None:
                        future.cancel()

    def _store_page(self, table: _TableProgress, page: SnapshotPage, rows: list[RowWrite]
                    ) -> None:
        """The page's rows and the table's new position, in one transaction."""
        done = page.next_after is None
        with write_transaction(self.store) as db:
            check_stores(db, rows, self.store.identity.store_id)
            write_rows(db, rows)
            db.execute(
                "UPDATE snapshot_progress SET rows_done = rows_done + ?, after_id = ?, done = ? "
                "WHERE entity = ?",
                (len(rows), str(page.next_after) if page.next_after else None, done,
                 table.entity),
            )
        table.rows_done += len(rows)
        table.after = page.next_after
        table.done = done
