"""Request dependencies: settings, engine, and the two kinds of credential.

The tenant always comes from the credential (a user session or a device token), never
from a path, query or body; a revoked device or session stops working on its next request.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated
from uuid import UUID

from fastapi import Depends, Request
from sqlalchemy import Engine, select

from sync_server.auth.secrets import DEVICE_TOKEN_PREFIX, USER_TOKEN_PREFIX, token_hash
from sync_server.config import Settings
from sync_server.db.names import TenantRef
from sync_server.db.platform_tables import accounts, devices, sessions, tenants
from sync_server.errors import ServiceError


def get_settings(request: Request) -> Settings:
    """The app's settings."""
    settings: Settings = request.app.state.settings
    return settings


def get_engine(request: Request) -> Engine:
    """The app's database engine."""
    engine: Engine = request.app.state.engine
    return engine


SettingsDep = Annotated[Settings, Depends(get_settings)]
EngineDep = Annotated[Engine, Depends(get_engine)]


@dataclass(frozen=True)
class DeviceContext:
    """A paired workstation, as proven by its device token."""

    device_id: UUID
    store_id: UUID
    workstation_code: str
    tenant: TenantRef


@dataclass(frozen=True)
class UserContext:
    """A signed-in person, as proven by a session token."""

    account_id: UUID
    user_id: UUID
    is_owner: bool
    tenant: TenantRef


def _unauthorized(message: str) -> ServiceError:
    return ServiceError(
        401, "unauthorized", message, headers={"WWW-Authenticate": 'Bearer realm="jeweltrak"'}
    )


def bearer_token(request: Request, prefix: str) -> str:
    """The ``Authorization: Bearer`` token of the expected kind, or 401."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise _unauthorized("Sign in first: this request needs a bearer token.")
    token = token.strip()
    if not token.startswith(prefix) or len(token) > 128:
        kind = "device" if prefix == DEVICE_TOKEN_PREFIX else "user"
        raise _unauthorized(f"This request needs a {kind} token.")
    return token


def _tenant_ref(row: object) -> TenantRef:
    return TenantRef(
        id=row.tenant_id,  # type: ignore[attr-defined]
        schema=row.schema_name,  # type: ignore[attr-defined]
        role=row.role_name,  # type: ignore[attr-defined]
    )


def current_device(request: Request, engine: EngineDep, settings: SettingsDep) -> DeviceContext:
    """The workstation behind the device token (401 when unknown or revoked)."""
    token = bearer_token(request, DEVICE_TOKEN_PREFIX)
    digest = token_hash(settings.secret_key.get_secret_value(), token)
    with engine.connect() as conn:
        row = conn.execute(
            select(
                devices.c.id,
                devices.c.store_id,
                devices.c.workstation_code,
                devices.c.revoked_at,
                devices.c.tenant_id,
                tenants.c.schema_name,
                tenants.c.role_name,
                tenants.c.status,
            )
            .join(tenants, tenants.c.id == devices.c.tenant_id)
            .where(devices.c.token_hash == digest)
        ).first()
    if row is None or row.revoked_at is not None:
        raise _unauthorized("This workstation is not paired (or was unpaired); pair it again.")
    if row.status != "active":
        raise ServiceError(403, "tenant_inactive", "This account is cancelled.")
    return DeviceContext(
        device_id=row.id,
        store_id=row.store_id,
        workstation_code=row.workstation_code,
        tenant=_tenant_ref(row),
    )


def current_user(request: Request, engine: EngineDep, settings: SettingsDep) -> UserContext:
    """The person behind the session token (401 when unknown, expired or revoked)."""
    token = bearer_token(request, USER_TOKEN_PREFIX)
    digest = token_hash(settings.secret_key.get_secret_value(), token)
    with engine.connect() as conn:
        row = conn.execute(
            select(
                sessions.c.account_id,
                sessions.c.expires_at,
                sessions.c.revoked_at,
                accounts.c.user_id,
                accounts.c.is_owner,
                accounts.c.disabled_at,
                sessions.c.tenant_id,
                tenants.c.schema_name,
                tenants.c.role_name,
                tenants.c.status,
            )
            .join(accounts, accounts.c.id == sessions.c.account_id)
            .join(tenants, tenants.c.id == sessions.c.tenant_id)
            .where(sessions.c.token_hash == digest)
        ).first()
    now = datetime.now(UTC)
    if row is None or row.revoked_at is not None or row.expires_at <= now:
        raise _unauthorized("Your session has ended; sign in again.")
    if row.disabled_at is not None:
        raise _unauthorized("This sign-in has been disabled by the store's owner.")
    if row.status != "active":
        raise ServiceError(403, "tenant_inactive", "This account is cancelled.")
    return UserContext(
        account_id=row.account_id,
        user_id=row.user_id,
        is_owner=row.is_owner,
        tenant=_tenant_ref(row),
    )


CurrentDevice = Annotated[DeviceContext, Depends(current_device)]
CurrentUser = Annotated[UserContext, Depends(current_user)]
