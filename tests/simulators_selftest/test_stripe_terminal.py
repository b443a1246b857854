"""Terminal through the real stripe library: locations, readers, the action state machine."""

from __future__ import annotations

from typing import Any

import pytest
import stripe

from tests.simulators_selftest.conftest import ADDRESS, Connected


def test_location_is_created_listed_and_retrieved(connected: Connected) -> None:
    c, opts = connected.client, connected.opts
    loc = c.v1.terminal.locations.create({"display_name": "Main", "address": ADDRESS}, opts)
    assert loc.id.startswith("tml_") and loc.object == "terminal.location"
    assert loc.address.postal_code == "33132" and loc.livemode is False
    assert c.v1.terminal.locations.retrieve(loc.id, options=opts).display_name == "Main"
    assert [x.id for x in c.v1.terminal.locations.list(options=opts).data] == [loc.id]


@pytest.mark.parametrize("part", ["line1", "city", "country", "postal_code", "state"])
def test_location_without_a_full_address_is_refused(connected: Connected, part: str) -> None:
    address: Any = {k: v for k, v in ADDRESS.items() if k != part}
    with pytest.raises(stripe.InvalidRequestError) as err:
        connected.client.v1.terminal.locations.create(
            {"display_name": "Main", "address": address}, connected.opts
        )
    assert err.value.http_status == 400
    assert err.value.code == "parameter_missing" and err.value.param == f"address[{part}]"


def test_simulated_reader_registers_online_at_its_location(connected: Connected) -> None:
    c, opts = connected.client, connected.opts
    loc = connected.location()
    reader = c.v1.terminal.readers.create(
        {"registration_code": "simulated-s710", "label": "Front counter", "location": loc}, opts
    )
    assert reader.id.startswith("tmr_") and reader.device_type == "simulated_stripe_s710"
    assert (reader.status, reader.label, reader.location, reader.action) == (
        "online",
        "Front counter",
        loc,
        None,
    )
    listed = c.v1.terminal.readers.list({"location": loc, "status": "online"}, opts)
    assert [r.id for r in listed.data] == [reader.id]
    assert c.v1.terminal.readers.list({"status": "offline"}, opts).data == []


def test_registration_codes_follow_the_documented_rule(connected: Connected) -> None:
    c, opts, loc = connected.client, connected.opts, connected.location()
    physical = c.v1.terminal.readers.create(
        {"registration_code": "quick-brown-fox", "label": "Back", "location": loc}, opts
    )
    assert physical.device_type == "stripe_s710"
    for code in ("quick-brown-fox", "12345", "simulated-xyz"):
        with pytest.raises(stripe.InvalidRequestError) as err:
            c.v1.terminal.readers.create({"registration_code": code, "location": loc}, opts)
        assert err.value.param == "registration_code"


def test_reader_needs_a_location_of_its_own_account(connected: Connected) -> None:
    c = connected.client
    with pytest.raises(stripe.InvalidRequestError) as err:
        c.v1.terminal.readers.create({"registration_code": "simulated-s710"}, connected.opts)
    assert err.value.code == "parameter_missing" and err.value.param == "location"
    other = connected.sim.create_connected_account()
    foreign_loc = c.v1.terminal.locations.create(
        {"display_name": "Other store", "address": ADDRESS}, {"stripe_account": other}
    )
    with pytest.raises(stripe.InvalidRequestError) as err:
        c.v1.terminal.readers.create(
            {"registration_code": "simulated-s710", "location": foreign_loc.id}, connected.opts
        )
    assert err.value.http_status == 404 and err.value.code == "resource_missing"


def test_connection_token_is_scoped_to_a_location(connected: Connected) -> None:
    c, opts, loc = connected.client, connected.opts, connected.location()
    token = c.v1.terminal.connection_tokens.create({"location": loc}, opts)
    assert token.secret.startswith("pst_test_") and token.location == loc
    with pytest.raises(stripe.InvalidRequestError) as err:
        c.v1.terminal.connection_tokens.create({"location": "tml_nope"}, opts)
    assert err.value.code == "resource_missing" and err.value.param == "location"


