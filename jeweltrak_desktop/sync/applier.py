"""Applying the service's rows to the local store: pull pages, snapshot pages, repairs.

A page is validated whole before anything is written: it must be addressed to this
workstation's store (the service names the asking device's store in every page), every
entity name must be a local table, every document must decode strictly into its core
class with the ID it is filed under, and every row that belongs to a store must belong
to a store of this tenant (this workstation's store, a store already synced, or a store
in the same page). A page that fails any check raises ``BadResponse`` and writes
nothing, so a newer service, a proxy's mix-up or another tenant's data can never corrupt
the store.

Then, in ONE ``BEGIN IMMEDIATE`` transaction with the new cursor: rows that still have
pending outbox operations are left alone (the operations are uploaded first and the
service's resulting rows come back later in the feed) and recorded in
``sync_stale_rows``; every other row is upserted (or deleted, for a tombstone) in bulk,
a few multi-row statements per table (see ``_insert_many``). A row the bulk write cannot take (a
StockID or document number still held by a local row that is about to be corrected) is
skipped the same way, after a row-by-row retry under savepoints, instead of blocking the
feed.

A page meant for another store (a proxy or cache mixing up answers) fails the address
check even when it carries that tenant's own store rows.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import chain
from typing import Any, NamedTuple
from uuid import UUID

from jeweltrak_core.clock import utc_now
from jeweltrak_core.errors import JewelTrakError
from jeweltrak_core.store.entities import Store
from jeweltrak_core.sync.wire import decode
from jeweltrak_desktop.services.local_store import LocalStore
from jeweltrak_desktop.store.codec import entity_to_row, format_datetime, row_function
from jeweltrak_desktop.store.schema import ENTITY_TABLES, EntityTable
from jeweltrak_desktop.sync.errors import BAD_RESPONSE_SENTENCE, BadResponse, bad_response
from jeweltrak_desktop.sync.responses import PullPage

log = logging.getLogger(__name__)

#: Local tables by the name the service uses for them (the same names).
TABLES: dict[str, EntityTable] = {et.table.name: et for et in ENTITY_TABLES.values()}


class RowWrite(NamedTuple):
    """A validated row from the service: the entity to store, or None to delete it.

    ``values`` (the root row) and ``children`` (the child rows, per child table) are the
    stored forms, computed when the row is decoded — possibly on another thread — so the
    write transaction only binds them. (A NamedTuple: a snapshot makes 100,000 of them.)
    """

    table: str
    id: str
    entity: Any | None
    values: tuple[Any, ...] = ()
    children: tuple[list[tuple[Any, ...]], ...] = ()

    @property
    def key(self) -> str:
        """``table:id``, as the outbox lists touched rows."""
        return f"{self.table}:{self.id}"


class StaleCursor(JewelTrakError):
    """The local cursor moved while a page was in flight; the page was not applied."""

    code = "stale_cursor"


# --- validation -----------------------------------------------------------------------


def _refuse(where: str) -> BadResponse:
    return BadResponse(BAD_RESPONSE_SENTENCE, where=where)


def decode_row(table: str, row_id: UUID, doc: dict[str, Any] | None) -> RowWrite:
    """A row of the service, decoded strictly; ``doc=None`` is a delete."""
    et = TABLES.get(table)
    if et is None:
        raise _refuse(f"unknown entity {table[:40]!r}")
    if doc is None:
        return RowWrite(table, str(row_id), None)
    try:
        entity: Any = decode(et.entity, doc)
    except JewelTrakError:
        raise _refuse(f"{table} {row_id}: document does not decode") from None
    if entity.id != row_id:
        raise _refuse(f"{table} {row_id}: document has another id")
    return RowWrite(table, str(row_id), entity, _root_values(et, entity), _child_rows(et, entity))


def check_stores(db: sqlite3.Connection, rows: list[RowWrite], own_store: UUID) -> None:
    """Every row filed under a store must be filed under a store of this tenant."""
    known = {UUID(r[0]) for r in db.execute("SELECT id FROM stores")}
    known.add(own_store)
    known.update(r.entity.id for r in rows if isinstance(r.entity, Store))
    for row in rows:
        if row.table == "stores" and row.entity is None and UUID(row.id) == own_store:
            raise _refuse("tombstone for this workstation's own store")
        store_id = getattr(row.entity, "store_id", None)
        if store_id is not None and store_id not in known:
            raise _refuse(f"{row.table} {row.id}: filed under an unknown store")


# --- writing --------------------------------------------------------------------------


@contextmanager
def write_transaction(store: LocalStore) -> Iterator[sqlite3.Connection]:
    """A ``BEGIN IMMEDIATE`` transaction; yields the driver connection inside it."""
    with store.engine.connect().execution_options(immediate=True) as conn, conn.begin():
        yield conn.connection.driver_connection  # type: ignore[misc]


def pending_rows(db: sqlite3.Connection) -> set[str]:
    """``table:id`` of every row that pending outbox operations touch."""
    return {
        r[0]
        for r in db.execute(
            "SELECT DISTINCT j.value FROM outbox, json_each(outbox.touched) AS j "
            "WHERE outbox.status = 'pending'"
        )
    }


def mark_stale(db: sqlite3.Connection, keys: Iterable[str]) -> None:
    """Remember rows whose local copy must be refreshed from the service."""
    db.executemany(
        "INSERT OR IGNORE INTO sync_stale_rows (entity, id) VALUES (?, ?)",
        [tuple(k.split(":", 1)) for k in keys],
    )


@dataclass(frozen=True)
class _ChildSql:
    field: str
    table: str
    columns: tuple[str, ...]
    delete: str


@dataclass(frozen=True)
class _Sql:
    columns: tuple[str, ...]
    upsert: str
    delete: str
    children: tuple[_ChildSql, ...]


_SQL: dict[str, _Sql] = {}


def _sql(et: EntityTable) -> _Sql:
    """The statements of a table; deletes take a whole batch of IDs as ONE JSON parameter."""
    found = _SQL.get(et.table.name)
    if found is None:
        name = et.table.name
        cols = tuple(c.name for c in et.table.columns)
        sets = ", ".join(f"{c} = excluded.{c}" for c in cols if c != "id")
        children = tuple(
            _ChildSql(
                field,
                child.table.name,
                tuple(c.name for c in child.table.columns),
                f"DELETE FROM {child.table.name} WHERE {child.parent_column} IN "
                "(SELECT value FROM json_each(?))",
            )
            for field, child in et.children.items()
        )
        found = _SQL[name] = _Sql(
            columns=cols,
            upsert=f" ON CONFLICT (id) DO UPDATE SET {sets}",
            delete=f"DELETE FROM {name} WHERE id IN (SELECT value FROM json_each(?))",
            children=children,
        )
    return found


def _insert_many(
    db: sqlite3.Connection,
    table: str,
    columns: tuple[str, ...],
    rows: list[tuple[Any, ...]],
    conflict: str = "",
) -> None:
    """Multi-row ``INSERT … VALUES (…), (…), …`` statements, each as large as SQLite allows.

    Not ``executemany``: SQLite would then run one step per row, releasing and retaking
    the GIL each time, and the thread decoding the next page meanwhile holds it for up to
    the switch interval — ten times slower. Not ``json_each`` either: SQLite 3.40 parses
    each row's JSON once per column. One statement per few hundred rows keeps the write
    as fast as ``executemany`` alone while the next page is decoded in parallel.
    """
    per_statement = max(1, db.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER) // len(columns))
    one_row = "(" + ",".join("?" * len(columns)) + ")"
    head = f"INSERT INTO {table} ({', '.join(columns)}) VALUES "
    for start in range(0, len(rows), per_statement):
        chunk = rows[start : start + per_statement]
        db.execute(
            head + ",".join([one_row] * len(chunk)) + conflict,
            list(chain.from_iterable(chunk)),
        )


def _json(values: list[Any]) -> str:
    return json.dumps(values, separators=(",", ":"))


_ROW_FUNCTIONS: dict[str, Callable[[Any], tuple[Any, ...]]] = {}


def _root_values(et: EntityTable, entity: Any) -> tuple[Any, ...]:
    build = _ROW_FUNCTIONS.get(et.table.name)
    if build is None:
        build = _ROW_FUNCTIONS[et.table.name] = row_function(
            et.entity, _sql(et).columns, et.computed
        )
    return build(entity)


def _child_rows(et: EntityTable, entity: Any) -> tuple[list[tuple[Any, ...]], ...]:
    found = []
    parent_id = str(entity.id)
    for field, child in et.children.items():
        cols = [c.name for c in child.table.columns]
        rows = []
        for seq, item in enumerate(getattr(entity, field)):
            row = entity_to_row(item)
            row[child.parent_column] = parent_id
            row["seq"] = seq
            rows.append(tuple(row[c] for c in cols))
        found.append(rows)
    return tuple(found)


def _write_table(db: sqlite3.Connection, et: EntityTable, rows: list[RowWrite]) -> None:
    """Deletes and upserts of one table: a few set-based statements in all."""
    sql = _sql(et)
    ids = _json([r.id for r in rows])
    for child in sql.children:
        db.execute(child.delete, (ids,))
    deletes = [r.id for r in rows if r.entity is None]
    if deletes:
        db.execute(sql.delete, (_json(deletes),))
    upserts = [r for r in rows if r.entity is not None]
    if not upserts:
        return
    _insert_many(db, et.table.name, sql.columns, [r.values for r in upserts], sql.upsert)
    for index, child in enumerate(sql.children):
        child_rows = [c for r in upserts for c in r.children[index]]
        if child_rows:
            _insert_many(db, child.table, child.columns, child_rows)


def write_rows(db: sqlite3.Connection, rows: list[RowWrite]) -> list[str]:
    """Write rows (the last write of a row wins) except pending ones; returns skipped keys."""
    pending = pending_rows(db)
    final: dict[str, RowWrite] = {}
    skipped: dict[str, None] = {}  # ordered set
    for row in rows:
        key = row.key
        if key in pending:
            skipped[key] = None
        else:
            final.pop(key, None)  # keeps the order of last writes
            final[key] = row
    by_table: dict[str, list[RowWrite]] = {}
    for row in final.values():
        by_table.setdefault(row.table, []).append(row)
    db.execute("SAVEPOINT bulk_rows")
    try:
        for table, table_rows in by_table.items():
            _write_table(db, TABLES[table], table_rows)
    except sqlite3.IntegrityError:
        db.execute("ROLLBACK TO bulk_rows")
        skipped.update(dict.fromkeys(_write_one_by_one(db, list(final.values()))))
    db.execute("RELEASE bulk_rows")
    if db.execute("SELECT EXISTS (SELECT 1 FROM sync_stale_rows)").fetchone()[0]:
        # Rows now equal to the service's copy are no longer stale.
        db.executemany(
            "DELETE FROM sync_stale_rows WHERE entity = ? AND id = ?",
            [(r.table, r.id) for key, r in final.items() if key not in skipped],
        )
    mark_stale(db, skipped)
    return list(skipped)


def _write_one_by_one(db: sqlite3.Connection, rows: list[RowWrite]) -> list[str]:
    """Row by row under savepoints: a row a unique key refuses is skipped, not the page."""
    refused = []
    for row in rows:
        db.execute("SAVEPOINT one_row")
        try:
            _write_table(db, TABLES[row.table], [row])
        except sqlite3.IntegrityError:
            db.execute("ROLLBACK TO one_row")
            refused.append(row.key)
        db.execute("RELEASE one_row")
    return refused


# --- pull pages -----------------------------------------------------------------------


def read_cursor(store: LocalStore) -> int:
    """The local position in the change feed."""
    with store.engine.connect() as conn:
        row = conn.exec_driver_sql("SELECT cursor FROM sync_state WHERE id = 1").first()
    return int(row[0]) if row else 0


def check_addressed(addressed_to: UUID, own_store: UUID, where: str) -> None:
    """Refuse an answer the service built for another store's device."""
    if addressed_to != own_store:
        log.warning("an answer addressed to another store was refused (%s)", where)
        raise bad_response(where)


def decode_page(page: PullPage) -> list[RowWrite]:
    """Every change of a pull page, decoded and checked (raises before any write)."""
    return [decode_row(c.entity, c.id, None if c.deleted else c.doc) for c in page.changes]


def apply_pull_page(store: LocalStore, page: PullPage, *, cursor: int) -> list[str]:
    """Apply a validated page and move the cursor, in one transaction; returns skipped keys.

    ``cursor`` is the position the page was asked from: if the stored cursor moved
    meanwhile (another sync of this store), nothing is written.
    """
    check_addressed(page.store_id, store.identity.store_id, "pull.store_id")
    rows = decode_page(page)
    with write_transaction(store) as db:
        check_stores(db, rows, store.identity.store_id)
        (current,) = db.execute("SELECT cursor FROM sync_state WHERE id = 1").fetchone()
        if current != cursor:
            raise StaleCursor("The sync position moved during a pull; the page was dropped.")
        skipped = write_rows(db, rows)
        db.execute(
            "UPDATE sync_state SET cursor = ?, last_sync_at = ?, last_error = NULL WHERE id = 1",
            (page.next_cursor, format_datetime(utc_now())),
        )
    return skipped
