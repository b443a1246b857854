"""Stock levels to Shopify: a piece linked to a Shopify inventory item has its available
quantity set at the connected location (``inventory_levels/set.json``) after it changes.

``push_inventory_after_push`` runs as a background task after a sync push has answered
(a Shopify call must not hold up a workstation's upload); it finds the linked pieces among
the rows the push's versions changed with one query, so most pushes cost nothing else.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from uuid import UUID

from fastapi import FastAPI
from sqlalchemy import Connection, Engine

from jeweltrak_core.inventory.entities import Piece
from jeweltrak_core.inventory.stock import is_available
from sync_server.config import Settings
from sync_server.db.engine import tenant_transaction
from sync_server.db.names import TenantRef
from sync_server.errors import ServiceError
from sync_server.integrations import connections
from sync_server.integrations.shopify import service
from sync_server.integrations.shopify.client import ShopifyApiError, ShopifyClient
from sync_server.integrations.shopify.settings import ShopifySettings, shopify_settings_for
from sync_server.kit import entity_docs

log = logging.getLogger(__name__)
PROVIDER = "shopify"


def available_quantity(piece: Piece | None) -> int:
    """What Shopify may sell: 1/0 for a one-of-a-kind piece, the expected count otherwise."""
    if piece is None or piece.deleted:
        return 0
    if piece.is_quantity_item:
        return max(piece.ledger.expected_quantity, 0)
    return 1 if is_available(piece.status) else 0


def link_piece(engine: Engine, tenant: TenantRef, piece_id: UUID, inventory_item_id: int) -> None:
    """Link a piece to a Shopify inventory item (409 when either is linked elsewhere)."""
    remote = str(inventory_item_id)
    with tenant_transaction(engine, tenant) as conn:
        entity_docs.require(conn, Piece, piece_id, "piece")
        linked_piece = connections.local_id(conn, PROVIDER, "piece", remote)
        linked_item = connections.remote_id(conn, PROVIDER, "piece", piece_id)
        if (linked_piece not in (None, piece_id)) or (linked_item not in (None, remote)):
            raise ServiceError(409, "duplicate", "This piece or this Shopify inventory item is "
                               "already linked to another one.")
        connections.link(conn, PROVIDER, "piece", remote, piece_id)


def _linked_pieces(conn: Connection, versions: list[int]) -> list[tuple[UUID, str]]:
    rows = conn.exec_driver_sql(
        "SELECT DISTINCT l.local_id, l.remote_id FROM change_log c JOIN integration_links l "
        "ON l.provider = 'shopify' AND l.entity = 'piece' AND l.local_id = c.entity_id "
        "WHERE c.entity = 'pieces' AND c.version = ANY(%s)", (versions,),
    ).all()
    return [(UUID(str(r[0])), str(r[1])) for r in rows]


def push_levels(engine: Engine, settings: Settings, shopify: ShopifySettings,
                tenant: TenantRef, pieces: list[tuple[UUID, str]]) -> int:
    """Set each linked piece's level on Shopify; returns how many were set."""
    if not pieces:
        return 0
    connection = service.load(engine, settings, tenant)
    location = connection.settings.get("location_id") if connection else None
    if connection is None or not location:
        return 0
    client = ShopifyClient(shopify, connection.account_ref, connection.access_token)
    done = 0
    for piece_id, item in pieces:
        with tenant_transaction(engine, tenant) as conn:
            quantity = available_quantity(entity_docs.load(conn, Piece, piece_id))
        try:
            client.set_inventory_level(location_id=int(location), inventory_item_id=int(item),
                                       available=quantity)
            done += 1
        except ShopifyApiError as exc:
            log.warning("shopify inventory level not set: status=%s", exc.status)
            with tenant_transaction(engine, tenant) as conn:
                connections.set_status(conn, PROVIDER, "error",
                                       "Shopify refused a stock level update "
                                       f"({exc.status}); check the linked inventory items.")
    return done


def push_inventory_after_push(app: FastAPI, engine: Engine, tenant: TenantRef,
                              versions: Iterable[int | None]) -> int:
    """After a push applied ops at ``versions``: send the levels of linked pieces they changed."""
    wanted = sorted({v for v in versions if isinstance(v, int)})
    if not wanted:
        return 0
    with tenant_transaction(engine, tenant) as conn:
        pieces = _linked_pieces(conn, wanted)
    if not pieces:
        return 0
    return push_levels(engine, app.state.settings, shopify_settings_for(app), tenant, pieces)


def push_piece_now(app: FastAPI, engine: Engine, tenant: TenantRef, piece_id: UUID) -> int:
    """Send one linked piece's level at once (right after it is linked)."""
    with tenant_transaction(engine, tenant) as conn:
        item = connections.remote_id(conn, PROVIDER, "piece", piece_id)
    if item is None:
        return 0
    return push_levels(engine, app.state.settings, shopify_settings_for(app), tenant,
                       [(piece_id, item)])
