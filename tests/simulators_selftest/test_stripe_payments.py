"""PaymentIntents, idempotency, keys and per-account isolation through the real library."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
import stripe

from tests.simulators.stripe import StripeSimulator
from tests.simulators.stripe.fixtures import stripe_client
from tests.simulators_selftest.conftest import Connected


def test_intent_is_shaped_like_stripes(connected: Connected) -> None:
    c, opts = connected.client, connected.opts
    pi = c.v1.payment_intents.create(
        {
            "amount": 12345,
            "currency": "usd",
            "allowed_payment_method_types": ["card_present"],
            "capture_method": "automatic",
            "metadata": {"invoice_id": "inv-1"},
        },
        opts,
    )
    assert isinstance(pi, stripe.PaymentIntent) and pi.id.startswith("pi_")
    assert (pi.status, pi.amount, pi.currency) == ("requires_payment_method", 12345, "usd")
    assert pi.payment_method_types == ["card_present"] and pi.capture_method == "automatic"
    assert pi.metadata.to_dict() == {"invoice_id": "inv-1"}
    assert str(pi.client_secret).startswith(pi.id)
    assert pi.livemode is False and pi.latest_charge is None


@pytest.mark.parametrize(
    ("params", "code", "param"),
    [
        ({"currency": "usd"}, "parameter_missing", "amount"),
        ({"amount": 1000}, "parameter_missing", "currency"),
        ({"amount": 0, "currency": "usd"}, "parameter_invalid_integer", "amount"),
        ({"amount": "12.50", "currency": "usd"}, "parameter_invalid_integer", "amount"),
        ({"amount": 49, "currency": "usd"}, "amount_too_small", "amount"),
        ({"amount": 1000, "currency": "usd", "colour": "red"}, "parameter_unknown", "colour"),
    ],
)
def test_bad_intent_params_are_refused(
    connected: Connected, params: Any, code: str, param: str
) -> None:
    with pytest.raises(stripe.InvalidRequestError) as err:
        connected.client.v1.payment_intents.create(params, connected.opts)
    assert (err.value.http_status, err.value.code, err.value.param) == (400, code, param)


def test_objects_of_another_account_are_missing(connected: Connected) -> None:
    c = connected.client
    pi_id = connected.intent()
    other: Any = {"stripe_account": connected.sim.create_connected_account()}
    calls: list[Any] = [
        lambda: c.v1.payment_intents.retrieve(pi_id, options=other),
        lambda: c.v1.payment_intents.cancel(pi_id, options=other),
        lambda: c.v1.payment_intents.retrieve(pi_id),  # the platform itself
    ]
    for call in calls:
        with pytest.raises(stripe.InvalidRequestError) as err:
            call()
        assert (err.value.http_status, err.value.code) == (404, "resource_missing")
        assert pi_id in str(err.value.user_message)
    assert c.v1.payment_intents.list(options=other).data == []


def test_unknown_connected_account_is_refused(connected: Connected) -> None:
    with pytest.raises(stripe.PermissionError) as err:
        connected.client.v1.payment_intents.list(options={"stripe_account": "acct_nope"})
    assert err.value.http_status == 403
    assert err.value.error is not None and err.value.error.code == "account_invalid"


def test_bad_or_missing_key_is_401(stripe_sim: StripeSimulator) -> None:
    with pytest.raises(stripe.AuthenticationError) as err:
        stripe_client(stripe_sim, "sk_test_wrong").v1.payment_intents.list()
    assert err.value.http_status == 401
    response = httpx.get(f"{stripe_sim.base_url}/v1/payment_intents")
    assert response.status_code == 401
    assert response.json()["error"]["type"] == "invalid_request_error"


def test_not_onboarded_account_cannot_take_payments(stripe_sim: StripeSimulator) -> None:
    acct = stripe_sim.create_connected_account(charges_enabled=False)
    client = stripe_client(stripe_sim)
    params: Any = {
        "amount": 1000,
        "currency": "usd",
        "allowed_payment_method_types": ["card_present"],
    }
    with pytest.raises(stripe.InvalidRequestError):
        client.v1.payment_intents.create(params, {"stripe_account": acct})
    stripe_sim.complete_onboarding(acct)
    pi = client.v1.payment_intents.create(params, {"stripe_account": acct})
    assert pi.status == "requires_payment_method"


def test_same_idempotency_key_replays_the_first_response(connected: Connected) -> None:
    c, acct = connected.client, connected.acct
    params: Any = {
        "amount": 5000,
        "currency": "usd",
        "allowed_payment_method_types": ["card_present"],
    }
    opts: Any = {"stripe_account": acct, "idempotency_key": "desktop-req-1"}
    first = c.v1.payment_intents.create(params, opts)
    again = c.v1.payment_intents.create(params, opts)
    assert again.id == first.id
    assert again.last_response is not None
    assert again.last_response.headers.get("Idempotent-Replayed") == "true"
    assert len(connected.sim.objects(acct, "payment_intent")) == 1
    with pytest.raises(stripe.IdempotencyError):
        changed: Any = dict(params, amount=6000)
        c.v1.payment_intents.create(changed, opts)
    other: Any = {
        "stripe_account": connected.sim.create_connected_account(),
        "idempotency_key": "desktop-req-1",
    }
    assert c.v1.payment_intents.create(params, other).id != first.id


def test_refused_request_is_not_saved_under_its_key(connected: Connected) -> None:
    opts: Any = {"stripe_account": connected.acct, "idempotency_key": "k-2"}
    with pytest.raises(stripe.InvalidRequestError):
        connected.client.v1.payment_intents.create({"currency": "usd"}, opts)  # type: ignore[typeddict-item]
    ok = connected.client.v1.payment_intents.create(
        {"amount": 800, "currency": "usd"},
        opts,
    )
    assert ok.status == "requires_payment_method"


def test_cancel_and_list_intents(connected: Connected) -> None:
    c, opts = connected.client, connected.opts
    ids = [connected.intent(1000 + i) for i in range(5)]
    canceled = c.v1.payment_intents.cancel(
        ids[0], {"cancellation_reason": "requested_by_customer"}, opts
    )
    assert canceled.status == "canceled" and canceled.canceled_at
    with pytest.raises(stripe.InvalidRequestError) as err:
        c.v1.payment_intents.cancel(ids[0], options=opts)
    assert err.value.code == "payment_intent_unexpected_state"
    page = c.v1.payment_intents.list({"limit": 2}, opts)
    assert [p.id for p in page.data] == ids[:2:-1][:2] and page.has_more
    every = [p.id for p in page.auto_paging_iter()]
    assert every == list(reversed(ids))


def test_manual_capture(connected: Connected) -> None:
    c, opts = connected.client, connected.opts
    reader, pi_id = connected.reader(), connected.intent(3000, capture_method="manual")
    c.v1.terminal.readers.process_payment_intent(reader, {"payment_intent": pi_id}, opts)
    connected.sim.present_payment_method(connected.acct, reader)
    pi = c.v1.payment_intents.retrieve(pi_id, options=opts)
    assert (pi.status, pi.amount_capturable) == ("requires_capture", 3000)
    captured = c.v1.payment_intents.capture(pi_id, options=opts)
    assert (captured.status, captured.amount_received) == ("succeeded", 3000)


def test_requests_are_logged_with_account_and_key(connected: Connected) -> None:
    connected.client.v1.payment_intents.create(
        {"amount": 700, "currency": "usd"},
        {"stripe_account": connected.acct, "idempotency_key": "log-me"},
    )
    method, path, account, key, params = connected.sim.requests[-1]
    assert (method, path, account, key) == ("POST", "/v1/payment_intents", connected.acct, "log-me")
    assert params == {"amount": "700", "currency": "usd"}


def test_payment_method_types_follows_the_api_version(stripe_sim: StripeSimulator) -> None:
    acct = stripe_sim.create_connected_account()
    params: Any = {"amount": 1000, "currency": "usd", "payment_method_types": ["card_present"]}
    with pytest.raises(stripe.InvalidRequestError) as err:  # 2026-10-28.endive, pinned by v16
        stripe_client(stripe_sim).v1.payment_intents.create(params, {"stripe_account": acct})
    assert err.value.code == "payment_method_types_no_longer_supported"
    older = stripe.StripeClient(
        stripe_sim.secret_key,
        stripe_version="2025-03-31.basil",
        base_addresses={"api": stripe_sim.base_url},
        max_network_retries=0,
    )
    pi = older.v1.payment_intents.create(params, {"stripe_account": acct})
    assert pi.payment_method_types == ["card_present"]
    dynamic = stripe_client(stripe_sim).v1.payment_intents.create(
        {"amount": 1000, "currency": "usd"}, {"stripe_account": acct}
    )
    assert "card_present" not in dynamic.payment_method_types


@pytest.mark.parametrize(
    ("payment_method", "code", "decline_code"),
    [
        ("pm_card_chargeDeclined", "card_declined", "generic_decline"),
        ("pm_card_chargeDeclinedInsufficientFunds", "card_declined", "insufficient_funds"),
        ("pm_card_chargeDeclinedExpiredCard", "expired_card", "expired_card"),
    ],
)
def test_confirm_with_a_decline_card_is_a_402_card_error(
    connected: Connected, payment_method: str, code: str, decline_code: str
) -> None:
    c, opts = connected.client, connected.opts
    params: Any = {"amount": 1500, "currency": "usd", "allowed_payment_method_types": ["card"]}
    pi = c.v1.payment_intents.create(params, opts)
    with pytest.raises(stripe.CardError) as err:
        c.v1.payment_intents.confirm(pi.id, {"payment_method": payment_method}, opts)
    assert (err.value.http_status, err.value.code) == (402, code)
    assert err.value.error is not None and err.value.error.decline_code == decline_code
    assert connected.sim.wait_idle()
    assert connected.sink.types()[-2:] == ["charge.failed", "payment_intent.payment_failed"]
    ok = c.v1.payment_intents.confirm(pi.id, {"payment_method": "pm_card_visa"}, opts)
    assert ok.status == "succeeded"
