"""Owner signup, sign-in and sign-out, and "who am I".

Signup is one transaction: the tenant's platform row, schema and role, the owner's login,
the first session, and in the tenant's schema an "Owner" permission group with every
permission and the owner's ``User`` (written through the change feed, so desktops get them).
A duplicate e-mail, or the service-wide ceiling of new tenants, therefore leaves nothing
behind. Signups are rate-limited per client address and service-wide (``rate_limit``).

Sign-in answers the same 401 sentence for an unknown e-mail and a wrong password, and
checks a dummy hash for unknown e-mails so the two take the same time.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from uuid import UUID

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import IntegrityError

from jeweltrak_core.errors import Duplicate, NotFound
from jeweltrak_core.ids import new_id
from jeweltrak_core.permissions import Permission
from jeweltrak_core.store.entities import PermissionGroup, Store, User
from sync_server.accounts import platform_repository as platform
from sync_server.accounts import rate_limit
from sync_server.accounts.access import permissions_of
from sync_server.auth.secrets import (
    USER_TOKEN_PREFIX,
    hash_password,
    needs_rehash,
    new_token,
    token_hash,
    verify_password,
)
from sync_server.config import Settings
from sync_server.db.engine import enter_tenant
from sync_server.deps import UserContext
from sync_server.errors import ServiceError
from sync_server.kit import entity_docs
from sync_server.kit.transaction import admin_transaction
from sync_server.sync.feed import write_entities
from sync_server.tenancy import create_tenant

OWNER_GROUP_NAME = "Owner"


@dataclass(frozen=True)
class IssuedSession:
    """A new session; the token is shown to the client this once and never stored."""

    token: str
    expires_at: datetime
    account_id: UUID
    user_id: UUID
    tenant_id: UUID


@dataclass(frozen=True)
class Profile:
    """The signed-in person, their business, what they may do and the stores."""

    user: User
    is_owner: bool
    tenant_id: UUID
    business_name: str
    permissions: frozenset[Permission]
    stores: list[Store]


def email_taken() -> Duplicate:
    """The error for an e-mail that already signs in somewhere."""
    return Duplicate(
        "An account with this e-mail address already exists; sign in instead, or use "
        "another address.",
        field="email",
    )


def _wrong_credentials() -> ServiceError:
    return ServiceError(
        401, "invalid_credentials",
        "The e-mail address or password is not right. Check both and try again.",
    )


@functools.cache
def _dummy_hash() -> str:
    return hash_password("not-a-real-password-" + new_token(""))


def _issue_session(
    conn: Connection, settings: Settings, *, account_id: UUID, tenant_id: UUID
) -> tuple[str, datetime]:
    token = new_token(USER_TOKEN_PREFIX)
    expires_at = datetime.now(UTC) + timedelta(hours=settings.session_hours)
    platform.insert_session(
        conn,
        digest=token_hash(settings.secret_key.get_secret_value(), token),
        account_id=account_id,
        tenant_id=tenant_id,
        expires_at=expires_at,
    )
    return token, expires_at


def signup(
    engine: Engine, settings: Settings, *, attempt: int, name: str, business_name: str,
    email: str, password: str,
) -> IssuedSession:
    """A new business with its owner signed in (409 if the e-mail is already used, 429 if
    the service-wide ceiling of new businesses is reached).

    ``attempt`` is the slot ``rate_limit.reserve_signup`` gave this request.
    """
    password_hash = hash_password(password)  # slow on purpose: before the transaction
    account_id, user_id = new_id(), new_id()
    try:
        with engine.begin() as conn:
            rate_limit.claim_tenant(conn, settings, attempt)
            if platform.email_in_use(conn, email):
                raise email_taken()
            tenant = create_tenant(conn, business_name)
            platform.insert_account(
                conn, account_id=account_id, tenant_id=tenant.id, user_id=user_id,
                email=email, name=name, password_hash=password_hash, is_owner=True,
            )
            token, expires_at = _issue_session(
                conn, settings, account_id=account_id, tenant_id=tenant.id
            )
            enter_tenant(conn, tenant)
            group = PermissionGroup(
                id=new_id(),
                name=OWNER_GROUP_NAME,
                permissions=sorted(p.value for p in Permission),
            )
            owner = User(id=user_id, name=name, email=email, group_ids=[group.id])
            write_entities(conn, tenant, [group, owner])
    except rate_limit.SignupsPaused:
        rate_limit.withdraw_signup(engine, attempt)
        raise
    except IntegrityError as exc:
        if "ux_accounts_email" in str(exc.orig):  # a parallel signup with the same e-mail
            raise email_taken() from None
        raise
    return IssuedSession(
        token=token, expires_at=expires_at, account_id=account_id, user_id=user_id,
        tenant_id=tenant.id,
    )


def login(
    engine: Engine, settings: Settings, *, email: str, password: str, ip: str
) -> IssuedSession:
    """A session for the right e-mail and password, within the sign-in limits."""
    attempt = rate_limit.reserve_attempt(engine, settings, email=email, ip=ip)
    with engine.connect() as conn:
        account = platform.account_by_email(conn, email)
    stored = account.password_hash if account is not None else _dummy_hash()
    if not verify_password(stored, password) or account is None:
        raise _wrong_credentials()
    if account.disabled_at is not None:
        raise ServiceError(
            401, "account_disabled", "This sign-in has been turned off by the store's owner."
        )
    # P14: for 30 days after cancelling, the owner can still sign in to export (or
    # reactivate) — every route but /v1/tenant keeps refusing a cancelled business.
    cancelled_owner = account.is_owner and account.tenant_status == "cancelled"
    if account.tenant_status != "active" and not cancelled_owner:
        raise ServiceError(403, "tenant_inactive", "This account is cancelled.")
    with engine.begin() as conn:
        rate_limit.mark_succeeded(conn, attempt)
        if needs_rehash(account.password_hash):
            platform.update_account(conn, account.id, password_hash=hash_password(password))
        token, expires_at = _issue_session(
            conn, settings, account_id=account.id, tenant_id=account.tenant.id
        )
    return IssuedSession(
        token=token, expires_at=expires_at, account_id=account.id, user_id=account.user_id,
        tenant_id=account.tenant.id,
    )


def logout(engine: Engine, settings: Settings, token: str) -> None:
    """End the session of this token at once."""
    with engine.begin() as conn:
        platform.revoke_session(conn, token_hash(settings.secret_key.get_secret_value(), token))


def profile(engine: Engine, caller: UserContext) -> Profile:
    """Who the caller is, in which business, with which permissions and stores."""
    with admin_transaction(engine, caller.tenant) as tx:
        user = entity_docs.load(tx.conn, User, caller.user_id)
        if user is None:
            raise NotFound("Your staff record is missing; ask the store's owner.")
        permissions = permissions_of(tx.conn, caller)
        stores = entity_docs.load_all(tx.conn, Store, order_field="code")
        with tx.platform() as conn:
            business = platform.business_name(conn, caller.tenant.id)
    return Profile(
        user=user,
        is_owner=caller.is_owner,
        tenant_id=caller.tenant.id,
        business_name=business,
        permissions=permissions,
        stores=stores,
    )
