"""The few Admin REST API calls the integration makes, over httpx.

The access token travels only in the ``X-Shopify-Access-Token`` header; errors carry the
HTTP status and Shopify's error text, never the token or a request body.
"""

from __future__ import annotations

from typing import Any

import httpx

from sync_server.integrations.shopify.settings import ShopifySettings

WEBHOOK_TOPICS = ("orders/create", "customers/create", "customers/update", "app/uninstalled")


class ShopifyApiError(Exception):
    """Shopify refused or could not be reached; ``status`` 0 means no answer."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(f"Shopify answered {status}: {message}" if status else message)
        self.status = status
        self.message = message


def _error_text(response: httpx.Response) -> str:
    try:
        errors = response.json().get("errors")
    except (ValueError, AttributeError):
        errors = None
    text = errors if isinstance(errors, str) else str(errors) if errors else response.reason_phrase
    return text[:300]


class ShopifyClient:
    """One shop's Admin API, authenticated by its access token."""

    def __init__(self, settings: ShopifySettings, shop: str, access_token: str) -> None:
        self._base = settings.shop_base(shop)
        self._token = access_token
        self._timeout = settings.timeout_seconds

    def __repr__(self) -> str:  # the token stays out of reprs and tracebacks
        return f"ShopifyClient(base={self._base!r})"

    def _call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        try:
            response = httpx.request(
                method, f"{self._base}/{path}", json=body, timeout=self._timeout,
                headers={"X-Shopify-Access-Token": self._token, "Accept": "application/json"},
            )
        except httpx.HTTPError as exc:
            raise ShopifyApiError(0, f"Shopify could not be reached ({type(exc).__name__}).") \
                from None
        if response.status_code >= 400:
            raise ShopifyApiError(response.status_code, _error_text(response))
        return response.json() if response.content else {}

    def shop(self) -> dict[str, Any]:
        """``GET shop.json``: proves the token works and names the shop."""
        found = self._call("GET", "shop.json").get("shop")
        if not isinstance(found, dict):
            raise ShopifyApiError(502, "shop.json carried no shop")
        return found

    def webhooks(self) -> list[dict[str, Any]]:
        """The app's webhook subscriptions."""
        return list(self._call("GET", "webhooks.json").get("webhooks") or [])

    def create_webhook(self, topic: str, address: str) -> dict[str, Any]:
        """Subscribe ``address`` to ``topic`` (JSON payloads)."""
        body = {"webhook": {"topic": topic, "address": address, "format": "json"}}
        return dict(self._call("POST", "webhooks.json", body)["webhook"])

    def delete_webhook(self, webhook_id: int | str) -> None:
        """Remove one subscription."""
        self._call("DELETE", f"webhooks/{int(webhook_id)}.json")

    def set_inventory_level(self, *, location_id: int, inventory_item_id: int,
                            available: int) -> dict[str, Any]:
        """``POST inventory_levels/set.json``: the available quantity at one location."""
        body = {"location_id": location_id, "inventory_item_id": inventory_item_id,
                "available": available}
        return dict(self._call("POST", "inventory_levels/set.json", body)["inventory_level"])
