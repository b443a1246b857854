"""Cancel, reactivate and delete a business; delete those whose 30 days are over (P14, P15).

Cancelling keeps everything for ``RETENTION_DAYS`` and fixes the deletion date then; while
cancelled, workstations and staff are refused (``deps`` answers 403 ``tenant_inactive``)
but the owner can still export, reactivate or delete. Reactivating within the window
restores the business as it was (devices, staff, data). Every change takes the tenant's
row lock, so it is serialized with deletion and ``prune``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from sqlalchemy import Engine, delete

from sync_server.accounts import rate_limit
from sync_server.auth.secrets import verify_password
from sync_server.config import Settings
from sync_server.db.platform_tables import accounts, login_attempts
from sync_server.errors import ServiceError
from sync_server.lifecycle.deletion import Deletion, TenantBusy, delete_tenant_now
from sync_server.lifecycle.owner import OwnerContext, retention_ended
from sync_server.lifecycle.repository import (
    ACTIVE,
    CANCELLED,
    TenantState,
    expired_tenant_ids,
    set_state,
    tenant_state,
)

log = logging.getLogger(__name__)

#: P14: how long a cancelled business's data stays available for export.
RETENTION_DAYS = 30


@dataclass(frozen=True)
class PruneOutcome:
    """What ``delete_expired_tenants`` did."""

    deleted: list[UUID]
    failed: list[UUID]


def _gone() -> ServiceError:
    return ServiceError(
        401, "unauthorized", "This business no longer exists.",
        headers={"WWW-Authenticate": 'Bearer realm="jeweltrak"'},
    )


def cancel(engine: Engine, owner: OwnerContext) -> TenantState:
    """Cancel the subscription; a business already cancelled keeps its first date."""
    with engine.begin() as conn:
        state = tenant_state(conn, owner.state.ref.id, lock=True)
        if state is None:
            raise _gone()
        if state.status == ACTIVE:
            set_state(
                conn, state.ref.id, status=CANCELLED, cancelled_at=owner.now,
                delete_after=owner.now + timedelta(days=RETENTION_DAYS),
            )
            log.info("tenant %s cancelled; data kept %d days", state.ref.id, RETENTION_DAYS)
        state = tenant_state(conn, owner.state.ref.id)
    assert state is not None
    return state


def reactivate(engine: Engine, owner: OwnerContext) -> TenantState:
    """Undo a cancellation within its 30 days; an active business stays as it is."""
    with engine.begin() as conn:
        state = tenant_state(conn, owner.state.ref.id, lock=True)
        if state is None:
            raise _gone()
        if state.expired(owner.now):
            raise retention_ended()
        if state.status == CANCELLED:
            set_state(conn, state.ref.id, status=ACTIVE, cancelled_at=None, delete_after=None)
            log.info("tenant %s reactivated", state.ref.id)
        state = tenant_state(conn, owner.state.ref.id)
    assert state is not None
    return state


def _confirm_password(engine: Engine, settings: Settings, owner: OwnerContext, *,
                      password: str, ip: str) -> bool:
    """Whether ``password`` is the owner's (False: the account is already gone).

    A wrong password counts as a failed sign-in (429 past the limit), so a stolen session
    cannot be used to guess the password.
    """
    attempt = rate_limit.reserve_attempt(engine, settings, email=owner.email, ip=ip)
    with engine.connect() as conn:
        stored = conn.execute(
            accounts.select().with_only_columns(accounts.c.password_hash)
            .where(accounts.c.id == owner.account_id)
        ).scalar()
    if stored is None:  # deleted meanwhile (a concurrent request): leave no trace of it
        with engine.begin() as conn:
            conn.execute(delete(login_attempts).where(login_attempts.c.id == attempt))
        return False
    if not verify_password(stored, password):
        raise ServiceError(
            403, "wrong_password",
            "That is not your password; nothing was deleted. Type it again to confirm.",
        )
    with engine.begin() as conn:
        rate_limit.mark_succeeded(conn, attempt)
    return True


def delete_on_request(
    engine: Engine, settings: Settings, owner: OwnerContext, *, password: str, ip: str
) -> Deletion:
    """P15: the owner deletes the whole business now, after typing their password."""
    if not _confirm_password(engine, settings, owner, password=password, ip=ip):
        return Deletion(tenant_id=owner.state.ref.id, deleted=False)
    try:
        return delete_tenant_now(engine, owner.state.ref.id, reason="owner request")
    except TenantBusy:
        raise ServiceError(
            409, "tenant_busy",
            "An export or a sync of this business is still running; nothing was deleted. "
            "Try again in a minute.",
        ) from None


def delete_expired_tenants(engine: Engine, now: datetime) -> PruneOutcome:
    """P14: delete every business cancelled more than 30 days before ``now``."""
    with engine.connect() as conn:
        candidates = expired_tenant_ids(conn, now)
    deleted: list[UUID] = []
    failed: list[UUID] = []
    for tenant_id in candidates:
        try:
            outcome = delete_tenant_now(
                engine, tenant_id, reason="30 days after cancellation", only_if_expired_at=now
            )
        except Exception:
            log.exception("deleting expired tenant %s failed", tenant_id)
            failed.append(tenant_id)
            continue
        if outcome.deleted:
            deleted.append(tenant_id)
    return PruneOutcome(deleted=deleted, failed=failed)
