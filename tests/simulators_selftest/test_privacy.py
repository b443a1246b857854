"""P2: no full card number in anything the simulator logs, stores or sends."""

from __future__ import annotations

from tests.simulators.stripe.cards import find_card_numbers, luhn_valid
from tests.simulators_selftest.conftest import Connected

TEST_CARDS = [
    "4242424242424242",
    "4000000000000002",
    "4000000000009995",
    "4000000000009987",
    "4000000000009979",
    "4000000000000069",
    "4000000000000127",
    "4000000000000119",
    "5555555555554444",
    "378282246310005",
]


def test_luhn_scan_finds_real_numbers_only() -> None:
    assert all(luhn_valid(n) for n in TEST_CARDS)
    assert find_card_numbers("paid with 4242424242424242 today") == ["4242424242424242"]
    assert find_card_numbers("order 4242424242424241, ts 1732543200") == []


def test_no_card_number_survives_a_presentment(connected: Connected) -> None:
    c, opts = connected.client, connected.opts
    reader = connected.reader()
    for number in TEST_CARDS:
        pi_id = connected.intent()
        c.v1.terminal.readers.process_payment_intent(reader, {"payment_intent": pi_id}, opts)
        c.v1.test_helpers.terminal.readers.present_payment_method(
            reader, {"card_present": {"number": number}}, opts
        )
    link = c.v1.payment_links.create(
        {
            "line_items": [
                {
                    "price_data": {
                        "currency": "usd",
                        "unit_amount": 900,
                        "product_data": {"name": "x"},
                    },
                    "quantity": 1,
                }
            ]
        },
        opts,
    )
    connected.sim.pay_payment_link(connected.acct, link.id, number="5555555555554444")
    assert connected.sim.wait_idle()
    assert find_card_numbers(connected.sim.stored_text()) == []
    assert find_card_numbers(repr(connected.sim.requests)) == []
    assert find_card_numbers("".join(body for body, _ in connected.sink.received)) == []
    last4 = {
        r.params["card_present"]["number"]
        for r in connected.sim.requests
        if "card_present" in r.params
    }
    assert "•••• 4242" in last4
