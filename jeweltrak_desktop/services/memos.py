"""Customer memos (approval) and vendor memos (consignment) at the counter."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from jeweltrak_core.contacts.entities import Contact
from jeweltrak_core.errors import NotFound
from jeweltrak_core.ids import new_id
from jeweltrak_core.inventory.entities import Piece
from jeweltrak_core.memos.entities import CustomerMemo, MemoLine, VendorMemo
from jeweltrak_core.memos.operations import (
    ConvertMemoToInvoice,
    IssueMemo,
    MemoLineDraft,
    ReceiveVendorMemo,
    ReturnMemoLines,
    ReturnToVendor,
    ReverseMemoLine,
    SettleVendorMemoLines,
    VendorMemoLineDraft,
)
from jeweltrak_core.memos.rules import (
    AgingBucket,
    MemoLineStatus,
    MemoStatus,
    aging_bucket,
    memo_counts_text,
)
from jeweltrak_core.permissions import Permission
from jeweltrak_core.sales.entities import Invoice
from jeweltrak_core.store.entities import Store
from jeweltrak_desktop.documents.context import DocumentContext
from jeweltrak_desktop.documents.memo_agreement import render_memo_agreement
from jeweltrak_desktop.services.inventory import find_piece
from jeweltrak_desktop.services.local_store import LocalStore
from jeweltrak_desktop.store.repository import SqliteRepository
from jeweltrak_desktop.store.schema import table_of


def issue_memo(
    store: LocalStore,
    *,
    contact_id: UUID,
    codes: list[str],
    due_date: date | None = None,
    terms: str | None = None,
    prices_cents: dict[str, int] | None = None,
) -> CustomerMemo:
    """Send pieces out on approval (at retail unless a price is given per code)."""
    store.actor.require(Permission.MANAGE_MEMOS)
    with store.transaction() as tx:
        lines = []
        for code in codes:
            piece = find_piece(tx.repo, code)
            price = (prices_cents or {}).get(code, piece.retail_cents)
            lines.append(MemoLineDraft(line_id=new_id(), piece_id=piece.id, price_cents=price))
        memo_id = new_id()
        tx.apply(
            IssueMemo(
                memo_id=memo_id,
                number=tx.next_number("memo"),
                contact_id=contact_id,
                lines=lines,
                due_date=due_date,
                terms=terms,
            )
        )
        return tx.fetch(CustomerMemo, memo_id)


def return_memo_lines(store: LocalStore, memo_id: UUID, line_ids: list[UUID]) -> CustomerMemo:
    """Pieces came back."""
    store.actor.require(Permission.MANAGE_MEMOS)
    with store.transaction() as tx:
        tx.apply(ReturnMemoLines(memo_id=memo_id, line_ids=line_ids))
        return tx.fetch(CustomerMemo, memo_id)


def convert_memo_to_invoice(
    store: LocalStore, memo_id: UUID, line_ids: list[UUID], *, invoice_id: UUID | None = None
) -> Invoice:
    """The customer keeps pieces: they go onto an open invoice (a new one by default)."""
    store.actor.require(Permission.SELL)
    with store.transaction() as tx:
        settings = tx.store_settings()
        existing = tx.repo.get(Invoice, invoice_id) if invoice_id else None
        target = invoice_id or new_id()
        tx.apply(
            ConvertMemoToInvoice(
                memo_id=memo_id,
                line_ids=line_ids,
                invoice_id=target,
                invoice_number=existing.number if existing else tx.next_number("invoice"),
                new_line_ids=[new_id() for _ in line_ids],
                tax_rate=settings.tax_rate,
                surtax_rate=settings.surtax_rate,
                surtax_threshold_cents=settings.surtax_threshold_cents,
            )
        )
        return tx.fetch(Invoice, target)


def reverse_memo_line(store: LocalStore, memo_id: UUID, line_id: UUID) -> CustomerMemo:
    """Undo a mistaken return or invoicing."""
    store.actor.require(Permission.MANAGE_MEMOS)
    with store.transaction() as tx:
        tx.apply(ReverseMemoLine(memo_id=memo_id, line_id=line_id))
        return tx.fetch(CustomerMemo, memo_id)


def get_memo(store: LocalStore, memo_id: UUID) -> CustomerMemo | None:
    """One memo with its lines."""
    with store.reader() as repo:
        return repo.get(CustomerMemo, memo_id)


def memo_aging(store: LocalStore, today: date) -> dict[AgingBucket, list[CustomerMemo]]:
    """Memos with pieces still out, by how long they have been out."""
    table = table_of(CustomerMemo).table
    with store.reader() as repo:
        memos = repo.list(
            CustomerMemo, table.c.status.in_([MemoStatus.OPEN.value, MemoStatus.PARTIAL.value])
        )
    buckets: dict[AgingBucket, list[CustomerMemo]] = {b: [] for b in AgingBucket}
    for memo in memos:
        buckets[aging_bucket(memo.issued_at.date(), today)].append(memo)
    return buckets


def receive_vendor_memo(
    store: LocalStore,
    *,
    vendor_id: UUID,
    vendor_memo_no: str,
    memo_date: date,
    pieces: list[dict[str, Any]],
    terms: str | None = None,
) -> VendorMemo:
    """Consigned pieces arrive; each dict holds Piece fields (family, description, cost...)."""
    store.actor.require(Permission.MANAGE_INVENTORY)
    with store.transaction() as tx:
        lines = []
        for fields in pieces:
            stock_id = fields.pop("stock_id", None) or tx.next_number("stock")
            lines.append(
                VendorMemoLineDraft(
                    line_id=new_id(),
                    piece=Piece(
                        id=new_id(),
                        store_id=store.identity.store_id,
                        stock_id=stock_id,
                        consigned=True,
                        vendor_id=vendor_id,
                        **fields,
                    ),
                )
            )
        memo_id = new_id()
        tx.apply(
            ReceiveVendorMemo(
                vendor_memo_id=memo_id,
                vendor_id=vendor_id,
                vendor_memo_no=vendor_memo_no,
                memo_date=memo_date,
                terms=terms,
                lines=lines,
            )
        )
        return tx.fetch(VendorMemo, memo_id)


def return_to_vendor(store: LocalStore, vendor_memo_id: UUID, line_ids: list[UUID]) -> VendorMemo:
    """Send consigned pieces back."""
    store.actor.require(Permission.MANAGE_INVENTORY)
    with store.transaction() as tx:
        tx.apply(ReturnToVendor(vendor_memo_id=vendor_memo_id, line_ids=line_ids))
        return tx.fetch(VendorMemo, vendor_memo_id)


def settle_vendor_memo(store: LocalStore, vendor_memo_id: UUID, line_ids: list[UUID]) -> VendorMemo:
    """Pay the vendor for sold consigned pieces."""
    store.actor.require(Permission.MANAGE_INVENTORY)
    with store.transaction() as tx:
        tx.apply(SettleVendorMemoLines(vendor_memo_id=vendor_memo_id, line_ids=line_ids))
        return tx.fetch(VendorMemo, vendor_memo_id)


# --- what the Memos screen reads ---------------------------------------------------------


@dataclass(frozen=True)
class MemoLineView:
    """One memo line with its piece's StockID and description."""

    line: MemoLine
    stock_id: str
    description: str


