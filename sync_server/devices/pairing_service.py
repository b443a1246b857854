"""Pairing, listing and unpairing workstations on behalf of a signed-in person.

The store is looked up in the caller's tenant schema and the device registered on the
platform in the same transaction; an advisory lock per store makes parallel pairings
take distinct workstation codes (the row lock in ``next_workstation_code`` has no row to
lock for a store's first device).
"""

from __future__ import annotations

import importlib.metadata
from dataclasses import dataclass
from uuid import UUID

from sqlalchemy import Engine

from jeweltrak_core.errors import NotFound
from jeweltrak_core.permissions import Permission
from jeweltrak_core.store.entities import Store
from sync_server.accounts import platform_repository as platform
from sync_server.accounts.access import require_permission
from sync_server.config import Settings
from sync_server.deps import DeviceContext, UserContext
from sync_server.devices.service import (
    DeviceRecord,
    PairedDevice,
    find_device,
    list_devices,
    pair_device,
    revoke_device,
)
from sync_server.kit import entity_docs
from sync_server.kit.transaction import admin_transaction


def server_version() -> str:
    """The installed version of the service."""
    try:
        return importlib.metadata.version("jeweltrak")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


@dataclass(frozen=True)
class Pairing:
    """A newly paired workstation and the store it belongs to."""

    device: PairedDevice
    store: Store
    tenant_id: UUID


@dataclass(frozen=True)
class DeviceIdentity:
    """What a workstation learns about itself from its own token."""

    context: DeviceContext
    label: str
    store: Store | None
    business_name: str


def pair_workstation(
    engine: Engine, settings: Settings, caller: UserContext, *, store_id: UUID, label: str
) -> Pairing:
    """Register a workstation for one of the caller's stores (PAIR_DEVICES)."""
    with admin_transaction(engine, caller.tenant) as tx:
        require_permission(tx.conn, caller, Permission.PAIR_DEVICES)
        store = entity_docs.require(tx.conn, Store, store_id, "store")
        with tx.platform() as conn:
            conn.exec_driver_sql(
                "SELECT pg_advisory_xact_lock(hashtext(%s))", (f"jeweltrak-pair:{store.id}",)
            )
            paired = pair_device(
                conn,
                tenant_id=caller.tenant.id,
                store_id=store.id,
                paired_by=caller.user_id,
                label=label,
                secret_key=settings.secret_key.get_secret_value(),
            )
    return Pairing(device=paired, store=store, tenant_id=caller.tenant.id)


def list_workstations(engine: Engine, caller: UserContext) -> list[DeviceRecord]:
    """Every workstation of the business, unpaired ones included (PAIR_DEVICES)."""
    with admin_transaction(engine, caller.tenant) as tx:
        require_permission(tx.conn, caller, Permission.PAIR_DEVICES)
        with tx.platform() as conn:
            return list_devices(conn, caller.tenant.id)


def unpair_workstation(engine: Engine, caller: UserContext, device_id: UUID) -> None:
    """Revoke a workstation's token; its next request gets 401 (idempotent)."""
    with admin_transaction(engine, caller.tenant) as tx:
        require_permission(tx.conn, caller, Permission.PAIR_DEVICES)
        with tx.platform() as conn:
            if find_device(conn, caller.tenant.id, device_id) is None:
                raise NotFound(
                    "There is no workstation with this ID in your account.", id=str(device_id)
                )
            revoke_device(conn, tenant_id=caller.tenant.id, device_id=device_id)


def unpair_self(engine: Engine, device: DeviceContext) -> None:
    """The workstation revokes its own token (unpairing, P16); no user needs to sign in."""
    with admin_transaction(engine, device.tenant) as tx, tx.platform() as conn:
        revoke_device(conn, tenant_id=device.tenant.id, device_id=device.device_id)


def identify(engine: Engine, device: DeviceContext) -> DeviceIdentity:
    """The workstation's own IDs, codes, label, store and business."""
    with admin_transaction(engine, device.tenant) as tx:
        store = entity_docs.load(tx.conn, Store, device.store_id)
        with tx.platform() as conn:
            record = find_device(conn, device.tenant.id, device.device_id)
            business = platform.business_name(conn, device.tenant.id)
    return DeviceIdentity(
        context=device,
        label=record.label if record is not None else "",
        store=store,
        business_name=business,
    )
