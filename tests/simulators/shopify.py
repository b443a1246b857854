"""A Shopify Admin REST simulator on loopback, and signed webhooks sent to the service.

Paths are ``/{shop}/admin/api/{version}/…`` so one simulator serves many shops: point the
service's ``JEWELTRAK_SHOPIFY_API_BASE`` at ``sim.api_base`` (``http://127.0.0.1:PORT/{shop}``).
Authentication is the shop's ``X-Shopify-Access-Token``; errors use Shopify's
``{"errors": …}`` bodies. Payload builders produce customers and orders shaped like the
REST resources (and webhook bodies) Shopify publishes, including the fields JewelTrak must
never keep (P7): ``FORBIDDEN_MARKERS`` lists the values placed in those fields.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import json
import re
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from .loopback import Handler, LoopbackSimulator, Response

TOPICS = frozenset({
    "app/uninstalled", "customers/create", "customers/update", "customers/delete",
    "orders/create", "orders/updated", "orders/paid", "orders/cancelled", "products/update",
    "inventory_levels/update",
})
_PATH = re.compile(r"^/([a-z0-9][a-z0-9-]*\.myshopify\.com)/admin/api/(\d{4}-\d{2})/(.+)$")
_BAD_TOKEN = "[API] Invalid API key or access token (unrecognized login or wrong password)"
#: Values the builders put in fields JewelTrak must never store (IP, browser, geolocation,
#: locale, marketing consent, notes, tags, tracking): none may appear in the tenant's data.
FORBIDDEN_MARKERS = (
    "203.0.113.77", "MarkerBrowser/9.9", "sess-hash-4f1c9e", "xx-MARKER", "45.4215296",
    "-75.6971931", "fr-CA", "MARKERNOTE", "vip-marker", "confirmed_opt_in", "marker-landing",
    "marker-referrer", "cart-token-marker", "gift-wrap-marker", "checkout-token-marker",
    "browser_ip", "client_details", "email_marketing_consent", "accepts_marketing",
    "customer_locale", "latitude", "longitude", "note_attributes", "tags",
)
_ids = itertools.count(820982911946154500)


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def _error(status: int, errors: Any) -> Response:
    return Response(status, {"errors": errors})


@dataclass
class Shop:
    """One simulated shop and what the service did to it."""

    domain: str
    token: str
    name: str
    id: int = field(default_factory=lambda: next(_ids))
    location_id: int = field(default_factory=lambda: next(_ids))
    currency: str = "USD"
    webhooks: list[dict[str, Any]] = field(default_factory=list)
    inventory_items: set[int] = field(default_factory=set)
    levels: dict[tuple[int, int], int] = field(default_factory=dict)

    def shop_json(self) -> dict[str, Any]:
        return {
            "id": self.id, "name": self.name, "email": f"owner@{self.domain}",
            "domain": self.domain, "myshopify_domain": self.domain, "province": "Florida",
            "country": "US", "address1": "100 Biscayne Blvd", "zip": "33132", "city": "Miami",
            "phone": "3055550100", "latitude": 25.7741728, "longitude": -80.19362,
            "primary_locale": "en", "created_at": _now(), "updated_at": _now(),
            "country_code": "US", "country_name": "United States", "currency": self.currency,
            "customer_email": f"help@{self.domain}", "timezone": "(GMT-05:00) Eastern Time",
            "iana_timezone": "America/New_York", "shop_owner": "Ada Owner",
            "money_format": "${{amount}}", "weight_unit": "lb", "province_code": "FL",
            "taxes_included": False, "plan_name": "basic", "has_storefront": True,
            "primary_location_id": self.location_id, "setup_required": False,
            "enabled_presentment_currencies": [self.currency], "password_enabled": False,
        }


@dataclass
class Delivery:
    """A webhook the simulator sent and the service's answer."""

    topic: str
    webhook_id: str
    url: str
    status: int
    body: bytes