@dataclass(frozen=True)
class MemoView:
    """A customer memo as the Memos screen lists it."""

    memo: CustomerMemo
    customer: str
    lines: list[MemoLineView]
    counts_text: str
    out_cents: int
    days_out: int
    bucket: AgingBucket


def _memo_view(repo: SqliteRepository, memo: CustomerMemo, today: date) -> MemoView:
    contact = repo.get(Contact, memo.contact_id)
    lines = []
    for line in memo.lines:
        piece = repo.get(Piece, line.piece_id)
        lines.append(
            MemoLineView(
                line=line,
                stock_id=piece.stock_id if piece else "?",
                description=piece.description if piece else "(piece not found)",
            )
        )
    issued = memo.issued_at.date()
    return MemoView(
        memo=memo,
        customer=contact.display_name if contact else "(no customer)",
        lines=lines,
        counts_text=memo_counts_text([ln.status for ln in memo.lines]),
        out_cents=sum(ln.price_cents for ln in memo.lines if ln.status == MemoLineStatus.OUT),
        days_out=max((today - issued).days, 0),
        bucket=aging_bucket(issued, today),
    )


def list_memos(store: LocalStore, today: date, *, open_only: bool = False) -> list[MemoView]:
    """Customer memos, newest first (only those with pieces still out if ``open_only``)."""
    table = table_of(CustomerMemo).table
    with store.reader() as repo:
        memos = repo.list(CustomerMemo, order_by=table.c.issued_at.desc())
        views = [_memo_view(repo, memo, today) for memo in memos]
    if open_only:
        views = [v for v in views if v.memo.status in (MemoStatus.OPEN, MemoStatus.PARTIAL)]
    return views


def memo_view(store: LocalStore, memo_id: UUID, today: date) -> MemoView:
    """One customer memo with its lines' pieces."""
    with store.reader() as repo:
        memo = repo.get(CustomerMemo, memo_id)
        if memo is None:
            raise NotFound("That memo was not found.")
        return _memo_view(repo, memo, today)


@dataclass(frozen=True)
class VendorMemoView:
    """A vendor memo with the vendor's name and its lines' StockIDs."""

    memo: VendorMemo
    vendor: str
    stock_ids: dict[UUID, str]


def list_vendor_memos(store: LocalStore) -> list[VendorMemoView]:
    """Vendor memos, newest first."""
    table = table_of(VendorMemo).table
    with store.reader() as repo:
        views = []
        for memo in repo.list(VendorMemo, order_by=table.c.memo_date.desc()):
            vendor = repo.get(Contact, memo.vendor_id)
            stock_ids = {
                ln.id: piece.stock_id if (piece := repo.get(Piece, ln.piece_id)) else "?"
                for ln in memo.lines
            }
            views.append(
                VendorMemoView(memo, vendor.display_name if vendor else "(vendor)", stock_ids)
            )
    return views


def memo_agreement_pdf(store: LocalStore, memo_id: UUID) -> bytes:
    """The memo agreement the customer signs, as PDF bytes."""
    with store.reader() as repo:
        memo = repo.get(CustomerMemo, memo_id)
        if memo is None:
            raise NotFound("That memo was not found.")
        settings = repo.get(Store, store.identity.store_id)
        if settings is None:
            raise NotFound("This workstation has no store settings yet.")
        customer = repo.get(Contact, memo.contact_id)
        pieces = {ln.piece_id: p for ln in memo.lines if (p := repo.get(Piece, ln.piece_id))}
    return render_memo_agreement(
        memo, ctx=DocumentContext.for_store(settings), customer=customer, pieces=pieces
    )
