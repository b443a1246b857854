"""Which of a sale's payments a card refund goes back to."""

from __future__ import annotations

from jeweltrak_core.payments.entities import Payment
from jeweltrak_core.payments.rules import Tender
from jeweltrak_desktop.services.sales import SaleView


def card_payment(sale: SaleView | None) -> Payment | None:
    """The sale's latest card payment taken on a reader (the one a refund goes back to)."""
    paid = [p for p in (sale.payments if sale else [])
            if p.tender is Tender.CARD and p.amount_cents > 0 and p.stripe_payment_intent_id]
    return paid[-1] if paid else None
