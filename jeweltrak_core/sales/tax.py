"""Invoice lines, per-line sales tax with a capped surtax, and invoice totals.

Tax is computed per line: ``amount × rate`` plus a surtax of
``sign(amount) × min(|amount|, |quantity| × threshold) × surtax_rate``. The two parts are
added unrounded and the sum is rounded ONCE per line with ``round_cents`` (half away from
zero), so a return line's tax is the exact negative of the matching sale line's tax.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from jeweltrak_core.errors import InvalidMoney, ValidationError
from jeweltrak_core.money import require_cents, round_cents


def _require_rate(value: object, field: str) -> Decimal:
    """Return ``value`` if it is a Decimal with 0 ≤ value < 1, else ValidationError."""
    if not isinstance(value, Decimal) or not value.is_finite() or not 0 <= value < 1:
        raise ValidationError(
            f"The {field} must be an exact decimal from 0 up to (not including) 1, e.g. 0.06.",
            field=field,
        )
    return value


@dataclass(frozen=True)
class TaxRule:
    """A store's sales tax: a rate plus an optional surtax capped per unit."""

    rate: Decimal
    surtax_rate: Decimal = Decimal(0)
    surtax_threshold_cents: int | None = None  # surtax cap per unit; None = no cap

    def __post_init__(self) -> None:
        """Refuse floats, rates outside [0, 1) and a negative surtax cap."""
        _require_rate(self.rate, "tax rate")
        _require_rate(self.surtax_rate, "surtax rate")
        if self.surtax_threshold_cents is not None:
            require_cents(self.surtax_threshold_cents, "Surtax threshold", allow_negative=False)


@dataclass(frozen=True)
class LineTax:
    """The tax on one line; ``tax_cents`` is rounded once and ``surtax_cents`` absorbs the rest."""

    base_cents: int
    surtax_cents: int
    tax_cents: int


NO_TAX = LineTax(0, 0, 0)


def _surtax_part(amount_cents: int, quantity: int, rule: TaxRule) -> Decimal:
    """Unrounded surtax: sign(amount) × min(|amount|, |quantity| × threshold) × surtax rate."""
    if rule.surtax_rate == 0 or amount_cents == 0:
        return Decimal(0)
    magnitude = abs(amount_cents)
    if rule.surtax_threshold_cents is not None:
        magnitude = min(magnitude, abs(quantity) * rule.surtax_threshold_cents)
    sign = 1 if amount_cents > 0 else -1
    return Decimal(sign * magnitude) * rule.surtax_rate


def line_tax(amount_cents: int, quantity: int, rule: TaxRule) -> LineTax:
    """Tax on one line's amount; the base + surtax sum is rounded once (see module doc)."""
    require_cents(amount_cents, "Line amount")
    if isinstance(quantity, bool) or not isinstance(quantity, int):
        raise ValidationError("Quantity must be a whole number.", field="quantity")
    base = Decimal(amount_cents) * rule.rate
    tax_cents = round_cents(base + _surtax_part(amount_cents, quantity, rule))
    base_cents = round_cents(base)
    return LineTax(base_cents, tax_cents - base_cents, tax_cents)


class LineKind(StrEnum):
    """What an invoice line is."""

    PIECE = "piece"
    QUANTITY = "quantity"
    SERVICE = "service"
    MISC = "misc"
    TRADE_IN = "trade_in"
    RETURN = "return"


SALE_KINDS = frozenset({LineKind.PIECE, LineKind.QUANTITY, LineKind.SERVICE, LineKind.MISC})


def _check_quantity(kind: LineKind, quantity: int) -> None:
    """Refuse a quantity the line kind does not allow."""
    if isinstance(quantity, bool) or not isinstance(quantity, int):
        raise ValidationError("Quantity must be a whole number.", field="quantity")
    if kind == LineKind.PIECE and quantity != 1:
        raise ValidationError(
            "A one-of-a-kind piece is sold one at a time (quantity 1).", field="quantity"
        )
    if kind == LineKind.RETURN and quantity > -1:
        raise ValidationError("A return line's quantity must be −1 or less.", field="quantity")
    if kind != LineKind.RETURN and quantity < 1:
        raise ValidationError("Quantity must be at least 1.", field="quantity")


