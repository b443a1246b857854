"""Queries on the platform schema for sign-in: accounts, sessions and tenants.

Runs on a connection in the service's own role (never inside a tenant's role); e-mail
addresses are compared case-insensitively, matching the unique index on ``lower(email)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Connection, func, insert, select, update

from sync_server.db.names import TenantRef
from sync_server.db.platform_tables import accounts, sessions, tenants


@dataclass(frozen=True)
class AccountRow:
    """A login (owner or staff) with the tenant it belongs to."""

    id: UUID
    user_id: UUID
    email: str
    name: str
    password_hash: str
    is_owner: bool
    disabled_at: datetime | None
    tenant: TenantRef
    tenant_status: str
    business_name: str


def _account_query() -> Any:
    return select(
        accounts.c.id,
        accounts.c.user_id,
        accounts.c.email,
        accounts.c.name,
        accounts.c.password_hash,
        accounts.c.is_owner,
        accounts.c.disabled_at,
        tenants.c.id.label("tenant_id"),
        tenants.c.schema_name,
        tenants.c.role_name,
        tenants.c.status,
        tenants.c.business_name,
    ).join(tenants, tenants.c.id == accounts.c.tenant_id)


def _row_to_account(row: Any) -> AccountRow:
    return AccountRow(
        id=row.id,
        user_id=row.user_id,
        email=row.email,
        name=row.name,
        password_hash=row.password_hash,
        is_owner=row.is_owner,
        disabled_at=row.disabled_at,
        tenant=TenantRef(id=row.tenant_id, schema=row.schema_name, role=row.role_name),
        tenant_status=row.status,
        business_name=row.business_name,
    )


def account_by_email(conn: Connection, email: str) -> AccountRow | None:
    """The account signing in with this e-mail (any case), or None."""
    row = conn.execute(
        _account_query().where(func.lower(accounts.c.email) == email.lower())
    ).first()
    return None if row is None else _row_to_account(row)


def email_in_use(conn: Connection, email: str, *, except_account: UUID | None = None) -> bool:
    """Whether some account (of any tenant) already signs in with this e-mail."""
    query = select(accounts.c.id).where(func.lower(accounts.c.email) == email.lower())
    if except_account is not None:
        query = query.where(accounts.c.id != except_account)
    return conn.execute(query.limit(1)).first() is not None


def accounts_by_user(conn: Connection, tenant_id: UUID) -> dict[UUID, AccountRow]:
    """The tenant's logins, keyed by the staff member (``User``) they belong to."""
    rows = conn.execute(_account_query().where(accounts.c.tenant_id == tenant_id)).all()
    return {row.user_id: _row_to_account(row) for row in rows}


def account_of_user(conn: Connection, tenant_id: UUID, user_id: UUID) -> AccountRow | None:
    """The login of one staff member of the tenant, or None."""
    row = conn.execute(
        _account_query().where(accounts.c.tenant_id == tenant_id, accounts.c.user_id == user_id)
    ).first()
    return None if row is None else _row_to_account(row)


def insert_account(
    conn: Connection,
    *,
    account_id: UUID,
    tenant_id: UUID,
    user_id: UUID,
    email: str,
    name: str,
    password_hash: str,
    is_owner: bool,
) -> None:
    """A new login (the unique index refuses an e-mail that is already used)."""
    conn.execute(
        insert(accounts).values(
            id=account_id,
            tenant_id=tenant_id,
            user_id=user_id,
            email=email,
            name=name,
            password_hash=password_hash,
            is_owner=is_owner,
        )
    )


def update_account(conn: Connection, account_id: UUID, **values: Any) -> None:
    """Change columns of one account (e-mail, name, password hash, disabled_at)."""
    conn.execute(update(accounts).where(accounts.c.id == account_id).values(**values))


def insert_session(
    conn: Connection,
    *,
    digest: bytes,
    account_id: UUID,
    tenant_id: UUID,
    expires_at: datetime,
) -> None:
    """Record a session by its token's HMAC (the token itself is never stored)."""
    conn.execute(
        insert(sessions).values(
            token_hash=digest, account_id=account_id, tenant_id=tenant_id, expires_at=expires_at
        )
    )


def revoke_session(conn: Connection, digest: bytes) -> None:
    """End one session now."""
    conn.execute(
        update(sessions)
        .where(sessions.c.token_hash == digest, sessions.c.revoked_at.is_(None))
        .values(revoked_at=datetime.now(UTC))
    )


def revoke_sessions_of(conn: Connection, account_id: UUID) -> None:
    """End every open session of an account (deactivated staff, changed password)."""
    conn.execute(
        update(sessions)
        .where(sessions.c.account_id == account_id, sessions.c.revoked_at.is_(None))
        .values(revoked_at=datetime.now(UTC))
    )


def business_name(conn: Connection, tenant_id: UUID) -> str:
    """The tenant's business name."""
    return str(
        conn.execute(select(tenants.c.business_name).where(tenants.c.id == tenant_id)).scalar_one()
    )
