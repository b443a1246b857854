"""The credential of the lifecycle endpoints: the owner's session, also while cancelled.

``deps.current_user`` refuses every tenant that is not active; a cancelled business must
still be able to export its data for 30 days (P14) and to come back, so these endpoints
look the session up themselves with that one difference. Everything else is the same:
the tenant comes from the session only; unknown, expired, revoked or disabled → 401.
Only the owner's account may export, cancel, reactivate or delete: these act on the whole
business, and no permission group can grant them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated
from uuid import UUID

from fastapi import Depends, Request
from sqlalchemy import select

from sync_server.auth.secrets import USER_TOKEN_PREFIX, token_hash
from sync_server.db.names import TenantRef
from sync_server.db.platform_tables import accounts, sessions
from sync_server.deps import EngineDep, SettingsDep, bearer_token
from sync_server.errors import ServiceError
from sync_server.lifecycle.clock import ClockDep
from sync_server.lifecycle.repository import ACTIVE, CANCELLED, TenantState, tenant_lifecycle


@dataclass(frozen=True)
class OwnerContext:
    """The signed-in owner and their business's lifecycle state at request time."""

    account_id: UUID
    email: str
    state: TenantState
    now: datetime


def _unauthorized(message: str) -> ServiceError:
    return ServiceError(
        401, "unauthorized", message, headers={"WWW-Authenticate": 'Bearer realm="jeweltrak"'}
    )


def retention_ended() -> ServiceError:
    """The answer once a cancelled business's 30 days are over."""
    return ServiceError(
        410, "retention_ended",
        "The 30 days after cancellation are over: this business's data is being deleted "
        "for good and can no longer be exported or restored.",
    )


def current_owner(
    request: Request, engine: EngineDep, settings: SettingsDep, clock: ClockDep
) -> OwnerContext:
    """The owner behind the session token, for an active or recently cancelled business."""
    token = bearer_token(request, USER_TOKEN_PREFIX)
    digest = token_hash(settings.secret_key.get_secret_value(), token)
    t = tenant_lifecycle
    with engine.connect() as conn:
        row = conn.execute(
            select(
                sessions.c.expires_at, sessions.c.revoked_at, accounts.c.id.label("account_id"),
                accounts.c.email, accounts.c.is_owner, accounts.c.disabled_at, t.c.id,
                t.c.schema_name, t.c.role_name, t.c.business_name, t.c.status,
                t.c.cancelled_at, t.c.delete_after,
            )
            .join(accounts, accounts.c.id == sessions.c.account_id)
            .join(t, t.c.id == sessions.c.tenant_id)
            .where(sessions.c.token_hash == digest)
        ).first()
    if row is None or row.revoked_at is not None or row.expires_at <= datetime.now(UTC):
        raise _unauthorized("Your session has ended; sign in again.")
    if row.disabled_at is not None:
        raise _unauthorized("This sign-in has been disabled by the store's owner.")
    if not row.is_owner:
        raise ServiceError(
            403, "permission_denied",
            "Only the business's owner can export, cancel or delete its data.",
        )
    state = TenantState(
        ref=TenantRef(id=row.id, schema=row.schema_name, role=row.role_name),
        business_name=row.business_name,
        status=row.status,
        cancelled_at=row.cancelled_at,
        delete_after=row.delete_after,
    )
    now = clock()
    if state.status not in (ACTIVE, CANCELLED):
        raise ServiceError(403, "tenant_inactive", "This account is not active.")
    if state.expired(now):
        raise retention_ended()
    return OwnerContext(account_id=row.account_id, email=row.email, state=state, now=now)


CurrentOwner = Annotated[OwnerContext, Depends(current_owner)]
