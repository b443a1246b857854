"""Connecting, describing and disconnecting a tenant's Shopify shop.

The token is checked against the shop (``GET shop.json``) before anything is saved, kept
only as ``TokenVault`` ciphertext (P9) and decrypted in memory for each call. Webhooks are
registered on connect for the tenant's own URL, which names the tenant (the shop domain
header must then match the connected shop).
"""

from __future__ import annotations

import logging
import re
from typing import Any
from uuid import UUID

from sqlalchemy import Engine

from jeweltrak_core.store.entities import Store
from sync_server.config import Settings
from sync_server.db.engine import tenant_transaction
from sync_server.db.names import TenantRef
from sync_server.errors import ServiceError
from sync_server.integrations import connections
from sync_server.integrations.shopify.client import (
    WEBHOOK_TOPICS,
    ShopifyApiError,
    ShopifyClient,
)
from sync_server.integrations.shopify.settings import ShopifySettings
from sync_server.integrations.vault import TokenVault
from sync_server.kit import entity_docs

log = logging.getLogger(__name__)
PROVIDER = "shopify"
SHOP_DOMAIN = re.compile(r"^[a-z0-9][a-z0-9-]{0,59}\.myshopify\.com$")


def vault_for(settings: Settings) -> TokenVault:
    """The token vault (keys from the environment, else derived from the secret key)."""
    return TokenVault.from_environment(settings.secret_key.get_secret_value())


def normalize_shop(domain: str) -> str:
    """``Ada-Jewelers.myshopify.com`` → lower case; anything else is refused (422)."""
    shop = domain.strip().lower()
    if not SHOP_DOMAIN.fullmatch(shop):
        raise ServiceError(422, "validation_error",
                           "Enter the shop's myshopify.com domain, e.g. "
                           "ada-jewelers.myshopify.com.",
                           field="shop_domain")
    return shop


def webhook_url(settings: Settings, shopify: ShopifySettings, tenant_id: UUID) -> str:
    """Where Shopify delivers this tenant's webhooks."""
    base = (shopify.webhook_base_url or settings.public_base_url).rstrip("/")
    return f"{base}/v1/integrations/shopify/webhooks/{tenant_id}"


def _store_for(engine: Engine, tenant: TenantRef, store_id: UUID | None) -> UUID:
    with tenant_transaction(engine, tenant) as conn:
        stores = entity_docs.load_all(conn, Store)
    if store_id is not None:
        if all(s.id != store_id for s in stores):
            raise ServiceError(404, "not_found", "There is no store with this ID in your account.")
        return store_id
    if len(stores) != 1:
        raise ServiceError(422, "validation_error",
                           "Choose the store that Shopify orders are booked to (store_id).",
                           field="store_id")
    return stores[0].id


def _refused(exc: ShopifyApiError) -> ServiceError:
    if exc.status in (401, 403):
        return ServiceError(422, "shopify_token_refused",
                            "Shopify refused this access token. Copy the Admin API access token "
                            "of the store's custom app again (it is shown once).")
    if exc.status == 404:
        return ServiceError(422, "shopify_shop_unknown", "Shopify knows no shop at this domain.")
    return ServiceError(502, "shopify_unavailable",
                        f"Shopify could not be reached or answered an error ({exc.status}); "
                        "try again in a minute.")


def _register_webhooks(client: ShopifyClient, address: str) -> dict[str, int]:
    existing = {w.get("topic"): w for w in client.webhooks() if w.get("address") == address}
    ids: dict[str, int] = {}
    for topic in WEBHOOK_TOPICS:
        found = existing.get(topic) or client.create_webhook(topic, address)
        ids[topic] = int(found["id"])
    return ids


def connect(engine: Engine, settings: Settings, shopify: ShopifySettings, tenant: TenantRef, *,
            shop_domain: str, access_token: str, store_id: UUID | None,
            location_id: int | None) -> dict[str, Any]:
    """Check the token with the shop, register webhooks, save the connection (encrypted)."""
    shop = normalize_shop(shop_domain)
    store = _store_for(engine, tenant, store_id)
    client = ShopifyClient(shopify, shop, access_token)
    try:
        info = client.shop()
        webhooks = _register_webhooks(client, webhook_url(settings, shopify, tenant.id))
    except ShopifyApiError as exc:
        log.info("shopify connect refused: status=%s", exc.status)
        raise _refused(exc) from None
    location = location_id or info.get("primary_location_id")
    connection = connections.IntegrationConnection(
        provider=PROVIDER, account_ref=shop, access_token=access_token,
        settings={"store_id": str(store), "location_id": int(location) if location else None,
                  "shop_name": str(info.get("name") or "")[:200],
                  "currency": str(info.get("currency") or "")[:3], "webhooks": webhooks},
    )
    with tenant_transaction(engine, tenant) as conn:
        connections.save_connection(conn, vault_for(settings), connection)
    log.info("shopify connected: tenant=%s shop=%s", tenant.id, shop)
    return status_of(connection)


def status_of(connection: connections.IntegrationConnection | None) -> dict[str, Any]:
    """What the owner sees; never a token."""
    if connection is None:
        return {"connected": False, "shop_domain": None, "status": None, "last_error": None,
                "settings": {}}
    public = connection.public()
    return {"connected": True, "shop_domain": public["account_ref"], "status": public["status"],
            "last_error": public["last_error"], "settings": public["settings"]}


def load(engine: Engine, settings: Settings, tenant: TenantRef
         ) -> connections.IntegrationConnection | None:
    """The tenant's Shopify connection, token decrypted in memory."""
    with tenant_transaction(engine, tenant) as conn:
        return connections.load_connection(conn, vault_for(settings), PROVIDER)


def disconnect(engine: Engine, settings: Settings, shopify: ShopifySettings,
               tenant: TenantRef) -> bool:
    """Remove our webhooks from the shop (best effort), then forget the token."""
    connection = load(engine, settings, tenant)
    if connection is None:
        return False
    client = ShopifyClient(shopify, connection.account_ref, connection.access_token)
    for webhook_id in (connection.settings.get("webhooks") or {}).values():
        try:
            client.delete_webhook(webhook_id)
        except ShopifyApiError as exc:  # uninstalled or revoked already: nothing to remove
            log.info("shopify webhook not removed: status=%s", exc.status)
    with tenant_transaction(engine, tenant) as conn:
        gone = connections.disconnect(conn, PROVIDER)
    log.info("shopify disconnected: tenant=%s", tenant.id)
    return gone