class ShopifySimulator(LoopbackSimulator):
    """Shops, webhook subscriptions and inventory levels; sends signed webhooks."""

    def __init__(self, api_secret: str = "shpss_simulated_app_secret_0001") -> None:
        self.api_secret = api_secret
        self.shops: dict[str, Shop] = {}
        self.requests: list[tuple[str, str, int]] = []
        self.deliveries: list[Delivery] = []
        self._lock = threading.Lock()

    @property
    def api_base(self) -> str:
        """The service's ``JEWELTRAK_SHOPIFY_API_BASE``."""
        return self.base_url + "/{shop}"

    def add_shop(self, domain: str | None = None, name: str = "Ada Jewelers Online") -> Shop:
        """A shop with its own custom-app token (``shpat_…``)."""
        domain = domain or f"ada-{uuid.uuid4().hex[:10]}.myshopify.com"
        shop = Shop(domain=domain, token="shpat_" + uuid.uuid4().hex, name=name)
        with self._lock:
            self.shops[domain] = shop
        return shop

    def add_inventory_item(self, shop: Shop) -> int:
        """An inventory item (of a product variant) stocked at the shop's location."""
        item = next(_ids)
        with self._lock:
            shop.inventory_items.add(item)
        return item

    # --- HTTP -----------------------------------------------------------------------
    def _handler(self) -> Handler:
        return self._handle

    def _handle(self, method: str, path: str, text: str, headers: dict[str, str]) -> Response:
        with self._lock:
            response = self._respond(method, path, text, headers)
            self.requests.append((method, path, response.status))
        return response

    def _respond(self, method: str, path: str, text: str, headers: dict[str, str]) -> Response:
        match = _PATH.match(path)
        shop = self.shops.get(match.group(1)) if match else None
        if match is None or shop is None:
            return _error(404, "Not Found")
        if not hmac.compare_digest(headers.get("x-shopify-access-token", ""), shop.token):
            return _error(401, _BAD_TOKEN)
        resource = match.group(3)
        if method == "POST":
            try:
                body = json.loads(text or "{}")
            except json.JSONDecodeError:
                return _error(400, "JSON body is malformed")
            if not isinstance(body, dict):
                return _error(400, "JSON body is malformed")
        if method == "GET" and resource == "shop.json":
            return Response(200, {"shop": shop.shop_json()})
        if method == "GET" and resource == "webhooks.json":
            return Response(200, {"webhooks": [dict(w) for w in shop.webhooks]})
        if method == "POST" and resource == "webhooks.json":
            return self._create_webhook(shop, body.get("webhook"))
        hook = re.fullmatch(r"webhooks/(\d+)\.json", resource)
        if method == "DELETE" and hook:
            kept = [w for w in shop.webhooks if w["id"] != int(hook.group(1))]
            if len(kept) == len(shop.webhooks):
                return _error(404, "Not Found")
            shop.webhooks = kept
            return Response(200, {})
        if method == "POST" and resource == "inventory_levels/set.json":
            return self._set_level(shop, body)
        return _error(404, "Not Found")

    def _create_webhook(self, shop: Shop, webhook: Any) -> Response:
        if not isinstance(webhook, dict):
            return _error(400, {"webhook": "Required parameter missing or invalid"})
        topic, address = webhook.get("topic"), webhook.get("address")
        if topic not in TOPICS:
            return _error(422, {"topic": ["Invalid topic specified. Topics allowed: "
                                          + ", ".join(sorted(TOPICS))]})
        if not isinstance(address, str) or not re.match(r"^https?://", address):
            return _error(422, {"address": ["is not a valid URL"]})
        if any(w["topic"] == topic and w["address"] == address for w in shop.webhooks):
            return _error(422, {"address": ["for this topic has already been taken"]})
        created = {
            "id": next(_ids), "address": address, "topic": topic, "created_at": _now(),
            "updated_at": _now(), "format": webhook.get("format", "json"), "fields": [],
            "metafield_namespaces": [], "api_version": "2025-07",
            "private_metafield_namespaces": [],
        }
        shop.webhooks.append(created)
        return Response(201, {"webhook": dict(created)})

    def _set_level(self, shop: Shop, body: dict[str, Any]) -> Response:
        location, item, available = (body.get("location_id"), body.get("inventory_item_id"),
                                     body.get("available"))
        for name, value in (("location_id", location), ("inventory_item_id", item),
                            ("available", available)):
            if isinstance(value, bool) or not isinstance(value, int):
                return _error(400, {name: "Required parameter missing or invalid"})
        if location != shop.location_id:
            return _error(404, "Not Found")
        if item not in shop.inventory_items:
            return _error(422, ["Inventory item does not exist"])
        shop.levels[(item, location)] = available
        return Response(200, {"inventory_level": {
            "inventory_item_id": item, "location_id": location, "available": available,
            "updated_at": _now(), "admin_graphql_api_id":
                f"gid://shopify/InventoryLevel/{location}?inventory_item_id={item}"}})

    def level(self, shop: Shop, item: int) -> int | None:
        """The available quantity the service last set for ``item``."""
        with self._lock:
            return shop.levels.get((item, shop.location_id))

    # --- payloads ---------------------------------------------------------------------
    @staticmethod
    def address(first: str = "Grace", last: str = "Hopper", **overrides: Any) -> dict[str, Any]:
        """A MailingAddress (with the geolocation Shopify adds to order addresses)."""
        return {
            "first_name": first, "last_name": last, "company": None,
            "address1": "150 Elgin St", "address2": "Suite 800", "city": "Ottawa",
            "province": "Ontario", "country": "Canada", "zip": "K2P 1L4",
            "phone": "+1 613-555-0142", "name": f"{first} {last}", "province_code": "ON",
            "country_code": "CA", "latitude": 45.4215296, "longitude": -75.6971931,
            **overrides,
        }

    def customer_payload(self, **overrides: Any) -> dict[str, Any]:
        """A ``customers/create`` body (REST Customer) with every field Shopify sends."""
        customer_id = next(_ids)
        default = {**self.address(), "id": next(_ids), "customer_id": customer_id,
                   "default": True}
        default.pop("latitude")
        default.pop("longitude")
        return {
            "id": customer_id, "email": "grace.hopper@example.com",
            "created_at": _now(), "updated_at": _now(), "first_name": "Grace",
            "last_name": "Hopper", "orders_count": 0, "state": "enabled", "total_spent": "0.00",
            "last_order_id": None, "note": "Prefers yellow gold MARKERNOTE",
            "verified_email": True, "multipass_identifier": None, "tax_exempt": False,
            "tags": "vip-marker, wholesale", "last_order_name": None, "currency": "USD",
            "phone": "+16135550142", "addresses": [default], "accepts_marketing": True,
            "accepts_marketing_updated_at": _now(), "marketing_opt_in_level": "confirmed_opt_in",
            "tax_exemptions": [], "email_marketing_consent": {
                "state": "subscribed", "opt_in_level": "confirmed_opt_in",
                "consent_updated_at": _now()},
            "sms_marketing_consent": {"state": "subscribed", "opt_in_level": "confirmed_opt_in",
                                      "consent_updated_at": _now(),
                                      "consent_collected_from": "SHOPIFY"},
            "admin_graphql_api_id": f"gid://shopify/Customer/{customer_id}",
            "default_address": default, "customer_locale": "fr-CA",
            **overrides,
        }

    def order_payload(self, *, customer: dict[str, Any] | None = None,
                      items: list[tuple[str, str, int]] | None = None,
                      shipping: str = "15.00", tax_lines: list[tuple[str, str, str]] | None = None,
                      financial_status: str = "paid", number: int | None = None,
                      **overrides: Any) -> dict[str, Any]:
        """An ``orders/create`` body (REST Order). ``items``: (title, price, quantity);
        ``tax_lines``: (title, rate, amount). Totals are computed in Decimal like Shopify."""
        from decimal import Decimal

        items = items or [("14k Gold Hoop Earrings", "1249.50", 1), ("Polishing cloth", "9.99", 2)]
        tax_lines = tax_lines if tax_lines is not None else [("FL State Tax", "0.06", "75.57")]
        order_id, number = next(_ids), number or next(_numbers)
        subtotal = sum((Decimal(p) * q for _, p, q in items), Decimal(0))
        tax = sum((Decimal(a) for _, _, a in tax_lines), Decimal(0))
        total = subtotal + Decimal(shipping) + tax
        customer = customer if customer is not None else self.customer_payload()
        money = lambda amount: {"shop_money": {"amount": str(amount), "currency_code": "USD"},  # noqa: E731
                                "presentment_money": {"amount": str(amount),
                                                      "currency_code": "USD"}}
        return {
            "id": order_id, "admin_graphql_api_id": f"gid://shopify/Order/{order_id}",
            "app_id": 580111, "browser_ip": "203.0.113.77", "buyer_accepts_marketing": True,
            "cancel_reason": None, "cancelled_at": None, "cart_token": "cart-token-marker",
            "checkout_id": next(_ids), "checkout_token": "checkout-token-marker",
            "client_details": {"accept_language": "xx-MARKER", "browser_height": 900,
                               "browser_ip": "203.0.113.77", "browser_width": 1440,
                               "session_hash": "sess-hash-4f1c9e",
                               "user_agent": "Mozilla/5.0 MarkerBrowser/9.9"},
            "closed_at": None, "confirmation_number": "XPAV284CT", "confirmed": True,
            "contact_email": customer.get("email"), "created_at": _now(), "currency": "USD",
            "current_total_price": str(total), "customer_locale": "fr-CA", "device_id": None,
            "discount_codes": [], "email": customer.get("email"), "estimated_taxes": False,
            "financial_status": financial_status, "fulfillment_status": None,
            "landing_site": "/?utm_source=marker-landing", "landing_site_ref": None,
            "location_id": None, "name": f"#{number}", "note": "Gift for my wife MARKERNOTE",
            "note_attributes": [{"name": "gift_wrap", "value": "gift-wrap-marker"}],
            "number": number - 1000, "order_number": number,
            "order_status_url": f"https://example.myshopify.com/orders/{order_id}",
            "payment_gateway_names": ["shopify_payments"], "phone": customer.get("phone"),
            "presentment_currency": "USD", "processed_at": _now(),
            "referring_site": "https://marker-referrer.example/", "source_name": "web",
            "subtotal_price": str(subtotal), "tags": "vip-marker",
            "tax_lines": [{"price": amount, "rate": Decimal(rate), "title": title,
                           "price_set": money(amount), "channel_liable": False}
                          for title, rate, amount in tax_lines],
            "taxes_included": False, "test": False, "token": uuid.uuid4().hex,
            "total_discounts": "0.00", "total_line_items_price": str(subtotal),
            "total_outstanding": "0.00" if financial_status == "paid" else str(total),
            "total_price": str(total), "total_tax": str(tax), "total_weight": 0,
            "updated_at": _now(), "user_id": None,
            "billing_address": self.address(), "shipping_address": self.address(),
            "customer": customer,
            "line_items": [{
                "id": next(_ids), "admin_graphql_api_id": "gid://shopify/LineItem/1",
                "fulfillable_quantity": qty, "fulfillment_service": "manual",
                "fulfillment_status": None, "gift_card": False, "grams": 20, "name": title,
                "price": price, "price_set": money(price), "product_exists": True,
                "product_id": next(_ids), "properties": [], "quantity": qty,
                "requires_shipping": True, "sku": f"SKU-{index}", "taxable": True,
                "title": title, "total_discount": "0.00", "variant_id": next(_ids),
                "variant_title": None, "vendor": "Ada Jewelers", "tax_lines": [],
                "discount_allocations": [],
            } for index, (title, price, qty) in enumerate(items)],
            "shipping_lines": [{"id": next(_ids), "code": "Standard", "price": shipping,
                                "discounted_price": shipping, "source": "shopify",
                                "title": "Standard Shipping", "tax_lines": [],
                                "price_set": money(shipping)}] if Decimal(shipping) else [],
            "refunds": [], "fulfillments": [], "discount_applications": [],
            **overrides,
        }

    # --- webhooks ---------------------------------------------------------------------
    def sign(self, body: bytes, secret: str | None = None) -> str:
        """``X-Shopify-Hmac-Sha256``: base64 HMAC-SHA256 of the raw body."""
        key = (secret if secret is not None else self.api_secret).encode()
        return base64.b64encode(hmac.new(key, body, hashlib.sha256).digest()).decode()

    def subscribed_url(self, shop: Shop, topic: str) -> str:
        """The address the service registered for ``topic`` (AssertionError when none)."""
        urls = [w["address"] for w in shop.webhooks if w["topic"] == topic]
        assert urls, f"no webhook registered for {topic}"
        return str(urls[0])

    def send_webhook(self, shop: Shop, topic: str, payload: dict[str, Any], *,
                     url: str | None = None, webhook_id: str | None = None,
                     secret: str | None = None, shop_domain: str | None = None,
                     body: bytes | None = None) -> Delivery:
        """POST ``payload`` as Shopify does, to the registered address unless ``url``."""
        raw = body if body is not None else _dumps(payload)
        target = url or self.subscribed_url(shop, topic)
        webhook_id = webhook_id or str(uuid.uuid4())
        headers = {
            "Content-Type": "application/json", "X-Shopify-Topic": topic,
            "X-Shopify-Hmac-Sha256": self.sign(raw, secret),
            "X-Shopify-Shop-Domain": shop_domain or shop.domain,
            "X-Shopify-Webhook-Id": webhook_id, "X-Shopify-Event-Id": str(uuid.uuid4()),
            "X-Shopify-API-Version": "2025-07", "X-Shopify-Triggered-At": _now(),
        }
        response = httpx.post(target, content=raw, headers=headers, timeout=30)
        delivery = Delivery(topic, webhook_id, target, response.status_code, raw)
        with self._lock:
            self.deliveries.append(delivery)
        return delivery

    def redeliver(self, delivery: Delivery, shop: Shop) -> Delivery:
        """Shopify's retry: the same body and the same webhook ID."""
        return self.send_webhook(shop, delivery.topic, {}, url=delivery.url,
                                 webhook_id=delivery.webhook_id, body=delivery.body)


_numbers = itertools.count(1001)


def _dumps(payload: dict[str, Any]) -> bytes:
    """JSON as Shopify writes it: decimal rates as JSON numbers, not strings."""
    from decimal import Decimal

    class _Encoder(json.JSONEncoder):
        def default(self, o: Any) -> Any:
            if isinstance(o, Decimal):
                return _Raw(str(o))
            return super().default(o)

    text = json.dumps(payload, cls=_Encoder)
    return re.sub(r'"__raw__:([^"]+)"', r"\1", text).encode()


class _Raw(str):
    def __new__(cls, value: str) -> _Raw:
        return super().__new__(cls, f"__raw__:{value}")


@pytest.fixture
def shopify_sim() -> Iterator[ShopifySimulator]:
    """A fresh, started Shopify simulator per test."""
    with ShopifySimulator() as sim:
        yield sim
