"""Figures the counter shows: the store overview, sales by day, AR aging."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import func, select

from jeweltrak_core.appraisals.entities import Appraisal
from jeweltrak_core.contacts.entities import Contact
from jeweltrak_core.errors import NotFound
from jeweltrak_core.inventory.entities import Piece
from jeweltrak_core.memos.entities import CustomerMemo
from jeweltrak_core.memos.rules import AgingBucket, MemoStatus, aging_bucket
from jeweltrak_core.payments.drawer import ZReport, z_report
from jeweltrak_core.payments.entities import DrawerSession
from jeweltrak_core.permissions import Permission
from jeweltrak_core.sales.entities import Invoice
from jeweltrak_core.sales.invoice_state import InvoiceStatus
from jeweltrak_core.store.entities import Store
from jeweltrak_core.work_orders.entities import WorkOrder
from jeweltrak_core.work_orders.rules import WorkOrderStatus
from jeweltrak_desktop.documents.context import DocumentContext
from jeweltrak_desktop.documents.z_report import render_z_report
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


# --- sales and tax by day, AR aging, the drawer ---------------------------------------------


def store_timezone(store: LocalStore) -> tzinfo:
    """The store's own time zone (days in reports are the store's local days)."""
    with store.reader() as repo:
        settings = repo.get(Store, store.identity.store_id)
    try:
        return ZoneInfo(settings.timezone if settings else "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


@dataclass(frozen=True)
class DaySales:
    """Finalized sales of one local day (cents)."""

    day: date
    invoices: int
    subtotal_cents: int
    tax_cents: int
    total_cents: int


def sales_by_day(store: LocalStore, start: date, end: date) -> list[DaySales]:
    """Finalized (not voided) invoices from ``start`` to ``end`` inclusive, by local day."""
    store.actor.require(Permission.VIEW_REPORTS)
    zone = store_timezone(store)
    invoices = table_of(Invoice).table
    with store.reader() as repo:
        found = repo.list(Invoice, invoices.c.status == InvoiceStatus.FINALIZED.value)
    days: dict[date, list[Invoice]] = {}
    for invoice in found:
        if invoice.finalized_at is None:
            continue
        day = invoice.finalized_at.astimezone(zone).date()
        if start <= day <= end:
            days.setdefault(day, []).append(invoice)
    return [
        DaySales(
            day=day,
            invoices=len(rows),
            subtotal_cents=sum(i.subtotal_cents for i in rows),
            tax_cents=sum(i.tax_cents for i in rows),
            total_cents=sum(i.total_cents for i in rows),
        )
        for day, rows in sorted(days.items())
    ]


@dataclass(frozen=True)
class ReceivableRow:
    """A finalized invoice with money still owed."""

    number: str
    customer: str
    finalized_on: date
    days: int
    bucket: AgingBucket
    total_cents: int
    balance_cents: int


def ar_aging(store: LocalStore, today: date) -> list[ReceivableRow]:
    """Open balances of finalized invoices, oldest first, in 0–30 / 31–60 / 61–90 / 91+."""
    store.actor.require(Permission.VIEW_REPORTS)
    zone = store_timezone(store)
    invoices = table_of(Invoice).table
    rows: list[ReceivableRow] = []
    with store.reader() as repo:
        found = repo.list(Invoice, invoices.c.status == InvoiceStatus.FINALIZED.value)
        for inv in found:
            if inv.balance_cents <= 0 or inv.finalized_at is None:
                continue
            contact = repo.get(Contact, inv.contact_id) if inv.contact_id else None
            day = inv.finalized_at.astimezone(zone).date()
            rows.append(
                ReceivableRow(
                    number=inv.number,
                    customer=contact.display_name if contact else "(walk-in)",
                    finalized_on=day,
                    days=max((today - day).days, 0),
                    bucket=aging_bucket(day, today),
                    total_cents=inv.total_cents,
                    balance_cents=inv.balance_cents,
                )
            )
    return sorted(rows, key=lambda r: (r.finalized_on, r.number))


@dataclass(frozen=True)
class DrawerStatus:
    """This workstation's open drawer: float, what was taken, what should be in it."""

    session: DrawerSession
    taken_by_tender_cents: dict[str, int]
    expected_cents: dict[str, int]
    payment_count: int


def drawer_status(store: LocalStore) -> DrawerStatus | None:
    """The open drawer's figures so far, or None when no drawer is open here."""
    with store.reader() as repo:
        session = repo.open_drawer_for(store.identity.device_id)
        if session is None:
            return None
        paid = repo.payments_for(drawer_session_id=session.id)
    report = z_report(session.opening_float_cents, paid, {})
    return DrawerStatus(
        session=session,
        taken_by_tender_cents=report.taken_by_tender_cents,
        expected_cents=report.expected_cents,
        payment_count=report.payment_count,
    )


def z_report_pdf(store: LocalStore, report: ZReport, session_id: UUID) -> bytes:
    """The Z report of a closed drawer session, as PDF bytes."""
    with store.reader() as repo:
        settings = repo.get(Store, store.identity.store_id)
        session = repo.get(DrawerSession, session_id)
    if settings is None:
        raise NotFound("This workstation has no store settings yet.")
    return render_z_report(
        report,
        ctx=DocumentContext.for_store(settings),
        session=session,
        workstation=store.identity.workstation_code,
        closed_by=store.actor.name,
    )
