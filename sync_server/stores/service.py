"""Stores: list, open and change settings (MANAGE_SETTINGS); every change syncs out.

The short code is unique per business (any case): it starts every offline document
number, ``{store code}{workstation code}-{n}``, which is what keeps those unique.
The core rules validate the tax rule and the multipliers before anything is written.
"""

from __future__ import annotations

import dataclasses
from typing import Any
from uuid import UUID

import psycopg
from sqlalchemy import Engine

from jeweltrak_core.errors import Duplicate
from jeweltrak_core.ids import new_id
from jeweltrak_core.permissions import Permission
from jeweltrak_core.store.entities import Store
from sync_server.accounts.access import require_permission
from sync_server.deps import UserContext
from sync_server.kit import entity_docs
from sync_server.kit.transaction import AdminTransaction, admin_transaction
from sync_server.sync.feed import write_entities


def _code_taken(code: str) -> Duplicate:
    return Duplicate(
        f"Another store already uses the code “{code}”; pick a different one.", field="code"
    )


def _checked(store: Store) -> Store:
    # The core rules refuse an impossible tax rule or multipliers (ValidationError → 422).
    _ = store.tax_rule, store.multipliers
    return store


def _save(tx: AdminTransaction, store: Store, *, code_changed: bool, user_id: UUID) -> None:
    if code_changed and entity_docs.taken(
        tx.conn, Store, field="code", value=store.code, except_id=store.id
    ):
        raise _code_taken(store.code)
    write_entities(tx.conn, tx.tenant, [store], user_id=user_id)


def list_stores(engine: Engine, caller: UserContext) -> list[Store]:
    """Every store of the business, by code."""
    with admin_transaction(engine, caller.tenant) as tx:
        require_permission(tx.conn, caller, Permission.MANAGE_SETTINGS)
        return entity_docs.load_all(tx.conn, Store, order_field="code")


def create_store(engine: Engine, caller: UserContext, settings: dict[str, Any]) -> Store:
    """Open a store with the given settings (the rest at their defaults)."""
    try:
        with admin_transaction(engine, caller.tenant) as tx:
            require_permission(tx.conn, caller, Permission.MANAGE_SETTINGS)
            store = _checked(Store(id=new_id(), **settings))
            entity_docs.lock_kind(tx.conn, tx.tenant, Store)
            _save(tx, store, code_changed=True, user_id=caller.user_id)
    except psycopg.errors.UniqueViolation:
        raise _code_taken(settings.get("code", "")) from None
    return store


def update_store(
    engine: Engine, caller: UserContext, *, store_id: UUID, changes: dict[str, Any]
) -> Store:
    """Change some of a store's settings."""
    try:
        with admin_transaction(engine, caller.tenant) as tx:
            require_permission(tx.conn, caller, Permission.MANAGE_SETTINGS)
            entity_docs.lock_kind(tx.conn, tx.tenant, Store)
            before = entity_docs.require(tx.conn, Store, store_id, "store")
            after = _checked(dataclasses.replace(before, **changes))
            if after != before:
                _save(tx, after, code_changed=after.code != before.code,
                      user_id=caller.user_id)
    except psycopg.errors.UniqueViolation:
        raise _code_taken(changes.get("code", "")) from None
    return after
