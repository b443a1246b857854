"""``GET /v1/audit``: the store owner's view of the audit log (newest first, keyset pages)."""

from __future__ import annotations

from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter, Query

from jeweltrak_core.permissions import Permission
from sync_server.accounts.access import require_permission
from sync_server.deps import CurrentUser, EngineDep
from sync_server.kit.transaction import admin_transaction

router = APIRouter(prefix="/v1/audit", tags=["audit"])


@router.get("")
def list_audit(
    caller: CurrentUser,
    engine: EngineDep,
    entity_id: UUID | None = None,
    entity: Annotated[str | None, Query(max_length=40)] = None,
    category: Literal["money", "stock", "settings"] | None = None,
    before_id: Annotated[int | None, Query(ge=1)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> dict[str, Any]:
    """Audited changes of the caller's business (MANAGE_SETTINGS), newest first.

    Pass the answer's ``next_before_id`` as ``before_id`` for the next (older) page.
    """
    where: list[str] = ["true"]
    params: list[object] = []
    if entity_id is not None:
        where.append("entity_id = %s")
        params.append(entity_id)
    if entity is not None:
        where.append("entity = %s")
        params.append(entity)
    if category is not None:
        where.append("%s = ANY(categories)")
        params.append(category)
    if before_id is not None:
        where.append("id < %s")
        params.append(before_id)
    with admin_transaction(engine, caller.tenant) as tx:
        require_permission(tx.conn, caller, Permission.MANAGE_SETTINGS)
        rows = tx.conn.exec_driver_sql(
            "SELECT id, at, version, entity, entity_id, action, categories, changes, op_id, "
            "op_type, device_id, user_id FROM audit_log WHERE " + " AND ".join(where)
            + " ORDER BY id DESC LIMIT %s",
            (*params, limit + 1),
        ).all()
    entries = [
        {
            "id": row[0],
            "at": row[1].isoformat(),
            "version": row[2],
            "entity": row[3],
            "entity_id": str(row[4]),
            "action": row[5],
            "categories": list(row[6]),
            "changes": row[7],
            "op_id": None if row[8] is None else str(row[8]),
            "op_type": row[9],
            "device_id": None if row[10] is None else str(row[10]),
            "user_id": None if row[11] is None else str(row[11]),
        }
        for row in rows[:limit]
    ]
    return {
        "entries": entries,
        "next_before_id": entries[-1]["id"] if len(rows) > limit else None,
    }
