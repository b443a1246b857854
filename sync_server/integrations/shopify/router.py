"""HTTP endpoints of the Shopify integration. The owner connects and disconnects; any
signed-in user may read the status (never a token); Shopify posts signed webhooks."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import Field, StringConstraints
from starlette.concurrency import run_in_threadpool

from sync_server.deps import CurrentUser, EngineDep, SettingsDep, UserContext
from sync_server.errors import ServiceError, error_body
from sync_server.integrations.shopify import inventory, service, webhooks
from sync_server.integrations.shopify.settings import shopify_settings_for
from sync_server.integrations.shopify.signatures import signature_valid
from sync_server.kit.fields import InputModel

router = APIRouter(tags=["shopify"])
_PREFIX = "/v1/integrations/shopify"
AccessToken = Annotated[str, StringConstraints(min_length=16, max_length=255,
                                               pattern=r"^[A-Za-z0-9_-]+$")]
ShopDomain = Annotated[str, StringConstraints(min_length=15, max_length=100)]
ShopifyId = Annotated[int, Field(ge=1, le=2**63 - 1, strict=True)]


class ConnectRequest(InputModel):
    """The shop's myshopify.com domain and its custom app's Admin API access token."""

    shop_domain: ShopDomain
    access_token: AccessToken
    store_id: UUID | None = None
    location_id: ShopifyId | None = None


class PieceLinkRequest(InputModel):
    """The Shopify inventory item (of a product variant) that stands for a piece."""

    inventory_item_id: ShopifyId


def _owner(caller: UserContext) -> None:
    if not caller.is_owner:
        raise ServiceError(403, "permission_denied",
                           "Only the business owner can connect or disconnect Shopify.")


@router.post(f"{_PREFIX}/connect")
def connect(body: ConnectRequest, caller: CurrentUser, engine: EngineDep, settings: SettingsDep,
            request: Request) -> dict[str, Any]:
    """Check the token with the shop, register webhooks, keep the token encrypted."""
    _owner(caller)
    return service.connect(engine, settings, shopify_settings_for(request.app), caller.tenant,
                           shop_domain=body.shop_domain, access_token=body.access_token,
                           store_id=body.store_id, location_id=body.location_id)


@router.get(_PREFIX)
def status(caller: CurrentUser, engine: EngineDep, settings: SettingsDep) -> dict[str, Any]:
    """Whether a shop is connected, which, and the last problem (no token)."""
    return service.status_of(service.load(engine, settings, caller.tenant))


@router.delete(_PREFIX)
def disconnect(caller: CurrentUser, engine: EngineDep, settings: SettingsDep,
               request: Request) -> dict[str, Any]:
    """Remove the webhooks and forget the token."""
    _owner(caller)
    gone = service.disconnect(engine, settings, shopify_settings_for(request.app), caller.tenant)
    return {"disconnected": gone}


@router.put(f"{_PREFIX}/pieces/{{piece_id}}")
def link_piece(piece_id: UUID, body: PieceLinkRequest, caller: CurrentUser, engine: EngineDep,
               request: Request) -> dict[str, Any]:
    """Link a piece to a Shopify inventory item and send its level now."""
    _owner(caller)
    inventory.link_piece(engine, caller.tenant, piece_id, body.inventory_item_id)
    sent = inventory.push_piece_now(request.app, engine, caller.tenant, piece_id)
    return {"piece_id": str(piece_id), "inventory_item_id": body.inventory_item_id,
            "level_sent": bool(sent)}


def _refused() -> JSONResponse:
    return JSONResponse(error_body("unauthorized", "This webhook is not signed for this "
                                   "connection."), status_code=401)


@router.post(f"{_PREFIX}/webhooks/{{tenant_id}}", include_in_schema=False)
async def webhook(tenant_id: str, request: Request) -> JSONResponse:
    """One Shopify delivery (HMAC-verified before anything else)."""
    body = await request.body()
    secret = shopify_settings_for(request.app).api_secret.get_secret_value()
    if not signature_valid(body, request.headers.get("x-shopify-hmac-sha256"), secret):
        return _refused()
    headers = {k.lower(): v for k, v in request.headers.items()}
    try:
        result = await run_in_threadpool(webhooks.handle_delivery, request.app.state.engine,
                                         tenant_id[:64], headers, body)
    except webhooks.WebhookRefused:
        return _refused()
    return JSONResponse({"received": True, "result": result})
