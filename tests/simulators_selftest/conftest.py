"""Fixtures for the simulators' own tests: a connected account and a webhook receiver."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import stripe

from tests.simulators.loopback import Response, serve
from tests.simulators.stripe import StripeSimulator
from tests.simulators.stripe.fixtures import stripe_client, stripe_sim

__all__ = ["stripe_sim"]

ADDRESS: Any = {
    "line1": "100 Biscayne Blvd",
    "city": "Miami",
    "state": "FL",
    "country": "US",
    "postal_code": "33132",
}


@dataclass
class WebhookSink:
    """A real HTTP endpoint on loopback that keeps what Stripe's simulator POSTs to it."""

    url: str = ""
    status: int = 200
    received: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def handle(self, method: str, path: str, text: str, headers: dict[str, str]) -> Response:
        with self.lock:
            self.received.append((text, headers))
        return Response(self.status, {"received": True})

    def types(self) -> list[str]:
        with self.lock:
            return [json.loads(body)["type"] for body, _ in self.received]


@pytest.fixture
def sink() -> Iterator[WebhookSink]:
    receiver = WebhookSink()
    server = serve(receiver.handle)
    receiver.url = f"{server.base_url}/stripe/webhook"
    yield receiver
    server.stop()


@dataclass
class Connected:
    """A simulator with an onboarded connected account, a client and webhooks to ``sink``."""

    sim: StripeSimulator
    client: stripe.StripeClient
    acct: str
    sink: WebhookSink

    @property
    def opts(self) -> Any:
        return {"stripe_account": self.acct}

    def location(self) -> str:
        loc = self.client.v1.terminal.locations.create(
            {"display_name": "Main store", "address": ADDRESS}, self.opts
        )
        return str(loc.id)

    def reader(self, code: str = "simulated-s710") -> str:
        reader = self.client.v1.terminal.readers.create(
            {"registration_code": code, "label": "Front counter", "location": self.location()},
            self.opts,
        )
        return str(reader.id)

    def intent(self, amount: int = 2500, **extra: Any) -> str:
        params: Any = {
            "amount": amount,
            "currency": "usd",
            "allowed_payment_method_types": ["card_present"],
        }
        params.update(extra)
        pi = self.client.v1.payment_intents.create(params, self.opts)
        return str(pi.id)

    def paid_charge(self, amount: int = 2500) -> tuple[str, str]:
        """A PaymentIntent paid on a reader with 4242…: (pi_id, charge_id)."""
        reader, pi_id = self.reader(), self.intent(amount)
        self.client.v1.terminal.readers.process_payment_intent(
            reader, {"payment_intent": pi_id}, self.opts
        )
        self.sim.present_payment_method(self.acct, reader)
        pi = self.client.v1.payment_intents.retrieve(pi_id, options=self.opts)
        return pi_id, str(pi.latest_charge)


@pytest.fixture
def connected(stripe_sim: StripeSimulator, sink: WebhookSink) -> Iterator[Connected]:
    stripe_sim.set_webhook(sink.url, stripe_sim.webhook_secret)
    acct = stripe_sim.create_connected_account()
    yield Connected(stripe_sim, stripe_client(stripe_sim), acct, sink)
    assert stripe_sim.internal_errors == []
