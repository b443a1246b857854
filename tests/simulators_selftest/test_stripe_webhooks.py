"""Signed Connect webhooks: verification, delivery status, replay and reordering."""

from __future__ import annotations

import json
import time

import pytest
import stripe

from tests.simulators.stripe import StripeSimulator
from tests.simulators_selftest.conftest import Connected, WebhookSink


def test_signature_verifies_with_the_secret_only(connected: Connected) -> None:
    connected.paid_charge()
    body, headers = connected.sink.received[-1]
    assert headers["content-type"].startswith("application/json")
    event = stripe.Webhook.construct_event(
        body, headers["stripe-signature"], connected.sim.webhook_secret
    )
    assert event.type == "terminal.reader.action_succeeded"
    assert event.account == connected.acct and event.livemode is False
    with pytest.raises(stripe.SignatureVerificationError):
        stripe.Webhook.construct_event(body, headers["stripe-signature"], "whsec_wrong")
    tampered = body.replace('"succeeded"', '"failed"')
    with pytest.raises(stripe.SignatureVerificationError):
        stripe.Webhook.construct_event(
            tampered, headers["stripe-signature"], connected.sim.webhook_secret
        )


def test_account_updated_when_onboarding_completes(
    stripe_sim: StripeSimulator, sink: WebhookSink
) -> None:
    stripe_sim.set_webhook(sink.url, "whsec_custom")
    acct = stripe_sim.create_connected_account(charges_enabled=False)
    stripe_sim.complete_onboarding(acct)
    body, headers = sink.received[-1]
    event = stripe.Webhook.construct_event(body, headers["stripe-signature"], "whsec_custom")
    assert event.type == "account.updated" and event.account == acct
    assert event.data.object.charges_enabled is True
    assert event.data.previous_attributes.charges_enabled is False


def test_held_events_can_be_duplicated_and_reordered(connected: Connected) -> None:
    connected.sim.auto_deliver = False
    connected.paid_charge()
    pending = connected.sim.pending_events()
    assert [e["type"] for e in pending] == [
        "payment_intent.created",
        "charge.succeeded",
        "payment_intent.succeeded",
        "terminal.reader.action_succeeded",
    ]
    assert connected.sink.received == []
    last, first = pending[-1], pending[1]
    connected.sim.deliver(last, times=2)
    connected.sim.deliver(first)
    assert connected.sink.types() == [last["type"], last["type"], first["type"]]
    ids = [json.loads(b)["id"] for b, _ in connected.sink.received]
    assert ids[0] == ids[1]
    delivered = connected.sim.deliver_pending()
    assert [d.event["type"] for d in delivered] == [
        "payment_intent.created",
        "payment_intent.succeeded",
    ]
    assert connected.sim.pending_events() == []
    assert len(connected.sim.delivered_events) == 5


def test_delivery_records_the_receivers_status(connected: Connected) -> None:
    connected.sink.status = 400
    connected.paid_charge()
    assert {d.status for d in connected.sim.deliveries} == {400}
    connected.sim.set_webhook("http://127.0.0.1:9/unreachable")
    connected.sim.dashboard_refund(
        connected.acct, connected.sim.objects(connected.acct, "charge")[0]["id"]
    )
    last = connected.sim.deliveries[-1]
    assert last.status is None and last.error


def test_callable_target_gets_body_and_headers(stripe_sim: StripeSimulator) -> None:
    seen: list[tuple[bytes, dict[str, str]]] = []

    def receive(body: bytes, headers: dict[str, str]) -> int:
        seen.append((body, headers))
        return 200

    stripe_sim.set_webhook(receive, "whsec_inprocess")
    acct = stripe_sim.create_connected_account(charges_enabled=False)
    stripe_sim.complete_onboarding(acct)
    body, headers = seen[-1]
    event = stripe.Webhook.construct_event(body, headers["Stripe-Signature"], "whsec_inprocess")
    assert event.type == "account.updated"
    assert stripe_sim.deliveries[-1].status == 200


def test_events_wait_without_a_target(stripe_sim: StripeSimulator, sink: WebhookSink) -> None:
    acct = stripe_sim.create_connected_account(charges_enabled=False)
    stripe_sim.complete_onboarding(acct)
    assert [e["type"] for e in stripe_sim.pending_events()] == ["account.updated"]
    stripe_sim.set_webhook(sink.url)
    stripe_sim.deliver_pending()
    assert sink.types() == ["account.updated"]


def test_events_can_be_fetched_per_account(connected: Connected) -> None:
    connected.paid_charge()
    c, opts = connected.client, connected.opts
    listed = c.v1.events.list({"type": "payment_intent.succeeded"}, opts)
    assert [e.type for e in listed.data] == ["payment_intent.succeeded"]
    event = c.v1.events.retrieve(listed.data[0].id, options=opts)
    assert event.account == connected.acct
    other = {"stripe_account": connected.sim.create_connected_account()}
    with pytest.raises(stripe.InvalidRequestError):
        c.v1.events.retrieve(event.id, options=other)  # type: ignore[arg-type]


def test_deliver_with_a_wrong_secret_or_an_old_timestamp(connected: Connected) -> None:
    connected.sim.auto_deliver = False
    connected.paid_charge()
    event = connected.sim.pending_events()[-1]
    connected.sim.deliver(event, secret="whsec_attacker")
    connected.sim.deliver(event, timestamp=int(time.time()) - 600)
    secret = connected.sim.webhook_secret
    for body, headers in connected.sink.received:
        with pytest.raises(stripe.SignatureVerificationError):
            stripe.Webhook.construct_event(body, headers["stripe-signature"], secret)


def test_failed_deliveries_are_retried(connected: Connected) -> None:
    connected.sink.status = 500
    connected.paid_charge()
    failed_ids = {d.event["id"] for d in connected.sim.deliveries}
    connected.sink.status = 200
    retried = connected.sim.redeliver_failed()
    assert {d.event["id"] for d in retried} == failed_ids
    assert {d.status for d in retried} == {200}
    assert connected.sim.redeliver_failed() == []
