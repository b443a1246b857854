"""Queries on ``platform.tenants`` for the lifecycle: state, cancellation, expiry.

``delete_after`` (p0003) is not in ``db.platform_tables.tenants`` yet, so this package
describes the columns it reads and writes itself. Runs in the service's own role.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from sqlalchemy import Column, Connection, DateTime, MetaData, String, Table, Text, select, update
from sqlalchemy.dialects.postgresql import UUID as PgUUID

from sync_server.db.names import TenantRef

ACTIVE, CANCELLED = "active", "cancelled"

tenant_lifecycle = Table(
    "tenants",
    MetaData(schema="platform"),
    Column("id", PgUUID(as_uuid=True), primary_key=True),
    Column("schema_name", String(63), nullable=False),
    Column("role_name", String(63), nullable=False),
    Column("business_name", Text, nullable=False),
    Column("status", String(16), nullable=False),
    Column("cancelled_at", DateTime(timezone=True), nullable=True),
    Column("delete_after", DateTime(timezone=True), nullable=True),
)


@dataclass(frozen=True)
class TenantState:
    """Where a tenant is in its lifecycle."""

    ref: TenantRef
    business_name: str
    status: str
    cancelled_at: datetime | None
    delete_after: datetime | None

    def expired(self, now: datetime) -> bool:
        """Cancelled, and its 30 days are over: only deletion is left."""
        return (
            self.status == CANCELLED
            and self.delete_after is not None
            and self.delete_after <= now
        )


def tenant_state(conn: Connection, tenant_id: UUID, *, lock: bool = False) -> TenantState | None:
    """The tenant's state, or None; ``lock`` holds its row until the transaction ends."""
    t = tenant_lifecycle
    query = select(
        t.c.id, t.c.schema_name, t.c.role_name, t.c.business_name, t.c.status,
        t.c.cancelled_at, t.c.delete_after,
    ).where(t.c.id == tenant_id)
    if lock:
        query = query.with_for_update()
    row = conn.execute(query).first()
    if row is None:
        return None
    return TenantState(
        ref=TenantRef(id=row.id, schema=row.schema_name, role=row.role_name),
        business_name=row.business_name,
        status=row.status,
        cancelled_at=row.cancelled_at,
        delete_after=row.delete_after,
    )


def set_state(
    conn: Connection, tenant_id: UUID, *, status: str, cancelled_at: datetime | None,
    delete_after: datetime | None,
) -> None:
    """Write the tenant's lifecycle columns."""
    conn.execute(
        update(tenant_lifecycle)
        .where(tenant_lifecycle.c.id == tenant_id)
        .values(status=status, cancelled_at=cancelled_at, delete_after=delete_after)
    )


def expired_tenant_ids(conn: Connection, now: datetime) -> list[UUID]:
    """Cancelled tenants whose 30 days ended at or before ``now``, oldest first."""
    t = tenant_lifecycle
    rows = conn.execute(
        select(t.c.id)
        .where(t.c.status == CANCELLED, t.c.delete_after <= now)
        .order_by(t.c.delete_after)
    ).all()
    return [row.id for row in rows]
