"""Invoice operations: save an open invoice, finalize, reopen, void, delete."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from uuid import UUID

from jeweltrak_core.errors import Conflict, Duplicate, IllegalTransition, ValidationError
from jeweltrak_core.inventory.entities import Piece
from jeweltrak_core.inventory.stock import PieceStatus, is_available
from jeweltrak_core.money import format_money, require_cents
from jeweltrak_core.sales.entities import Invoice, InvoiceLine
from jeweltrak_core.sales.invoice_state import InvoiceAction, invoice_transition
from jeweltrak_core.sales.stock_effects import commit_stock, release_memo_lines, release_stock
from jeweltrak_core.sales.tax import LineKind, TaxRule, invoice_totals
from jeweltrak_core.sync.helpers import live_contact_id, require
from jeweltrak_core.sync.ops import APPLIED, ApplyContext, OpPayload, Outcome, Repository


def recompute_totals(invoice: Invoice) -> None:
    """Line amounts, per-line tax and the invoice totals, by the core rules."""
    totals = invoice_totals([ln.priced() for ln in invoice.lines], invoice.tax_rule,
                            exempt=invoice.tax_exempt)
    for position, (line, tax) in enumerate(zip(invoice.lines, totals.line_taxes, strict=True)):
        line.position = position
        line.tax_cents = tax.tax_cents
        line.amount_cents = line_total(line)
    invoice.subtotal_cents = totals.total_cents - totals.tax_cents
    invoice.tax_cents = totals.tax_cents
    invoice.total_cents = totals.total_cents


def line_total(line: InvoiceLine) -> int:
    """Amount of one line before tax (negative for returns and trade-ins)."""
    from jeweltrak_core.sales.tax import line_amount

    return line_amount(line.priced())


def _check_line(ctx: ApplyContext, line: InvoiceLine, pieces: dict[UUID, Piece]) -> None:
    """Shape and stock rules of one line; ``pieces`` holds the draft's pieces, read at once."""
    line.priced()  # shape rules: quantities, adjustments, non-negative prices
    if not line.description.strip():
        raise ValidationError("Every line needs a description.", field="description")
    for name in ("trade_concession_cents", "cost_cents"):
        require_cents(getattr(line, name), name, allow_negative=False)
    needs_piece = line.kind in (LineKind.PIECE, LineKind.QUANTITY)
    if needs_piece and line.piece_id is None:
        raise ValidationError(f"A {line.kind.value} line must name a piece.")
    if line.kind in (LineKind.SERVICE, LineKind.MISC, LineKind.TRADE_IN) and line.piece_id:
        raise ValidationError(f"A {line.kind.value.replace('_', '-')} line cannot carry a piece.")
    if line.piece_id is None:
        return
    piece = pieces.get(line.piece_id)
    if piece is None:  # missing: the same NotFound as a single read gives
        piece = require(ctx.repo, Piece, line.piece_id, "piece")
    if line.kind is LineKind.PIECE and piece.is_quantity_item:
        raise ValidationError(f"{piece.stock_id} is sold by quantity; use a quantity line.")
    if line.kind is LineKind.QUANTITY and not piece.is_quantity_item:
        raise ValidationError(f"{piece.stock_id} is one of a kind; sell it as a piece line.")
    line.cost_cents = piece.cost_cents * abs(line.quantity)
    if not ctx.strict or piece.is_quantity_item:
        return
    if line.kind is LineKind.RETURN and piece.status is not PieceStatus.SOLD:
        raise ValidationError(f"{piece.stock_id} was not sold, so it cannot be returned.")
    if line.kind is LineKind.PIECE:
        on_this_memo = line.memo_line_id is not None and piece.status is PieceStatus.ON_MEMO
        if not (is_available(piece.status) or on_this_memo):
            raise IllegalTransition(
                "piece", piece.status.value, "sold",
                f"{piece.stock_id} is {piece.status.value.replace('_', ' ')} and cannot be sold.",
            )


def _check_memo_link(line: InvoiceLine, converted: InvoiceLine | None) -> None:
    """Memo links come only from convert_memo_to_invoice; a draft cannot invent or move one."""
    if line.memo_id is None and line.memo_line_id is None:
        if converted is not None:
            raise ValidationError("A line converted from a memo keeps its memo.")
        return
    if converted is None or (converted.memo_id, converted.memo_line_id, converted.piece_id) != (
        line.memo_id, line.memo_line_id, line.piece_id
    ):
        raise ValidationError("Convert the memo to put a memo piece on an invoice.")


