"""Deleting a tenant for good (P14, P15): its schema, its role and every platform row.

One transaction, with the tenant's platform row locked first (``FOR UPDATE``): a second
deletion, a cancellation, a reactivation or ``prune`` of the same tenant waits for it and
then finds the tenant gone (or changed), so deletion is idempotent and never half done.
Dropping the schema waits for the tenant's open transactions (a push, an export); after
``LOCK_TIMEOUT`` it gives up with nothing changed and ``TenantBusy``.

Platform rows that name the tenant are found from the catalog (every ``platform`` table
with a ``tenant_id`` column, children before parents), so a routing table added later is
emptied too; rows that name it indirectly are listed here: Stripe events of its connected
accounts and sign-in attempts with its e-mail addresses. Nothing of it is kept — not
even a tombstone: a credential of a deleted tenant finds no session or device and gets 401,
and a repeated deletion finds no tenant. The log keeps the tenant ID and the time.
"""

from __future__ import annotations

import graphlib
import logging
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import OperationalError

from sync_server.db.migrate import drop_tenant_schema
from sync_server.lifecycle.repository import TenantState, tenant_state

log = logging.getLogger(__name__)

LOCK_TIMEOUT = "30s"

_TENANT_TABLES = text(
    """
    SELECT c.table_name FROM information_schema.columns c
    JOIN information_schema.tables t
      ON t.table_schema = c.table_schema AND t.table_name = c.table_name
    WHERE c.table_schema = 'platform' AND c.column_name = 'tenant_id'
      AND t.table_type = 'BASE TABLE' AND c.table_name <> 'tenants'
    """
)
_PLATFORM_REFERENCES = text(
    """
    SELECT child.relname AS child, parent.relname AS parent
    FROM pg_catalog.pg_constraint k
    JOIN pg_catalog.pg_class child ON child.oid = k.conrelid
    JOIN pg_catalog.pg_class parent ON parent.oid = k.confrelid
    JOIN pg_catalog.pg_namespace n ON n.oid = child.relnamespace
    WHERE k.contype = 'f' AND n.nspname = 'platform' AND child.oid <> parent.oid
    """
)


class TenantBusy(Exception):
    """The tenant's schema stayed in use (an export, a push) longer than the lock timeout."""


@dataclass(frozen=True)
class Deletion:
    """What a deletion did: ``deleted`` is False when the tenant was already gone."""

    tenant_id: UUID
    deleted: bool


def _quote_platform(table: str) -> str:
    return 'platform."' + table.replace('"', '""') + '"'


def _platform_tables_children_first(conn: Connection) -> list[str]:
    """Platform tables with a ``tenant_id``, each before the tables it references."""
    named = {str(r[0]) for r in conn.execute(_TENANT_TABLES)}
    named.add("accounts")
    references: dict[str, set[str]] = {table: set() for table in named}
    for child, parent in conn.execute(_PLATFORM_REFERENCES).all():
        if child in named and parent in named:
            references[str(parent)].add(str(child))  # the parent waits for its children
    return list(graphlib.TopologicalSorter(references).static_order())


def _delete_platform_rows(conn: Connection, tenant_id: UUID) -> dict[str, int]:
    counts: dict[str, int] = {}
    params = {"tenant": tenant_id}
    counts["stripe_events"] = conn.execute(
        text(
            "DELETE FROM platform.stripe_events WHERE account_id IN "
            "(SELECT account_id FROM platform.stripe_accounts WHERE tenant_id = :tenant)"
        ),
        params,
    ).rowcount
    counts["login_attempts"] = conn.execute(
        text(
            "DELETE FROM platform.login_attempts WHERE lower(email) IN "
            "(SELECT lower(email) FROM platform.accounts WHERE tenant_id = :tenant)"
        ),
        params,
    ).rowcount
    for table in _platform_tables_children_first(conn):
        counts[table] = conn.execute(
            text(f"DELETE FROM {_quote_platform(table)} WHERE tenant_id = :tenant"), params
        ).rowcount
    conn.execute(text("DELETE FROM platform.tenants WHERE id = :tenant"), params)
    return counts


def delete_tenant_now(
    engine: Engine,
    tenant_id: UUID,
    *,
    reason: str,
    only_if_expired_at: datetime | None = None,
) -> Deletion:
    """Delete the tenant entirely; already gone → ``deleted=False``.

    With ``only_if_expired_at``, the tenant is deleted only if, under its lock, it is still
    cancelled with its 30 days over at that time (``prune``: a reactivation that got in
    first wins).
    """
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'")
            state: TenantState | None = tenant_state(conn, tenant_id, lock=True)
            if state is None:
                return Deletion(tenant_id=tenant_id, deleted=False)
            if only_if_expired_at is not None and not state.expired(only_if_expired_at):
                return Deletion(tenant_id=tenant_id, deleted=False)
            counts = _delete_platform_rows(conn, tenant_id)
            drop_tenant_schema(conn, state.ref)
    except OperationalError as exc:
        if getattr(exc.orig, "sqlstate", None) == "55P03":  # lock_not_available
            raise TenantBusy(str(tenant_id)) from None
        raise
    log.info(
        "tenant %s deleted (%s): schema, role and platform rows (%s)",
        tenant_id, reason, ", ".join(f"{t} {n}" for t, n in sorted(counts.items()) if n),
    )
    return Deletion(tenant_id=tenant_id, deleted=True)
