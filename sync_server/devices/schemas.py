"""Request and response bodies of device pairing (device tokens appear only in pairing)."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import BaseModel

from jeweltrak_core.sync.ops import SCHEMA_VERSION
from sync_server.accounts.schemas import StoreSummary
from sync_server.devices.pairing_service import (
    DeviceIdentity,
    Pairing,
    server_version,
)
from sync_server.devices.service import DeviceRecord
from sync_server.kit.fields import InputModel, Label


class PairRequest(InputModel):
    """Pair this workstation to a store of the signed-in person's business."""

    store_id: UUID
    label: Label


class PairResponse(BaseModel):
    """The device credential (shown this once: keep it in the OS keychain) and its identity."""

    device_id: UUID
    workstation_code: str
    device_token: str
    store: StoreSummary
    tenant_id: UUID
    server_version: str
    schema_version: int

    @classmethod
    def of(cls, pairing: Pairing) -> PairResponse:
        """From the service's pairing."""
        return cls(
            device_id=pairing.device.device_id,
            workstation_code=pairing.device.workstation_code,
            device_token=pairing.device.device_token,
            store=StoreSummary.of(pairing.store),
            tenant_id=pairing.tenant_id,
            server_version=server_version(),
            schema_version=SCHEMA_VERSION,
        )


class DeviceResponse(BaseModel):
    """A workstation as the admin screens list it (no token, no hash)."""

    id: UUID
    store_id: UUID
    workstation_code: str
    label: str
    paired_by: UUID
    created_at: datetime
    revoked_at: datetime | None
    last_seen_at: datetime | None

    @classmethod
    def of(cls, record: DeviceRecord) -> DeviceResponse:
        """From the platform record."""
        return cls(
            id=record.id,
            store_id=record.store_id,
            workstation_code=record.workstation_code,
            label=record.label,
            paired_by=record.paired_by,
            created_at=record.created_at,
            revoked_at=record.revoked_at,
            last_seen_at=record.last_seen_at,
        )


class DeviceMeResponse(BaseModel):
    """What a workstation is, according to its own token."""

    device_id: UUID
    workstation_code: str
    label: str
    store: StoreSummary | None
    tenant_id: UUID
    business_name: str
    server_version: str
    schema_version: int

    @classmethod
    def of(cls, identity: DeviceIdentity) -> DeviceMeResponse:
        """From the service's identity."""
        ctx = identity.context
        return cls(
            device_id=ctx.device_id,
            workstation_code=ctx.workstation_code,
            label=identity.label,
            store=StoreSummary.of(identity.store) if identity.store is not None else None,
            tenant_id=ctx.tenant.id,
            business_name=identity.business_name,
            server_version=server_version(),
            schema_version=SCHEMA_VERSION,
        )
