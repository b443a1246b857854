"""Permission groups: named sets of permissions, synced to the desktops.

Names are unique per business (any case). A manager who is not the owner may only put
permissions they hold into a group: adding to a group hands them to its members.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import Any
from uuid import UUID

from sqlalchemy import Engine

from jeweltrak_core.errors import Duplicate
from jeweltrak_core.ids import new_id
from jeweltrak_core.permissions import Permission
from jeweltrak_core.store.entities import PermissionGroup
from sync_server.accounts.access import require_grantable, require_permission
from sync_server.deps import UserContext
from sync_server.kit import entity_docs
from sync_server.kit.transaction import AdminTransaction, admin_transaction
from sync_server.sync.feed import write_entities


def _names(permissions: Iterable[Permission]) -> list[str]:
    return sorted({p.value for p in permissions})


def _known(names: Iterable[str]) -> set[Permission]:
    known = {p.value for p in Permission}
    return {Permission(n) for n in names if n in known}


def _require_name_free(tx: AdminTransaction, name: str, *, group_id: UUID | None) -> None:
    if entity_docs.taken(tx.conn, PermissionGroup, field="name", value=name, except_id=group_id):
        raise Duplicate(f"There is already a permission group named “{name}”.", field="name")


def list_groups(engine: Engine, caller: UserContext) -> list[PermissionGroup]:
    """Every permission group, by name."""
    with admin_transaction(engine, caller.tenant) as tx:
        require_permission(tx.conn, caller, Permission.MANAGE_USERS)
        return entity_docs.load_all(tx.conn, PermissionGroup)


def create_group(
    engine: Engine, caller: UserContext, *, name: str, permissions: list[Permission]
) -> PermissionGroup:
    """A new group (its name unused in this business)."""
    with admin_transaction(engine, caller.tenant) as tx:
        held = require_permission(tx.conn, caller, Permission.MANAGE_USERS)
        entity_docs.lock_kind(tx.conn, tx.tenant, PermissionGroup)
        _require_name_free(tx, name, group_id=None)
        require_grantable(caller, held, permissions)
        group = PermissionGroup(id=new_id(), name=name, permissions=_names(permissions))
        write_entities(tx.conn, tx.tenant, [group])
    return group


def update_group(
    engine: Engine, caller: UserContext, *, group_id: UUID, changes: dict[str, Any]
) -> PermissionGroup:
    """Rename a group or replace its permissions."""
    with admin_transaction(engine, caller.tenant) as tx:
        held = require_permission(tx.conn, caller, Permission.MANAGE_USERS)
        entity_docs.lock_kind(tx.conn, tx.tenant, PermissionGroup)
        before = entity_docs.require(tx.conn, PermissionGroup, group_id, "permission group")
        after = before
        if "name" in changes:
            _require_name_free(tx, changes["name"], group_id=group_id)
            after = dataclasses.replace(after, name=changes["name"])
        if "permissions" in changes:
            wanted = set(changes["permissions"])
            require_grantable(caller, held, wanted - _known(before.permissions))
            after = dataclasses.replace(after, permissions=_names(wanted))
        if after != before:
            write_entities(tx.conn, tx.tenant, [after])
    return after
