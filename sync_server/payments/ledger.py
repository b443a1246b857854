"""Money Stripe confirmed, into the books: core operations applied by the service itself.

An approved card payment is an ``add_payment`` (or ``take_deposit``) and a Stripe refund a
``refund_payment``, applied with the same ``jeweltrak_core`` rules a push uses, under
``Authority.SERVER`` (card tenders are allowed there), inside the caller's tenant
transaction. The rows and their change-log entries take the next feed version under the
``sync_state`` lock, exactly like a push, so every workstation receives them. The op is
not recorded in ``applied_ops``: it belongs to no device's sequence; its ID is derived
from the Stripe object, and the callers' own tables make it happen once.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid5

from psycopg import Cursor
from sqlalchemy import Connection

from jeweltrak_core.sync.ops import Authority, Operation, OpPayload, Outcome, apply_operation
from sync_server.audit.entries import Actor, write_audit
from sync_server.db.names import TenantRef
from sync_server.sync.push import NOTIFY_CHANNEL, audit_of, write_change_log
from sync_server.sync.repository import PgRepository

#: Device ID on entities the service writes for a payment no workstation started (links).
SERVICE_DEVICE_ID = UUID("00000000-0000-7000-8000-00000000a11e")


def _cursor(conn: Connection) -> Cursor[Any]:
    return conn.connection.driver_connection.cursor()  # type: ignore[union-attr, no-any-return]


def apply_server_op(
    conn: Connection, tenant: TenantRef, *, op_key: str, store_id: UUID,
    device_id: UUID | None, payload: OpPayload,
) -> Outcome:
    """Apply ``payload`` as the service, into the feed; raises JewelTrakError to refuse."""
    cur = _cursor(conn)
    cur.execute("SELECT version FROM sync_state WHERE id = 1 FOR UPDATE")
    locked = cur.fetchone()
    assert locked is not None
    version = int(locked[0]) + 1
    op = Operation(
        op_id=uuid5(tenant.id, op_key), device_id=device_id or SERVICE_DEVICE_ID, seq=1,
        store_id=store_id, client_ts=datetime.now(UTC), payload=payload,
    )
    repo = PgRepository(cur)
    repo.begin_op()
    outcome = apply_operation(op, repo, authority=Authority.SERVER, version=version)
    changes = repo.commit_op(version)
    if not changes:
        return outcome
    repo.flush()
    write_change_log(cur, [(version, seq, c, op.op_id) for seq, c in enumerate(changes)])
    actor = Actor(op.op_id, op.op_type, device_id, None)
    write_audit(cur, [(version, entry, actor) for c in changes
                      if (entry := audit_of(c)) is not None])
    cur.execute("UPDATE sync_state SET version = %s WHERE id = 1", (version,))
    cur.execute("SELECT pg_notify(%s, %s)", (NOTIFY_CHANNEL, f"{tenant.id}:{version}"))
    return outcome
