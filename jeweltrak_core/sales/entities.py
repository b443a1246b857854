"""Invoices and their lines."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from uuid import UUID

from jeweltrak_core.sales.invoice_state import InvoiceStatus
from jeweltrak_core.sales.tax import LineKind, PricedLine, TaxRule


@dataclass(kw_only=True, slots=True)
class InvoiceLine:
    """One line; amounts are cents, returns and trade-ins carry negative amounts."""

    id: UUID
    kind: LineKind
    description: str
    quantity: int = 1
    unit_price_cents: int = 0
    adjustment_cents: int = 0
    taxable: bool = True
    piece_id: UUID | None = None
    memo_id: UUID | None = None
    memo_line_id: UUID | None = None
    returned_line_id: UUID | None = None
    #: Trade negotiation, hidden from the customer: concession given on the sold line ...
    trade_concession_cents: int = 0
    #: ... and what the trade-in is really worth (for gross profit).
    actual_trade_value_cents: int | None = None
    cost_cents: int = 0
    position: int = 0
    #: Computed when the invoice is saved: the line's amount and its tax.
    amount_cents: int = 0
    tax_cents: int = 0
    #: True once finalizing moved this line's stock (false for an oversold piece).
    committed: bool = False

    def priced(self) -> PricedLine:
        """The line as the tax/totals rules see it."""
        return PricedLine(
            kind=self.kind,
            quantity=self.quantity,
            unit_price_cents=self.unit_price_cents,
            adjustment_cents=self.adjustment_cents,
            taxable=self.taxable,
        )


@dataclass(kw_only=True, slots=True)
class Invoice:
    """A sale document: Open → Finalized → (Reopened → Finalized) or Voided."""

    id: UUID
    store_id: UUID
    number: str
    status: InvoiceStatus = InvoiceStatus.OPEN
    contact_id: UUID | None = None
    salesperson_id: UUID | None = None
    second_salesperson_id: UUID | None = None
    #: Percent of the commission for the second salesperson (0–100).
    commission_split_pct: int = 0
    tax_exempt: bool = False
    exempt_reason: str | None = None
    tax_rate: Decimal = Decimal(0)
    surtax_rate: Decimal = Decimal(0)
    surtax_threshold_cents: int | None = None
    lines: list[InvoiceLine] = field(default_factory=list)
    subtotal_cents: int = 0
    tax_cents: int = 0
    total_cents: int = 0
    paid_cents: int = 0
    refunded_cents: int = 0
    notes: str | None = None
    created_at: datetime | None = None
    finalized_at: datetime | None = None
    voided_at: datetime | None = None
    voided_by: UUID | None = None
    void_reason: str | None = None
    reopen_count: int = 0
    device_id: UUID | None = None
    version: int = 0

    @property
    def tax_rule(self) -> TaxRule:
        """The tax rule captured on this invoice."""
        return TaxRule(
            rate=self.tax_rate,
            surtax_rate=self.surtax_rate,
            surtax_threshold_cents=self.surtax_threshold_cents,
        )

    @property
    def balance_cents(self) -> int:
        """What the customer still owes (negative: owed to the customer)."""
        return self.total_cents - self.paid_cents + self.refunded_cents
