"""Payment links and the checkout sessions that pay them."""

from __future__ import annotations

import json

import pytest
import stripe

from tests.simulators.stripe import StripeApiError
from tests.simulators_selftest.conftest import Connected


def _link(connected: Connected, amount: int = 45000, limit: int | None = 1) -> stripe.PaymentLink:
    params: dict[str, object] = {
        "line_items": [
            {
                "price_data": {
                    "currency": "usd",
                    "unit_amount": amount,
                    "product_data": {"name": "Invoice 1042"},
                },
                "quantity": 1,
            }
        ],
        "metadata": {"invoice_id": "inv-1042"},
    }
    if limit is not None:
        params["restrictions"] = {"completed_sessions": {"limit": limit}}
    return connected.client.v1.payment_links.create(params, connected.opts)  # type: ignore[arg-type]


def test_single_use_link_is_paid_once(connected: Connected) -> None:
    link = _link(connected)
    assert link.id.startswith("plink_") and link.active and link.url.startswith("https://")
    assert link["restrictions"]["completed_sessions"]["limit"] == 1
    session = connected.sim.pay_payment_link(connected.acct, link.id, email="ana@example.com")
    assert (session["status"], session["payment_status"]) == ("complete", "paid")
    event = json.loads(
        next(b for b, _ in connected.sink.received if '"checkout.session.completed"' in b)
    )
    obj = event["data"]["object"]
    assert event["account"] == connected.acct
    assert (obj["payment_link"], obj["amount_total"], obj["metadata"]) == (
        link.id,
        45000,
        {"invoice_id": "inv-1042"},
    )
    assert (
        connected.client.v1.payment_links.retrieve(link.id, options=connected.opts).active is False
    )
    with pytest.raises(StripeApiError):
        connected.sim.pay_payment_link(connected.acct, link.id)
    sessions = connected.client.v1.checkout.sessions.list({"payment_link": link.id}, connected.opts)
    assert [s.id for s in sessions.data] == [session["id"]]
    pi = connected.client.v1.payment_intents.retrieve(
        session["payment_intent"], options=connected.opts
    )
    assert (pi.status, pi.amount) == ("succeeded", 45000)


def test_deactivated_link_cannot_be_paid(connected: Connected) -> None:
    link = _link(connected, limit=None)
    off = connected.client.v1.payment_links.update(link.id, {"active": False}, connected.opts)
    assert off.active is False
    with pytest.raises(StripeApiError):
        connected.sim.pay_payment_link(connected.acct, link.id)
    assert not any("checkout.session.completed" in b for b, _ in connected.sink.received)


def test_link_from_a_price_and_its_line_items(connected: Connected) -> None:
    c, opts = connected.client, connected.opts
    product = c.v1.products.create({"name": "Deposit"}, opts)
    price = c.v1.prices.create(
        {"currency": "usd", "unit_amount": 12000, "product": product.id}, opts
    )
    link = c.v1.payment_links.create({"line_items": [{"price": price.id, "quantity": 2}]}, opts)
    items = c.v1.payment_links.line_items.list(link.id, options=opts)
    assert [(i["price"]["id"], i.quantity) for i in items.data] == [(price.id, 2)]
    session = connected.sim.pay_payment_link(connected.acct, link.id)
    assert session["amount_total"] == 24000


def test_link_needs_line_items_with_a_price(connected: Connected) -> None:
    c, opts = connected.client, connected.opts
    with pytest.raises(stripe.InvalidRequestError) as err:
        c.v1.payment_links.create({}, opts)  # type: ignore[typeddict-item]
    assert err.value.code == "parameter_missing" and err.value.param == "line_items"
    with pytest.raises(stripe.InvalidRequestError) as err:
        c.v1.payment_links.create({"line_items": [{"quantity": 1}]}, opts)
    assert err.value.param == "line_items[0][price]"
    with pytest.raises(stripe.InvalidRequestError) as err:
        c.v1.payment_links.create({"line_items": [{"price": "price_nope", "quantity": 1}]}, opts)
    assert err.value.code == "resource_missing"


def test_declined_card_completes_no_session(connected: Connected) -> None:
    link = _link(connected)
    pi = connected.sim.pay_payment_link(connected.acct, link.id, number="4000000000000002")
    assert pi["object"] == "payment_intent" and pi["status"] == "requires_payment_method"
    assert connected.client.v1.payment_links.retrieve(link.id, options=connected.opts).active
