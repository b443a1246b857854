"""Reading core entities from the tenant's document tables (inside a tenant transaction).

Writes go through ``sync.feed.write_entities`` only, so every change also reaches the
desktops through the change feed; this module reads, and takes the per-kind lock that
admin edits hold while they check uniqueness and rewrite a document.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar
from uuid import UUID

from sqlalchemy import Connection

from jeweltrak_core.errors import NotFound
from jeweltrak_core.sync.wire import decode
from sync_server.db.names import TenantRef
from sync_server.db.tenant_tables import kind_of

T = TypeVar("T")


def _table(cls: type[object]) -> str:
    # A fixed table name from the kind registry, never from input.
    return kind_of(cls).table


def load(conn: Connection, cls: type[T], entity_id: UUID) -> T | None:
    """The entity with this ID in the tenant's schema, or None."""
    row = conn.exec_driver_sql(
        f"SELECT doc FROM {_table(cls)} WHERE id = %s AND NOT deleted", (entity_id,)
    ).first()
    return None if row is None else decode(cls, row[0])


def require(conn: Connection, cls: type[T], entity_id: UUID, what: str) -> T:
    """The entity, or NotFound (404) — also for another tenant's IDs, which are not here."""
    found = load(conn, cls, entity_id)
    if found is None:
        raise NotFound(f"There is no {what} with this ID in your account.", id=str(entity_id))
    return found


def load_all(conn: Connection, cls: type[T], *, order_field: str = "name") -> list[T]:
    """Every live entity of a kind, ordered by a text field of its document."""
    rows = conn.exec_driver_sql(
        f"SELECT doc FROM {_table(cls)} WHERE NOT deleted ORDER BY lower(doc->>%s), id",
        (order_field,),
    ).all()
    return [decode(cls, row[0]) for row in rows]


def load_many(conn: Connection, cls: type[T], ids: Iterable[UUID]) -> dict[UUID, T]:
    """The entities among ``ids`` that exist, by ID."""
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        return {}
    rows = conn.exec_driver_sql(
        f"SELECT id, doc FROM {_table(cls)} WHERE id = ANY(%s) AND NOT deleted", (wanted,)
    ).all()
    return {row[0]: decode(cls, row[1]) for row in rows}


def taken(
    conn: Connection, cls: type[object], *, field: str, value: str, except_id: UUID | None
) -> bool:
    """Whether another entity of the kind has ``field`` equal to ``value`` (any case)."""
    row = conn.exec_driver_sql(
        f"SELECT 1 FROM {_table(cls)} WHERE lower(doc->>%s) = lower(%s) "
        "AND id IS DISTINCT FROM %s LIMIT 1",
        (field, value, except_id),
    ).first()
    return row is not None


def lock_kind(conn: Connection, tenant: TenantRef, cls: type[object]) -> None:
    """Serialize admin writes of one kind in one tenant until the transaction ends.

    Uniqueness checks (store code, group name, staff e-mail) and read-modify-write edits
    are then race-free across processes; synced operations are not blocked by it.
    """
    conn.exec_driver_sql(
        "SELECT pg_advisory_xact_lock(hashtext(%s))",
        (f"jeweltrak-admin:{tenant.id}:{_table(cls)}",),
    )
