"""``SqliteRepository``: the core ``Repository`` protocol over one SQLAlchemy connection.

Aggregates are written whole: the root row is upserted and its child rows replaced. The
repository records every row it touches so the outbox entry can list them (the sync client
uses that to avoid clobbering rows that still have pending operations).
"""

from __future__ import annotations

import builtins
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, TypeVar
from uuid import UUID

from sqlalchemy import Connection, func, select, update

from jeweltrak_core.appraisals.entities import Appraisal
from jeweltrak_core.inventory.entities import Piece
from jeweltrak_core.memos.entities import CustomerMemo, VendorMemo
from jeweltrak_core.payments.entities import (
    Deposit,
    DrawerSession,
    Payment,
    StoreCreditEntry,
)
from jeweltrak_core.sales.entities import Invoice
from jeweltrak_core.work_orders.entities import WorkOrder
from jeweltrak_desktop.store.codec import entity_from_row, entity_to_row
from jeweltrak_desktop.store.schema import EntityTable, table_of

E = TypeVar("E")

#: Tables whose ``contact_id`` moves when two contacts are merged.
_CONTACT_OWNED: tuple[type, ...] = (
    Invoice,
    CustomerMemo,
    WorkOrder,
    Appraisal,
    Payment,
    Deposit,
    StoreCreditEntry,
)


@dataclass(frozen=True)
class _Statements:
    """Driver-level SQL for one entity table, built once: the hot path skips compiling."""

    columns: tuple[str, ...]
    select_one: str
    upsert: str
    child_columns: dict[str, tuple[str, ...]]
    select_children: dict[str, str]
    delete_children: dict[str, str]
    insert_children: dict[str, str]


_STATEMENTS: dict[str, _Statements] = {}
#: IDs bound in one ``IN (...)`` (well under SQLite's host-parameter limit).
_IDS_PER_QUERY = 500


def _sql(et: EntityTable) -> _Statements:
    found = _STATEMENTS.get(et.table.name)
    if found is None:
        found = _STATEMENTS[et.table.name] = _build_statements(et)
    return found


def _build_statements(et: EntityTable) -> _Statements:
    name = et.table.name
    columns = tuple(c.name for c in et.table.columns)
    updates = ", ".join(f"{c} = excluded.{c}" for c in columns if c != "id")
    child_columns: dict[str, tuple[str, ...]] = {}
    select_children, delete_children, insert_children = {}, {}, {}
    for field, child in et.children.items():
        cols = tuple(c.name for c in child.table.columns)
        child_columns[field] = cols
        table, parent = child.table.name, child.parent_column
        select_children[field] = f"SELECT * FROM {table} WHERE {parent} = ? ORDER BY seq"
        delete_children[field] = f"DELETE FROM {table} WHERE {parent} = ?"
        insert_children[field] = (
            f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
        )
    return _Statements(
        columns=columns,
        select_one=f"SELECT * FROM {name} WHERE id = ?",
        upsert=(
            f"INSERT INTO {name} ({', '.join(columns)}) "
            f"VALUES ({', '.join('?' * len(columns))}) "
            f"ON CONFLICT (id) DO UPDATE SET {updates}"
        ),
        child_columns=child_columns,
        select_children=select_children,
        delete_children=delete_children,
        insert_children=insert_children,
    )


