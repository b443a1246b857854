"""The payment test rig: the real service on loopback, the Stripe and Resend simulators.

The service runs under uvicorn in a thread (so the simulator's signed webhooks reach it
over real HTTP) with stripe-python pointed at the simulator. A ``Shop`` is a business made
through the API: owner sign-up, a store with a full address, a paired workstation, Stripe
onboarding finished on the simulator, a simulated S710 paired — and helpers that push
invoices and call the payment endpoints as that workstation.
"""

from __future__ import annotations

import itertools
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import httpx
from pydantic import SecretStr
from sqlalchemy import Engine

from jeweltrak_core.contacts.entities import Contact
from jeweltrak_core.contacts.operations import CreateContact
from jeweltrak_core.ids import new_id
from jeweltrak_core.inventory.operations import CreatePiece
from jeweltrak_core.sales.entities import InvoiceLine
from jeweltrak_core.sales.operations import InvoiceDraft, SaveInvoice
from jeweltrak_core.sales.tax import LineKind
from jeweltrak_core.sync.ops import Operation, OpPayload
from jeweltrak_core.work_orders.operations import OpenWorkOrder
from jeweltrak_core.work_orders.rules import WorkOrderType
from sync_server.app import create_app
from sync_server.config import Settings
from tests.server.builders import piece
from tests.server.live import serving
from tests.simulators.resend import ResendSimulator
from tests.simulators.stripe import StripeSimulator

PASSWORD = "correct horse battery"
ADDRESS = "100 Biscayne Blvd, Miami, FL 33132"
_numbers = itertools.count(1)


def payment_settings(base: Settings, sim: StripeSimulator, resend: ResendSimulator,
                     public_url: str) -> Settings:
    """The session's settings, with Stripe and Resend pointed at the simulators."""
    return base.model_copy(update={
        "stripe_secret_key": SecretStr(sim.secret_key),
        "stripe_webhook_secret": SecretStr(sim.webhook_secret),
        "stripe_api_base": sim.base_url,
        "stripe_livemode": False,
        "resend_api_key": SecretStr(resend.api_key),
        "resend_api_base": resend.base_url,
        "email_from": "Ada Jewelers <receipts@ada.example>",
        "public_base_url": public_url,
        "long_poll_max_seconds": 20.0,
    })


@contextmanager
def live_service(settings: Settings, engine: Engine,
                 sim: StripeSimulator, resend: ResendSimulator) -> Iterator[str]:
    """The service on a free loopback port; yields its base URL."""
    with serving(lambda url: create_app(payment_settings(settings, sim, resend, url),
                                        engine=engine)) as url:
        yield url


def ok(response: httpx.Response) -> Any:
    """The JSON body of a successful response (the assertion shows the body otherwise)."""
    assert response.is_success, f"{response.status_code}: {response.text}"
    return response.json()


