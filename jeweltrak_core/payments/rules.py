"""Tenders, cash change, overpayment to credit on account, and how much may be refunded.

Cash: the drawer gives change, so a cash payment records only what is applied to the
invoice. ``cash_change_due`` splits what the customer handed over into the applied amount
and the change; ``check_payment_amount`` then refuses a CASH amount above the balance.
Every other tender may exceed the balance; the excess becomes credit on account.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from jeweltrak_core.errors import ValidationError
from jeweltrak_core.money import format_money, require_cents


class Tender(StrEnum):
    """How a customer pays."""

    CASH = "cash"
    CHECK = "check"
    CARD = "card"
    PAYMENT_LINK = "payment_link"
    STORE_CREDIT = "store_credit"
    GIFT_CARD = "gift_card"
    WIRE = "wire"
    DEPOSIT = "deposit"


class RefundReason(StrEnum):
    """The refund reasons Stripe accepts."""

    REQUESTED_BY_CUSTOMER = "requested_by_customer"
    DUPLICATE = "duplicate"
    FRAUDULENT = "fraudulent"


def refundable_remainder(paid_cents: int, refunded_cents: Sequence[int]) -> int:
    """What is left to refund of a payment: paid − Σ earlier refunds (each a positive amount)."""
    paid = require_cents(paid_cents, "Payment", allow_negative=False)
    total_refunded = 0
    for refund in refunded_cents:
        if require_cents(refund, "Refund") <= 0:
            raise ValidationError("Recorded refunds must be positive amounts.", field="refunded")
        total_refunded += refund
    if total_refunded > paid:
        raise ValidationError(
            f"Recorded refunds of {format_money(total_refunded)} exceed the "
            f"{format_money(paid)} payment; check the payment's history.",
            field="refunded",
        )
    return paid - total_refunded


def check_refund(
    paid_cents: int, refunded_cents: Sequence[int], requested_cents: int | None
) -> int:
    """The amount to refund: the whole remainder when None, else a checked partial amount."""
    remainder = refundable_remainder(paid_cents, refunded_cents)
    if remainder == 0:
        raise ValidationError("This payment has already been refunded in full.", field="amount")
    if requested_cents is None:
        return remainder
    requested = require_cents(requested_cents, "Refund amount")
    if requested <= 0:
        raise ValidationError("A refund must be more than $0.00.", field="amount")
    if requested > remainder:
        raise ValidationError(
            f"At most {format_money(remainder)} of this payment can still be refunded.",
            field="amount",
            remainder_cents=remainder,
        )
    return requested


@dataclass(frozen=True)
class CashTender:
    """Cash handed over against a balance, split into the applied amount and the change."""

    balance_cents: int
    handed_cents: int

    def __post_init__(self) -> None:
        """Refuse a zero or negative amount handed over, and a balance with nothing owed."""
        require_cents(self.handed_cents, "Cash received")
        require_cents(self.balance_cents, "Balance")
        if self.handed_cents <= 0:
            raise ValidationError("Enter the cash received (more than $0.00).", field="handed")
        if self.balance_cents <= 0:
            raise ValidationError(
                "Nothing is owed on this invoice, so no cash is due.", field="balance"
            )

    @property
    def applied_cents(self) -> int:
        """The part of the cash that pays the invoice."""
        return min(self.handed_cents, self.balance_cents)

    @property
    def change_cents(self) -> int:
        """The change to give back."""
        return self.handed_cents - self.applied_cents


def cash_change_due(balance_cents: int, handed_cents: int) -> tuple[int, int]:
    """(applied, change) for cash handed over against a balance."""
    tender = CashTender(balance_cents, handed_cents)
    return tender.applied_cents, tender.change_cents


def check_payment_amount(balance_cents: int, amount_cents: int, tender: Tender) -> int:
    """Validate a payment and return the overpayment that becomes credit on account."""
    balance = require_cents(balance_cents, "Balance")
    amount = require_cents(amount_cents, "Payment amount")
    if amount <= 0:
        raise ValidationError("A payment must be more than $0.00.", field="amount")
    owed = max(balance, 0)
    if Tender(tender) == Tender.CASH and amount > owed:
        raise ValidationError(
            f"Cash can pay at most the {format_money(owed)} balance; "
            "the rest is handed back as change.",
            field="amount",
        )
    return max(amount - owed, 0)
