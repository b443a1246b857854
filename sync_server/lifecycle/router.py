"""HTTP endpoints of the data lifecycle (``/v1/tenant``): owner only, tenant from the session.

| Endpoint | What |
|---|---|
| ``GET /v1/tenant`` | status, cancellation date, deletion date |
| ``GET /v1/tenant/export`` | P15: every table of the business as a zip of JSON lines |
| ``POST /v1/tenant/cancel`` | P14: cancel; data kept 30 days for export |
| ``POST /v1/tenant/reactivate`` | undo a cancellation within the 30 days |
| ``DELETE /v1/tenant`` | P15: delete the business now (password typed again) |
"""

from __future__ import annotations

import itertools
from datetime import UTC

from fastapi import APIRouter, Request
from fastapi.responses import StreamingResponse

from sync_server.deps import EngineDep, SettingsDep
from sync_server.lifecycle import service
from sync_server.lifecycle.export import export_chunks, export_filename
from sync_server.lifecycle.owner import CurrentOwner
from sync_server.lifecycle.schemas import (
    DeleteTenantRequest,
    TenantDeletedResponse,
    TenantStatusResponse,
)

router = APIRouter(prefix="/v1/tenant", tags=["lifecycle"])

_OWNER_ANSWERS: dict[int | str, dict[str, str]] = {
    401: {"description": "No valid session."},
    403: {"description": "Not the business's owner."},
    410: {"description": "Cancelled more than 30 days ago: the data is being deleted."},
}


@router.get("", response_model=TenantStatusResponse, responses=_OWNER_ANSWERS)
def tenant_status(owner: CurrentOwner) -> TenantStatusResponse:
    """Whether the business is active or cancelled, and when its data would be deleted."""
    return TenantStatusResponse.of(owner.state, service.RETENTION_DAYS)


@router.get(
    "/export",
    response_class=StreamingResponse,
    responses={
        **_OWNER_ANSWERS,
        200: {"content": {"application/zip": {}}, "description": "The export (a zip)."},
    },
)
def export_tenant(owner: CurrentOwner, engine: EngineDep) -> StreamingResponse:
    """Everything the business stores with us, as a zip: one JSON-lines file per table and
    a manifest (tenant, time, row counts). Streamed; works for 30 days after cancelling."""
    now = owner.now.astimezone(UTC)
    chunks = export_chunks(engine, owner.state, now)
    first = next(chunks)  # the transaction is open: errors so far answer as usual
    return StreamingResponse(
        itertools.chain([first], chunks),
        media_type="application/zip",
        headers={
            "Content-Disposition": f'attachment; filename="{export_filename(owner.state, now)}"',
            "Cache-Control": "no-store",
        },
    )


@router.post("/cancel", response_model=TenantStatusResponse, responses=_OWNER_ANSWERS)
def cancel_subscription(owner: CurrentOwner, engine: EngineDep) -> TenantStatusResponse:
    """Cancel: workstations and staff stop syncing; the owner can export for 30 days, then
    everything is deleted. Cancelling again changes nothing."""
    return TenantStatusResponse.of(service.cancel(engine, owner), service.RETENTION_DAYS)


@router.post("/reactivate", response_model=TenantStatusResponse, responses=_OWNER_ANSWERS)
def reactivate_subscription(owner: CurrentOwner, engine: EngineDep) -> TenantStatusResponse:
    """Undo a cancellation within its 30 days: everything works again as before."""
    return TenantStatusResponse.of(service.reactivate(engine, owner), service.RETENTION_DAYS)


@router.delete(
    "",
    response_model=TenantDeletedResponse,
    responses={
        **_OWNER_ANSWERS,
        403: {"description": "Not the owner, or the password is wrong (nothing deleted)."},
        409: {"description": "An export or sync kept the data busy; nothing deleted."},
        429: {"description": "Too many wrong passwords; Retry-After says when to retry."},
    },
)
def delete_tenant(
    body: DeleteTenantRequest,
    owner: CurrentOwner,
    engine: EngineDep,
    settings: SettingsDep,
    request: Request,
) -> TenantDeletedResponse:
    """Delete the whole business now: its data, staff sign-ins, workstations. Cannot be
    undone; every session and workstation of it gets 401 from then on."""
    ip = request.client.host if request.client else "unknown"
    service.delete_on_request(engine, settings, owner, password=body.password, ip=ip)
    return TenantDeletedResponse(tenant_id=owner.state.ref.id)
