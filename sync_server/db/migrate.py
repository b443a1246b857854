"""Alembic, two trees: ``platform`` once, ``tenant`` for every tenant schema.

A new tenant gets its schema and role, then the tenant tree runs to head inside it (as the
tenant's role, so every object belongs to that role). ``upgrade_all`` brings the platform
schema and then each tenant schema to head — the service runs it at start.
"""

from __future__ import annotations

import logging
from pathlib import Path
from uuid import UUID

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, select, text

from sync_server.db.engine import enter_tenant
from sync_server.db.names import TenantRef, quote_ident
from sync_server.db.platform_tables import PLATFORM_SCHEMA, tenants

log = logging.getLogger(__name__)
MIGRATIONS = Path(__file__).parent / "migrations"


def _config(
    tree: str, conn: Connection, *, version_schema: str | None, root: Path | None = None
) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str((root or MIGRATIONS) / tree))
    cfg.attributes["connection"] = conn
    cfg.attributes["version_table_schema"] = version_schema
    return cfg


def upgrade_platform(engine: Engine) -> None:
    """Create or upgrade the platform schema; tenant roles get no access to it."""
    with engine.begin() as conn:
        conn.execute(text("SELECT pg_advisory_xact_lock(hashtext('jeweltrak-migrate'))"))
        conn.exec_driver_sql(f"CREATE SCHEMA IF NOT EXISTS {PLATFORM_SCHEMA}")
        conn.exec_driver_sql(f"REVOKE ALL ON SCHEMA {PLATFORM_SCHEMA} FROM PUBLIC")
        command.upgrade(_config("platform", conn, version_schema=PLATFORM_SCHEMA), "head")


def _upgrade_tenant_schema(
    conn: Connection, tenant: TenantRef, root: Path | None = None
) -> None:
    enter_tenant(conn, tenant)
    command.upgrade(_config("tenant", conn, version_schema=None, root=root), "head")


def create_tenant_schema(
    conn: Connection, tenant: TenantRef, *, migrations: Path | None = None
) -> None:
    """The tenant's role (no login, no other rights) and schema, migrated to head.

    Runs inside the caller's transaction, so a failed signup leaves nothing behind.
    """
    role, schema = quote_ident(tenant.role), quote_ident(tenant.schema)
    conn.exec_driver_sql(f"CREATE ROLE {role} NOLOGIN NOINHERIT")
    # The service's own login role must be able to SET ROLE to it.
    conn.exec_driver_sql(f"GRANT {role} TO CURRENT_USER")
    conn.exec_driver_sql(f"CREATE SCHEMA {schema} AUTHORIZATION {role}")
    conn.exec_driver_sql(f"REVOKE ALL ON SCHEMA {schema} FROM PUBLIC")
    _upgrade_tenant_schema(conn, tenant, migrations)
    conn.exec_driver_sql("RESET ROLE")
    conn.exec_driver_sql("SELECT set_config('search_path', 'public', true)")


def drop_tenant_schema(conn: Connection, tenant: TenantRef) -> None:
    """Remove the tenant's schema and role for good (data lifecycle, tests)."""
    role, schema = quote_ident(tenant.role), quote_ident(tenant.schema)
    conn.exec_driver_sql(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
    conn.exec_driver_sql(
        f"DO $$ BEGIN IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{tenant.role}') "
        f"THEN EXECUTE 'DROP OWNED BY {role}'; EXECUTE 'DROP ROLE {role}'; END IF; END $$"
    )


def tenant_refs(engine: Engine) -> list[TenantRef]:
    """Every tenant's schema and role, from the platform schema."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(tenants.c.id, tenants.c.schema_name, tenants.c.role_name)
        ).all()
    return [TenantRef(id=UUID(str(r.id)), schema=r.schema_name, role=r.role_name) for r in rows]


def upgrade_all(engine: Engine, *, migrations: Path | None = None) -> int:
    """Platform then every tenant schema to head; returns the number of tenants.

    Each tenant is upgraded in its own transaction: a failure stops at that tenant with
    the earlier ones done and it untouched, and a rerun continues from there.
    """
    upgrade_platform(engine)
    refs = tenant_refs(engine)
    for ref in refs:
        with engine.begin() as conn:
            _upgrade_tenant_schema(conn, ref, migrations)
    log.info("migrated the platform schema and %d tenant schema(s)", len(refs))
    return len(refs)


def tenant_revision(conn: Connection) -> str | None:
    """The Alembic revision of the tenant schema the transaction is in."""
    row = conn.exec_driver_sql("SELECT version_num FROM alembic_version").first()
    return None if row is None else str(row[0])