def _check_adjustment(kind: LineKind, adjustment_cents: int, gross_cents: int) -> None:
    """Refuse a discount that is negative, larger than the line, or on a trade-in.

    A return line carries the discount of the line it returns, so it refunds exactly what
    was charged (and its tax mirrors the sale's tax to the cent).
    """
    require_cents(adjustment_cents, "Adjustment", allow_negative=False)
    if kind is LineKind.TRADE_IN and adjustment_cents != 0:
        raise InvalidMoney("Trade-in lines cannot carry a discount.", field="adjustment_cents")
    if adjustment_cents > abs(gross_cents):
        raise InvalidMoney(
            "The discount cannot be larger than the line's price.", field="adjustment_cents"
        )


@dataclass(frozen=True)
class PricedLine:
    """One invoice line as far as money is concerned."""

    kind: LineKind
    quantity: int
    unit_price_cents: int
    adjustment_cents: int = 0  # a dollar discount on the line; the unit price stays
    taxable: bool = True

    def __post_init__(self) -> None:
        """Validate quantity, price and discount for the line's kind."""
        try:
            kind = LineKind(self.kind)
        except ValueError as exc:
            raise ValidationError(f"“{self.kind}” is not a kind of invoice line.") from exc
        _check_quantity(kind, self.quantity)
        require_cents(self.unit_price_cents, "Unit price", allow_negative=False)
        gross = require_cents(self.quantity * self.unit_price_cents, "Line amount")
        _check_adjustment(kind, self.adjustment_cents, gross)
        if not isinstance(self.taxable, bool):
            raise ValidationError("Taxable must be yes or no.", field="taxable")


def line_amount(line: PricedLine) -> int:
    """Signed amount: sale q×unit − discount; return q×unit + discount (q < 0); trade-in −q×unit."""
    gross = line.quantity * line.unit_price_cents
    if line.kind == LineKind.TRADE_IN:
        return -gross
    if line.kind == LineKind.RETURN:
        return gross + line.adjustment_cents  # gross < 0: the discount reduces the refund
    return gross - line.adjustment_cents


@dataclass(frozen=True)
class InvoiceTotals:
    """Everything the invoice footer shows; total = Σ line amounts + tax."""

    merchandise_cents: int
    adjustments_cents: int
    trade_in_cents: int
    returns_cents: int
    taxable_cents: int
    base_tax_cents: int
    surtax_cents: int
    tax_cents: int
    total_cents: int
    line_taxes: tuple[LineTax, ...]


def _taxes(lines: Sequence[PricedLine], rule: TaxRule, exempt: bool) -> tuple[LineTax, ...]:
    """Tax per line, in line order; exempt invoices and non-taxable lines get zero."""
    return tuple(
        line_tax(line_amount(line), line.quantity, rule) if line.taxable and not exempt else NO_TAX
        for line in lines
    )


def invoice_totals(
    lines: Sequence[PricedLine], rule: TaxRule, *, exempt: bool = False
) -> InvoiceTotals:
    """Footer totals; ``taxable_cents`` is 0 on an exempt invoice (nothing was taxed)."""
    taxes = _taxes(lines, rule, exempt)
    sales = [line for line in lines if line.kind in SALE_KINDS]
    tax_cents = sum(t.tax_cents for t in taxes)
    return InvoiceTotals(
        merchandise_cents=sum(line.quantity * line.unit_price_cents for line in sales),
        adjustments_cents=sum(line.adjustment_cents for line in sales),
        trade_in_cents=sum(line_amount(x) for x in lines if x.kind == LineKind.TRADE_IN),
        returns_cents=sum(line_amount(x) for x in lines if x.kind == LineKind.RETURN),
        taxable_cents=sum(line_amount(x) for x in lines if x.taxable and not exempt),
        base_tax_cents=sum(t.base_cents for t in taxes),
        surtax_cents=sum(t.surtax_cents for t in taxes),
        tax_cents=tax_cents,
        total_cents=sum(line_amount(line) for line in lines) + tax_cents,
        line_taxes=taxes,
    )
