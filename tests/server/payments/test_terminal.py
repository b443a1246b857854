"""Card-present payments on the reader: approve, decline, cancel, timeout, partials, deposits."""

from __future__ import annotations

from uuid import UUID

import pytest
from sqlalchemy import Engine, update

from sync_server.db.engine import tenant_transaction
from tests.server.payments.harness import Shop, ok, wait_until
from tests.simulators.stripe import StripeSimulator


def test_approved_payment_posts_to_the_invoice_and_finalizes_it(shop: Shop) -> None:
    invoice_id = shop.invoice(250_000)
    attempt = shop.charge(invoice_id)
    assert attempt["status"] == "waiting" and attempt["amount_cents"] == 250_000
    shop.tap()
    result = shop.outcome(attempt["id"])
    assert result["status"] == "approved"
    assert (result["card_brand"], result["card_last4"]) == ("visa", "4242")
    payment = shop.feed_docs("payments")[result["payment_id"]]
    assert payment["tender"] == "card" and payment["amount_cents"] == 250_000
    assert payment["card_last4"] == "4242" and payment["stripe_charge_id"].startswith("ch_")
    invoice = shop.invoice_doc(invoice_id)
    assert invoice["paid_cents"] == 250_000 and invoice["status"] == "finalized"


def test_webhook_alone_decides_the_outcome(shop: Shop) -> None:
    """Without any long-poll (wait=0 never asks Stripe), the Connect webhook settles it."""
    attempt = shop.charge(shop.invoice(80_000))
    shop.tap()
    shop.sim.wait_idle()

    def decided() -> dict[str, object] | None:
        r = ok(shop.get(f"/v1/payments/terminal/{attempt['id']}"))
        return r if r["status"] != "waiting" else None

    assert wait_until(decided, what="the webhook")["status"] == "approved"


def test_polling_settles_when_webhooks_are_lost(shop: Shop, sim: StripeSimulator) -> None:
    sim.set_webhook("http://127.0.0.1:9/unreachable")
    attempt = shop.charge(shop.invoice(80_000))
    shop.tap()
    assert shop.outcome(attempt["id"], wait=10)["status"] == "approved"


@pytest.mark.parametrize(("card", "code"), [
    ("4000000000000002", "generic_decline"),
    ("4000000000009995", "insufficient_funds"),
])
def test_declined_card_reports_stripes_reason(shop: Shop, card: str, code: str) -> None:
    invoice_id = shop.invoice(90_000)
    attempt = shop.charge(invoice_id)
    shop.tap(card)
    result = shop.outcome(attempt["id"])
    assert result["status"] == "declined"
    assert result["decline_code"] == code and code.replace("_", " ") in result["message"]
    assert result["payment_id"] is None
    assert shop.invoice_doc(invoice_id)["paid_cents"] == 0


def test_declined_then_another_card_is_approved(shop: Shop) -> None:
    invoice_id = shop.invoice(90_000)
    first = shop.charge(invoice_id)
    shop.tap("4000000000000002")
    assert shop.outcome(first["id"])["status"] == "declined"
    assert shop.pay(invoice_id, number="5555555555554444")["card_brand"] == "mastercard"
    assert shop.invoice_doc(invoice_id)["status"] == "finalized"


def test_cancel_stops_the_reader_and_charges_nothing(shop: Shop) -> None:
    invoice_id = shop.invoice(70_000)
    attempt = shop.charge(invoice_id)
    result = ok(shop.post(f"/v1/payments/terminal/{attempt['id']}/cancel"))
    assert result["status"] == "cancelled"
    reader = shop.sim.get(shop.account, "terminal.reader", shop.reader)
    assert reader["action"]["status"] == "failed"
    intent = shop.sim.get(shop.account, "payment_intent", attempt["stripe_payment_intent_id"])
    assert intent["status"] == "canceled"
    assert shop.outcome(attempt["id"], wait=0)["status"] == "cancelled"
    assert shop.invoice_doc(invoice_id)["paid_cents"] == 0


def test_timeout_cancels_when_no_card_comes(shop: Shop) -> None:
    invoice_id = shop.invoice(70_000)
    attempt = shop.charge(invoice_id, timeout=5)
    result = shop.outcome(attempt["id"], wait=15)
    assert result["status"] == "timed_out"
    intent = shop.sim.get(shop.account, "payment_intent", attempt["stripe_payment_intent_id"])
    assert intent["status"] == "canceled"
    assert shop.invoice_doc(invoice_id)["paid_cents"] == 0


def test_partial_payment_then_another_pays_the_rest(shop: Shop) -> None:
    invoice_id = shop.invoice(100_000)
    first = shop.pay(invoice_id, amount=40_000)
    assert first["status"] == "approved"
    invoice = shop.invoice_doc(invoice_id)
    assert invoice["paid_cents"] == 40_000 and invoice["status"] == "open"
    second = shop.charge(invoice_id)
    assert second["amount_cents"] == 60_000  # defaults to the balance
    shop.tap()
    assert shop.outcome(second["id"])["status"] == "approved"
    invoice = shop.invoice_doc(invoice_id)
    assert invoice["paid_cents"] == 100_000 and invoice["status"] == "finalized"


def test_more_than_the_balance_is_refused(shop: Shop) -> None:
    invoice_id = shop.invoice(50_000)
    body = {"reader_id": shop.reader, "idempotency_key": "too-much-0001",
            "invoice_id": str(invoice_id), "amount_cents": 50_001}
    response = shop.post("/v1/payments/terminal", body)
    assert response.status_code == 422 and "$500.00" in response.json()["error"]["message"]


