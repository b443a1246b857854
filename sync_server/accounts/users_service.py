"""Staff: list, add and edit people, set their PIN and (optionally) their own sign-in.

A ``User`` lives in the tenant's schema and syncs to every desktop (with its argon2 PIN
verifier, so PIN sign-in works offline); a staff member who signs in to the service also
has a platform account, kept in step here in the same transaction: its e-mail and name
follow the ``User``, deactivating the ``User`` turns the sign-in off and ends its sessions.

Only the owner may change the owner's own record, and the owner cannot be deactivated:
a manager with MANAGE_USERS must not be able to lock the owner out.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError

from jeweltrak_core.errors import Duplicate, NotFound, PermissionDenied, ValidationError
from jeweltrak_core.ids import new_id
from jeweltrak_core.permissions import Permission
from jeweltrak_core.store.entities import PermissionGroup, User
from sync_server.accounts import platform_repository as platform
from sync_server.accounts.access import (
    permissions_of_user,
    require_grantable,
    require_permission,
)
from sync_server.accounts.auth_service import email_taken
from sync_server.accounts.platform_repository import AccountRow
from sync_server.auth.secrets import hash_password
from sync_server.deps import UserContext
from sync_server.kit import entity_docs
from sync_server.kit.transaction import AdminTransaction, admin_transaction
from sync_server.sync.feed import write_entities


@dataclass(frozen=True)
class StaffMember:
    """A staff member and their service sign-in, if they have one."""

    user: User
    login: AccountRow | None

    @property
    def is_owner(self) -> bool:
        """Whether this is the business owner's record."""
        return self.login is not None and self.login.is_owner


@dataclass(frozen=True, kw_only=True)
class NewStaff:
    """What is needed to add a staff member."""

    name: str
    email: str = ""
    group_ids: list[UUID] = dataclasses.field(default_factory=list)
    granted: list[Permission] = dataclasses.field(default_factory=list)
    revoked: list[Permission] = dataclasses.field(default_factory=list)
    active: bool = True


def _names(permissions: Iterable[Permission]) -> list[str]:
    return sorted({p.value for p in permissions})


def _require_groups(tx: AdminTransaction, group_ids: list[UUID]) -> list[UUID]:
    unique = list(dict.fromkeys(group_ids))
    found = entity_docs.load_many(tx.conn, PermissionGroup, unique)
    missing = [str(g) for g in unique if g not in found]
    if missing:
        raise NotFound(
            "There is no permission group with this ID in your account.",
            id=", ".join(missing),
        )
    return unique


def _require_email_free(tx: AdminTransaction, email: str, *, user_id: UUID | None) -> None:
    if email and entity_docs.taken(tx.conn, User, field="email", value=email, except_id=user_id):
        raise Duplicate("Another staff member already has this e-mail address.", field="email")


def _guard_owner(caller: UserContext, login: AccountRow | None, changes: dict[str, Any]) -> None:
    if login is None or not login.is_owner:
        return
    if not caller.is_owner:
        raise PermissionDenied("Only the owner can change the owner's own record.")
    if changes.get("active") is False:
        raise ValidationError("The owner cannot be deactivated.", field="active")


def list_staff(engine: Engine, caller: UserContext) -> list[StaffMember]:
    """Everyone on the staff, by name."""
    with admin_transaction(engine, caller.tenant) as tx:
        require_permission(tx.conn, caller, Permission.MANAGE_USERS)
        users = entity_docs.load_all(tx.conn, User)
        with tx.platform() as conn:
            logins = platform.accounts_by_user(conn, caller.tenant.id)
    return [StaffMember(user=u, login=logins.get(u.id)) for u in users]


def create_staff(engine: Engine, caller: UserContext, new: NewStaff) -> StaffMember:
    """Add a staff member (no PIN, no sign-in yet)."""
    with admin_transaction(engine, caller.tenant) as tx:
        held = require_permission(tx.conn, caller, Permission.MANAGE_USERS)
        entity_docs.lock_kind(tx.conn, tx.tenant, User)
        user = User(
            id=new_id(),
            name=new.name,
            email=new.email,
            group_ids=_require_groups(tx, new.group_ids),
            granted=_names(new.granted),
            revoked=_names(new.revoked),
            active=new.active,
        )
        _require_email_free(tx, user.email, user_id=None)
        require_grantable(caller, held, permissions_of_user(tx.conn, user))
        write_entities(tx.conn, tx.tenant, [user])
    return StaffMember(user=user, login=None)


def _changed_user(tx: AdminTransaction, user: User, changes: dict[str, Any]) -> User:
    values: dict[str, Any] = {}
    for key in ("name", "email", "active"):
        if key in changes:
            values[key] = changes[key]
    if "group_ids" in changes:
        values["group_ids"] = _require_groups(tx, changes["group_ids"])
    for key in ("granted", "revoked"):
        if key in changes:
            values[key] = _names(changes[key])
    return dataclasses.replace(user, **values)


