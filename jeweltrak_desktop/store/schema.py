"""The local database schema, derived from the core entities.

Each core dataclass *is* the model of its table: its scalar fields become columns (see
``codec.py`` for the stored forms) and each ``list[Child]`` field becomes a child table
keyed by the parent's ID with a ``seq`` column that keeps list order. Deriving the tables
keeps the desktop, the wire format and the rules in step; Alembic migrations are still
written out explicitly (``migrations/versions``) so a schema change is reviewed and a test
compares the migrated database with this metadata.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

from jeweltrak_core.appraisals.entities import Appraisal
from jeweltrak_core.contacts.entities import Contact, phone_digits
from jeweltrak_core.inventory.entities import Piece
from jeweltrak_core.memos.entities import CustomerMemo, VendorMemo
from jeweltrak_core.memos.rules import memo_counts_text
from jeweltrak_core.payments.entities import (
    Deposit,
    Dispute,
    DrawerSession,
    Payment,
    StoreCreditEntry,
)
from jeweltrak_core.sales.entities import Invoice
from jeweltrak_core.store.entities import OversellException, PermissionGroup, Store, User
from jeweltrak_core.work_orders.entities import WorkOrder
from jeweltrak_desktop.store.codec import base_type, child_type, hints, is_json

metadata = MetaData()


@dataclass(frozen=True)
class ChildTable:
    """A ``list[Child]`` field stored in its own table."""

    entity: type
    table: Table
    parent_column: str


@dataclass(frozen=True)
class EntityTable:
    """A root entity, its table, child tables, and computed (query-only) columns."""

    entity: type
    table: Table
    children: dict[str, ChildTable] = field(default_factory=dict)
    computed: dict[str, Callable[[Any], Any]] = field(default_factory=dict)


def _column_type(tp: Any) -> Any:
    inner, _ = base_type(tp)
    if is_json(inner):
        return Text()
    if inner is UUID:
        return String(36)
    if inner is bool:
        return Boolean()
    if inner is int:
        return BigInteger()
    if inner in (Decimal, str) or (isinstance(inner, type) and issubclass(inner, enum.Enum)):
        return Text() if inner is str else String(40)
    if inner is datetime:
        return String(27)
    if inner is date:
        return String(10)
    raise TypeError(f"no column type for {tp!r}")


_NOCASE = frozenset({"stock_id", "barcode", "number"})


def _columns(cls: type, skip: frozenset[str] = frozenset()) -> list[Column[Any]]:
    cols: list[Column[Any]] = []
    for f in dataclasses.fields(cls):
        tp = hints(cls)[f.name]
        if f.name in skip or child_type(tp) is not None:
            continue
        _, nullable = base_type(tp)
        col_type = _column_type(tp)
        if f.name in _NOCASE:
            col_type = String(48, collation="NOCASE")
        cols.append(
            Column(
                f.name, col_type, primary_key=f.name == "id", nullable=nullable and f.name != "id"
            )
        )
    return cols


def _entity_table(
    cls: type,
    name: str,
    *,
    children: dict[str, str] | None = None,
    computed: dict[str, tuple[Any, Callable[[Any], Any]]] | None = None,
) -> EntityTable:
    extra = [
        Column(col, col_type, nullable=True) for col, (col_type, _) in (computed or {}).items()
    ]
    table = Table(name, metadata, *_columns(cls), *extra)
    child_tables: dict[str, ChildTable] = {}
    parent_col = f"{name.rstrip('s')}_id"
    for field_name, child_name in (children or {}).items():
        child_cls = child_type(hints(cls)[field_name])
        assert child_cls is not None
        child = Table(
            child_name,
            metadata,
            *_columns(child_cls),
            Column(
                parent_col,
                String(36),
                ForeignKey(f"{name}.id", ondelete="CASCADE"),
                nullable=False,
                index=True,
            ),
            Column("seq", Integer, nullable=False),
        )
        child_tables[field_name] = ChildTable(child_cls, child, parent_col)
    return EntityTable(
        cls, table, child_tables, {col: fn for col, (_, fn) in (computed or {}).items()}
    )


def _memo_status(memo: CustomerMemo) -> str:
    return memo.status.value


ENTITY_TABLES: dict[type, EntityTable] = {
    et.entity: et
    for et in (
        _entity_table(Store, "stores"),
        _entity_table(PermissionGroup, "permission_groups"),
        _entity_table(User, "users"),
        _entity_table(Piece, "pieces"),
        _entity_table(
            Contact,
            "contacts",
            computed={
                "display_name": (Text(), lambda c: c.display_name),
                "phone_digits": (Text(), lambda c: " ".join(phone_digits(p) for p in c.phones)),
                "email_text": (Text(), lambda c: " ".join(c.emails)),
            },
        ),
        _entity_table(
            Invoice,
            "invoices",
            children={"lines": "invoice_lines"},
            computed={
                "balance_cents": (BigInteger(), lambda i: i.balance_cents),
            },
        ),
        _entity_table(Payment, "payments"),
        _entity_table(Deposit, "deposits"),
        _entity_table(StoreCreditEntry, "store_credit_entries"),
        _entity_table(Dispute, "disputes"),
        _entity_table(DrawerSession, "drawer_sessions"),
        _entity_table(
            CustomerMemo,
            "customer_memos",
            children={"lines": "memo_lines"},
            computed={
                "status": (String(40), _memo_status),
                "counts_text": (Text(), lambda m: memo_counts_text([ln.status for ln in m.lines])),
            },
        ),
        _entity_table(VendorMemo, "vendor_memos", children={"lines": "vendor_memo_lines"}),
        _entity_table(
            WorkOrder,
            "work_orders",
            children={
                "notes": "work_order_notes",
                "attachments": "work_order_attachments",
                "events": "work_order_events",
            },
        ),
        _entity_table(
            Appraisal,
            "appraisals",
            children={"lines": "appraisal_lines"},
            computed={
                "total_cents": (BigInteger(), lambda a: a.total_cents),
            },
        ),
        _entity_table(OversellException, "oversell_exceptions"),
    )
}


def table_of(kind: type) -> EntityTable:
    """The table description of a root entity class."""
    try:
        return ENTITY_TABLES[kind]
    except KeyError:
        raise TypeError(f"{kind.__name__} is not stored locally") from None


_t = {et.table.name: et.table for et in ENTITY_TABLES.values()}
Index("ux_pieces_stock_id", _t["pieces"].c.stock_id, unique=True)
Index("ux_pieces_barcode", _t["pieces"].c.barcode, unique=True)
Index("ix_pieces_certificate_no", _t["pieces"].c.certificate_no)
Index("ix_pieces_serial_no", _t["pieces"].c.serial_no)
Index("ix_pieces_family_status", _t["pieces"].c.family, _t["pieces"].c.status)
# The inventory list: one family's live pieces in StockID order (migration 0005).
Index("ix_pieces_list", _t["pieces"].c.family, _t["pieces"].c.deleted, _t["pieces"].c.stock_id)
for _doc in ("invoices", "customer_memos", "work_orders", "appraisals"):
    Index(f"ux_{_doc}_number", _t[_doc].c.number, unique=True)
Index("ix_invoices_contact", _t["invoices"].c.contact_id)
Index("ix_payments_invoice", _t["payments"].c.invoice_id)
Index("ix_payments_refund_of", _t["payments"].c.refund_of_id)
Index("ix_payments_drawer", _t["payments"].c.drawer_session_id)
Index("ix_customer_memos_contact", _t["customer_memos"].c.contact_id)
Index("ix_work_orders_status", _t["work_orders"].c.status)
Index("ix_memo_lines_piece", metadata.tables["memo_lines"].c.piece_id)

# --- local-only tables: identity of this workstation, the outbox, numbering -------------

device = Table(
    "device",
    metadata,
    Column("id", Integer, primary_key=True),  # always 1
    Column("device_id", String(36), nullable=False),
    Column("store_id", String(36), nullable=False),
    Column("store_code", String(8), nullable=False),
    Column("workstation_code", String(8), nullable=False),
    Column("server_url", Text, nullable=True),
    Column("paired", Boolean, nullable=False, default=False),
    Column("last_seq", BigInteger, nullable=False, default=0),
)

outbox = Table(
    "outbox",
    metadata,
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    Column("op_id", String(36), nullable=False, unique=True),
    Column("op_type", String(40), nullable=False),
    Column("envelope", Text, nullable=False),
    Column("touched", JSON, nullable=False),
    Column("created_at", String(27), nullable=False),
    Column("status", String(16), nullable=False, default="pending", index=True),
    Column("result", Text, nullable=True),
    Column("attempts", Integer, nullable=False, default=0),
)

sync_state = Table(
    "sync_state",
    metadata,
    Column("id", Integer, primary_key=True),  # always 1
    Column("cursor", BigInteger, nullable=False, default=0),
    Column("last_sync_at", String(27), nullable=True),
    Column("last_error", Text, nullable=True),
)

number_sequences = Table(
    "number_sequences",
    metadata,
    Column("kind", String(24), primary_key=True),
    Column("next_value", BigInteger, nullable=False),
)

# --- sync client bookkeeping (migration 0003) -------------------------------------------

#: An initial sync in progress: one row per table, so an interrupted download resumes where
#: it stopped. ``version`` is the snapshot's V0 (the same in every row); rows are removed
#: when the snapshot completes and the cursor is set to V0.
snapshot_progress = Table(
    "snapshot_progress",
    metadata,
    Column("entity", String(40), primary_key=True),
    Column("version", BigInteger, nullable=False),
    Column("total", BigInteger, nullable=False),
    Column("rows_done", BigInteger, nullable=False, default=0),
    Column("after_id", String(36), nullable=True),
    Column("done", Boolean, nullable=False, default=False),
)

#: Rows whose local copy may differ from the service: skipped by a pull while they had
#: pending operations, or touched by an operation the service rejected. The sync client
#: fetches the service's copy once no pending operation touches them any more.
sync_stale_rows = Table(
    "sync_stale_rows",
    metadata,
    Column("entity", String(40), primary_key=True),
    Column("id", String(36), primary_key=True),
)
