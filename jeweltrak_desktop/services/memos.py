"""Customer memos (approval) and vendor memos (consignment) at the counter."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from jeweltrak_core.ids import new_id
from jeweltrak_core.inventory.entities import Piece
from jeweltrak_core.memos.entities import CustomerMemo, VendorMemo
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
from jeweltrak_core.memos.rules import AgingBucket, MemoStatus, aging_bucket
from jeweltrak_core.permissions import Permission
from jeweltrak_core.sales.entities import Invoice
from jeweltrak_desktop.services.inventory import find_piece
from jeweltrak_desktop.services.local_store import LocalStore
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
