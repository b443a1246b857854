"""Tenders, cash change, overpayment and refund limits."""

from __future__ import annotations

import pytest

from jeweltrak_core.errors import InvalidMoney, ValidationError
from jeweltrak_core.payments.rules import (
    CashTender,
    RefundReason,
    Tender,
    cash_change_due,
    check_payment_amount,
    check_refund,
    refundable_remainder,
)


def test_enum_values() -> None:
    assert [t.value for t in Tender] == [
        "cash",
        "check",
        "card",
        "payment_link",
        "store_credit",
        "gift_card",
        "wire",
        "deposit",
    ]
    assert [r.value for r in RefundReason] == ["requested_by_customer", "duplicate", "fraudulent"]


def test_refundable_remainder() -> None:
    assert refundable_remainder(10_000, []) == 10_000
    assert refundable_remainder(10_000, [2_500, 500]) == 7_000
    assert refundable_remainder(10_000, (10_000,)) == 0


def test_refundable_remainder_refuses_bad_history() -> None:
    with pytest.raises(ValidationError, match="exceed"):
        refundable_remainder(10_000, [6_000, 5_000])
    with pytest.raises(ValidationError, match="positive"):
        refundable_remainder(10_000, [-500])
    with pytest.raises(ValidationError, match="positive"):
        refundable_remainder(10_000, [0])
    with pytest.raises(InvalidMoney):
        refundable_remainder(-1, [])


def test_check_refund_defaults_to_remainder() -> None:
    assert check_refund(10_000, [2_500], None) == 7_500


def test_check_refund_partial() -> None:
    assert check_refund(10_000, [2_500], 7_500) == 7_500
    assert check_refund(10_000, [2_500], 1) == 1


def test_check_refund_over_remainder_names_it() -> None:
    with pytest.raises(ValidationError, match=r"At most \$75\.00 of this payment") as exc:
        check_refund(10_000, [2_500], 7_501)
    assert exc.value.details["remainder_cents"] == 7_500
    with pytest.raises(ValidationError, match=r"\$1,234\.56"):
        check_refund(123_456, [], 123_457)


@pytest.mark.parametrize("bad", [0, -100])
def test_check_refund_must_be_positive(bad: int) -> None:
    with pytest.raises(ValidationError, match="more than"):
        check_refund(10_000, [], bad)


def test_check_refund_when_fully_refunded() -> None:
    with pytest.raises(ValidationError, match="already been refunded in full"):
        check_refund(10_000, [10_000], None)
    with pytest.raises(ValidationError, match="already been refunded in full"):
        check_refund(10_000, [4_000, 6_000], 1)


def test_cash_change_due() -> None:
    assert cash_change_due(7_345, 10_000) == (7_345, 2_655)
    assert cash_change_due(7_345, 7_345) == (7_345, 0)
    assert cash_change_due(7_345, 5_000) == (5_000, 0)
    tender = CashTender(balance_cents=1_999, handed_cents=2_000)
    assert (tender.applied_cents, tender.change_cents) == (1_999, 1)


@pytest.mark.parametrize(("balance", "handed"), [(1_000, 0), (1_000, -5), (0, 500), (-100, 500)])
def test_cash_change_due_refuses(balance: int, handed: int) -> None:
    with pytest.raises(ValidationError):
        cash_change_due(balance, handed)


def test_check_payment_amount_exact_and_partial() -> None:
    for tender in Tender:
        assert check_payment_amount(10_000, 10_000, tender) == 0
        assert check_payment_amount(10_000, 2_500, tender) == 0


@pytest.mark.parametrize("tender", [t for t in Tender if t is not Tender.CASH])
def test_non_cash_overpayment_becomes_credit(tender: Tender) -> None:
    assert check_payment_amount(10_000, 12_500, tender) == 2_500
    assert check_payment_amount(0, 500, tender) == 500
    assert check_payment_amount(-300, 500, tender) == 500


def test_cash_over_balance_is_change_not_credit() -> None:
    with pytest.raises(ValidationError, match=r"at most the \$100\.00 balance"):
        check_payment_amount(10_000, 10_001, Tender.CASH)


@pytest.mark.parametrize("tender", list(Tender))
def test_payment_must_be_positive(tender: Tender) -> None:
    with pytest.raises(ValidationError, match="more than"):
        check_payment_amount(10_000, 0, tender)
    with pytest.raises(InvalidMoney):
        check_payment_amount(10_000, 10.0, tender)  # type: ignore[arg-type]