def test_approved_card_completes_the_reader_action(connected: Connected) -> None:
    c, opts = connected.client, connected.opts
    reader, pi_id = connected.reader(), connected.intent(2500, metadata={"invoice": "INV-7"})
    started = c.v1.terminal.readers.process_payment_intent(reader, {"payment_intent": pi_id}, opts)
    assert started["action"]["status"] == "in_progress"
    assert started["action"]["process_payment_intent"]["payment_intent"] == pi_id
    done = c.v1.test_helpers.terminal.readers.present_payment_method(
        reader, {"card_present": {"number": "4242424242424242"}}, opts
    )
    assert done["action"]["status"] == "succeeded"
    pi = c.v1.payment_intents.retrieve(pi_id, {"expand": ["latest_charge"]}, opts)
    assert (pi.status, pi.amount_received) == ("succeeded", 2500)
    charge = pi.latest_charge
    assert isinstance(charge, stripe.Charge) and charge.status == "succeeded"
    card = charge["payment_method_details"]["card_present"]
    assert (card.brand, card.last4) == ("visa", "4242")
    assert charge.metadata["invoice"] == "INV-7"
    assert connected.sink.types()[-3:] == [
        "charge.succeeded",
        "payment_intent.succeeded",
        "terminal.reader.action_succeeded",
    ]


@pytest.mark.parametrize(
    ("number", "code", "decline_code"),
    [
        ("4000000000000002", "card_declined", "generic_decline"),
        ("4000000000009995", "card_declined", "insufficient_funds"),
        ("4000000000009987", "card_declined", "lost_card"),
        ("4000000000000069", "expired_card", "expired_card"),
        ("4000000000000119", "processing_error", "processing_error"),
    ],
)
def test_decline_cards_fail_with_stripes_codes(
    connected: Connected, number: str, code: str, decline_code: str
) -> None:
    c, opts = connected.client, connected.opts
    reader, pi_id = connected.reader(), connected.intent()
    c.v1.terminal.readers.process_payment_intent(reader, {"payment_intent": pi_id}, opts)
    done = c.v1.test_helpers.terminal.readers.present_payment_method(
        reader, {"card_present": {"number": number}}, opts
    )
    assert done["action"]["status"] == "failed" and done["action"]["failure_code"] == code
    pi = c.v1.payment_intents.retrieve(pi_id, options=opts)
    assert pi.status == "requires_payment_method"
    error = pi["last_payment_error"]
    assert (error["code"], error["decline_code"]) == (code, decline_code)
    charge = c.v1.charges.retrieve(str(pi.latest_charge), options=opts)
    assert charge.status == "failed" and charge["outcome"]["reason"] == decline_code
    assert connected.sink.types()[-3:] == [
        "charge.failed",
        "payment_intent.payment_failed",
        "terminal.reader.action_failed",
    ]


def test_declined_intent_can_be_retried_on_the_reader(connected: Connected) -> None:
    c, opts = connected.client, connected.opts
    reader, pi_id = connected.reader(), connected.intent()
    c.v1.terminal.readers.process_payment_intent(reader, {"payment_intent": pi_id}, opts)
    connected.sim.present_payment_method(connected.acct, reader, "4000000000000002")
    c.v1.terminal.readers.process_payment_intent(reader, {"payment_intent": pi_id}, opts)
    connected.sim.present_payment_method(connected.acct, reader, "5555555555554444")
    pi = c.v1.payment_intents.retrieve(pi_id, {"expand": ["latest_charge"]}, opts)
    assert pi.status == "succeeded" and pi.last_payment_error is None
    assert pi["latest_charge"]["payment_method_details"]["card_present"]["brand"] == "mastercard"
    assert len(c.v1.charges.list({"payment_intent": pi_id}, opts).data) == 2


def test_busy_reader_refuses_a_second_payment(connected: Connected) -> None:
    c, opts = connected.client, connected.opts
    reader = connected.reader()
    c.v1.terminal.readers.process_payment_intent(
        reader, {"payment_intent": connected.intent()}, opts
    )
    with pytest.raises(stripe.APIError) as err:
        c.v1.terminal.readers.process_payment_intent(
            reader, {"payment_intent": connected.intent()}, opts
        )
    assert err.value.http_status == 409
    assert err.value.error is not None and err.value.error.code == "terminal_reader_busy"


def test_offline_reader_refuses_until_back_online(connected: Connected) -> None:
    c, opts = connected.client, connected.opts
    reader, pi_id = connected.reader(), connected.intent()
    connected.sim.set_reader_status(connected.acct, reader, "offline")
    assert c.v1.terminal.readers.retrieve(reader, options=opts).status == "offline"
    with pytest.raises(stripe.InvalidRequestError) as err:
        c.v1.terminal.readers.process_payment_intent(reader, {"payment_intent": pi_id}, opts)
    assert err.value.code == "terminal_reader_offline"
    connected.sim.set_reader_status(connected.acct, reader, "online")
    started = c.v1.terminal.readers.process_payment_intent(reader, {"payment_intent": pi_id}, opts)
    assert started["action"]["status"] == "in_progress"


