"""What a receipt and a letter invoice say, worked out once from the invoice and its payments.

The trade negotiation (``trade_concession_cents`` on a sold line, ``actual_trade_value_cents``
on a trade-in) and every cost are for gross profit only: nothing here reads them, so no
printed document can show them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from uuid import UUID

from jeweltrak_core.inventory.entities import Piece
from jeweltrak_core.money import format_money
from jeweltrak_core.payments.entities import Payment
from jeweltrak_core.payments.rules import Tender
from jeweltrak_core.sales.entities import Invoice, InvoiceLine
from jeweltrak_core.sales.invoice_state import InvoiceStatus
from jeweltrak_core.sales.tax import LineKind, invoice_totals
from jeweltrak_core.units import WeightUnit
from jeweltrak_desktop.documents.descriptions import (
    piece_details,
    rate_text,
    tender_text,
    without_stock_id,
)

_KIND_LABELS = {LineKind.TRADE_IN: "Trade-in", LineKind.RETURN: "Return", LineKind.SERVICE: ""}


@dataclass(frozen=True)
class LineView:
    """One printed line: what it is, the piece details, and its money."""

    title: str
    details: str
    label: str
    quantity: int
    unit_cents: int
    discount_cents: int
    amount_cents: int


@dataclass(frozen=True)
class MoneyRow:
    """A labelled amount in the totals or tenders block."""

    label: str
    cents: int
    strong: bool = False

    @property
    def amount(self) -> str:
        """The amount as printed."""
        return format_money(self.cents)


@dataclass(frozen=True)
class InvoiceView:
    """Everything both invoice layouts print, in order."""

    status_note: str
    lines: list[LineView]
    totals: list[MoneyRow]
    tenders: list[MoneyRow]
    settlement: list[MoneyRow]


def _line_view(line: InvoiceLine, pieces: Mapping[UUID, Piece], unit: WeightUnit) -> LineView:
    piece = pieces.get(line.piece_id) if line.piece_id is not None else None
    title = line.description
    details = ""
    if line.kind is LineKind.RETURN:
        # The sales service words a return “Return: <original description>”; the label
        # column already says so.
        title = title.removeprefix("Return: ")
    if piece is not None:
        title = without_stock_id(title, piece.stock_id)
        details = piece_details(piece, unit)
    return LineView(
        title=title,
        details=details,
        label=_KIND_LABELS.get(line.kind, ""),
        quantity=line.quantity,
        unit_cents=line.unit_price_cents,
        discount_cents=line.adjustment_cents,
        amount_cents=line.amount_cents,
    )


def _totals(invoice: Invoice) -> list[MoneyRow]:
    computed = invoice_totals([ln.priced() for ln in invoice.lines], invoice.tax_rule,
                              exempt=invoice.tax_exempt)
    rows = [MoneyRow("Merchandise", computed.merchandise_cents)]
    if computed.adjustments_cents:
        rows.append(MoneyRow("Discounts", -computed.adjustments_cents))
    if computed.trade_in_cents:
        rows.append(MoneyRow("Trade-ins", computed.trade_in_cents))
    if computed.returns_cents:
        rows.append(MoneyRow("Returns", computed.returns_cents))
    rows.append(MoneyRow("Subtotal", invoice.subtotal_cents))
    if invoice.tax_exempt:
        reason = f" ({invoice.exempt_reason})" if invoice.exempt_reason else ""
        rows.append(MoneyRow(f"Tax exempt{reason}", 0))
    else:
        # The saved invoice total is authoritative; the surtax row takes any difference
        # from the recomputed base so that the printed rows always add up.
        base = computed.base_tax_cents
        rows.append(MoneyRow(f"Sales tax {rate_text(invoice.tax_rate)} on "
                             f"{format_money(computed.taxable_cents)}", base))
        surtax = invoice.tax_cents - base
        if invoice.surtax_rate or surtax:
            cap = invoice.surtax_threshold_cents
            limit = f", first {format_money(cap)} per item" if cap is not None else ""
            rows.append(MoneyRow(f"Surtax {rate_text(invoice.surtax_rate)}{limit}", surtax))
    rows.append(MoneyRow("Total", invoice.total_cents, strong=True))
    return rows


def _tenders(payments: Sequence[Payment]) -> list[MoneyRow]:
    rows: list[MoneyRow] = []
    for payment in payments:
        words = tender_text(payment)
        if payment.amount_cents < 0:
            rows.append(MoneyRow(f"Refund: {words}", payment.amount_cents))
            continue
        if payment.tender is Tender.CASH and payment.change_given_cents:
            rows.append(MoneyRow("Cash tendered", payment.amount_cents
                                 + payment.change_given_cents))
            rows.append(MoneyRow("Change due", payment.change_given_cents))
        else:
            rows.append(MoneyRow(words, payment.amount_cents))
        if payment.credited_cents:
            rows.append(MoneyRow("  of which to credit on account", payment.credited_cents))
    return rows


def _settlement(invoice: Invoice) -> list[MoneyRow]:
    rows = [MoneyRow("Paid", invoice.paid_cents)]
    if invoice.refunded_cents:
        rows.append(MoneyRow("Refunded", -invoice.refunded_cents))
    balance = invoice.balance_cents
    if balance < 0:
        rows.append(MoneyRow("Due to customer", -balance, strong=True))
    else:
        rows.append(MoneyRow("Balance due", balance, strong=True))
    return rows


def _status_note(invoice: Invoice) -> str:
    if invoice.status is InvoiceStatus.VOIDED:
        return "VOID — this invoice was voided" + (
            f": {invoice.void_reason}" if invoice.void_reason else ""
        )
    if invoice.status is InvoiceStatus.OPEN:
        return "Not finalized — amounts may still change"
    return ""


def invoice_view(
    invoice: Invoice,
    *,
    pieces: Mapping[UUID, Piece],
    payments: Sequence[Payment],
    weight_unit: WeightUnit,
) -> InvoiceView:
    """The printable content of ``invoice``: lines, totals with the tax breakdown, tenders."""
    ordered = sorted(invoice.lines, key=lambda ln: ln.position)
    return InvoiceView(
        status_note=_status_note(invoice),
        lines=[_line_view(line, pieces, weight_unit) for line in ordered],
        totals=_totals(invoice),
        tenders=_tenders(payments),
        settlement=_settlement(invoice),
    )
