"""``POST /v1/integrations/shopify/webhooks/{tenant_id}``: signed deliveries, each used once.

1. ``X-Shopify-Hmac-Sha256`` must be the base64 HMAC-SHA256 of the raw body under the
   app's API secret (constant-time comparison), else 401 and nothing is read or stored.
2. The tenant in the URL must have a Shopify connection whose shop equals
   ``X-Shopify-Shop-Domain``, else 401: a shop cannot write into another tenant by using
   that tenant's URL.
3. ``X-Shopify-Webhook-Id`` is recorded with ``first_delivery`` in the same transaction as
   the import: a repeated delivery does nothing; a failed import records nothing, so
   Shopify's retry imports it. Orders are also idempotent by their ID link.
4. A payload the rules refuse (totals that do not add up, …) is acknowledged, imports
   nothing, and leaves a sentence in the connection's ``last_error`` for the owner;
   unknown topics are acknowledged and ignored. Payloads are never stored or logged.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Mapping
from uuid import UUID

from sqlalchemy import Connection, Engine

from jeweltrak_core.errors import JewelTrakError
from sync_server.db.engine import tenant_transaction
from sync_server.db.names import TenantRef
from sync_server.integrations import connections
from sync_server.integrations.shopify import importer, mapping
from sync_server.tenancy import tenant_by_id

log = logging.getLogger(__name__)
PROVIDER = "shopify"


class WebhookRefused(Exception):
    """The delivery is not for a connected shop of this tenant (answered 401)."""


def _tenant(tenant_id: str, engine: Engine) -> TenantRef:
    try:
        parsed = UUID(tenant_id)
    except ValueError:
        raise WebhookRefused from None
    tenant = tenant_by_id(engine, parsed)
    if tenant is None:
        raise WebhookRefused
    return tenant


def _connected(conn: Connection) -> tuple[str, dict[str, object]] | None:
    row = conn.exec_driver_sql(
        "SELECT account_ref, settings FROM integration_connections WHERE provider = %s",
        (PROVIDER,),
    ).first()
    return None if row is None else (str(row[0]), dict(row[1] or {}))


def _delivery_id(headers: Mapping[str, str], topic: str, body: bytes) -> str:
    given = headers.get("x-shopify-webhook-id", "").strip()
    if given:
        return given
    return "sha256:" + hashlib.sha256(topic.encode() + b"\n" + body).hexdigest()


def _dispatch(conn: Connection, tenant: TenantRef, store_id: UUID, topic: str,
              body: bytes) -> str:
    if topic == "app/uninstalled":
        connections.disconnect(conn, PROVIDER)
        return "disconnected"
    if topic not in ("orders/create", "customers/create", "customers/update"):
        return "ignored"
    payload = mapping.parse_body(body)
    if topic == "orders/create":
        made = importer.import_order(conn, tenant, store_id, payload)
        return "order" if made is not None else "order_known"
    importer.import_customer(conn, tenant, store_id, payload)
    return "customer"


def handle_delivery(engine: Engine, tenant_id: str, headers: Mapping[str, str],
                    body: bytes) -> str:
    """Process one verified delivery; raises ``WebhookRefused`` for a foreign shop."""
    tenant = _tenant(tenant_id, engine)
    shop = headers.get("x-shopify-shop-domain", "").strip().lower()
    topic = headers.get("x-shopify-topic", "").strip()
    refusal: str | None = None
    with tenant_transaction(engine, tenant) as conn:
        connected = _connected(conn)
        if connected is None or not shop or connected[0] != shop:
            raise WebhookRefused
        if not connections.first_delivery(conn, PROVIDER, _delivery_id(headers, topic, body)):
            return "duplicate"
        store_id = UUID(str(connected[1].get("store_id")))
        savepoint = conn.begin_nested()
        try:
            result = _dispatch(conn, tenant, store_id, topic, body)
            savepoint.commit()
        except (mapping.ShopifyPayloadError, JewelTrakError) as exc:
            savepoint.rollback()
            refusal = str(exc) if isinstance(exc, mapping.ShopifyPayloadError) else (
                f"A Shopify {topic.split('/')[0][:-1]} was not imported: {exc}")
            connections.set_status(conn, PROVIDER, "error", refusal)
            result = "refused"
    log.info("shopify webhook: tenant=%s topic=%s result=%s", tenant.id, topic[:40], result)
    return result
