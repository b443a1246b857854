"""Creating and removing tenants: a platform row, a schema and a role, in one transaction."""

from __future__ import annotations

from sqlalchemy import Connection, Engine, delete, insert, select

from jeweltrak_core.ids import new_id
from sync_server.db.migrate import create_tenant_schema, drop_tenant_schema
from sync_server.db.names import TenantRef
from sync_server.db.platform_tables import accounts, devices, sessions, tenants


def create_tenant(conn: Connection, business_name: str) -> TenantRef:
    """A new tenant with its schema at head; part of the caller's transaction."""
    ref = TenantRef.for_id(new_id())
    conn.execute(
        insert(tenants).values(
            id=ref.id,
            schema_name=ref.schema,
            role_name=ref.role,
            business_name=business_name,
        )
    )
    create_tenant_schema(conn, ref)
    return ref


def tenant_by_id(engine: Engine, tenant_id: object) -> TenantRef | None:
    """The tenant's schema and role, or None."""
    with engine.connect() as conn:
        row = conn.execute(
            select(tenants.c.id, tenants.c.schema_name, tenants.c.role_name).where(
                tenants.c.id == tenant_id
            )
        ).first()
    if row is None:
        return None
    return TenantRef(id=row.id, schema=row.schema_name, role=row.role_name)


def delete_tenant(engine: Engine, ref: TenantRef) -> None:
    """Remove the tenant entirely: its schema, its role, its platform rows."""
    with engine.begin() as conn:
        drop_tenant_schema(conn, ref)
        conn.execute(delete(sessions).where(sessions.c.tenant_id == ref.id))
        conn.execute(delete(devices).where(devices.c.tenant_id == ref.id))
        conn.execute(delete(accounts).where(accounts.c.tenant_id == ref.id))
        conn.execute(delete(tenants).where(tenants.c.id == ref.id))