def test_cancel_action_fails_the_action_and_frees_the_reader(connected: Connected) -> None:
    c, opts = connected.client, connected.opts
    reader, pi_id = connected.reader(), connected.intent()
    c.v1.terminal.readers.process_payment_intent(reader, {"payment_intent": pi_id}, opts)
    canceled = c.v1.terminal.readers.cancel_action(reader, options=opts)
    assert (canceled["action"]["status"], canceled["action"]["failure_code"]) == (
        "failed",
        "canceled",
    )
    assert connected.sim.wait_idle()
    assert connected.sink.types()[-1] == "terminal.reader.action_failed"
    with pytest.raises(stripe.InvalidRequestError):
        c.v1.terminal.readers.cancel_action(reader, options=opts)
    assert c.v1.payment_intents.retrieve(pi_id, options=opts).status == "requires_payment_method"
    again = c.v1.terminal.readers.process_payment_intent(reader, {"payment_intent": pi_id}, opts)
    assert again["action"]["status"] == "in_progress"


def test_reader_timeout_helper_fails_the_action(connected: Connected) -> None:
    c, opts = connected.client, connected.opts
    reader = connected.reader()
    c.v1.terminal.readers.process_payment_intent(
        reader, {"payment_intent": connected.intent()}, opts
    )
    failed = connected.sim.fail_reader_action(connected.acct, reader)
    assert failed["action"]["failure_code"] == "customer_canceled"
    assert connected.sink.types()[-1] == "terminal.reader.action_failed"


def test_present_needs_an_action_and_a_simulated_reader(connected: Connected) -> None:
    c, opts = connected.client, connected.opts
    with pytest.raises(stripe.InvalidRequestError):
        c.v1.test_helpers.terminal.readers.present_payment_method(connected.reader(), {}, opts)
    physical = connected.reader("brave-little-toaster")
    c.v1.terminal.readers.process_payment_intent(
        physical, {"payment_intent": connected.intent()}, opts
    )
    with pytest.raises(stripe.InvalidRequestError):
        c.v1.test_helpers.terminal.readers.present_payment_method(physical, {}, opts)


def test_process_needs_a_card_present_intent_in_the_right_state(connected: Connected) -> None:
    c, opts, reader = connected.client, connected.opts, connected.reader()
    online_only = c.v1.payment_intents.create(
        {"amount": 900, "currency": "usd", "allowed_payment_method_types": ["card"]}, opts
    )
    with pytest.raises(stripe.InvalidRequestError) as err:
        c.v1.terminal.readers.process_payment_intent(
            reader, {"payment_intent": online_only.id}, opts
        )
    assert err.value.param == "payment_intent"
    pi_id = connected.intent()
    c.v1.payment_intents.cancel(pi_id, options=opts)
    with pytest.raises(stripe.InvalidRequestError) as err:
        c.v1.terminal.readers.process_payment_intent(reader, {"payment_intent": pi_id}, opts)
    assert err.value.code == "payment_intent_unexpected_state"
    with pytest.raises(stripe.InvalidRequestError) as err:
        c.v1.terminal.readers.process_payment_intent(reader, {}, opts)  # type: ignore[typeddict-item]
    assert err.value.code == "parameter_missing"


def test_canceling_the_intent_frees_the_reader(connected: Connected) -> None:
    c, opts = connected.client, connected.opts
    reader, pi_id = connected.reader(), connected.intent()
    c.v1.terminal.readers.process_payment_intent(reader, {"payment_intent": pi_id}, opts)
    c.v1.payment_intents.cancel(pi_id, options=opts)
    after = c.v1.terminal.readers.retrieve(reader, options=opts)
    assert (after["action"]["status"], after["action"]["failure_code"]) == ("failed", "canceled")
    with pytest.raises(stripe.InvalidRequestError):
        c.v1.test_helpers.terminal.readers.present_payment_method(reader, {}, opts)


def test_unpaired_reader_is_gone_and_its_code_pairs_again(connected: Connected) -> None:
    c, opts = connected.client, connected.opts
    reader = connected.reader("calm-river-stone")
    deleted = c.v1.terminal.readers.delete(reader, options=opts)
    assert deleted.deleted is True
    with pytest.raises(stripe.InvalidRequestError) as err:
        c.v1.terminal.readers.retrieve(reader, options=opts)
    assert err.value.code == "resource_missing"
    assert connected.reader("calm-river-stone").startswith("tmr_")
