"""Tables of a tenant schema ``t_<id>``: one document table per entity kind, plus sync.

Each aggregate (an invoice with its lines, a work order with its notes) is stored whole as
its wire document in ``doc`` (JSONB) — the same encoding the operations carry, so the
service and the desktops cannot drift apart field by field, a snapshot streams rows as they
are, and an op touches one row per aggregate. Fields the rules look things up by (StockID,
barcode, document numbers, links between documents) get expression indexes; the unique
ones are the server's guarantee that document numbers never collide.

Tables are unqualified: each request sets ``search_path`` to its tenant's schema only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Table,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.dialects.postgresql import UUID as PgUUID

from jeweltrak_core.appraisals.entities import Appraisal
from jeweltrak_core.contacts.entities import Contact
from jeweltrak_core.inventory.entities import Piece
from jeweltrak_core.memos.entities import CustomerMemo, VendorMemo
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

metadata = MetaData()


@dataclass(frozen=True)
class Kind:
    """One entity kind: its core class and the name of its table (and in the feed)."""

    entity: type[Any]
    table: str


KINDS: tuple[Kind, ...] = (
    Kind(Store, "stores"),
    Kind(PermissionGroup, "permission_groups"),
    Kind(User, "users"),
    Kind(Piece, "pieces"),
    Kind(Contact, "contacts"),
    Kind(Invoice, "invoices"),
    Kind(Payment, "payments"),
    Kind(Deposit, "deposits"),
    Kind(StoreCreditEntry, "store_credit_entries"),
    Kind(Dispute, "disputes"),
    Kind(DrawerSession, "drawer_sessions"),
    Kind(CustomerMemo, "customer_memos"),
    Kind(VendorMemo, "vendor_memos"),
    Kind(WorkOrder, "work_orders"),
    Kind(Appraisal, "appraisals"),
    Kind(OversellException, "oversell_exceptions"),
)
KIND_BY_ENTITY: dict[type[Any], Kind] = {k.entity: k for k in KINDS}
KIND_BY_TABLE: dict[str, Kind] = {k.table: k for k in KINDS}


def kind_of(entity_cls: type[Any]) -> Kind:
    """The kind of a core entity class."""
    try:
        return KIND_BY_ENTITY[entity_cls]
    except KeyError:
        raise TypeError(f"{entity_cls.__name__} is not stored by the service") from None


def _doc_table(name: str) -> Table:
    return Table(
        name,
        metadata,
        Column("id", PgUUID(as_uuid=True), primary_key=True),
        #: Change-feed version of the last change to this row.
        Column("version", BigInteger, nullable=False),
        #: Soft delete: the row stays (with a tombstone in the feed); never for money.
        Column("deleted", Boolean, nullable=False, server_default=text("false")),
        Column("doc", JSONB, nullable=False),
    )


DOC_TABLES: dict[str, Table] = {k.table: _doc_table(k.table) for k in KINDS}


def _field(table: str, name: str) -> Any:
    return DOC_TABLES[table].c.doc[name].astext


def _lower(table: str, name: str) -> Any:
    return func.lower(_field(table, name))


# Lookups the rules make; unique ones enforce what numbering promises.
Index("ux_pieces_stock_id", _lower("pieces", "stock_id"), unique=True)
Index(
    "ux_pieces_barcode",
    _lower("pieces", "barcode"),
    unique=True,
    postgresql_where=_field("pieces", "barcode").isnot(None),
)
Index("ux_stores_code", _lower("stores", "code"), unique=True)
for _doc in ("invoices", "customer_memos", "work_orders", "appraisals"):
    Index(
        f"ux_{_doc}_number",
        _lower(_doc, "number"),
        unique=True,
        postgresql_where=_field(_doc, "number").isnot(None),
    )
for _owned in ("invoices", "customer_memos", "work_orders", "appraisals", "payments",
               "deposits", "store_credit_entries"):
    Index(f"ix_{_owned}_contact", _field(_owned, "contact_id"))
Index("ix_pieces_vendor", _field("pieces", "vendor_id"))
Index("ix_vendor_memos_vendor", _field("vendor_memos", "vendor_id"))
for _link in ("invoice_id", "refund_of_id", "drawer_session_id"):
    Index(f"ix_payments_{_link}", _field("payments", _link))
Index("ix_drawer_sessions_device", _field("drawer_sessions", "device_id"))

sync_state = Table(
    "sync_state",
    metadata,
    Column("id", SmallInteger, primary_key=True),  # always 1
    #: Last committed change-feed version. Bumped under this row's lock, so version
    #: order is commit order and a reader can never skip a late commit.
    Column("version", BigInteger, nullable=False),
    #: Oldest version still in the change log; older cursors must re-snapshot (410).
    Column("retained_from", BigInteger, nullable=False),
)

change_log = Table(
    "change_log",
    metadata,
    Column("version", BigInteger, primary_key=True),
    Column("seq", Integer, primary_key=True),
    Column("entity", String(40), nullable=False),
    Column("entity_id", PgUUID(as_uuid=True), nullable=False),
    Column("deleted", Boolean, nullable=False),
    #: The aggregate as of this version (null for a tombstone).
    Column("doc", JSONB, nullable=True),
    Column("op_id", PgUUID(as_uuid=True), nullable=True),
    Column("committed_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

applied_ops = Table(
    "applied_ops",
    metadata,
    Column("op_id", PgUUID(as_uuid=True), primary_key=True),
    Column("device_id", PgUUID(as_uuid=True), nullable=False),
    Column("seq", BigInteger, nullable=False),
    Column("op_type", String(40), nullable=False),
    #: applied / conflict / rejected
    Column("status", String(16), nullable=False),
    Column("result", JSONB, nullable=False),
    Column("version", BigInteger, nullable=True),
    #: The operation as received: rejected ops are kept for the store to see.
    Column("envelope", JSONB, nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)
Index("ux_applied_ops_device_seq", applied_ops.c.device_id, applied_ops.c.seq, unique=True)
Index(
    "ix_applied_ops_problems",
    applied_ops.c.received_at,
    postgresql_where=applied_ops.c.status != "applied",
)

device_seqs = Table(
    "device_seqs",
    metadata,
    Column("device_id", PgUUID(as_uuid=True), primary_key=True),
    Column("last_seq", BigInteger, nullable=False),
)
