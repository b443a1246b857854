"""Per-line sales tax with a capped surtax, invoice lines, and invoice totals."""

from __future__ import annotations

from decimal import Decimal

import pytest

from jeweltrak_core.errors import InvalidMoney, ValidationError
from jeweltrak_core.sales.tax import (
    InvoiceTotals,
    LineKind,
    LineTax,
    PricedLine,
    TaxRule,
    invoice_totals,
    line_amount,
    line_tax,
)

FLORIDA = TaxRule(rate=Decimal("0.06"), surtax_rate=Decimal("0.01"), surtax_threshold_cents=500_000)
K = LineKind


def test_florida_three_items_under_the_cap() -> None:
    assert line_tax(900_000, 3, FLORIDA) == LineTax(54_000, 9_000, 63_000)


def test_florida_one_item_over_the_cap() -> None:
    assert line_tax(800_000, 1, FLORIDA) == LineTax(48_000, 5_000, 53_000)


def test_florida_return_mirrors_the_sale() -> None:
    assert line_tax(-800_000, -1, FLORIDA) == LineTax(-48_000, -5_000, -53_000)


def test_no_cap_means_surtax_on_the_whole_amount() -> None:
    rule = TaxRule(Decimal("0.06"), Decimal("0.01"))
    assert line_tax(800_000, 1, rule).tax_cents == 56_000


def test_no_surtax() -> None:
    assert line_tax(12_345, 1, TaxRule(Decimal("0.07"))) == LineTax(864, 0, 864)


def test_rounded_once_per_line_not_per_part() -> None:
    # base 0.25¢ and surtax 0.25¢ each round to 0, but together they are 0.5¢ → 1¢.
    rule = TaxRule(Decimal("0.05"), Decimal("0.05"))
    assert line_tax(5, 1, rule) == LineTax(0, 1, 1)
    assert line_tax(-5, -1, rule) == LineTax(0, -1, -1)


def test_half_rounds_away_from_zero() -> None:
    rule = TaxRule(Decimal("0.01"))
    assert line_tax(50, 1, rule).tax_cents == 1
    assert line_tax(-50, -1, rule).tax_cents == -1
    assert line_tax(49, 1, rule).tax_cents == 0


def test_zero_amount() -> None:
    assert line_tax(0, 1, FLORIDA) == LineTax(0, 0, 0)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"rate": Decimal(1)},
        {"rate": Decimal("-0.01")},
        {"rate": 0.06},
        {"rate": Decimal("NaN")},
        {"rate": Decimal("0.06"), "surtax_rate": Decimal("1.5")},
        {"rate": Decimal("0.06"), "surtax_threshold_cents": -1},
    ],
)
def test_bad_tax_rule(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        TaxRule(**kwargs)  # type: ignore[arg-type]


def test_line_tax_refuses_bad_input() -> None:
    with pytest.raises(InvalidMoney):
        line_tax(10.5, 1, FLORIDA)  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        line_tax(100, 1.0, FLORIDA)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("line", "amount"),
    [
        (PricedLine(K.PIECE, 1, 800_000, 50_000), 750_000),
        (PricedLine(K.QUANTITY, 3, 2_500), 7_500),
        (PricedLine(K.SERVICE, 2, 4_000, 1_000), 7_000),
        (PricedLine(K.MISC, 1, 999, 999), 0),
        (PricedLine(K.TRADE_IN, 1, 100_000), -100_000),
        (PricedLine(K.TRADE_IN, 2, 100), -200),
        (PricedLine(K.RETURN, -1, 30_000), -30_000),
        (PricedLine(K.RETURN, -4, 2_500), -10_000),
    ],
)
def test_line_amount(line: PricedLine, amount: int) -> None:
    assert line_amount(line) == amount


