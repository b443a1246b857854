"""The Shopify integration's own settings (``JEWELTRAK_SHOPIFY_*``), read once per app.

Kept apart from ``sync_server/config.py`` so the integration can be configured (and left
unconfigured) on its own. The app secret verifies webhooks; it is never logged.
"""

from __future__ import annotations

import threading

from fastapi import FastAPI
from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

_lock = threading.Lock()


class ShopifySettings(BaseSettings):
    """Where the Admin API is and how webhooks are verified."""

    model_config = SettingsConfigDict(env_prefix="JEWELTRAK_SHOPIFY_", extra="ignore")

    #: The Admin API's base URL; ``{shop}`` is replaced by the shop's myshopify domain
    #: (tests point it at the simulator, e.g. ``http://127.0.0.1:PORT/{shop}``).
    api_base: str = "https://{shop}"
    #: Admin REST API version in every path.
    api_version: str = "2025-07"
    #: The custom app's API secret key: the HMAC key of every webhook Shopify sends.
    api_secret: SecretStr = SecretStr("")
    #: Public URL the webhooks are registered at; empty → the service's public_base_url.
    webhook_base_url: str = ""
    #: Seconds for one Admin API call.
    timeout_seconds: float = 15.0

    def shop_base(self, shop: str) -> str:
        """``…/admin/api/{version}`` of one shop."""
        return f"{self.api_base.replace('{shop}', shop).rstrip('/')}/admin/api/{self.api_version}"


def shopify_settings_for(app: FastAPI) -> ShopifySettings:
    """The app's Shopify settings (``app.state.shopify_settings``), from the environment
    the first time."""
    with _lock:
        found: ShopifySettings | None = getattr(app.state, "shopify_settings", None)
        if found is None:
            found = ShopifySettings()
            app.state.shopify_settings = found
        return found
