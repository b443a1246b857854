"""HTTP endpoints of stores (MANAGE_SETTINGS)."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter

from sync_server.deps import CurrentUser, EngineDep
from sync_server.stores import service
from sync_server.stores.schemas import NewStoreRequest, StoreResponse, StoreSettingsPatch

router = APIRouter(prefix="/v1/stores", tags=["stores"])


@router.get("", response_model=list[StoreResponse])
def list_stores(caller: CurrentUser, engine: EngineDep) -> list[StoreResponse]:
    """Every store of the business, by code."""
    return [StoreResponse.of(s) for s in service.list_stores(engine, caller)]


@router.post("", status_code=201, response_model=StoreResponse)
def create_store(body: NewStoreRequest, caller: CurrentUser, engine: EngineDep) -> StoreResponse:
    """Open a store; settings left out take their defaults."""
    return StoreResponse.of(service.create_store(engine, caller, body.changes()))


@router.patch("/{store_id}", response_model=StoreResponse)
def update_store(
    store_id: UUID, body: StoreSettingsPatch, caller: CurrentUser, engine: EngineDep
) -> StoreResponse:
    """Change some of a store's settings."""
    store = service.update_store(engine, caller, store_id=store_id, changes=body.changes())
    return StoreResponse.of(store)
