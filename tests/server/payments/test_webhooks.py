"""The Connect webhook: signatures, livemode, each event once, any order."""

from __future__ import annotations

import copy
import json
from typing import Any

import httpx
from sqlalchemy import Engine, text

from tests.server.payments.harness import Shop, ok, wait_until
from tests.simulators.stripe import StripeSimulator
from tests.simulators.stripe.webhooks import signature_header


def _post(shop: Shop, event: dict[str, Any], secret: str, *, sign: bool = True) -> httpx.Response:
    body = json.dumps(event).encode()
    headers = {"Content-Type": "application/json"}
    if sign:
        headers["Stripe-Signature"] = signature_header(body, secret)
    return httpx.post(shop.url + "/v1/stripe/webhooks", content=body, headers=headers)


def _event_count(engine: Engine, event_id: str) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text(
            "SELECT count(*) FROM platform.stripe_events WHERE event_id = :e"), {"e": event_id},
        ).scalar_one())


def _held_events(sim: StripeSimulator, account: str, kind: str) -> list[dict[str, Any]]:
    return [e for e in sim.pending_events() if e["type"].startswith(kind)
            and e.get("account") == account]


def _paid_held(shop: Shop, sim: StripeSimulator, amount: int = 30_000) -> tuple[str, str]:
    """An approved payment (settled by the long-poll); later events are held back."""
    invoice_id = shop.invoice(amount)
    result = shop.pay(invoice_id)
    assert result["status"] == "approved"
    sim.wait_idle()
    sim.auto_deliver = False
    charge = shop.feed_docs("payments")[result["payment_id"]]["stripe_charge_id"]
    return result["payment_id"], charge


def _dispute_event(shop: Shop, sim: StripeSimulator) -> tuple[str, dict[str, Any]]:
    invoice_id = shop.invoice(30_000)
    result = shop.pay(invoice_id)
    sim.wait_idle()
    sim.auto_deliver = False
    charge = shop.feed_docs("payments")[result["payment_id"]]["stripe_charge_id"]
    sim.open_dispute(shop.account, charge, "product_not_received")
    (created,) = _held_events(sim, shop.account, "charge.dispute.created")
    return str(invoice_id), created


def _disputes(shop: Shop, invoice_id: str) -> list[dict[str, Any]]:
    return list(ok(shop.get(f"/v1/invoices/{invoice_id}/disputes"))["disputes"])


def test_bad_signature_is_400_and_nothing_is_stored(shop: Shop, sim: StripeSimulator,
                                                    engine: Engine) -> None:
    invoice_id, event = _dispute_event(shop, sim)
    for response in (_post(shop, event, "whsec_wrong_secret"), _post(shop, event, "", sign=False)):
        assert response.status_code == 400
    tampered = copy.deepcopy(event)
    body = json.dumps(event).encode()
    tampered["data"]["object"]["amount"] = 1
    forged = httpx.post(shop.url + "/v1/stripe/webhooks", content=json.dumps(tampered).encode(),
                        headers={"Stripe-Signature": signature_header(body, sim.webhook_secret)})
    assert forged.status_code == 400
    assert _event_count(engine, event["id"]) == 0
    assert _disputes(shop, invoice_id) == []


def test_livemode_mismatch_is_ignored(shop: Shop, sim: StripeSimulator, engine: Engine) -> None:
    invoice_id, event = _dispute_event(shop, sim)
    live = dict(event, livemode=True)
    response = _post(shop, live, sim.webhook_secret)
    assert response.status_code == 200 and response.json()["ignored"] == "livemode"
    assert _event_count(engine, event["id"]) == 0 and _disputes(shop, invoice_id) == []
    assert _post(shop, event, sim.webhook_secret).status_code == 200
    assert len(_disputes(shop, invoice_id)) == 1


def test_duplicate_deliveries_record_a_dashboard_refund_once(shop: Shop, sim: StripeSimulator,
                                                             engine: Engine) -> None:
    payment_id, charge = _paid_held(shop, sim)
    sim.dashboard_refund(shop.account, charge, 7_000)
    (refunded,) = _held_events(sim, shop.account, "charge.refunded")
    deliveries = sim.deliver(refunded, times=3)
    assert [d.status for d in deliveries] == [200, 200, 200]
    summary = ok(shop.get(f"/v1/payments/{payment_id}/refunds"))
    assert summary["refunded_cents"] == 7_000 and len(summary["refunds"]) == 1
    assert _event_count(engine, refunded["id"]) == 1
    negatives = [p for p in shop.feed_docs("payments").values()
                 if p["refund_of_id"] == payment_id]
    assert len(negatives) == 1


def test_out_of_order_dispute_events_end_in_the_latest_state(shop: Shop,
                                                            sim: StripeSimulator) -> None:
    invoice_id, created = _dispute_event(shop, sim)
    sim.close_dispute(shop.account, created["data"]["object"]["id"], "won")
    held = _held_events(sim, shop.account, "charge.dispute.")
    for event in reversed(held):  # closed first, created last
        assert sim.deliver(event)[0].status == 200
    (shown,) = _disputes(shop, invoice_id)
    assert shown["status"] == "won"


def test_out_of_order_payment_events_book_the_payment_once(shop: Shop,
                                                          sim: StripeSimulator) -> None:
    sim.auto_deliver = False
    invoice_id = shop.invoice(40_000)
    attempt = shop.charge(invoice_id)
    shop.tap()
    held = [e for e in sim.pending_events() if e.get("account") == shop.account]
    for event in reversed(held):
        sim.deliver(event, times=2)
    result = shop.outcome(attempt["id"], wait=0)
    assert result["status"] == "approved"
    payments = [p for p in shop.feed_docs("payments").values()
                if p["invoice_id"] == str(invoice_id)]
    assert len(payments) == 1 and shop.invoice_doc(invoice_id)["paid_cents"] == 40_000


def test_event_for_an_unknown_account_is_acknowledged_and_ignored(shop: Shop,
                                                                 sim: StripeSimulator) -> None:
    _, event = _dispute_event(shop, sim)
    stranger = dict(event, account="acct_notacustomer00", id=event["id"] + "x")
    response = _post(shop, stranger, sim.webhook_secret)
    assert response.status_code == 200 and response.json()["result"] == "ignored"


def test_connect_onboarding_status_follows_account_updated(service_url: str,
                                                           sim: StripeSimulator) -> None:
    from tests.server.payments.harness import open_shop

    shop = open_shop(service_url, sim, with_reader=False)
    status = ok(shop.http.get(f"{shop.url}/v1/stores/{shop.store_id}/stripe",
                              headers=shop.owner))
    assert status["charges_enabled"] is True and status["account_id"] == shop.account
    wait_until(lambda: ok(shop.get("/v1/stripe/status"))["details_submitted"],
               what="account.updated")
