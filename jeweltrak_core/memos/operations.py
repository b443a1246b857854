"""Memo operations: issue, return, convert to invoice, reverse; vendor memo intake and return."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from uuid import UUID

from jeweltrak_core.contacts.entities import Contact
from jeweltrak_core.errors import Duplicate, IllegalTransition, ValidationError
from jeweltrak_core.inventory.entities import Piece
from jeweltrak_core.inventory.operations import insert_piece
from jeweltrak_core.inventory.stock import StockAction, piece_transition
from jeweltrak_core.memos.entities import (
    CustomerMemo,
    MemoLine,
    VendorMemo,
    VendorMemoLine,
)
from jeweltrak_core.memos.rules import (
    MemoLineAction,
    MemoLineStatus,
    VendorMemoAction,
    memo_line_transition,
    vendor_memo_line_transition,
)
from jeweltrak_core.money import require_cents
from jeweltrak_core.sales.entities import Invoice, InvoiceLine
from jeweltrak_core.sales.invoice_state import InvoiceAction, InvoiceStatus, invoice_transition
from jeweltrak_core.sales.operations import check_number, recompute_totals
from jeweltrak_core.sales.tax import LineKind
from jeweltrak_core.sync.helpers import live_contact_id, require
from jeweltrak_core.sync.ops import APPLIED, ApplyContext, OpPayload, Outcome


def _distinct(ids: list[UUID], what: str) -> None:
    if not ids:
        raise ValidationError(f"Choose at least one {what}.")
    if len(ids) != len(set(ids)):
        raise ValidationError(f"The same {what} was chosen twice.")


def _move_piece(ctx: ApplyContext, piece_id: UUID, action: StockAction) -> Piece:
    piece = require(ctx.repo, Piece, piece_id, "piece")
    if piece.is_quantity_item:
        delta = {StockAction.ISSUE_MEMO: 1, StockAction.RETURN_MEMO: -1,
                 StockAction.REVERSE_MEMO_RETURN: 1}.get(action, 0)
        piece.qty_on_memo += delta
    else:
        piece.status = piece_transition(piece.status, action, consigned=piece.consigned)
    piece.updated_at = ctx.now
    piece.version = ctx.version
    ctx.repo.put(piece)
    return piece


@dataclass(kw_only=True)
class MemoLineDraft:
    """A piece to send out on memo at a price."""

    line_id: UUID
    piece_id: UUID
    price_cents: int


@dataclass(kw_only=True)
class IssueMemo(OpPayload):
    """A customer takes pieces on approval; each piece moves to on-memo."""

    op_type = "issue_memo"
    memo_id: UUID
    number: str
    contact_id: UUID
    lines: list[MemoLineDraft]
    due_date: date | None = None
    terms: str | None = None
    notes: str | None = None

    def validate(self) -> None:
        """Lines, distinct pieces, prices in cents."""
        _distinct([ln.piece_id for ln in self.lines], "piece")
        for line in self.lines:
            require_cents(line.price_cents, "memo price", allow_negative=False)

    def apply(self, ctx: ApplyContext) -> Outcome:
        """First memo or sale to reach the server wins a piece; a loser is refused."""
        if ctx.repo.get(CustomerMemo, self.memo_id) is not None:
            raise Duplicate("This memo was already issued.")
        check_number(ctx.repo, CustomerMemo, self.number, self.memo_id)
        contact = require(ctx.repo, Contact, live_contact_id(ctx.repo, self.contact_id),
                          "customer")
        if not contact.is_customer:
            raise ValidationError(f"{contact.display_name} is not marked as a customer.")
        for line in self.lines:
            _move_piece(ctx, line.piece_id, StockAction.ISSUE_MEMO)
        ctx.repo.put(CustomerMemo(
            id=self.memo_id, store_id=ctx.op.store_id, number=self.number,
            contact_id=contact.id, issued_at=ctx.now, due_date=self.due_date,
            terms=self.terms, notes=self.notes, version=ctx.version,
            lines=[MemoLine(id=ln.line_id, piece_id=ln.piece_id, price_cents=ln.price_cents)
                   for ln in self.lines],
        ))
        return APPLIED


def _memo_lines(ctx: ApplyContext, memo_id: UUID, line_ids: list[UUID]
                ) -> tuple[CustomerMemo, list[MemoLine]]:
    memo = require(ctx.repo, CustomerMemo, memo_id, "memo")
    lines = []
    for line_id in line_ids:
        line = memo.line(line_id)
        if line is None:
            raise ValidationError(f"That line is not on memo {memo.number}.")
        lines.append(line)
    return memo, lines


@dataclass(kw_only=True)
class ReturnMemoLines(OpPayload):
    """The customer brought pieces back: lines returned, pieces back in stock."""

    op_type = "return_memo_lines"
    memo_id: UUID
    line_ids: list[UUID]

    def validate(self) -> None:
        """At least one distinct line."""
        _distinct(self.line_ids, "memo line")

    def apply(self, ctx: ApplyContext) -> Outcome:
        """Return each line and its piece."""
        memo, lines = _memo_lines(ctx, self.memo_id, self.line_ids)
        for line in lines:
            line.status = memo_line_transition(line.status, MemoLineAction.RETURN)
            line.resolved_at = ctx.now
            _move_piece(ctx, line.piece_id, StockAction.RETURN_MEMO)
        memo.version = ctx.version
        ctx.repo.put(memo)
        return APPLIED


@dataclass(kw_only=True)
class ConvertMemoToInvoice(OpPayload):
    """The customer keeps pieces: lines invoiced onto a (new or open) invoice.

    The pieces stay on memo until that invoice is finalized; deleting or voiding it puts
    the lines back out on memo.
    """

    op_type = "convert_memo_to_invoice"
    memo_id: UUID
    line_ids: list[UUID]
    invoice_id: UUID
    invoice_number: str
    new_line_ids: list[UUID]
    tax_rate: Decimal = Decimal(0)
    surtax_rate: Decimal = Decimal(0)
    surtax_threshold_cents: int | None = None

    def validate(self) -> None:
        """One new invoice line ID per memo line."""
        _distinct(self.line_ids, "memo line")
        _distinct(self.new_line_ids, "invoice line ID")
        if len(self.new_line_ids) != len(self.line_ids):
            raise ValidationError("Each memo line needs one invoice line ID.")

    def apply(self, ctx: ApplyContext) -> Outcome:
        """Invoice the lines."""
        memo, lines = _memo_lines(ctx, self.memo_id, self.line_ids)
        invoice = ctx.repo.get(Invoice, self.invoice_id)
        if invoice is None:
            check_number(ctx.repo, Invoice, self.invoice_number, self.invoice_id)
            invoice = Invoice(
                id=self.invoice_id, store_id=ctx.op.store_id, number=self.invoice_number,
                contact_id=memo.contact_id, tax_rate=self.tax_rate, surtax_rate=self.surtax_rate,
                surtax_threshold_cents=self.surtax_threshold_cents, created_at=ctx.now,
                device_id=ctx.op.device_id,
            )
        invoice_transition(invoice.status, InvoiceAction.EDIT)
        if invoice.contact_id != memo.contact_id:
            raise ValidationError("The invoice is for a different customer than the memo.")
        if {ln.id for ln in invoice.lines} & set(self.new_line_ids):
            raise ValidationError("Those invoice line IDs are already on the invoice.")
        for line, new_id in zip(lines, self.new_line_ids, strict=True):
            line.status = memo_line_transition(line.status, MemoLineAction.INVOICE)
            line.invoice_id = invoice.id
            line.resolved_at = ctx.now
            piece = require(ctx.repo, Piece, line.piece_id, "piece")
            kind = LineKind.QUANTITY if piece.is_quantity_item else LineKind.PIECE
            invoice.lines.append(InvoiceLine(
                id=new_id, kind=kind, description=piece.description, quantity=1,
                unit_price_cents=line.price_cents, piece_id=piece.id, memo_id=memo.id,
                memo_line_id=line.id, cost_cents=piece.cost_cents,
            ))
        recompute_totals(invoice)
        invoice.version = memo.version = ctx.version
        ctx.repo.put(invoice)
        ctx.repo.put(memo)
        return APPLIED


@dataclass(kw_only=True)
class ReverseMemoLine(OpPayload):
    """Undo a mistaken return or invoicing: the line goes back out on memo."""

    op_type = "reverse_memo_line"
    memo_id: UUID
    line_id: UUID

    def apply(self, ctx: ApplyContext) -> Outcome:
        """Reverse; an invoiced line can only come back while its invoice is open or void."""
        memo, (line,) = _memo_lines(ctx, self.memo_id, [self.line_id])
        previous = line.status
        line.status = memo_line_transition(line.status, MemoLineAction.REVERSE)
        if previous is MemoLineStatus.RETURNED:
            _move_piece(ctx, line.piece_id, StockAction.REVERSE_MEMO_RETURN)
        elif line.invoice_id is not None:
            invoice = require(ctx.repo, Invoice, line.invoice_id, "invoice")
            if invoice.status is InvoiceStatus.FINALIZED:
                raise IllegalTransition(
                    "memo line", "invoiced", "reversed",
                    f"Invoice {invoice.number} is finalized; reopen or void it first.",
                )
            if invoice.status is InvoiceStatus.OPEN:
                invoice.lines = [ln for ln in invoice.lines if ln.memo_line_id != line.id]
                recompute_totals(invoice)
                invoice.version = ctx.version
                ctx.repo.put(invoice)
        line.invoice_id = None
        line.resolved_at = None
        memo.version = ctx.version
        ctx.repo.put(memo)
        return APPLIED


@dataclass(kw_only=True)
class VendorMemoLineDraft:
    """A consigned piece arriving on a vendor memo."""

    line_id: UUID
    piece: Piece


@dataclass(kw_only=True)
class ReceiveVendorMemo(OpPayload):
    """Pieces consigned to the store: they enter inventory as on vendor memo."""

    op_type = "receive_vendor_memo"
    vendor_memo_id: UUID
    vendor_id: UUID
    vendor_memo_no: str
    memo_date: date
    lines: list[VendorMemoLineDraft]
    terms: str | None = None

    def validate(self) -> None:
        """Lines and the vendor's own memo number."""
        _distinct([ln.piece.id for ln in self.lines], "piece")
        if not self.vendor_memo_no.strip():
            raise ValidationError("Enter the vendor's memo number.")

    def apply(self, ctx: ApplyContext) -> Outcome:
        """Create the consigned pieces and the vendor memo."""
        vendor = require(ctx.repo, Contact, live_contact_id(ctx.repo, self.vendor_id, "vendor"),
                         "vendor")
        if not vendor.is_vendor:
            raise ValidationError(f"{vendor.display_name} is not marked as a vendor.")
        if ctx.repo.get(VendorMemo, self.vendor_memo_id) is not None:
            raise Duplicate("This vendor memo was already received.")
        for line in self.lines:
            piece = replace(line.piece, consigned=True, vendor_id=vendor.id,
                            vendor_memo_id=self.vendor_memo_id, store_id=ctx.op.store_id)
            insert_piece(ctx, piece)
        ctx.repo.put(VendorMemo(
            id=self.vendor_memo_id, store_id=ctx.op.store_id, vendor_id=vendor.id,
            vendor_memo_no=self.vendor_memo_no, memo_date=self.memo_date, terms=self.terms,
            version=ctx.version,
            lines=[VendorMemoLine(id=ln.line_id, piece_id=ln.piece.id,
                                  cost_cents=ln.piece.cost_cents) for ln in self.lines],
        ))
        return APPLIED