def negative_quantity_items(ctx: ApplyContext, invoice: Invoice) -> list[str]:
    """StockIDs of quantity items on the invoice whose expected quantity fell below zero."""
    found = []
    for line in invoice.lines:
        if line.kind is LineKind.QUANTITY and line.piece_id is not None:
            piece = ctx.repo.get(Piece, line.piece_id)
            if piece is not None and piece.ledger.is_negative and piece.stock_id not in found:
                found.append(piece.stock_id)
    return found


def check_number(repo: Repository, kind: type[object], number: str, doc_id: UUID) -> None:
    """Document numbers are unique per store, whatever workstation made them."""
    if not number.strip() or len(number) > 32:
        raise ValidationError("A document number must be 1 to 32 characters.")
    if repo.number_taken(kind, number, doc_id):
        raise Duplicate(f"Number {number} is already used by another document.", number=number)


@dataclass(kw_only=True)
class InvoiceDraft:
    """The editable part of an open invoice, saved whole (open invoices are fully editable)."""

    id: UUID
    number: str
    lines: list[InvoiceLine] = field(default_factory=list)
    contact_id: UUID | None = None
    salesperson_id: UUID | None = None
    second_salesperson_id: UUID | None = None
    commission_split_pct: int = 0
    tax_exempt: bool = False
    exempt_reason: str | None = None
    tax_rate: Decimal = Decimal(0)
    surtax_rate: Decimal = Decimal(0)
    surtax_threshold_cents: int | None = None
    notes: str | None = None


@dataclass(kw_only=True)
class SaveInvoice(OpPayload):
    """Create or replace an open invoice with its lines; totals and tax are recomputed."""

    op_type = "save_invoice"
    invoice: InvoiceDraft

    def validate(self) -> None:
        """Shape checks that need no database."""
        draft = self.invoice
        TaxRule(rate=draft.tax_rate, surtax_rate=draft.surtax_rate,
                surtax_threshold_cents=draft.surtax_threshold_cents)
        if not 0 <= draft.commission_split_pct <= 100:
            raise ValidationError("The commission split is a percentage from 0 to 100.")
        if draft.tax_exempt and not (draft.exempt_reason or "").strip():
            raise ValidationError("A tax-exempt sale needs a reason (out of state, resale ...).")
        ids = [ln.id for ln in draft.lines]
        if len(ids) != len(set(ids)):
            raise ValidationError("Two lines share an ID.")
        pieces = [ln.piece_id for ln in draft.lines if ln.kind is LineKind.PIECE]
        if len(pieces) != len(set(pieces)):
            raise ValidationError("The same piece is on this invoice twice.")

    def apply(self, ctx: ApplyContext) -> Outcome:
        """Upsert the open invoice."""
        draft = self.invoice
        invoice = ctx.repo.get(Invoice, draft.id)
        if invoice is None:
            check_number(ctx.repo, Invoice, draft.number, draft.id)
            invoice = Invoice(id=draft.id, store_id=ctx.op.store_id, number=draft.number,
                              created_at=ctx.now, device_id=ctx.op.device_id)
        else:
            invoice_transition(invoice.status, InvoiceAction.EDIT)
            if draft.number != invoice.number:
                raise ValidationError("An invoice keeps its number once it is created.")
        if draft.contact_id is not None:
            # A workstation offline during a merge may still name the duplicate.
            draft.contact_id = live_contact_id(ctx.repo, draft.contact_id)
        kept = {ln.id: ln for ln in invoice.lines if ln.memo_line_id is not None}
        # Every piece of the draft in one read: a long sale is re-checked on each edit.
        pieces = ctx.repo.get_many(Piece, {ln.piece_id for ln in draft.lines if ln.piece_id})
        for line in draft.lines:
            line.committed = False  # only finalizing commits stock; never trusted from input
            _check_memo_link(line, kept.get(line.id))
            _check_line(ctx, line, pieces)
        for line_id in kept.keys() - {ln.id for ln in draft.lines}:
            raise ValidationError(
                "A line converted from a memo is removed by reversing it on the memo.",
                line_id=str(line_id),
            )
        for name in ("contact_id", "salesperson_id", "second_salesperson_id",
                     "commission_split_pct", "tax_exempt", "exempt_reason", "tax_rate",
                     "surtax_rate", "surtax_threshold_cents", "notes"):
            setattr(invoice, name, getattr(draft, name))
        invoice.lines = list(draft.lines)
        recompute_totals(invoice)
        invoice.version = ctx.version
        ctx.repo.put(invoice)
        return APPLIED


