"""Tables of the ``platform`` schema: tenants, accounts, sessions, devices, login attempts.

No business data lives here (P1): only who may sign in, to which tenant, and from which
workstation. Tenant roles have no privilege on this schema.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.dialects.postgresql import UUID as PgUUID

PLATFORM_SCHEMA = "platform"
metadata = MetaData(schema=PLATFORM_SCHEMA)

tenants = Table(
    "tenants",
    metadata,
    Column("id", PgUUID(as_uuid=True), primary_key=True),
    Column("schema_name", String(63), nullable=False, unique=True),
    Column("role_name", String(63), nullable=False, unique=True),
    Column("business_name", Text, nullable=False),
    Column("status", String(16), nullable=False, server_default="active"),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("cancelled_at", DateTime(timezone=True), nullable=True),
)

accounts = Table(
    "accounts",
    metadata,
    Column("id", PgUUID(as_uuid=True), primary_key=True),
    Column("tenant_id", PgUUID(as_uuid=True), ForeignKey("platform.tenants.id"), nullable=False),
    #: The staff member (``User`` in the tenant schema) this login belongs to.
    Column("user_id", PgUUID(as_uuid=True), nullable=False, unique=True),
    Column("email", Text, nullable=False),
    Column("name", Text, nullable=False),
    #: argon2id encoded hash (P11); never the password.
    Column("password_hash", Text, nullable=False),
    Column("is_owner", Boolean, nullable=False, server_default="false"),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("disabled_at", DateTime(timezone=True), nullable=True),
)
Index("ux_accounts_email", func.lower(accounts.c.email), unique=True)

sessions = Table(
    "sessions",
    metadata,
    #: HMAC-SHA256 of the bearer token; the token itself is never stored.
    Column("token_hash", LargeBinary(32), primary_key=True),
    Column("account_id", PgUUID(as_uuid=True), ForeignKey("platform.accounts.id"), nullable=False),
    Column("tenant_id", PgUUID(as_uuid=True), ForeignKey("platform.tenants.id"), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True), nullable=True),
)

devices = Table(
    "devices",
    metadata,
    Column("id", PgUUID(as_uuid=True), primary_key=True),
    Column("tenant_id", PgUUID(as_uuid=True), ForeignKey("platform.tenants.id"), nullable=False),
    Column("store_id", PgUUID(as_uuid=True), nullable=False),
    Column("workstation_code", String(4), nullable=False),
    Column("label", Text, nullable=False, server_default=""),
    Column("token_hash", LargeBinary(32), nullable=False, unique=True),
    Column("paired_by", PgUUID(as_uuid=True), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("revoked_at", DateTime(timezone=True), nullable=True),
    Column("last_seen_at", DateTime(timezone=True), nullable=True),
    UniqueConstraint("tenant_id", "store_id", "workstation_code", name="ux_devices_code"),
)

login_attempts = Table(
    "login_attempts",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("email", Text, nullable=False),
    Column("ip", Text, nullable=False),
    Column("at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("succeeded", Boolean, nullable=False),
)
Index("ix_login_attempts_email_at", func.lower(login_attempts.c.email), login_attempts.c.at)
Index("ix_login_attempts_ip_at", login_attempts.c.ip, login_attempts.c.at)
