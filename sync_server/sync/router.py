"""HTTP endpoints of sync: push, pull (long-poll), snapshot, problems. Device token only."""

from __future__ import annotations

import itertools
import time
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, BackgroundTasks, Header, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from jeweltrak_core.errors import JewelTrakError
from jeweltrak_core.sync.ops import MIN_SUPPORTED_SCHEMA_VERSION, SCHEMA_VERSION, Operation
from jeweltrak_core.sync.wire import check_text
from sync_server.db.engine import tenant_transaction
from sync_server.deps import CurrentDevice, EngineDep, SettingsDep
from sync_server.errors import ServiceError
from sync_server.integrations.shopify.inventory import push_inventory_after_push
from sync_server.payments.links import close_links_after_push
from sync_server.sync import feed
from sync_server.sync.notify import ChangeHub
from sync_server.sync.push import push_batch

router = APIRouter(prefix="/v1/sync", tags=["sync"])


class PushRequest(BaseModel):
    """An ordered batch of operations from one device (wire format of ``jeweltrak_core``)."""

    ops: list[dict[str, Any]] = Field(description="Operations in the device's seq order.")


class OpResultModel(BaseModel):
    """The outcome of one operation."""

    op_id: UUID
    seq: int
    status: str = Field(description="applied, conflict or rejected")
    version: int | None = None
    detail: str | None = None
    error: dict[str, Any] | None = None
    exceptions: list[str] = []
    repeat: bool = Field(False, description="True when this op had been applied before.")


class PushResponse(BaseModel):
    """Per-op results, in the order sent, and the tenant's version after the batch."""

    results: list[OpResultModel]
    version: int


class ChangeModel(BaseModel):
    """One changed aggregate (or a tombstone) at a version."""

    version: int
    entity: str
    id: UUID
    deleted: bool
    doc: dict[str, Any] | None


class SnapshotRow(BaseModel):
    """One stored aggregate."""

    id: UUID
    version: int
    deleted: bool
    doc: dict[str, Any]


class SnapshotPage(BaseModel):
    """A keyset page of one table; pass ``next_after`` as ``after`` for the next page."""

    #: The store of the device that asked (the client checks the page is meant for it).
    store_id: UUID
    entity: str
    rows: list[SnapshotRow]
    next_after: UUID | None


class PullResponse(BaseModel):
    """A page of the change feed."""

    #: The store of the device that asked (the client checks the page is meant for it).
    store_id: UUID
    changes: list[ChangeModel]
    next_cursor: int
    has_more: bool
    version: int


def _check_client_version(header: int | None, minimum: int) -> None:
    if header is not None and header < max(minimum, MIN_SUPPORTED_SCHEMA_VERSION):
        raise ServiceError(
            426,
            "upgrade_required",
            f"This version of JewelTrak is too old for the service (data format v{header}, "
            f"v{max(minimum, MIN_SUPPORTED_SCHEMA_VERSION)} or newer needed). Update the "
            "app; nothing on this workstation is lost, it will sync after the update.",
            client_version=header,
        )


def _refuse_unstorable_text(raw: Any, index: int) -> None:
    """Every string of the op (free-form values included) must be storable as JSONB."""
    stack = [raw]
    while stack:
        item = stack.pop()
        texts: list[Any]
        if isinstance(item, dict):
            texts = list(item)
            stack.extend(v for v in item.values() if isinstance(v, dict | list))
            texts.extend(v for v in item.values() if isinstance(v, str))
        elif isinstance(item, list):
            stack.extend(v for v in item if isinstance(v, dict | list))
            texts = [v for v in item if isinstance(v, str)]
        else:
            continue
        for text in texts:
            if not text.isascii() or "\x00" in text:
                try:
                    check_text(text, f"ops[{index}]")
                except JewelTrakError as exc:
                    raise ServiceError(422, exc.code, exc.message, index=index) from None


def _decode_ops(raw_ops: list[dict[str, Any]], device: Any, minimum: int) -> list[Operation]:
    ops: list[Operation] = []
    seen: set[UUID] = set()
    for index, raw in enumerate(raw_ops):
        _refuse_unstorable_text(raw, index)
        version = raw.get("schema_version")
        if isinstance(version, int) and not isinstance(version, bool):
            _check_client_version(version, minimum)
            if version > SCHEMA_VERSION:
                raise ServiceError(
                    422,
                    "unsupported_operation",
                    f"ops[{index}] uses data format v{version}, newer than this service "
                    f"(v{SCHEMA_VERSION}). The service must be updated first.",
                    index=index,
                )
        try:
            op = Operation.from_wire(raw)
        except JewelTrakError as exc:
            raise ServiceError(
                422, exc.code, f"ops[{index}]: {exc.message}", index=index
            ) from None
        if op.device_id != device.device_id:
            raise ServiceError(
                403, "wrong_device", f"ops[{index}] belongs to another workstation.", index=index
            )
        if op.store_id != device.store_id:
            raise ServiceError(
                403, "wrong_store", f"ops[{index}] is for a store this workstation is not "
                "paired with.", index=index
            )
        if op.op_id in seen:
            raise ServiceError(422, "validation_error", f"ops[{index}] repeats an op_id.")
        seen.add(op.op_id)
        ops.append(op)
    for earlier, later in itertools.pairwise(ops):
        if later.seq <= earlier.seq:
            raise ServiceError(
                422, "validation_error", "Operations in a batch must be in increasing seq order."
            )
    return ops


