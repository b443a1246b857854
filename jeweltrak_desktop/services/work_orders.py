"""Repairs and custom jobs: intake, the board, notes, photos, deposits, warranty redo."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from jeweltrak_core.errors import NotFound
from jeweltrak_core.ids import new_id
from jeweltrak_core.permissions import Permission
from jeweltrak_core.sync.wire import encode
from jeweltrak_core.work_orders.entities import WorkOrder
from jeweltrak_core.work_orders.operations import (
    AddWorkOrderNote,
    AttachWorkOrderFile,
    MoveWorkOrder,
    OpenWorkOrder,
    UpdateWorkOrder,
)
from jeweltrak_core.work_orders.rules import (
    BOARD_LANES,
    WorkOrderStatus,
    WorkOrderType,
    board_sort_key,
)
from jeweltrak_desktop.services.local_store import LocalStore
from jeweltrak_desktop.store.schema import table_of

_ORDERS = table_of(WorkOrder).table


def open_work_order(
    store: LocalStore,
    *,
    contact_id: UUID,
    item_description: str,
    type: WorkOrderType = WorkOrderType.REPAIR,
    **fields: Any,
) -> WorkOrder:
    """Intake: a new job in the In Shop lane, numbered by this workstation."""
    store.actor.require(Permission.MANAGE_WORK_ORDERS)
    with store.transaction() as tx:
        order_id = new_id()
        tx.apply(
            OpenWorkOrder(
                work_order_id=order_id,
                number=tx.next_number("work_order"),
                type=type,
                contact_id=contact_id,
                item_description=item_description,
                **fields,
            )
        )
        return tx.fetch(WorkOrder, order_id)


def redo_under_warranty(
    store: LocalStore, original_id: UUID, *, instructions: str = ""
) -> WorkOrder:
    """A redo of a picked-up job; $0 inside its warranty window."""
    original = get_work_order(store, original_id)
    if original is None:
        raise NotFound("That work order was not found.")
    return open_work_order(
        store,
        contact_id=original.contact_id,
        item_description=original.item_description,
        type=original.type,
        instructions=instructions or f"Warranty redo of {original.number}",
        redo_of_id=original.id,
        warranty_days=original.warranty_days,
        template_code=original.template_code,
    )


def move_work_order(
    store: LocalStore, work_order_id: UUID, to_status: WorkOrderStatus
) -> WorkOrder:
    """Move the card to another lane (or on hold, picked up, cancelled)."""
    store.actor.require(Permission.MANAGE_WORK_ORDERS)
    with store.transaction() as tx:
        tx.apply(MoveWorkOrder(work_order_id=work_order_id, to_status=to_status))
        return tx.fetch(WorkOrder, work_order_id)


def add_note(
    store: LocalStore, work_order_id: UUID, text: str, *, internal: bool = True
) -> WorkOrder:
    """Append a note."""
    with store.transaction() as tx:
        tx.apply(
            AddWorkOrderNote(
                work_order_id=work_order_id, note_id=new_id(), text=text, internal=internal
            )
        )
        return tx.fetch(WorkOrder, work_order_id)


def attach_photo(
    store: LocalStore,
    work_order_id: UUID,
    ref: str,
    *,
    kind: str = "intake",
    caption: str | None = None,
) -> WorkOrder:
    """Attach a photo saved beside the database (by reference)."""
    with store.transaction() as tx:
        tx.apply(
            AttachWorkOrderFile(
                work_order_id=work_order_id,
                attachment_id=new_id(),
                ref=ref,
                kind=kind,
                caption=caption,
            )
        )
        return tx.fetch(WorkOrder, work_order_id)


def update_work_order(store: LocalStore, work_order_id: UUID, **changes: Any) -> WorkOrder:
    """Edit a job that is not finished."""
    store.actor.require(Permission.MANAGE_WORK_ORDERS)
    with store.transaction() as tx:
        tx.apply(UpdateWorkOrder(work_order_id=work_order_id, changes=encode(changes)))
        return tx.fetch(WorkOrder, work_order_id)


def board(store: LocalStore) -> dict[WorkOrderStatus, list[WorkOrder]]:
    """The board: lanes (and On Hold) with rush jobs first, then by promised date."""
    wanted = [*BOARD_LANES, WorkOrderStatus.ON_HOLD]
    with store.reader() as repo:
        orders = repo.list(WorkOrder, _ORDERS.c.status.in_([s.value for s in wanted]))
    lanes: dict[WorkOrderStatus, list[WorkOrder]] = {s: [] for s in wanted}
    for order in orders:
        lanes[order.status].append(order)
    for cards in lanes.values():
        cards.sort(
            key=lambda o: board_sort_key(
                rush=o.rush, promised_date=o.promised_date, opened_at=o.opened_at or datetime.min
            )
        )
    return lanes


def get_work_order(store: LocalStore, work_order_id: UUID) -> WorkOrder | None:
    """One job with notes, photos and history."""
    with store.reader() as repo:
        return repo.get(WorkOrder, work_order_id)