def _sync_login(
    tx: AdminTransaction, *, before: User, after: User, login: AccountRow | None
) -> AccountRow | None:
    """Keep the staff member's sign-in in step with their record (same transaction)."""
    if login is None:
        return None
    if not after.email:
        raise ValidationError(
            "This staff member signs in with their e-mail address; it cannot be removed.",
            field="email",
        )
    values: dict[str, Any] = {}
    with tx.platform() as conn:
        if after.email != before.email:
            if platform.email_in_use(conn, after.email, except_account=login.id):
                raise email_taken()
            values["email"] = after.email
        if after.name != before.name:
            values["name"] = after.name
        if after.active != before.active:
            values["disabled_at"] = None if after.active else datetime.now(UTC)
            if not after.active:
                platform.revoke_sessions_of(conn, login.id)
        if values:
            platform.update_account(conn, login.id, **values)
            login = platform.account_of_user(conn, tx.tenant.id, after.id)
    return login


def update_staff(
    engine: Engine, caller: UserContext, *, user_id: UUID, changes: dict[str, Any]
) -> StaffMember:
    """Edit name, e-mail, groups, per-user grants and revocations, or active."""
    try:
        with admin_transaction(engine, caller.tenant) as tx:
            held = require_permission(tx.conn, caller, Permission.MANAGE_USERS)
            entity_docs.lock_kind(tx.conn, tx.tenant, User)
            before = entity_docs.require(tx.conn, User, user_id, "staff member")
            with tx.platform() as conn:
                login = platform.account_of_user(conn, tx.tenant.id, user_id)
            _guard_owner(caller, login, changes)
            after = _changed_user(tx, before, changes)
            if after == before:
                return StaffMember(user=before, login=login)
            _require_email_free(tx, after.email, user_id=user_id)
            added = permissions_of_user(tx.conn, after) - permissions_of_user(tx.conn, before)
            require_grantable(caller, held, added)
            login = _sync_login(tx, before=before, after=after, login=login)
            write_entities(tx.conn, tx.tenant, [after])
    except IntegrityError as exc:  # a parallel change took the e-mail first
        if "ux_accounts_email" in str(exc.orig):
            raise email_taken() from None
        raise
    return StaffMember(user=after, login=login)


def set_pin(
    engine: Engine,
    caller: UserContext,
    *,
    user_id: UUID,
    pin: str,
    password: str | None,
) -> StaffMember:
    """Set the counter PIN (argon2 verifier, synced) and optionally a service password."""
    verifier = hash_password(pin)
    password_hash = hash_password(password) if password is not None else None
    try:
        with admin_transaction(engine, caller.tenant) as tx:
            require_permission(tx.conn, caller, Permission.MANAGE_USERS)
            entity_docs.lock_kind(tx.conn, tx.tenant, User)
            user = entity_docs.require(tx.conn, User, user_id, "staff member")
            with tx.platform() as conn:
                login = platform.account_of_user(conn, tx.tenant.id, user_id)
            _guard_owner(caller, login, {"pin": True})
            if password_hash is not None:
                login = _set_password(tx, caller, user=user, login=login, digest=password_hash)
            user = dataclasses.replace(user, pin_verifier=verifier)
            write_entities(tx.conn, tx.tenant, [user])
    except IntegrityError as exc:
        if "ux_accounts_email" in str(exc.orig):
            raise email_taken() from None
        raise
    return StaffMember(user=user, login=login)


def _set_password(
    tx: AdminTransaction,
    caller: UserContext,
    *,
    user: User,
    login: AccountRow | None,
    digest: str,
) -> AccountRow | None:
    """Change the sign-in's password, or create the sign-in (it needs an e-mail)."""
    with tx.platform() as conn:
        if login is not None:
            platform.update_account(conn, login.id, password_hash=digest)
            if login.id != caller.account_id:  # someone else's password: end their sessions
                platform.revoke_sessions_of(conn, login.id)
        else:
            if not user.email:
                raise ValidationError(
                    "Give this staff member an e-mail address first; it is what they sign "
                    "in with.",
                    field="email",
                )
            if platform.email_in_use(conn, user.email):
                raise email_taken()
            account_id = new_id()
            platform.insert_account(
                conn, account_id=account_id, tenant_id=tx.tenant.id, user_id=user.id,
                email=user.email, name=user.name, password_hash=digest, is_owner=False,
            )
            if not user.active:
                platform.update_account(conn, account_id, disabled_at=datetime.now(UTC))
        return platform.account_of_user(conn, tx.tenant.id, user.id)