@dataclass(kw_only=True)
class FinalizeInvoice(OpPayload):
    """Lock the lines, commit inventory (pieces become sold), post the balance to AR."""

    op_type = "finalize_invoice"
    invoice_id: UUID
    #: The total the clerk saw; a different total on the other side means the drafts diverged.
    expected_total_cents: int

    def apply(self, ctx: ApplyContext) -> Outcome:
        """Finalize; an oversold piece on the server becomes an exception, not a refusal."""
        invoice = require(ctx.repo, Invoice, self.invoice_id, "invoice")
        invoice.status = invoice_transition(invoice.status, InvoiceAction.FINALIZE)
        if not invoice.lines:
            raise ValidationError("An invoice needs at least one line to be finalized.")
        recompute_totals(invoice)
        if invoice.total_cents != self.expected_total_cents:
            raise Conflict(
                f"Invoice {invoice.number} totals {format_money(invoice.total_cents)} here but "
                f"{format_money(self.expected_total_cents)} on the workstation; it was edited "
                "elsewhere. Review it and finalize again."
            )
        exceptions = commit_stock(ctx, invoice)
        invoice.finalized_at = ctx.now
        invoice.version = ctx.version
        ctx.repo.put(invoice)
        if exceptions:
            return Outcome(status="conflict", exceptions=tuple(exceptions),
                           detail=f"Invoice {invoice.number} sold a piece that was not in stock.")
        negative = negative_quantity_items(ctx, invoice)
        if negative:
            return Outcome.conflict(f"{', '.join(negative)} now shows negative stock.")
        return APPLIED


@dataclass(kw_only=True)
class ReopenInvoice(OpPayload):
    """Back to Open (audited by this op): stock is released until it is finalized again."""

    op_type = "reopen_invoice"
    invoice_id: UUID
    reason: str

    def validate(self) -> None:
        """Reopening is audited: a reason is required."""
        if not self.reason.strip():
            raise ValidationError("Say why the invoice is being reopened.")

    def apply(self, ctx: ApplyContext) -> Outcome:
        """Reopen and release the stock this invoice had committed."""
        invoice = require(ctx.repo, Invoice, self.invoice_id, "invoice")
        invoice.status = invoice_transition(invoice.status, InvoiceAction.REOPEN)
        release_stock(ctx, invoice)
        invoice.reopen_count += 1
        invoice.finalized_at = None
        invoice.version = ctx.version
        ctx.repo.put(invoice)
        return APPLIED


@dataclass(kw_only=True)
class VoidInvoice(OpPayload):
    """Permanent: reverses AR, returns pieces to stock, records who and when."""

    op_type = "void_invoice"
    invoice_id: UUID
    reason: str

    def validate(self) -> None:
        """Voids are audited: a reason is required."""
        if not self.reason.strip():
            raise ValidationError("Say why the invoice is being voided.")

    def apply(self, ctx: ApplyContext) -> Outcome:
        """Void; payments already taken stay on record and are refunded separately."""
        invoice = require(ctx.repo, Invoice, self.invoice_id, "invoice")
        invoice.status = invoice_transition(invoice.status, InvoiceAction.VOID)
        release_stock(ctx, invoice)
        release_memo_lines(ctx, invoice)
        invoice.voided_at = ctx.now
        invoice.voided_by = ctx.op.user_id
        invoice.void_reason = self.reason
        invoice.version = ctx.version
        ctx.repo.put(invoice)
        return APPLIED


@dataclass(kw_only=True)
class DeleteInvoice(OpPayload):
    """Delete an open invoice that has taken no payment."""

    op_type = "delete_invoice"
    invoice_id: UUID

    def apply(self, ctx: ApplyContext) -> Outcome:
        """Delete; memo lines it carried go back out on memo."""
        invoice = require(ctx.repo, Invoice, self.invoice_id, "invoice")
        invoice_transition(invoice.status, InvoiceAction.DELETE)
        if invoice.reopen_count:
            raise ValidationError(
                f"Invoice {invoice.number} was finalized before; void it instead of deleting it."
            )
        if invoice.paid_cents or ctx.repo.payments_for(invoice_id=invoice.id):
            raise ValidationError(
                f"Invoice {invoice.number} has payments; void it instead of deleting it."
            )
        release_memo_lines(ctx, invoice)
        ctx.repo.delete(Invoice, invoice.id)
        return APPLIED
