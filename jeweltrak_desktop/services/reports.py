"""Figures the counter shows: the store overview, sales by day, AR aging."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from jeweltrak_core.appraisals.entities import Appraisal
from jeweltrak_core.contacts.entities import Contact
from jeweltrak_core.inventory.entities import Piece
from jeweltrak_core.memos.entities import CustomerMemo
from jeweltrak_core.memos.rules import MemoStatus
from jeweltrak_core.sales.entities import Invoice
from jeweltrak_core.sales.invoice_state import InvoiceStatus
from jeweltrak_core.store.entities import Store
from jeweltrak_core.work_orders.entities import WorkOrder
from jeweltrak_core.work_orders.rules import WorkOrderStatus
from jeweltrak_desktop.services.local_store import LocalStore
from jeweltrak_desktop.store.schema import device, outbox, sync_state, table_of


@dataclass(frozen=True)
class StoreOverview:
    """The headline counts of the local store and its sync state."""

    store_name: str
    store_code: str
    workstation_code: str
    pieces_by_family: dict[str, int]
    pieces_by_status: dict[str, int]
    contacts: int
    open_invoices: int
    finalized_invoices: int
    open_memos: int
    open_work_orders: int
    appraisals: int
    pending_ops: int
    last_sync_at: datetime | None
    sync_state: str


def store_overview(store: LocalStore) -> StoreOverview:
    """Counts for the overview page and status bar (one read snapshot)."""
    pieces = table_of(Piece).table
    invoices = table_of(Invoice).table
    memos = table_of(CustomerMemo).table
    orders = table_of(WorkOrder).table
    with store.reader() as repo:
        conn = repo.conn

        def count(table: Any, *where: Any) -> int:
            stmt = select(func.count()).select_from(table)
            return int(conn.execute(stmt.where(*where)).scalar_one())

        def grouped(column: Any) -> dict[str, int]:
            rows = conn.execute(
                select(column, func.count()).where(pieces.c.deleted.is_(False)).group_by(column)
            ).all()
            return {str(k): int(v) for k, v in rows}

        settings = repo.get(Store, store.identity.store_id)
        dev = conn.execute(select(device)).mappings().one()
        state = conn.execute(select(sync_state)).mappings().one()
        pending = count(outbox, outbox.c.status == "pending")
        overview = StoreOverview(
            store_name=settings.name if settings else "",
            store_code=store.identity.store_code,
            workstation_code=store.identity.workstation_code,
            pieces_by_family=grouped(pieces.c.family),
            pieces_by_status=grouped(pieces.c.status),
            contacts=count(
                table_of(Contact).table, table_of(Contact).table.c.merged_into_id.is_(None)
            ),
            open_invoices=count(invoices, invoices.c.status == InvoiceStatus.OPEN.value),
            finalized_invoices=count(invoices, invoices.c.status == InvoiceStatus.FINALIZED.value),
            open_memos=count(
                memos, memos.c.status.in_([MemoStatus.OPEN.value, MemoStatus.PARTIAL.value])
            ),
            open_work_orders=count(
                orders,
                orders.c.status.notin_(
                    [WorkOrderStatus.PICKED_UP.value, WorkOrderStatus.CANCELLED.value]
                ),
            ),
            appraisals=count(table_of(Appraisal).table),
            pending_ops=pending,
            last_sync_at=(
                datetime.fromisoformat(state["last_sync_at"]) if state["last_sync_at"] else None
            ),
            sync_state="online"
            if dev["paired"] and state["last_error"] is None
            else ("offline" if dev["paired"] else "local only"),
        )
    return overview
