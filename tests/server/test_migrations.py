"""Two Alembic trees: a tenant migration reaches every tenant schema; new tenants start at head."""

from __future__ import annotations

import shutil
from pathlib import Path

from sqlalchemy import Engine

from jeweltrak_core.ids import new_id
from sync_server.db.engine import tenant_transaction
from sync_server.db.migrate import (
    MIGRATIONS,
    create_tenant_schema,
    drop_tenant_schema,
    tenant_refs,
    tenant_revision,
    upgrade_all,
)
from sync_server.db.names import TenantRef

from .conftest import make_tenant

#: The tenant tree's head (revisions are numbered ``tNNNN`` in their file names).
HEAD = max(p.name.split("_")[0] for p in (MIGRATIONS / "tenant" / "versions").glob("t*.py"))

EXTRA = '''"""add a table to every tenant

Revision ID: t9999
Revises: HEAD
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = "t9999"
down_revision = "HEAD"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("migration_probe", sa.Column("id", sa.Integer, primary_key=True))


def downgrade() -> None:
    op.drop_table("migration_probe")
'''


def _tables(engine: Engine, ref: TenantRef) -> set[str]:
    with tenant_transaction(engine, ref) as conn:
        return {
            r[0] for r in conn.exec_driver_sql(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = %s",
                (ref.schema,),
            )
        }


def test_tenant_migration_reaches_every_tenant(engine: Engine, tmp_path: Path) -> None:
    first, second = make_tenant(engine, "One"), make_tenant(engine, "Two")
    root = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS, root)
    (root / "tenant" / "versions" / "t9999_probe.py").write_text(EXTRA.replace("HEAD", HEAD))
    count = upgrade_all(engine, migrations=root)
    assert count >= 2
    for ref in (first.ref, second.ref):
        assert "migration_probe" in _tables(engine, ref)
        with tenant_transaction(engine, ref) as conn:
            assert tenant_revision(conn) == "t9999"
            # Owned by the tenant's role, like everything else in the schema.
            (owner,) = conn.exec_driver_sql(
                "SELECT tableowner FROM pg_tables WHERE schemaname = %s AND "
                "tablename = 'migration_probe'", (ref.schema,)).one()
            assert owner == ref.role
    # A tenant created now starts at head directly.
    fresh = TenantRef.for_id(new_id())
    with engine.begin() as conn:
        create_tenant_schema(conn, fresh, migrations=root)
    assert "migration_probe" in _tables(engine, fresh)
    with tenant_transaction(engine, fresh) as conn:
        assert tenant_revision(conn) == "t9999"
    with engine.begin() as conn:
        drop_tenant_schema(conn, fresh)
    # Back to the real head for the other tests: every tenant of the session database
    # was upgraded, so every one drops the probe table and returns to the real head.
    for ref in tenant_refs(engine):
        with tenant_transaction(engine, ref) as conn:
            conn.exec_driver_sql("DROP TABLE migration_probe")
            conn.exec_driver_sql("UPDATE alembic_version SET version_num = %s", (HEAD,))


def test_upgrade_all_is_idempotent(engine: Engine) -> None:
    ref = make_tenant(engine).ref
    upgrade_all(engine)
    upgrade_all(engine)
    with tenant_transaction(engine, ref) as conn:
        assert tenant_revision(conn) == HEAD == "t0004"
