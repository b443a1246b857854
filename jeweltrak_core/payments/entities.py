"""Money movements: payments and refunds, deposits, store credit, disputes, drawer sessions."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from uuid import UUID

from jeweltrak_core.payments.rules import RefundReason, Tender


@dataclass(kw_only=True, slots=True)
class Payment:
    """A tender taken (amount > 0) or a refund given (amount < 0, ``refund_of_id`` set).

    Card fields hold only what PRIVACY_PROMISES.md P3 allows: brand, last four, Stripe IDs.
    """

    id: UUID
    store_id: UUID
    tender: Tender
    amount_cents: int
    invoice_id: UUID | None = None
    work_order_id: UUID | None = None
    deposit_id: UUID | None = None
    contact_id: UUID | None = None
    refund_of_id: UUID | None = None
    refund_reason: RefundReason | None = None
    change_given_cents: int = 0
    #: Part of the amount that became store credit (an overpayment); not refundable again.
    credited_cents: int = 0
    check_number: str | None = None
    reference: str | None = None
    card_brand: str | None = None
    card_last4: str | None = None
    stripe_payment_intent_id: str | None = None
    stripe_charge_id: str | None = None
    drawer_session_id: UUID | None = None
    device_id: UUID | None = None
    user_id: UUID | None = None
    created_at: datetime | None = None
    version: int = 0


@dataclass(kw_only=True, slots=True)
class Deposit:
    """Money taken ahead of a sale (work order or layaway); applied when the invoice is made."""

    id: UUID
    store_id: UUID
    contact_id: UUID | None
    amount_cents: int
    applied_cents: int = 0
    work_order_id: UUID | None = None
    note: str | None = None
    created_at: datetime | None = None
    version: int = 0

    @property
    def remaining_cents(self) -> int:
        """What is left to apply."""
        return self.amount_cents - self.applied_cents


@dataclass(kw_only=True, slots=True)
class StoreCreditEntry:
    """One movement on a contact's store credit (positive: credit given)."""

    id: UUID
    contact_id: UUID
    amount_cents: int
    reason: str
    invoice_id: UUID | None = None
    payment_id: UUID | None = None
    created_at: datetime | None = None
    version: int = 0


@dataclass(kw_only=True, slots=True)
class Dispute:
    """A chargeback: only the P3 fields plus the payment it concerns."""

    id: UUID
    payment_id: UUID | None
    stripe_dispute_id: str
    amount_cents: int
    reason: str
    status: str
    evidence_due_by: date | None = None
    version: int = 0


@dataclass(kw_only=True, slots=True)
class DrawerSession:
    """A cash drawer from opening float to the Z report."""

    id: UUID
    store_id: UUID
    device_id: UUID
    opened_at: datetime
    opening_float_cents: int
    opened_by: UUID | None = None
    closed_at: datetime | None = None
    closed_by: UUID | None = None
    counted_cents: dict[str, int] = field(default_factory=dict)
    expected_cents: dict[str, int] = field(default_factory=dict)
    version: int = 0