@dataclass
class Shop:
    """A business on the live service, with a connected store, a workstation and a reader."""

    url: str
    sim: StripeSimulator
    owner_token: str
    tenant_id: UUID
    store_id: UUID
    device_id: UUID
    device_token: str
    account: str = ""
    reader: str = ""
    seq: int = 0
    http: httpx.Client = field(default_factory=lambda: httpx.Client(timeout=60))

    @property
    def device(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.device_token}"}

    @property
    def owner(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.owner_token}"}

    def get(self, path: str, **params: Any) -> httpx.Response:
        return self.http.get(self.url + path, params=params, headers=self.device)

    def post(self, path: str, body: Any = None) -> httpx.Response:
        return self.http.post(self.url + path, json=body if body is not None else {},
                              headers=self.device)

    # --- data through sync pushes ---------------------------------------------------
    def push(self, *payloads: OpPayload) -> list[dict[str, Any]]:
        ops = []
        for payload in payloads:
            self.seq += 1
            ops.append(Operation(
                op_id=new_id(), device_id=self.device_id, seq=self.seq, store_id=self.store_id,
                client_ts=datetime.now(UTC), payload=payload).to_wire())
        results = ok(self.http.post(self.url + "/v1/sync/push", json={"ops": ops},
                                    headers=self.device))["results"]
        assert all(r["status"] in ("applied", "conflict") for r in results), results
        return list(results)

    def contact(self, email: str | None = "pat.customer@example.com") -> UUID:
        contact = Contact(id=new_id(), first_name="Pat", last_name="Customer",
                          emails=[email] if email else [])
        self.push(CreateContact(contact=contact))
        return contact.id

    def invoice(self, price_cents: int = 250_000, contact_id: UUID | None = None) -> UUID:
        """An open, untaxed invoice for one ring at ``price_cents``."""
        ring = piece(self.store_id, retail_cents=price_cents)
        invoice_id = new_id()
        line = InvoiceLine(id=new_id(), kind=LineKind.PIECE, description=ring.description,
                           unit_price_cents=price_cents, piece_id=ring.id)
        draft = InvoiceDraft(id=invoice_id, number=f"P{uuid.uuid4().hex[:6]}-{next(_numbers)}",
                             lines=[line], contact_id=contact_id)
        self.push(CreatePiece(piece=ring), SaveInvoice(invoice=draft))
        return invoice_id

    def work_order(self, contact_id: UUID) -> UUID:
        order_id = new_id()
        self.push(OpenWorkOrder(work_order_id=order_id, number=f"W{uuid.uuid4().hex[:6]}",
                                type=WorkOrderType.REPAIR, contact_id=contact_id,
                                item_description="Ring sizing", price_cents=6_000))
        return order_id

    def feed_docs(self, entity: str) -> dict[str, dict[str, Any]]:
        """The newest doc of each entity of a kind, as a workstation pulls the feed."""
        pulled = ok(self.get("/v1/sync/pull", cursor=0, limit=5000))
        docs: dict[str, dict[str, Any]] = {}
        for change in pulled["changes"]:
            if change["entity"] == entity:
                docs[change["id"]] = change["doc"]
        return docs

    # --- payments -------------------------------------------------------------------
    def charge(self, invoice_id: UUID | None = None, *, amount: int | None = None,
               work_order_id: UUID | None = None, timeout: int = 120,
               key: str | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {"reader_id": self.reader,
                                "idempotency_key": key or uuid.uuid4().hex,
                                "timeout_seconds": timeout}
        if invoice_id is not None:
            body["invoice_id"] = str(invoice_id)
        if work_order_id is not None:
            body["work_order_id"] = str(work_order_id)
        if amount is not None:
            body["amount_cents"] = amount
        return dict(ok(self.post("/v1/payments/terminal", body)))

    def outcome(self, attempt_id: str, wait: float = 10.0) -> dict[str, Any]:
        return dict(ok(self.get(f"/v1/payments/terminal/{attempt_id}", wait=wait)))

    def tap(self, number: str = "4242424242424242") -> None:
        """The customer taps a (Stripe test) card on the simulated reader."""
        self.sim.present_payment_method(self.account, self.reader, number)

    def pay(self, invoice_id: UUID, amount: int | None = None,
            number: str = "4242424242424242") -> dict[str, Any]:
        """Charge, tap, and wait for the outcome."""
        attempt = self.charge(invoice_id, amount=amount)
        self.tap(number)
        return self.outcome(attempt["id"])

    def invoice_doc(self, invoice_id: UUID | str) -> dict[str, Any]:
        return self.feed_docs("invoices")[str(invoice_id)]


def open_shop(url: str, sim: StripeSimulator, *, address: str = ADDRESS,
              with_reader: bool = True) -> Shop:
    """Sign up, open a store, pair a workstation, onboard on Stripe, pair a reader."""
    http = httpx.Client(timeout=60)
    email = f"owner.{uuid.uuid4().hex[:12]}@example.com"
    body = ok(http.post(url + "/v1/auth/signup", json={
        "name": "Ada Owner", "business_name": "Ada Jewelers", "email": email,
        "password": PASSWORD}))
    owner = {"Authorization": f"Bearer {body['token']}"}
    store = ok(http.post(url + "/v1/stores", headers=owner, json={
        "name": "Ada Jewelers Miami", "code": "M" + uuid.uuid4().hex[:3].upper(),
        "address": address}))
    paired = ok(http.post(url + "/v1/devices/pair", headers=owner,
                          json={"store_id": store["id"], "label": "Counter 1"}))
    shop = Shop(url=url, sim=sim, owner_token=body["token"], tenant_id=UUID(body["tenant_id"]),
                store_id=UUID(store["id"]), device_id=UUID(paired["device_id"]),
                device_token=paired["device_token"], http=http)
    onboard(shop)
    if with_reader:
        reader = ok(shop.post("/v1/terminal/readers",
                              {"label": "Front counter", "registration_code": "simulated-s710"}))
        shop.reader = reader["id"]
    return shop


def onboard(shop: Shop) -> None:
    """The owner connects the store and finishes Stripe's onboarding."""
    ok(shop.http.post(f"{shop.url}/v1/stores/{shop.store_id}/stripe/onboarding",
                      headers=shop.owner))
    status = ok(shop.http.get(f"{shop.url}/v1/stores/{shop.store_id}/stripe",
                              headers=shop.owner))
    shop.account = status["account_id"]
    shop.sim.complete_onboarding(shop.account)
    deadline = time.monotonic() + 10
    while not ok(shop.get("/v1/stripe/status"))["charges_enabled"]:
        assert time.monotonic() < deadline, "account.updated never reached the service"
        time.sleep(0.05)


def wait_until(predicate: Any, timeout: float = 10.0, what: str = "condition") -> Any:
    """Poll ``predicate`` until it returns something truthy (webhooks arrive asynchronously)."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)
