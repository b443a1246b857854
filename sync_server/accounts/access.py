"""Who may do what: effective permissions of the signed-in person (default deny).

Effective = union of the user's groups + per-user grants − per-user revocations; an
inactive user has nothing; the owner's account has every permission, whatever its groups.
A manager may only hand out permissions they hold themselves, so MANAGE_USERS cannot be
used to climb to more than one already has.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection

from jeweltrak_core.errors import PermissionDenied
from jeweltrak_core.permissions import Permission, effective_permissions
from jeweltrak_core.store.entities import PermissionGroup, User
from sync_server.deps import UserContext
from sync_server.kit import entity_docs

ALL_PERMISSIONS: frozenset[Permission] = frozenset(Permission)


def permissions_of_user(conn: Connection, user: User) -> frozenset[Permission]:
    """A staff member's effective permissions from their groups and overrides."""
    if not user.active:
        return frozenset()
    groups = entity_docs.load_many(conn, PermissionGroup, user.group_ids)
    return effective_permissions(
        [group.permissions for group in groups.values()],
        granted=user.granted,
        revoked=user.revoked,
    )


def permissions_of(conn: Connection, caller: UserContext) -> frozenset[Permission]:
    """The signed-in person's effective permissions (inside their tenant's transaction)."""
    if caller.is_owner:
        return ALL_PERMISSIONS
    user = entity_docs.load(conn, User, caller.user_id)
    return frozenset() if user is None else permissions_of_user(conn, user)


def _label(permission: Permission) -> str:
    return permission.value.replace("_", " ")


def require_permission(
    conn: Connection, caller: UserContext, permission: Permission
) -> frozenset[Permission]:
    """The caller's permissions if they include ``permission``, else PermissionDenied (403)."""
    held = permissions_of(conn, caller)
    if permission not in held:
        raise PermissionDenied(
            f"You need the “{_label(permission)}” permission for this; ask the store's owner.",
            permission=permission.value,
        )
    return held


def require_grantable(
    caller: UserContext, held: frozenset[Permission], added: Iterable[Permission]
) -> None:
    """Refuse handing out permissions the (non-owner) caller does not hold."""
    if caller.is_owner:
        return
    missing = sorted(p.value for p in set(added) - held)
    if missing:
        raise PermissionDenied(
            "You can only give permissions you have yourself; you do not have: "
            f"{', '.join(m.replace('_', ' ') for m in missing)}.",
            permissions=",".join(missing),
        )