def _invoice_of(op: Operation) -> UUID | None:
    """The invoice an op works on (payments, finalizing, lines), if any."""
    invoice = getattr(op.payload, "invoice_id", None)
    return invoice if isinstance(invoice, UUID) else None


@router.post("/push", response_model=PushResponse)
def push(
    body: PushRequest,
    device: CurrentDevice,
    engine: EngineDep,
    settings: SettingsDep,
    request: Request,
    x_jeweltrak_schema_version: Annotated[int | None, Header()] = None,
) -> PushResponse:
    """Apply a batch exactly once; each op's result is stored and repeated on a retry."""
    _check_client_version(x_jeweltrak_schema_version, settings.min_client_schema_version)
    if len(body.ops) > settings.max_batch_ops:
        raise ServiceError(
            413, "batch_too_large",
            f"A batch may hold at most {settings.max_batch_ops} operations; send smaller "
            "batches.", max_ops=settings.max_batch_ops,
        )
    ops = _decode_ops(body.ops, device, settings.min_client_schema_version)
    outcome = push_batch(engine, device.tenant, device.device_id, ops, body.ops)
    # Wake this process's long-polls at once; other processes hear the NOTIFY.
    hub: ChangeHub = request.app.state.hub
    request.app.state.loop.call_soon_threadsafe(hub.publish, device.tenant.id, outcome.version)
    # An invoice paid at the counter must not stay payable through an e-mailed link.
    invoices = {
        invoice for op, result in zip(ops, outcome.results, strict=True)
        if result.status != "rejected" and (invoice := _invoice_of(op)) is not None
    }
    tasks = BackgroundTasks()
    tasks.add_task(close_links_after_push, request.app, engine, device.tenant, invoices)
    # Pieces linked to a Shopify inventory item get their new level on the shop.
    tasks.add_task(push_inventory_after_push, request.app, engine, device.tenant,
                   [r.version for r in outcome.results])
    # The results are built by the service already JSON-shaped; returning them directly
    # skips re-validating hundreds of rows (the schema above still documents them).
    return JSONResponse(  # type: ignore[return-value]
        {"results": [r.to_json() for r in outcome.results], "version": outcome.version},
        background=tasks,
    )


@router.get("/pull", response_model=PullResponse)
async def pull(
    request: Request,
    device: CurrentDevice,
    engine: EngineDep,
    settings: SettingsDep,
    cursor: Annotated[int, Query(ge=0, le=2**62)],
    limit: Annotated[int, Query(ge=1, le=5000)] = 500,
    wait: Annotated[float, Query(ge=0, le=120, description="Long-poll seconds")] = 0,
    x_jeweltrak_schema_version: Annotated[int | None, Header()] = None,
) -> PullResponse:
    """Changes after ``cursor``; with ``wait`` the request holds until a change arrives."""
    _check_client_version(x_jeweltrak_schema_version, settings.min_client_schema_version)
    hub: ChangeHub = request.app.state.hub
    deadline = time.monotonic() + min(wait, settings.long_poll_max_seconds)

    def read() -> feed.Page:
        with tenant_transaction(engine, device.tenant) as conn:
            return feed.read_page(conn, cursor, min(limit, settings.pull_page_limit))

    while True:
        page = await run_in_threadpool(read)
        remaining = deadline - time.monotonic()
        if page.changes or remaining <= 0:
            break
        if not await hub.wait(device.tenant.id, page.version, remaining):
            break
    return Response(page.to_json(device.store_id), media_type="application/json")  # type: ignore[return-value]


@router.get("/snapshot")
def snapshot_manifest(device: CurrentDevice, engine: EngineDep) -> dict[str, Any]:
    """Start of an initial sync: the version to pull from afterwards and row counts."""
    with tenant_transaction(engine, device.tenant) as conn:
        return feed.snapshot_manifest(conn, device.store_id)


@router.get("/snapshot/{entity}", response_model=SnapshotPage)
def snapshot_page(
    entity: str,
    device: CurrentDevice,
    engine: EngineDep,
    after: UUID | None = None,
    limit: Annotated[int, Query(ge=1, le=10000)] = 2000,
) -> SnapshotPage:
    """A keyset page of one table (gzip when the client accepts it)."""
    with tenant_transaction(engine, device.tenant) as conn:
        body = feed.snapshot_page(conn, entity, after, limit, store_id=device.store_id)
    return Response(body, media_type="application/json")  # type: ignore[return-value]


@router.get("/problems")
def problems(device: CurrentDevice, engine: EngineDep) -> dict[str, Any]:
    """Rejected and conflicting operations of the store, newest first."""
    with tenant_transaction(engine, device.tenant) as conn:
        return {"problems": feed.list_problems(conn)}
