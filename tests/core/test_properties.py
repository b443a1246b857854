"""Property tests: invoice totals and tax, refunds, stock moves, quantity ledger, memos."""

from __future__ import annotations

import re
from collections import Counter
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jeweltrak_core.errors import IllegalTransition, ValidationError
from jeweltrak_core.inventory.stock import (
    PieceStatus,
    QuantityLedger,
    StockAction,
    piece_transition,
)
from jeweltrak_core.memos.rules import (
    MemoLineAction,
    MemoLineStatus,
    MemoStatus,
    memo_counts_text,
    memo_line_transition,
    memo_status,
)
from jeweltrak_core.payments.rules import check_refund
from jeweltrak_core.sales.tax import (
    LineKind,
    PricedLine,
    TaxRule,
    invoice_totals,
    line_amount,
    line_tax,
)

# --- (a) invoice totals and tax -------------------------------------------------------

SALE_KINDS = [LineKind.PIECE, LineKind.QUANTITY, LineKind.SERVICE, LineKind.MISC]

rules = st.builds(
    TaxRule,
    rate=st.decimals(min_value=0, max_value=Decimal("0.15"), places=4),
    surtax_rate=st.decimals(min_value=0, max_value=Decimal("0.05"), places=4),
    surtax_threshold_cents=st.none() | st.integers(min_value=0, max_value=1_000_000),
)
unit_prices = st.integers(min_value=0, max_value=5_000_000)


@st.composite
def priced_lines(draw: st.DrawFn) -> PricedLine:
    """Any valid invoice line."""
    kind = draw(st.sampled_from(list(LineKind)))
    unit = draw(unit_prices)
    taxable = draw(st.booleans())
    if kind == LineKind.RETURN:
        return PricedLine(kind, draw(st.integers(-20, -1)), unit, taxable=taxable)
    quantity = 1 if kind == LineKind.PIECE else draw(st.integers(1, 20))
    if kind == LineKind.TRADE_IN:
        return PricedLine(kind, quantity, unit, taxable=taxable)
    adjustment = draw(st.integers(0, quantity * unit))
    return PricedLine(kind, quantity, unit, adjustment, taxable)


def exact_tax(amount: int, quantity: int, rule: TaxRule) -> Decimal:
    """The unrounded tax straight from PRODUCT.md's formula."""
    cap = (
        abs(amount)
        if rule.surtax_threshold_cents is None
        else abs(quantity) * (rule.surtax_threshold_cents)
    )
    sign = (amount > 0) - (amount < 0)
    return amount * rule.rate + sign * min(abs(amount), cap) * rule.surtax_rate


@given(st.lists(priced_lines(), max_size=12), rules)
def test_total_is_line_amounts_plus_tax(lines: list[PricedLine], rule: TaxRule) -> None:
    totals = invoice_totals(lines, rule)
    amounts = [line_amount(line) for line in lines]
    assert totals.total_cents == sum(amounts) + totals.tax_cents
    assert totals.tax_cents == sum(t.tax_cents for t in totals.line_taxes)
    assert totals.tax_cents == totals.base_tax_cents + totals.surtax_cents
    assert (
        totals.merchandise_cents
        - totals.adjustments_cents
        + totals.trade_in_cents
        + totals.returns_cents
        + totals.tax_cents
        == totals.total_cents
    )
    assert totals.trade_in_cents <= 0 and totals.returns_cents <= 0
    assert totals.adjustments_cents >= 0
    assert totals.taxable_cents == sum(a for a, x in zip(amounts, lines, strict=True) if x.taxable)
    for line, amount, tax in zip(lines, amounts, totals.line_taxes, strict=True):
        if line.taxable:
            # Rounded once: never more than half a cent from the exact formula.
            assert abs(tax.tax_cents - exact_tax(amount, line.quantity, rule)) <= Decimal("0.5")
        else:
            assert tax.tax_cents == 0


