"""Shopify: connect (token checked, stored encrypted), signed webhooks importing customers and
orders through the core rules into the change feed (P7, P8, P9), replays, refusals.

The service runs under uvicorn on loopback; the Shopify simulator answers its Admin API
calls and sends it real signed webhooks over HTTP.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from uuid import UUID

import httpx
import pytest
from fastapi import FastAPI
from pydantic import SecretStr
from sqlalchemy import Engine

from jeweltrak_core.contacts.entities import Contact
from jeweltrak_core.contacts.operations import CreateContact
from jeweltrak_core.ids import new_id
from jeweltrak_core.sync.ops import Operation, OpPayload
from sync_server.app import create_app
from sync_server.config import Settings
from sync_server.db.engine import tenant_transaction
from sync_server.db.names import TenantRef
from sync_server.integrations.shopify.mapping import ShopifyPayloadError, cents
from sync_server.integrations.shopify.settings import ShopifySettings
from sync_server.tenancy import tenant_by_id
from tests.server.accounts_helpers import Login, make_staff_login, signup
from tests.server.live import LogCapture, capturing_logs, serving
from tests.simulators.shopify import FORBIDDEN_MARKERS, Shop, ShopifySimulator

PREFIX = "/v1/integrations/shopify"


@dataclass
class Service:
    """The live service and its app object (for functions a router would call)."""

    url: str
    app: FastAPI
    http: httpx.Client


@contextmanager
def live_service(settings: Settings, engine: Engine, sim: ShopifySimulator) -> Iterator[Service]:
    """The service on a free loopback port, its Shopify calls going to the simulator."""
    apps: list[FastAPI] = []

    def make_app(url: str) -> FastAPI:
        app = create_app(settings.model_copy(update={"public_base_url": url}), engine=engine)
        app.state.shopify_settings = ShopifySettings(api_base=sim.api_base,
                                                     api_secret=SecretStr(sim.api_secret))
        apps.append(app)
        return app

    with serving(make_app) as url, httpx.Client(base_url=url, timeout=60) as http:
        yield Service(url=url, app=apps[0], http=http)


@pytest.fixture(scope="module")
def log_capture() -> Iterator[LogCapture]:
    with capturing_logs() as handler:
        yield handler


@pytest.fixture(scope="module")
def sim() -> Iterator[ShopifySimulator]:
    with ShopifySimulator() as simulator:
        yield simulator


@pytest.fixture(scope="module")
def service(settings: Settings, engine: Engine, sim: ShopifySimulator,
            log_capture: LogCapture) -> Iterator[Service]:
    with live_service(settings, engine, sim) as svc:
        yield svc


@dataclass
class Business:
    """A tenant made through the API: owner, store, paired workstation, a Shopify shop."""

    svc: Service
    sim: ShopifySimulator
    owner: Login
    tenant: TenantRef
    store_id: UUID
    device_id: UUID
    device_token: str
    shop: Shop
    seq: int = 0

    @property
    def device(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.device_token}"}

    def connect(self, token: str | None = None, **extra: Any) -> httpx.Response:
        return self.svc.http.post(f"{PREFIX}/connect", headers=self.owner.headers, json={
            "shop_domain": self.shop.domain, "access_token": token or self.shop.token, **extra})

    def status(self) -> dict[str, Any]:
        response = self.svc.http.get(PREFIX, headers=self.owner.headers)
        assert response.status_code == 200, response.text
        return dict(response.json())

    def send(self, topic: str, payload: dict[str, Any], **kwargs: Any) -> Any:
        return self.sim.send_webhook(self.shop, topic, payload, **kwargs)

    def push(self, *payloads: OpPayload) -> list[dict[str, Any]]:
        ops = []
        for payload in payloads:
            self.seq += 1
            ops.append(Operation(op_id=new_id(), device_id=self.device_id, seq=self.seq,
                                 store_id=self.store_id, client_ts=_now(),
                                 payload=payload).to_wire())
        response = self.svc.http.post("/v1/sync/push", json={"ops": ops}, headers=self.device)
        assert response.status_code == 200, response.text
        results = response.json()["results"]
        assert all(r["status"] in ("applied", "conflict") for r in results), results
        return list(results)

    def feed(self) -> dict[str, dict[str, dict[str, Any]]]:
        """The newest doc of every entity, by kind, as the paired workstation pulls them."""
        response = self.svc.http.get("/v1/sync/pull", params={"cursor": 0, "limit": 5000},
                                     headers=self.device)
        assert response.status_code == 200, response.text
        docs: dict[str, dict[str, dict[str, Any]]] = {}
        for change in response.json()["changes"]:
            docs.setdefault(change["entity"], {})[change["id"]] = change["doc"]
        return docs

    def rows(self, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        with tenant_transaction(self.svc.app.state.engine, self.tenant) as conn:
            return [tuple(r) for r in conn.exec_driver_sql(sql, params).all()]


def _now() -> Any:
    from datetime import UTC, datetime

    return datetime.now(UTC)


def open_business(svc: Service, sim: ShopifySimulator, *, connect: bool = True) -> Business:
    owner = signup(svc.http)  # type: ignore[arg-type]
    store = svc.http.post("/v1/stores", headers=owner.headers, json={
        "name": "Ada Jewelers Miami", "code": "M" + uuid.uuid4().hex[:3].upper()})
    assert store.status_code == 201, store.text
    paired = svc.http.post("/v1/devices/pair", headers=owner.headers,
                           json={"store_id": store.json()["id"], "label": "Counter 1"})
    assert paired.status_code == 201, paired.text
    tenant = tenant_by_id(svc.app.state.engine, owner.tenant_id)
    assert tenant is not None
    business = Business(svc=svc, sim=sim, owner=owner, tenant=tenant,
                        store_id=UUID(store.json()["id"]),
                        device_id=UUID(paired.json()["device_id"]),
                        device_token=paired.json()["device_token"], shop=sim.add_shop())
    if connect:
        response = business.connect()
        assert response.status_code == 200, response.text
    return business


@pytest.fixture
def biz(service: Service, sim: ShopifySimulator) -> Business:
    return open_business(service, sim)


def _invoices(biz: Business) -> list[dict[str, Any]]:
    return [row[0] for row in biz.rows("SELECT doc FROM invoices WHERE NOT deleted")]


# --- connect ------------------------------------------------------------------------------
def test_connect_checks_the_token_with_the_shop_and_keeps_only_ciphertext(
        service: Service, sim: ShopifySimulator) -> None:
    biz = open_business(service, sim, connect=False)
    refused = biz.connect(token="shpat_" + "0" * 32)
    assert refused.status_code == 422, refused.text
    assert refused.json()["error"]["code"] == "shopify_token_refused"
    assert biz.status()["connected"] is False
    assert biz.rows("SELECT count(*) FROM integration_connections") == [(0,)]
    assert not biz.shop.webhooks

    response = biz.connect()
    assert response.status_code == 200, response.text
    assert biz.shop.token not in response.text
    status = biz.status()
    assert status["connected"] and status["shop_domain"] == biz.shop.domain
    assert status["settings"]["location_id"] == biz.shop.location_id
    assert status["settings"]["store_id"] == str(biz.store_id)
    assert biz.shop.token not in str(status)
    [(stored,)] = biz.rows("SELECT access_token_enc FROM integration_connections")
    assert biz.shop.token not in stored and "shpat" not in stored
    expected = f"{service.url}/v1/integrations/shopify/webhooks/{biz.tenant.id}"
    assert sorted(w["topic"] for w in biz.shop.webhooks) == [
        "app/uninstalled", "customers/create", "customers/update", "orders/create"]
    assert {w["address"] for w in biz.shop.webhooks} == {expected}
    # Connecting again (a new token, say) does not register the webhooks twice.
    assert biz.connect().status_code == 200
    assert len(biz.shop.webhooks) == 4


def test_connect_refuses_bad_domains_and_non_owners(service: Service,
                                                    sim: ShopifySimulator) -> None:
    biz = open_business(service, sim, connect=False)
    for domain in ("ada-jewelers.com", "evil.example/.myshopify.com", "a.myshopify.com.evil.io",
                   "https://x.myshopify.com"):
        response = service.http.post(f"{PREFIX}/connect", headers=biz.owner.headers, json={
            "shop_domain": domain, "access_token": biz.shop.token})
        assert response.status_code == 422, (domain, response.text)
    clerk = make_staff_login(service.http, biz.owner,  # type: ignore[arg-type]
                             permissions=["manage_settings"])
    response = service.http.post(f"{PREFIX}/connect", headers=clerk.headers, json={
        "shop_domain": biz.shop.domain, "access_token": biz.shop.token})
    assert response.status_code == 403
    assert service.http.delete(PREFIX, headers=clerk.headers).status_code == 403
    assert service.http.get(PREFIX).status_code == 401
    assert biz.status()["connected"] is False


# --- P7 and P8 ----------------------------------------------------------------------------
def _text_columns(biz: Business) -> list[tuple[str, str]]:
    return [(t, c) for t, c in biz.rows(
        "SELECT table_name, column_name FROM information_schema.columns "
        "WHERE table_schema = current_schema() AND data_type IN "
        "('text', 'character varying', 'jsonb', 'json', 'character')")]


def _stored_text(biz: Business) -> str:
    parts = []
    for table, column in _text_columns(biz):
        parts += [str(r[0]) for r in biz.rows(
            f'SELECT "{column}"::text FROM "{table}" WHERE "{column}" IS NOT NULL')]
    return "\n".join(parts)


def test_p7_only_name_email_phone_and_addresses_are_kept(biz: Business) -> None:
    customer = biz.sim.customer_payload()
    assert biz.send("customers/create", customer).status == 200
    order = biz.sim.order_payload(customer=customer)
    assert biz.send("orders/create", order).status == 200
    stored = _stored_text(biz)
    assert "change_log" in {t for t, _ in _text_columns(biz)}  # the feed is scanned too
    assert "grace.hopper@example.com" in stored  # the scan does see imported data
    found = [m for m in FORBIDDEN_MARKERS if m.lower() in stored.lower()]
    assert found == [], f"fields P7 forbids were stored: {found}"
    [contact] = biz.feed()["contacts"].values()
    assert (contact["first_name"], contact["last_name"]) == ("Grace", "Hopper")
    assert contact["emails"] == ["grace.hopper@example.com"]
    assert contact["phones"] == ["+16135550142"]
    assert contact["addresses"] == [
        "Shipping and billing: 150 Elgin St, Suite 800, Ottawa, ON K2P 1L4, CA",
        "150 Elgin St, Suite 800, Ottawa, ON K2P 1L4, CA"]
    assert contact["notes"] is None and contact["birthday"] is None


def test_p8_an_order_becomes_a_paid_invoice_in_the_feed(biz: Business) -> None:
    order = biz.sim.order_payload(
        items=[("14k Gold Hoop Earrings", "1249.50", 1), ("Polishing cloth", "9.99", 2)],
        shipping="15.00", tax_lines=[("FL State Tax", "0.06", "75.57")])
    delivery = biz.send("orders/create", order)
    assert delivery.status == 200
    feed = biz.feed()
    [invoice] = feed["invoices"].values()
    assert invoice["number"] == f"SH-{order['order_number']}"
    assert invoice["status"] == "finalized"
    assert invoice["total_cents"] == 124950 + 2 * 999 + 1500 + 7557
    assert invoice["paid_cents"] == invoice["total_cents"]
    lines = [(ln["kind"], ln["description"], ln["quantity"], ln["unit_price_cents"])
             for ln in invoice["lines"]]
    assert lines == [("misc", "14k Gold Hoop Earrings", 1, 124950),
                     ("misc", "Polishing cloth", 2, 999),
                     ("service", "Shipping: Standard Shipping", 1, 1500),
                     ("misc", "Tax: FL State Tax", 1, 7557)]
    [contact_id] = feed["contacts"]
    assert invoice["contact_id"] == contact_id
    [payment] = feed["payments"].values()
    assert payment["tender"] == "wire" and payment["amount_cents"] == invoice["total_cents"]
    assert payment["reference"] == f"Shopify order #{order['order_number']} (shopify_payments)"
    assert payment["card_last4"] is None and payment["stripe_charge_id"] is None
    # The same rows are in the tenant's own tables (P8: like data entered by hand).
    assert [i["id"] for i in _invoices(biz)] == [invoice["id"]]


def test_an_unpaid_order_stays_open_with_its_balance(biz: Business) -> None:
    order = biz.sim.order_payload(financial_status="pending", items=[("Pearl studs", "300", 1)],
                                  shipping="0", tax_lines=[])
    assert biz.send("orders/create", order).status == 200
    [invoice] = biz.feed()["invoices"].values()
    assert (invoice["status"], invoice["total_cents"], invoice["paid_cents"]) == ("open", 30000, 0)
    assert "payments" not in biz.feed()


def test_duplicate_and_replayed_webhooks_import_once(biz: Business) -> None:
    order = biz.sim.order_payload()
    first = biz.send("orders/create", order)
    assert first.status == 200
    again = biz.sim.redeliver(first, biz.shop)  # Shopify's retry: same webhook ID
    assert again.status == 200
    other_id = biz.send("orders/create", order)  # the same order under another delivery ID
    assert other_id.status == 200
    threads = [threading.Thread(target=biz.send, args=("orders/create", order))
               for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(d.status == 200 for d in biz.sim.deliveries[-3:])
    assert len(_invoices(biz)) == 1
    assert len(biz.feed()["payments"]) == 1
    assert len(biz.feed()["contacts"]) == 1


def test_customers_match_by_email_and_updates_patch_the_contact(biz: Business) -> None:
    mine = Contact(id=new_id(), first_name="Grace", last_name="H.",
                   emails=["Grace.Hopper@example.com"], phones=["305 555 0199"],
                   notes="Ring size 6")
    biz.push(CreateContact(contact=mine))
    customer = biz.sim.customer_payload()
    assert biz.send("customers/create", customer).status == 200
    updated = {**customer, "last_name": "Hopper-Murray", "phone": "+16135550999",
               "note": "changed MARKERNOTE"}
    assert biz.send("customers/update", updated).status == 200
    [contact] = biz.feed()["contacts"].values()
    assert contact["id"] == str(mine.id)  # matched by e-mail, not duplicated
    assert contact["last_name"] == "Hopper-Murray"
    assert contact["phones"] == ["+16135550999", "+16135550142", "305 555 0199"]
    assert contact["notes"] == "Ring size 6"  # the store's own note stays; Shopify's never
    assert "MARKERNOTE" not in _stored_text(biz)


def test_refused_payloads_import_nothing_and_tell_the_owner(biz: Business) -> None:
    order = biz.sim.order_payload(total_price="999.99")  # lines do not add up to this
    assert biz.send("orders/create", order).status == 200
    assert _invoices(biz) == []
    assert "was not imported" in biz.status()["last_error"]
    fractional = biz.sim.order_payload(items=[("Charm", "10.005", 1)], shipping="0",
                                       tax_lines=[], total_price="10.005")
    assert biz.send("orders/create", fractional).status == 200
    assert _invoices(biz) == []
    assert biz.send("orders/create", {}, body=b"not json").status == 200
    url = biz.sim.subscribed_url(biz.shop, "orders/create")
    unknown = biz.send("products/update", {"id": 1}, url=url)  # unknown topic: acknowledged
    assert unknown.status == 200
    assert _invoices(biz) == [] and biz.rows("SELECT count(*) FROM contacts") == [(0,)]


def test_money_is_parsed_exactly() -> None:
    assert cents("1249.50", "x") == 124950
    assert cents(Decimal("0.07"), "x") == 7
    assert cents("19.9", "x") == 1990
    for bad in (0.1, "1.005", "abc", None, True, "NaN"):
        with pytest.raises(ShopifyPayloadError):
            cents(bad, "x")


# --- refusals -----------------------------------------------------------------------------
def test_a_bad_signature_is_refused_and_nothing_is_stored(biz: Business) -> None:
    customer = biz.sim.customer_payload()
    forged = biz.send("customers/create", customer, secret="shpss_not_the_app_secret")
    assert forged.status == 401
    unsigned = httpx.post(biz.sim.subscribed_url(biz.shop, "customers/create"),
                          content=b'{"id": 1}', headers={
                              "X-Shopify-Topic": "customers/create",
                              "X-Shopify-Shop-Domain": biz.shop.domain})
    assert unsigned.status_code == 401
    assert biz.rows("SELECT count(*) FROM contacts") == [(0,)]
    assert biz.rows("SELECT count(*) FROM integration_events") == [(0,)]
    # A correctly signed body that was altered in transit is refused too.
    body = b'{"id": 5, "email": "x@example.com"}'
    tampered = biz.send("customers/create", {}, body=body.replace(b"5", b"6"))
    assert tampered.status == 200  # signed after the change: genuine
    response = httpx.post(biz.sim.subscribed_url(biz.shop, "customers/create"), content=body,
                          headers={"X-Shopify-Topic": "customers/create",
                                   "X-Shopify-Shop-Domain": biz.shop.domain,
                                   "X-Shopify-Hmac-Sha256": biz.sim.sign(body + b" ")})
    assert response.status_code == 401


def test_the_shop_must_be_the_tenants_own(service: Service, sim: ShopifySimulator,
                                          biz: Business) -> None:
    other = open_business(service, sim)
    customer = sim.customer_payload()
    # Another shop's genuine webhook sent to this tenant's URL.
    wrong_url = sim.send_webhook(other.shop, "customers/create", customer,
                                 url=sim.subscribed_url(biz.shop, "customers/create"))
    assert wrong_url.status == 401
    # This shop's name in the header but a URL of a tenant not connected to it.
    spoofed = sim.send_webhook(other.shop, "customers/create", customer,
                               shop_domain=biz.shop.domain)
    assert spoofed.status == 401
    unknown = sim.send_webhook(biz.shop, "customers/create", customer,
                               url=f"{service.url}{PREFIX}/webhooks/{uuid.uuid4()}")
    assert unknown.status == 401
    assert biz.rows("SELECT count(*) FROM contacts") == [(0,)]
    assert other.rows("SELECT count(*) FROM contacts") == [(0,)]


# --- disconnect and P9 --------------------------------------------------------------------
def test_disconnect_forgets_the_token_and_removes_the_webhooks(biz: Business) -> None:
    url = biz.sim.subscribed_url(biz.shop, "customers/create")
    response = biz.svc.http.delete(PREFIX, headers=biz.owner.headers)
    assert response.status_code == 200 and response.json() == {"disconnected": True}
    assert biz.shop.webhooks == []
    assert biz.rows("SELECT count(*) FROM integration_connections") == [(0,)]
    assert biz.status()["connected"] is False
    late = biz.sim.send_webhook(biz.shop, "customers/create", biz.sim.customer_payload(),
                                url=url)
    assert late.status == 401


def test_app_uninstalled_disconnects(biz: Business) -> None:
    assert biz.send("app/uninstalled", {"id": biz.shop.id, "name": biz.shop.name}).status == 200
    assert biz.status()["connected"] is False
    assert biz.rows("SELECT count(*) FROM integration_connections") == [(0,)]


def test_zz_p9_no_log_line_and_no_response_holds_a_token(
        log_capture: LogCapture, sim: ShopifySimulator) -> None:
    tokens = [shop.token for shop in sim.shops.values()]
    assert len(tokens) >= 5 and log_capture.lines
    leaked = [line for line in log_capture.lines for token in tokens if token in line]
    assert leaked == []
