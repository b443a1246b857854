"""The desktop's card payment client end to end: local invoice → reader → sync → local books."""

from __future__ import annotations

from uuid import UUID

import pytest

from jeweltrak_core.payments.rules import RefundReason, Tender
from jeweltrak_core.sales.invoice_state import InvoiceStatus
from jeweltrak_core.sales.tax import LineKind
from jeweltrak_desktop.services import payments as payments_service
from jeweltrak_desktop.services import sales
from jeweltrak_desktop.services.card_payments import (
    CardPaymentRefused,
    CardPayments,
    CardPaymentsUnavailable,
)
from jeweltrak_desktop.sync.transport import SyncTransport
from tests.desktop.payments.conftest import Counter


def _invoice(counter: Counter, price_cents: int) -> UUID:
    """An open invoice made at the counter (untaxed service line), uploaded to the service."""
    invoice = sales.new_invoice(counter.local)
    sales.add_charge(counter.local, invoice.id, kind=LineKind.SERVICE,
                     description="Custom engraving", price_cents=price_cents, taxable=False)
    counter.sync.sync_once()
    return invoice.id


def test_charge_on_reader_is_approved_and_synced_to_the_counter(counter: Counter) -> None:
    invoice_id = _invoice(counter, 18_500)
    reader = counter.cards.pick_reader()
    assert reader.label == "Front counter" and reader.online
    started = counter.cards.charge_invoice(invoice_id, reader.id)
    assert (started.status, started.amount_cents, started.final) == ("waiting", 18_500, False)
    counter.shop.tap()
    seen: list[str] = []
    done = counter.cards.wait(started.id, on_update=lambda s: seen.append(s.status))
    assert done.status == "approved" and done.card_last4 == "4242" and seen[-1] == "approved"
    assert "Approved" in done.message
    counter.sync.sync_once()
    invoice = sales.get_invoice(counter.local, invoice_id)
    assert invoice.status is InvoiceStatus.FINALIZED and invoice.balance_cents == 0
    (payment,) = payments_service.payments_for_invoice(counter.local, invoice_id)
    assert payment.id == done.payment_id and payment.tender is Tender.CARD
    assert payment.card_brand == "visa" and payment.stripe_payment_intent_id


def test_declined_card_shows_stripes_reason(counter: Counter) -> None:
    invoice_id = _invoice(counter, 9_900)
    started = counter.cards.charge_invoice(invoice_id, counter.shop.reader)
    counter.shop.tap("4000000000009995")
    done = counter.cards.wait(started.id)
    assert done.status == "declined" and done.decline_code == "insufficient_funds"
    assert "insufficient funds" in done.message


def test_cancel_from_the_counter(counter: Counter) -> None:
    invoice_id = _invoice(counter, 5_000)
    started = counter.cards.charge_invoice(invoice_id, counter.shop.reader)
    cancelled = counter.cards.cancel(started.id)
    assert cancelled.status == "cancelled" and cancelled.final
    assert counter.cards.poll(started.id, wait_seconds=0).status == "cancelled"
    counter.sync.sync_once()
    assert sales.get_invoice(counter.local, invoice_id).paid_cents == 0


def test_refund_shows_the_remainder_and_refuses_too_much(counter: Counter) -> None:
    invoice_id = _invoice(counter, 20_000)
    started = counter.cards.charge_invoice(invoice_id, counter.shop.reader)
    counter.shop.tap()
    done = counter.cards.wait(started.id)
    assert done.payment_id is not None
    refund = counter.cards.refund(done.payment_id, amount_cents=6_000,
                                  reason=RefundReason.DUPLICATE)
    assert refund.amount_cents == 6_000 and refund.reason == "duplicate"
    assert counter.cards.refundable(done.payment_id).refundable_cents == 14_000
    with pytest.raises(CardPaymentRefused, match=r"\$140\.00"):
        counter.cards.refund(done.payment_id, amount_cents=14_001)
    counter.sync.sync_once()
    payments = payments_service.payments_for_invoice(counter.local, invoice_id)
    assert sorted(p.amount_cents for p in payments) == [-6_000, 20_000]


def test_offline_means_no_card_with_the_reason(counter: Counter) -> None:
    offline = CardPayments(SyncTransport("http://127.0.0.1:9", lambda: counter.shop.device_token))
    with pytest.raises(CardPaymentsUnavailable, match="cash or a check"):
        offline.readers()