@given(st.lists(priced_lines(), max_size=12), rules)
def test_exempt_invoice_has_no_tax(lines: list[PricedLine], rule: TaxRule) -> None:
    totals = invoice_totals(lines, rule, exempt=True)
    assert totals.tax_cents == 0
    assert all(t.tax_cents == 0 for t in totals.line_taxes)
    assert totals.total_cents == sum(line_amount(line) for line in lines)


@given(
    st.sampled_from(SALE_KINDS),
    st.integers(1, 20),
    unit_prices,
    st.integers(0, 10_000_000),
    rules,
)
def test_return_line_mirrors_sale_tax(
    kind: LineKind, quantity: int, unit: int, discount_seed: int, rule: TaxRule
) -> None:
    quantity = 1 if kind == LineKind.PIECE else quantity
    # A discount can be mirrored only when the net unit price is whole: take one on single units.
    adjustment = discount_seed % (unit + 1) if quantity == 1 else 0
    sale = PricedLine(kind, quantity, unit, adjustment)
    net_unit = line_amount(sale) // quantity
    returned = PricedLine(LineKind.RETURN, -quantity, net_unit)
    assert line_amount(returned) == -line_amount(sale)
    sale_tax = line_tax(line_amount(sale), sale.quantity, rule)
    return_tax = line_tax(line_amount(returned), returned.quantity, rule)
    assert return_tax.tax_cents == -sale_tax.tax_cents
    assert return_tax.base_cents == -sale_tax.base_cents
    exchange = invoice_totals([sale, returned], rule)
    assert exchange.tax_cents == 0
    assert exchange.total_cents == 0


# --- (b) refunds ----------------------------------------------------------------------


@given(st.integers(min_value=0, max_value=10_000_000), st.data())
def test_refunds_never_exceed_the_payment(paid: int, data: st.DataObject) -> None:
    refunded: list[int] = []
    for _ in range(data.draw(st.integers(0, 12), label="attempts")):
        remainder = paid - sum(refunded)
        requested = data.draw(
            st.none()
            | st.integers(-5, remainder + 5)  # around the remaining amount
            | st.integers(-1_000, paid + 1_000),  # anywhere up to (and past) the payment
            label="requested",
        )
        should_accept = remainder > 0 and (requested is None or 0 < requested <= remainder)
        if should_accept:
            accepted = check_refund(paid, refunded, requested)
            assert accepted == (remainder if requested is None else requested)
            refunded.append(accepted)
        else:
            with pytest.raises(ValidationError):
                check_refund(paid, refunded, requested)
        assert sum(refunded) <= paid
    if sum(refunded) < paid:
        assert check_refund(paid, refunded, None) == paid - sum(refunded)


# --- (c) stock moves ------------------------------------------------------------------

S, A = PieceStatus, StockAction


def model_next(status: PieceStatus, action: StockAction, consigned: bool) -> PieceStatus | None:
    """An independent model of the piece life cycle; None means the move is refused."""
    home = S.ON_VENDOR_MEMO if consigned else S.IN_STOCK
    on_hand = status in (S.IN_STOCK, S.ON_VENDOR_MEMO)
    if action == A.SELL:
        return S.SOLD if on_hand else None
    if action == A.UNSELL:
        return home if status == S.SOLD else None
    if action in (A.ISSUE_MEMO, A.REVERSE_MEMO_RETURN):
        return S.ON_MEMO if on_hand else None
    if action == A.RETURN_MEMO:
        return home if status == S.ON_MEMO else None
    if action == A.INVOICE_MEMO:
        return S.SOLD if status == S.ON_MEMO else None
    if action == A.REVERSE_MEMO_INVOICE:
        return S.ON_MEMO if status == S.SOLD else None
    if action == A.RETURN_TO_VENDOR:
        return S.RETURNED_TO_VENDOR if on_hand and consigned else None
    if action == A.SCRAP:
        return S.SCRAPPED if on_hand and not consigned else None
    if action == A.SEND_FOR_SERVICE:
        return S.OUT_FOR_SERVICE if on_hand else None
    return home if status == S.OUT_FOR_SERVICE else None  # BACK_FROM_SERVICE


