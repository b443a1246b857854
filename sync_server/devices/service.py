"""Pairing a workstation: a device ID, a short workstation code and a device token.

The token is 256 random bits; only its HMAC is stored, so it is shown exactly once.
Workstation codes are unique per store and go into offline document numbers
(``{store code}{workstation code}-{counter}``), which makes those unique by construction.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Connection, insert, select, update

from jeweltrak_core.ids import new_id
from sync_server.auth.secrets import DEVICE_TOKEN_PREFIX, new_token, token_hash
from sync_server.db.platform_tables import devices

_ALPHABET = string.ascii_uppercase + string.digits


@dataclass(frozen=True)
class PairedDevice:
    """What a newly paired workstation receives (the token only this once)."""

    device_id: UUID
    workstation_code: str
    device_token: str


def workstation_codes() -> list[str]:
    """Codes in the order they are handed out: A..Z, then 0..9, then AA, AB ..."""
    singles = list(_ALPHABET)
    return singles + [a + b for a in _ALPHABET for b in _ALPHABET]


def next_workstation_code(conn: Connection, tenant_id: UUID, store_id: UUID) -> str:
    """The first code not used by any workstation ever paired to the store."""
    conn.execute(
        select(devices.c.id)
        .where(devices.c.tenant_id == tenant_id, devices.c.store_id == store_id)
        .with_for_update()
    )
    used = set(
        conn.execute(
            select(devices.c.workstation_code).where(
                devices.c.tenant_id == tenant_id, devices.c.store_id == store_id
            )
        ).scalars()
    )
    for code in workstation_codes():
        if code not in used:
            return code
    raise RuntimeError("every workstation code of this store is used")


def pair_device(
    conn: Connection,
    *,
    tenant_id: UUID,
    store_id: UUID,
    paired_by: UUID,
    label: str,
    secret_key: str,
) -> PairedDevice:
    """Register a workstation; a code is never reused, even after unpairing."""
    code = next_workstation_code(conn, tenant_id, store_id)
    token = new_token(DEVICE_TOKEN_PREFIX)
    device_id = new_id()
    conn.execute(
        insert(devices).values(
            id=device_id,
            tenant_id=tenant_id,
            store_id=store_id,
            workstation_code=code,
            label=label,
            token_hash=token_hash(secret_key, token),
            paired_by=paired_by,
        )
    )
    return PairedDevice(device_id=device_id, workstation_code=code, device_token=token)


def revoke_device(conn: Connection, *, tenant_id: UUID, device_id: UUID) -> bool:
    """Unpair: the token stops working on its next request. False if not found."""
    result = conn.execute(
        update(devices)
        .where(
            devices.c.id == device_id,
            devices.c.tenant_id == tenant_id,
            devices.c.revoked_at.is_(None),
        )
        .values(revoked_at=datetime.now(UTC))
    )
    return bool(result.rowcount)


@dataclass(frozen=True)
class DeviceRecord:
    """A paired (or unpaired) workstation as admins see it: never its token or hash."""

    id: UUID
    store_id: UUID
    workstation_code: str
    label: str
    paired_by: UUID
    created_at: datetime
    revoked_at: datetime | None
    last_seen_at: datetime | None


_RECORD_COLUMNS = (
    devices.c.id,
    devices.c.store_id,
    devices.c.workstation_code,
    devices.c.label,
    devices.c.paired_by,
    devices.c.created_at,
    devices.c.revoked_at,
    devices.c.last_seen_at,
)


def _record(row: Any) -> DeviceRecord:
    return DeviceRecord(**{column.name: getattr(row, column.name) for column in _RECORD_COLUMNS})


def list_devices(conn: Connection, tenant_id: UUID) -> list[DeviceRecord]:
    """Every workstation ever paired to the tenant's stores, oldest first."""
    rows = conn.execute(
        select(*_RECORD_COLUMNS)
        .where(devices.c.tenant_id == tenant_id)
        .order_by(devices.c.created_at, devices.c.id)
    ).all()
    return [_record(row) for row in rows]


def find_device(conn: Connection, tenant_id: UUID, device_id: UUID) -> DeviceRecord | None:
    """One of the tenant's workstations, or None (also for another tenant's device)."""
    row = conn.execute(
        select(*_RECORD_COLUMNS).where(devices.c.id == device_id, devices.c.tenant_id == tenant_id)
    ).first()
    return None if row is None else _record(row)
