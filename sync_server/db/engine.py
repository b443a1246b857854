"""The SQLAlchemy engine (psycopg 3) and the per-request tenant transaction."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, Engine, create_engine

from sync_server.db.names import TenantRef, quote_ident


def normalize_url(url: str) -> str:
    """Accept ``postgresql://`` URLs and use the psycopg 3 driver for them."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def make_engine(url: str, *, pool_size: int = 10) -> Engine:
    """An engine for the service's database (the platform schema plus every tenant)."""
    return create_engine(
        normalize_url(url),
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_pre_ping=True,
        future=True,
    )


def enter_tenant(conn: Connection, tenant: TenantRef) -> None:
    """Confine the current transaction to the tenant: its role, its schema only.

    ``SET LOCAL`` and ``set_config(..., true)`` end with the transaction, so a pooled
    connection can never carry one tenant's role or path into the next request.
    """
    conn.exec_driver_sql(f"SET LOCAL ROLE {quote_ident(tenant.role)}")
    conn.exec_driver_sql(
        "SELECT set_config('search_path', %s, true)", (quote_ident(tenant.schema),)
    )


@contextmanager
def tenant_transaction(engine: Engine, tenant: TenantRef) -> Iterator[Connection]:
    """One transaction under the tenant's role and schema; commits on success."""
    with engine.begin() as conn:
        enter_tenant(conn, tenant)
        yield conn