def _vendor_lines(ctx: ApplyContext, memo_id: UUID, line_ids: list[UUID]
                  ) -> tuple[VendorMemo, list[VendorMemoLine]]:
    memo = require(ctx.repo, VendorMemo, memo_id, "vendor memo")
    lines = []
    for line_id in line_ids:
        line = memo.line(line_id)
        if line is None:
            raise ValidationError(f"That line is not on vendor memo {memo.vendor_memo_no}.")
        lines.append(line)
    return memo, lines


@dataclass(kw_only=True)
class ReturnToVendor(OpPayload):
    """Send consigned pieces back to the vendor."""

    op_type = "return_to_vendor"
    vendor_memo_id: UUID
    line_ids: list[UUID]

    def validate(self) -> None:
        """At least one distinct line."""
        _distinct(self.line_ids, "vendor memo line")

    def apply(self, ctx: ApplyContext) -> Outcome:
        """Lines returned; pieces returned to vendor."""
        memo, lines = _vendor_lines(ctx, self.vendor_memo_id, self.line_ids)
        for line in lines:
            line.status = vendor_memo_line_transition(line.status,
                                                      VendorMemoAction.RETURN_TO_VENDOR)
            line.resolved_at = ctx.now
            _move_piece(ctx, line.piece_id, StockAction.RETURN_TO_VENDOR)
        memo.version = ctx.version
        ctx.repo.put(memo)
        return APPLIED


@dataclass(kw_only=True)
class SettleVendorMemoLines(OpPayload):
    """Pay the vendor for consigned pieces that were sold."""

    op_type = "settle_vendor_memo_lines"
    vendor_memo_id: UUID
    line_ids: list[UUID]
    paid_cents: dict[str, int] = field(default_factory=dict)

    def validate(self) -> None:
        """At least one distinct line; amounts in cents."""
        _distinct(self.line_ids, "vendor memo line")
        for cents in self.paid_cents.values():
            require_cents(cents, "amount paid", allow_negative=False)

    def apply(self, ctx: ApplyContext) -> Outcome:
        """Mark sold lines settled (paid the memo cost unless another amount is given)."""
        memo, lines = _vendor_lines(ctx, self.vendor_memo_id, self.line_ids)
        for line in lines:
            line.status = vendor_memo_line_transition(line.status, VendorMemoAction.SETTLE)
            line.paid_cents = self.paid_cents.get(str(line.id), line.cost_cents)
            line.resolved_at = ctx.now
        memo.version = ctx.version
        ctx.repo.put(memo)
        return APPLIED

