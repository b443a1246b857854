"""One transaction that works in the tenant's schema and, briefly, in the platform schema.

Admin actions touch both: a staff login is a platform account plus a ``User`` document,
pairing checks the store in the tenant's schema and registers the device on the platform.
Doing both in one transaction means a failure leaves neither half behind. The connection
runs as the tenant's role (``SET LOCAL ROLE``) except inside ``platform()``, which steps
back to the service's role for the platform statements and returns to the tenant's role
before tenant statements run again. Platform tables are always schema-qualified.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import Connection, Engine

from sync_server.db.engine import enter_tenant
from sync_server.db.names import TenantRef


@dataclass(frozen=True)
class AdminTransaction:
    """The open transaction: ``conn`` is confined to the tenant unless in ``platform()``."""

    conn: Connection
    tenant: TenantRef

    @contextmanager
    def platform(self) -> Iterator[Connection]:
        """Run platform statements (accounts, sessions, devices) in the same transaction."""
        self.conn.exec_driver_sql("RESET ROLE")
        yield self.conn
        # Not in a finally: after an error the transaction is rolled back as a whole.
        enter_tenant(self.conn, self.tenant)


@contextmanager
def admin_transaction(engine: Engine, tenant: TenantRef) -> Iterator[AdminTransaction]:
    """A transaction under the tenant's role and schema; commits on success."""
    with engine.begin() as conn:
        enter_tenant(conn, tenant)
        yield AdminTransaction(conn=conn, tenant=tenant)