def test_same_request_twice_makes_one_payment_intent(shop: Shop) -> None:
    invoice_id = shop.invoice(60_000)
    first = shop.charge(invoice_id, key="retry-key-0001")
    again = shop.charge(invoice_id, key="retry-key-0001")
    assert again["id"] == first["id"]
    intents = shop.sim.objects(shop.account, "payment_intent")
    assert [i["id"] for i in intents].count(first["stripe_payment_intent_id"]) == 1
    assert len([i for i in intents if i["amount"] == 60_000]) == 1


def test_deposit_on_a_work_order_is_applied_at_invoicing(shop: Shop) -> None:
    from jeweltrak_core.ids import new_id
    from jeweltrak_core.payments.operations import AddPayment, TenderDetails
    from jeweltrak_core.payments.rules import Tender

    customer = shop.contact()
    order_id = shop.work_order(customer)
    attempt = shop.charge(work_order_id=order_id, amount=2_500)
    shop.tap()
    result = shop.outcome(attempt["id"])
    assert result["status"] == "approved" and result["deposit_id"]
    deposit = shop.feed_docs("deposits")[result["deposit_id"]]
    assert deposit["amount_cents"] == 2_500 and deposit["work_order_id"] == str(order_id)
    invoice_id = shop.invoice(6_000, contact_id=customer)
    shop.push(AddPayment(payment_id=new_id(), invoice_id=invoice_id, amount_cents=2_500,
                         details=TenderDetails(tender=Tender.DEPOSIT),
                         deposit_id=result["deposit_id"]))
    assert shop.invoice_doc(invoice_id)["paid_cents"] == 2_500
    assert shop.feed_docs("deposits")[result["deposit_id"]]["applied_cents"] == 2_500


def test_unpaired_reader_is_refused(shop: Shop) -> None:
    body = {"reader_id": "tmr_notours000000", "idempotency_key": "reader-key-0001",
            "invoice_id": str(shop.invoice(10_000))}
    response = shop.post("/v1/payments/terminal", body)
    assert response.status_code == 404 and "Card readers" in response.json()["error"]["message"]


def test_offline_reader_is_reported_and_nothing_waits(shop: Shop) -> None:
    shop.sim.set_reader_status(shop.account, shop.reader, "offline")
    invoice_id = shop.invoice(30_000)
    body = {"reader_id": shop.reader, "idempotency_key": "offline-reader-1",
            "invoice_id": str(invoice_id)}
    response = shop.post("/v1/payments/terminal", body)
    assert response.status_code == 422 and "offline" in response.json()["error"]["message"]
    intents = [i for i in shop.sim.objects(shop.account, "payment_intent")
               if i["amount"] == 30_000]
    assert [i["status"] for i in intents] == ["canceled"]
    shop.sim.set_reader_status(shop.account, shop.reader, "online")
    assert shop.pay(invoice_id)["status"] == "approved"


def test_customer_cancelling_on_the_reader_is_cancelled(shop: Shop) -> None:
    attempt = shop.charge(shop.invoice(30_000))
    shop.sim.fail_reader_action(shop.account, shop.reader)
    assert shop.outcome(attempt["id"])["status"] == "cancelled"


def test_cancel_that_loses_the_race_against_the_tap_books_the_payment(
        shop: Shop, sim: StripeSimulator) -> None:
    """The card was tapped, the webhook is late, the clerk presses Cancel: money was taken."""
    sim.auto_deliver = False
    invoice_id = shop.invoice(33_000)
    attempt = shop.charge(invoice_id)
    shop.tap()
    result = ok(shop.post(f"/v1/payments/terminal/{attempt['id']}/cancel"))
    assert result["status"] == "approved" and result["payment_id"]
    assert shop.invoice_doc(invoice_id)["paid_cents"] == 33_000


def test_abandoned_charge_is_timed_out_before_the_next_one(shop: Shop) -> None:
    import time

    first = shop.charge(shop.invoice(20_000), timeout=5)
    time.sleep(5.2)  # nobody polls the first charge: the desktop went away
    second = shop.charge(shop.invoice(21_000))
    assert second["status"] == "waiting"
    assert shop.outcome(first["id"], wait=0)["status"] == "timed_out"
    shop.tap()
    assert shop.outcome(second["id"])["status"] == "approved"


def test_late_tap_after_a_timeout_that_never_reached_stripe_is_booked(
        shop: Shop, sim: StripeSimulator, engine: Engine) -> None:
    """The money is the truth: an approval replaces a timed-out state."""
    from sync_server.payments.tables import card_payments
    from sync_server.tenancy import tenant_by_id

    invoice_id = shop.invoice(26_000)
    attempt = shop.charge(invoice_id)
    tenant = tenant_by_id(engine, shop.tenant_id)
    assert tenant is not None
    with tenant_transaction(engine, tenant) as conn:  # as if Stripe was unreachable then
        conn.execute(update(card_payments).where(card_payments.c.id == UUID(attempt["id"]))
                     .values(status="timed_out"))
    shop.tap()
    wait_until(lambda: shop.outcome(attempt["id"], wait=0)["status"] == "approved",
               what="the late approval")
    assert shop.invoice_doc(invoice_id)["paid_cents"] == 26_000