class SqliteRepository:
    """Reads and writes core entities through one open connection (inside a transaction)."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        # Hot paths talk to the sqlite3 connection directly (same connection, same
        # transaction): SQLAlchemy's per-result bookkeeping costs more than the query.
        self.db: sqlite3.Connection = conn.connection.driver_connection  # type: ignore[assignment]
        self.touched: list[str] = []
        # Root rows as read in this transaction: ``put`` then writes only changed columns,
        # so an unchanged StockID or status does not churn its indexes (nor the WAL).
        self._seen: dict[tuple[str, str], dict[str, Any]] = {}

    def rows(self, sql: str, params: tuple[Any, ...] | list[Any] = ()) -> list[dict[str, Any]]:
        """Rows of a driver-level query as dicts."""
        cursor = self.db.execute(sql, params)
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    # --- generic ------------------------------------------------------------------------
    def get(self, kind: type[E], entity_id: UUID) -> E | None:
        """The entity with its children, or None."""
        et = table_of(kind)
        found = self.rows(_sql(et).select_one, (str(entity_id),))
        return self._build(et, found[0]) if found else None

    def get_many(self, kind: type[E], entity_ids: Iterable[UUID]) -> dict[UUID, E]:
        """The entities found among ``entity_ids`` (with children), read in one query per
        chunk of IDs instead of one per entity."""
        et = table_of(kind)
        wanted = list(dict.fromkeys(str(i) for i in entity_ids))
        found: dict[UUID, E] = {}
        for start in range(0, len(wanted), _IDS_PER_QUERY):
            chunk = wanted[start:start + _IDS_PER_QUERY]
            sql = f"SELECT * FROM {et.table.name} WHERE id IN ({','.join('?' * len(chunk))})"
            for row in self.rows(sql, chunk):
                entity = self._build(et, row)
                found[entity.id] = entity
        return found

    def _build(self, et: EntityTable, row: Any) -> Any:
        self._seen[(et.table.name, row["id"])] = row
        children: dict[str, list[Any]] = {}
        sql = _sql(et)
        for name, child in et.children.items():
            rows = self.rows(sql.select_children[name], (row["id"],))
            self._seen[(child.table.name, row["id"])] = {"rows": rows}
            children[name] = [entity_from_row(child.entity, r, {}) for r in rows]
        return entity_from_row(et.entity, row, children)

    def put(self, entity: object) -> None:
        """Upsert the root row, replace the child rows."""
        et = table_of(type(entity))
        sql = _sql(et)
        values = entity_to_row(entity)
        for column, compute in et.computed.items():
            values[column] = compute(entity)
        parent_id = values["id"]
        key = (et.table.name, parent_id)
        before = self._seen.get(key)
        if before is None:
            self.db.execute(sql.upsert, tuple(values[c] for c in sql.columns))
        else:
            changed = [c for c in sql.columns if before.get(c) != values[c]]
            if changed:
                assignments = ", ".join(f"{c} = ?" for c in changed)
                self.db.execute(
                    f"UPDATE {et.table.name} SET {assignments} WHERE id = ?",
                    (*(values[c] for c in changed), parent_id),
                )
        self._seen[key] = values
        for name, child in et.children.items():
            new_rows = []
            for seq, item in enumerate(getattr(entity, name)):
                child_row = entity_to_row(item)
                child_row[child.parent_column] = parent_id
                child_row["seq"] = seq
                new_rows.append(child_row)
            self._put_children(child.table.name, sql, name, parent_id, new_rows)
        self.touched.append(f"{et.table.name}:{parent_id}")

    def _put_children(
        self,
        table: str,
        sql: _Statements,
        name: str,
        parent_id: str,
        new_rows: builtins.list[dict[str, Any]],
    ) -> None:
        """Update child rows in place when the same lines are still there, else replace."""
        key = (table, parent_id)
        old_rows = self._seen.get(key, {}).get("rows")
        self._seen[key] = {"rows": new_rows}
        if old_rows is not None and [r["id"] for r in old_rows] == [r["id"] for r in new_rows]:
            for old, new in zip(old_rows, new_rows, strict=True):
                changed = [c for c in sql.child_columns[name] if old.get(c) != new[c]]
                if changed:
                    assignments = ", ".join(f"{c} = ?" for c in changed)
                    self.db.execute(
                        f"UPDATE {table} SET {assignments} WHERE id = ?",
                        (*(new[c] for c in changed), new["id"]),
                    )
            return
        self.db.execute(sql.delete_children[name], (parent_id,))
        if new_rows:
            cols = sql.child_columns[name]
            self.db.executemany(
                sql.insert_children[name], [tuple(r[c] for c in cols) for r in new_rows]
            )

    def delete(self, kind: type[Any], entity_id: UUID) -> None:
        """Remove the row (children cascade); the outbox op is the tombstone."""
        et = table_of(kind)
        sql = _sql(et)
        key = str(entity_id)
        for name, child in et.children.items():
            self.db.execute(sql.delete_children[name], (key,))
            self._seen.pop((child.table.name, key), None)
        self.db.execute(f"DELETE FROM {et.table.name} WHERE id = ?", (key,))
        self._seen.pop((et.table.name, key), None)
        self.touched.append(f"{et.table.name}:{entity_id}")

    def query(self, kind: type[E], sql: str, params: tuple[Any, ...] = ()) -> list[E]:
        """Entities from a driver-level ``SELECT * FROM <table> ...`` (hot paths)."""
        et = table_of(kind)
        return [self._build(et, row) for row in self.rows(sql, params)]

    def list(
        self,
        kind: type[E],
        *where: Any,
        order_by: Any = None,
        limit: int | None = None,
    ) -> list[E]:
        """Entities matching SQL conditions on the root table."""
        et = table_of(kind)
        stmt = select(et.table).where(*where)
        if order_by is not None:
            stmt = stmt.order_by(order_by)
        if limit is not None:
            stmt = stmt.limit(limit)
        return [self._build(et, row) for row in self.conn.execute(stmt).mappings().all()]

    # --- lookups the operations need ----------------------------------------------------
    def piece_by_stock_id(self, stock_id: str) -> Piece | None:
        """Case-insensitive exact StockID."""
        pieces = table_of(Piece).table
        found = self.list(Piece, pieces.c.stock_id == stock_id, limit=1)
        return found[0] if found else None

    def piece_by_barcode(self, barcode: str) -> Piece | None:
        """Exact barcode (case-insensitive)."""
        pieces = table_of(Piece).table
        found = self.list(Piece, pieces.c.barcode == barcode, limit=1)
        return found[0] if found else None

    def number_taken(self, kind: type[Any], number: str, exclude_id: UUID) -> bool:
        """Another document of this kind already has the number."""
        table = table_of(kind).table
        count = self.conn.execute(
            select(func.count())
            .select_from(table)
            .where(table.c.number == number, table.c.id != str(exclude_id))
        ).scalar_one()
        return bool(count)

    def payments_for(
        self,
        *,
        invoice_id: UUID | None = None,
        refund_of_id: UUID | None = None,
        drawer_session_id: UUID | None = None,
    ) -> builtins.list[Payment]:
        """Payments by invoice, original payment or drawer session."""
        table = table_of(Payment).table
        conditions = []
        if invoice_id is not None:
            conditions.append(table.c.invoice_id == str(invoice_id))
        if refund_of_id is not None:
            conditions.append(table.c.refund_of_id == str(refund_of_id))
        if drawer_session_id is not None:
            conditions.append(table.c.drawer_session_id == str(drawer_session_id))
        if not conditions:
            raise ValueError("payments_for needs a filter")
        return self.list(Payment, *conditions, order_by=table.c.created_at)

    def open_drawer_for(self, device_id: UUID) -> DrawerSession | None:
        """The device's drawer session that is not closed yet."""
        table = table_of(DrawerSession).table
        found = self.list(
            DrawerSession, table.c.device_id == str(device_id), table.c.closed_at.is_(None), limit=1
        )
        return found[0] if found else None

    def repoint_contact(self, from_id: UUID, to_id: UUID) -> None:
        """Merge: every document of one contact now belongs to the other."""
        for kind in _CONTACT_OWNED:
            table = table_of(kind).table
            result = self.conn.execute(
                update(table)
                .where(table.c.contact_id == str(from_id))
                .values(contact_id=str(to_id))
                .returning(table.c.id)
            )
            self.touched.extend(f"{table.name}:{rid}" for rid in result.scalars())
        for kind in (Piece, VendorMemo):
            table = table_of(kind).table
            result = self.conn.execute(
                update(table)
                .where(table.c.vendor_id == str(from_id))
                .values(vendor_id=str(to_id))
                .returning(table.c.id)
            )
            self.touched.extend(f"{table.name}:{rid}" for rid in result.scalars())
