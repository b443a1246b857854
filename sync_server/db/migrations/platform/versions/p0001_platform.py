"""platform schema: tenants, accounts, sessions, devices, login attempts

Revision ID: p0001
Revises:
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import UUID

revision = "p0001"
down_revision = None
branch_labels = None
depends_on = None

S = "platform"


def _ts(name: str, *, nullable: bool = False, now: bool = False) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(
        name,
        sa.DateTime(timezone=True),
        nullable=nullable,
        server_default=sa.func.now() if now else None,
    )


def upgrade() -> None:
    op.create_table(
        "tenants",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column("schema_name", sa.String(63), nullable=False, unique=True),
        sa.Column("role_name", sa.String(63), nullable=False, unique=True),
        sa.Column("business_name", sa.Text, nullable=False),
        sa.Column("status", sa.String(16), nullable=False, server_default="active"),
        _ts("created_at", now=True),
        _ts("cancelled_at", nullable=True),
        schema=S,
    )
    op.create_table(
        "accounts",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column("tenant_id", UUID(as_uuid=True), sa.ForeignKey(f"{S}.tenants.id"),
                  nullable=False),
        sa.Column("user_id", UUID(as_uuid=True), nullable=False, unique=True),
        sa.Column("email", sa.Text, nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("password_hash", sa.Text, nullable=False),
        sa.Column("is_owner", sa.Boolean, nullable=False, server_default="false"),
        _ts("created_at", now=True),
        _ts("disabled_at", nullable=True),
        schema=S,
    )
    op.execute(f"CREATE UNIQUE INDEX ux_accounts_email ON {S}.accounts (lower(email))")
    op.create_table(
        "sessions",
        sa.Column("token_hash", sa.LargeBinary(32), primary_key=True),
        sa.Column("account_id", UUID(as_uuid=True), sa.ForeignKey(f"{S}.accounts.id"),
                  nullable=False),
        sa.Column("tenant_id", UUID(as_uuid=True), sa.ForeignKey(f"{S}.tenants.id"),
                  nullable=False),
        _ts("created_at", now=True),
        _ts("expires_at"),
        _ts("revoked_at", nullable=True),
        schema=S,
    )
    op.create_table(
        "devices",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column("tenant_id", UUID(as_uuid=True), sa.ForeignKey(f"{S}.tenants.id"),
                  nullable=False),
        sa.Column("store_id", UUID(as_uuid=True), nullable=False),
        sa.Column("workstation_code", sa.String(4), nullable=False),
        sa.Column("label", sa.Text, nullable=False, server_default=""),
        sa.Column("token_hash", sa.LargeBinary(32), nullable=False, unique=True),
        sa.Column("paired_by", UUID(as_uuid=True), nullable=False),
        _ts("created_at", now=True),
        _ts("revoked_at", nullable=True),
        _ts("last_seen_at", nullable=True),
        sa.UniqueConstraint("tenant_id", "store_id", "workstation_code", name="ux_devices_code"),
        schema=S,
    )
    op.create_table(
        "login_attempts",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("email", sa.Text, nullable=False),
        sa.Column("ip", sa.Text, nullable=False),
        _ts("at", now=True),
        sa.Column("succeeded", sa.Boolean, nullable=False),
        schema=S,
    )
    op.execute(
        f"CREATE INDEX ix_login_attempts_email_at ON {S}.login_attempts (lower(email), at)"
    )
    op.execute(f"CREATE INDEX ix_login_attempts_ip_at ON {S}.login_attempts (ip, at)")


def downgrade() -> None:
    for table in ("login_attempts", "devices", "sessions", "accounts", "tenants"):
        op.drop_table(table, schema=S)