@pytest.mark.parametrize(
    ("kind", "quantity", "unit", "adjustment", "error", "match"),
    [
        (K.PIECE, 2, 100, 0, ValidationError, "quantity 1"),
        (K.PIECE, 0, 100, 0, ValidationError, "quantity 1"),
        (K.QUANTITY, 0, 100, 0, ValidationError, "at least 1"),
        (K.SERVICE, -1, 100, 0, ValidationError, "at least 1"),
        (K.MISC, 0, 100, 0, ValidationError, "at least 1"),
        (K.TRADE_IN, 0, 100, 0, ValidationError, "at least 1"),
        (K.TRADE_IN, -1, 100, 0, ValidationError, "at least 1"),
        (K.RETURN, 0, 100, 0, ValidationError, "−1 or less"),
        (K.RETURN, 1, 100, 0, ValidationError, "−1 or less"),
        (K.PIECE, 1, -100, 0, InvalidMoney, "cannot be negative"),
        (K.PIECE, 1, 100, -1, InvalidMoney, "cannot be negative"),
        (K.PIECE, 1, 100, 101, InvalidMoney, "larger than the line"),
        (K.QUANTITY, 3, 100, 301, InvalidMoney, "larger than the line"),
        (K.TRADE_IN, 1, 100, 1, InvalidMoney, "cannot carry a discount"),
        (K.RETURN, -1, 100, 101, InvalidMoney, "larger than"),
    ],
)
def test_priced_line_validation(
    kind: LineKind, quantity: int, unit: int, adjustment: int, error: type[Exception], match: str
) -> None:
    with pytest.raises(error, match=match):
        PricedLine(kind, quantity, unit, adjustment)


def test_priced_line_refuses_non_int_and_bad_kind() -> None:
    with pytest.raises(InvalidMoney):
        PricedLine(K.PIECE, 1, 10.0)  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        PricedLine(K.QUANTITY, 1.5, 10)  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        PricedLine(K.QUANTITY, True, 10)
    with pytest.raises(ValidationError, match="kind of invoice line"):
        PricedLine("layaway", 1, 10)  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        PricedLine(K.PIECE, 1, 10, taxable="yes")  # type: ignore[arg-type]


def test_invoice_totals_mixed_exchange() -> None:
    lines = [
        PricedLine(K.PIECE, 1, 800_000, 50_000),  # 750,000 → tax 45,000 + 5,000
        PricedLine(K.QUANTITY, 3, 2_500),  # 7,500 → tax 450 + 75
        PricedLine(K.SERVICE, 1, 4_000, taxable=False),
        PricedLine(K.TRADE_IN, 1, 100_000, taxable=False),
        PricedLine(K.RETURN, -1, 30_000),  # −30,000 → tax −1,800 − 300
    ]
    totals = invoice_totals(lines, FLORIDA)
    assert totals == InvoiceTotals(
        merchandise_cents=811_500,
        adjustments_cents=50_000,
        trade_in_cents=-100_000,
        returns_cents=-30_000,
        taxable_cents=727_500,
        base_tax_cents=43_650,
        surtax_cents=4_775,
        tax_cents=48_425,
        total_cents=679_925,
        line_taxes=(
            LineTax(45_000, 5_000, 50_000),
            LineTax(450, 75, 525),
            LineTax(0, 0, 0),
            LineTax(0, 0, 0),
            LineTax(-1_800, -300, -2_100),
        ),
    )


def test_exempt_invoice_has_no_tax() -> None:
    lines = [PricedLine(K.PIECE, 1, 800_000), PricedLine(K.RETURN, -1, 1_000)]
    totals = invoice_totals(lines, FLORIDA, exempt=True)
    assert totals.tax_cents == totals.base_tax_cents == totals.surtax_cents == 0
    assert totals.taxable_cents == 0
    assert totals.total_cents == 799_000
    assert totals.line_taxes == (LineTax(0, 0, 0), LineTax(0, 0, 0))


def test_taxable_trade_in_reduces_tax() -> None:
    lines = [PricedLine(K.PIECE, 1, 100_000), PricedLine(K.TRADE_IN, 1, 40_000)]
    totals = invoice_totals(lines, FLORIDA)
    assert totals.taxable_cents == 60_000
    assert totals.tax_cents == 7_000 - 2_800
    assert totals.total_cents == 60_000 + 4_200


def test_empty_invoice() -> None:
    totals = invoice_totals([], FLORIDA)
    assert totals.total_cents == 0
    assert totals.line_taxes == ()