@given(st.booleans(), st.lists(st.sampled_from(list(StockAction)), max_size=40))
def test_stock_moves_follow_the_model(consigned: bool, actions: list[StockAction]) -> None:
    status = S.ON_VENDOR_MEMO if consigned else S.IN_STOCK
    visited = {status}
    for action in actions:
        expected = model_next(status, action, consigned)
        if expected is None:
            with pytest.raises(IllegalTransition) as exc:
                status = piece_transition(status, action, consigned=consigned)
            assert exc.value.state == status.value
        else:
            status = piece_transition(status, action, consigned=consigned)
            assert status is expected
        visited.add(status)
    # A piece's own status is never the other ownership's "available" status.
    assert (S.IN_STOCK if consigned else S.ON_VENDOR_MEMO) not in visited


# --- (d) quantity ledger --------------------------------------------------------------


@given(
    st.integers(),
    st.integers(),
    st.integers(),
    st.integers(),
    st.integers(),
    st.integers(),
    st.integers(min_value=0),
)
def test_ledger_expected_quantity(
    purchased: int,
    adjustments: int,
    invoiced: int,
    memos: int,
    rtv: int,
    scrapped: int,
    counted: int,
) -> None:
    ledger = QuantityLedger(purchased, adjustments, invoiced, memos, rtv, scrapped)
    expected = purchased + adjustments - invoiced - memos - rtv - scrapped
    assert ledger.expected_quantity == expected
    assert ledger.is_negative == (expected < 0)
    assert ledger.drift(counted) == counted - expected


# --- (e) memos ------------------------------------------------------------------------

L, LA = MemoLineStatus, MemoLineAction


def counts_from_text(text: str) -> Counter[str]:
    """Parse "3 out · 1 returned" back into counts."""
    if text == "empty":
        return Counter()
    parsed: Counter[str] = Counter()
    for part in text.split(" · "):
        match = re.fullmatch(r"([1-9][0-9]*) (out|returned|invoiced)", part)
        assert match, part
        parsed[match.group(2)] = int(match.group(1))
    return parsed


@given(
    st.integers(min_value=0, max_value=8),
    st.lists(st.tuples(st.integers(0, 7), st.sampled_from(list(MemoLineAction))), max_size=30),
)
def test_memo_status_matches_counts(n_lines: int, ops: list[tuple[int, MemoLineAction]]) -> None:
    lines = [L.OUT] * n_lines
    for index, action in ops:
        if index >= n_lines:
            continue
        before = lines[index]
        legal = (before == L.OUT) != (action == LA.REVERSE)
        if legal:
            lines[index] = memo_line_transition(before, action)
            assert (lines[index] == L.OUT) == (action == LA.REVERSE)
        else:
            with pytest.raises(IllegalTransition):
                memo_line_transition(before, action)
    out, ret, inv = lines.count(L.OUT), lines.count(L.RETURNED), lines.count(L.INVOICED)
    expected: MemoStatus
    if n_lines == 0:
        expected = MemoStatus.EMPTY
    elif out == n_lines:
        expected = MemoStatus.OPEN
    elif out > 0:
        expected = MemoStatus.PARTIAL
    elif ret == n_lines:
        expected = MemoStatus.RETURNED
    elif inv == n_lines:
        expected = MemoStatus.INVOICED
    else:
        expected = MemoStatus.CLOSED
        assert ret > 0 and inv > 0
    assert memo_status(lines) is expected
    assert memo_status(list(reversed(lines))) is expected
    assert counts_from_text(memo_counts_text(lines)) == Counter(
        {name: c for name, c in (("out", out), ("returned", ret), ("invoiced", inv)) if c}
    )
