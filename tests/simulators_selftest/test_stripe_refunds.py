"""Refunds (API and dashboard) and disputes through the real library and the webhook."""

from __future__ import annotations

import json
import time

import pytest
import stripe

from tests.simulators_selftest.conftest import Connected


def test_partial_refunds_up_to_the_charge(connected: Connected) -> None:
    c, opts = connected.client, connected.opts
    pi_id, charge_id = connected.paid_charge(10000)
    first = c.v1.refunds.create(
        {"payment_intent": pi_id, "amount": 2500, "reason": "requested_by_customer"}, opts
    )
    assert first.id.startswith("re_") and (first.amount, first.status) == (2500, "succeeded")
    assert (first.charge, first.payment_intent, first.reason) == (
        charge_id,
        pi_id,
        "requested_by_customer",
    )
    with pytest.raises(stripe.InvalidRequestError) as err:
        c.v1.refunds.create({"charge": charge_id, "amount": 7501}, opts)
    assert err.value.param == "amount"
    assert str(err.value.user_message) == (
        "Refund amount ($75.01) is greater than unrefunded amount on charge ($75.00)"
    )
    rest = c.v1.refunds.create({"charge": charge_id}, opts)  # default: what remains
    assert rest.amount == 7500
    charge = c.v1.charges.retrieve(charge_id, options=opts)
    assert (charge.amount_refunded, charge.refunded) == (10000, True)
    with pytest.raises(stripe.InvalidRequestError) as err:
        c.v1.refunds.create({"charge": charge_id, "amount": 1}, opts)
    assert err.value.code == "charge_already_refunded"
    listed = c.v1.refunds.list({"payment_intent": pi_id}, opts)
    assert [r.id for r in listed.data] == [rest.id, first.id]


def test_refund_needs_a_target_a_valid_reason_and_a_paid_charge(connected: Connected) -> None:
    c, opts = connected.client, connected.opts
    with pytest.raises(stripe.InvalidRequestError) as err:
        c.v1.refunds.create({}, opts)
    assert err.value.code == "parameter_missing"
    _, charge_id = connected.paid_charge()
    with pytest.raises(stripe.InvalidRequestError) as err:
        c.v1.refunds.create({"charge": charge_id, "reason": "changed_mind"}, opts)
    assert err.value.param == "reason"
    with pytest.raises(stripe.InvalidRequestError) as err:
        c.v1.refunds.create({"payment_intent": connected.intent()}, opts)
    assert err.value.code == "charge_not_refundable"
    with pytest.raises(stripe.PermissionError):
        c.v1.refunds.create({"charge": charge_id}, {"stripe_account": "acct_nope"})
    with pytest.raises(stripe.InvalidRequestError) as err:
        other = connected.sim.create_connected_account()
        c.v1.refunds.create({"charge": charge_id}, {"stripe_account": other})
    assert err.value.code == "resource_missing" and err.value.param == "charge"


def test_api_refund_events_follow_the_response(connected: Connected) -> None:
    _, charge_id = connected.paid_charge(4000)
    refund = connected.client.v1.refunds.create({"charge": charge_id}, connected.opts)
    assert connected.sim.wait_idle()
    body, _ = connected.sink.received[-1]
    event = json.loads(body)
    assert event["type"] == "refund.created" and event["data"]["object"]["id"] == refund.id
    assert event["request"]["idempotency_key"] is not None


def test_dashboard_refund_is_learned_only_by_webhook(connected: Connected) -> None:
    _, charge_id = connected.paid_charge(6000)
    before = len(connected.sim.requests)
    refund = connected.sim.dashboard_refund(connected.acct, charge_id, 1500, "duplicate")
    assert len(connected.sim.requests) == before  # no API call was made
    events = [json.loads(body) for body, _ in connected.sink.received[-2:]]
    assert [e["type"] for e in events] == ["charge.refunded", "refund.created"]
    charge_event, refund_event = events
    assert charge_event["account"] == connected.acct and charge_event["livemode"] is False
    assert charge_event["data"]["object"]["amount_refunded"] == 1500
    assert charge_event["data"]["previous_attributes"] == {"amount_refunded": 0, "refunded": False}
    assert refund_event["data"]["object"]["id"] == refund["id"]
    assert refund_event["data"]["object"]["reason"] == "duplicate"


def test_dispute_opens_and_closes_by_webhook(connected: Connected) -> None:
    c, opts = connected.client, connected.opts
    pi_id, charge_id = connected.paid_charge(8000)
    dispute = connected.sim.open_dispute(connected.acct, charge_id, reason="fraudulent")
    assert dispute["id"].startswith("du_") and dispute["status"] == "needs_response"
    assert dispute["evidence_details"]["due_by"] > time.time() + 6 * 86400
    assert connected.sink.types()[-2:] == [
        "charge.dispute.created",
        "charge.dispute.funds_withdrawn",
    ]
    fetched = c.v1.disputes.retrieve(dispute["id"], options=opts)
    assert (fetched.amount, fetched.reason, fetched.charge) == (8000, "fraudulent", charge_id)
    assert fetched.payment_intent == pi_id
    with pytest.raises(stripe.InvalidRequestError) as err:
        c.v1.refunds.create({"charge": charge_id}, opts)
    assert err.value.code == "charge_disputed"
    closed = connected.sim.close_dispute(connected.acct, dispute["id"], "lost")
    assert closed["status"] == "lost"
    assert connected.sink.types()[-1] == "charge.dispute.closed"


def test_won_dispute_reinstates_funds(connected: Connected) -> None:
    _, charge_id = connected.paid_charge()
    dispute = connected.sim.open_dispute(connected.acct, charge_id, reason="product_not_received")
    connected.sim.close_dispute(connected.acct, dispute["id"], "won")
    assert connected.sink.types()[-2:] == [
        "charge.dispute.closed",
        "charge.dispute.funds_reinstated",
    ]
    accepted = connected.sim.open_dispute(connected.acct, connected.paid_charge()[1])
    closed = connected.client.v1.disputes.close(accepted["id"], options=connected.opts)
    assert closed.status == "lost"
