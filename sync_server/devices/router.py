"""HTTP endpoints for devices: pairing, listing and unpairing workstations, and ``me``."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Response

from sync_server.deps import CurrentDevice, CurrentUser, EngineDep, SettingsDep
from sync_server.devices import pairing_service
from sync_server.devices.schemas import (
    DeviceMeResponse,
    DeviceResponse,
    PairRequest,
    PairResponse,
)

router = APIRouter(prefix="/v1/devices", tags=["devices"])


@router.post("/pair", status_code=201, response_model=PairResponse)
def pair(
    body: PairRequest,
    caller: CurrentUser,
    engine: EngineDep,
    settings: SettingsDep,
    response: Response,
) -> PairResponse:
    """Pair a workstation to a store (PAIR_DEVICES); the device token is shown only here."""
    pairing = pairing_service.pair_workstation(
        engine, settings, caller, store_id=body.store_id, label=body.label
    )
    response.headers["Cache-Control"] = "no-store"
    return PairResponse.of(pairing)


@router.get("", response_model=list[DeviceResponse])
def list_devices(caller: CurrentUser, engine: EngineDep) -> list[DeviceResponse]:
    """Every workstation of the business, unpaired ones included."""
    return [DeviceResponse.of(d) for d in pairing_service.list_workstations(engine, caller)]


@router.get("/me", response_model=DeviceMeResponse)
def device_me(device: CurrentDevice, engine: EngineDep) -> DeviceMeResponse:
    """The calling workstation's own IDs, codes and store (device token)."""
    return DeviceMeResponse.of(pairing_service.identify(engine, device))


@router.delete("/me", status_code=204)
def unpair_me(device: CurrentDevice, engine: EngineDep) -> Response:
    """A workstation unpairs itself (device token): its token fails from the next request."""
    pairing_service.unpair_self(engine, device)
    return Response(status_code=204)


@router.delete("/{device_id}", status_code=204)
def unpair(device_id: UUID, caller: CurrentUser, engine: EngineDep) -> Response:
    """Unpair a workstation: its token fails on its next request."""
    pairing_service.unpair_workstation(engine, caller, device_id)
    return Response(status_code=204)
