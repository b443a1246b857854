"""Repairs and custom jobs: intake, the board, notes, photos, deposits, warranty redo."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from uuid import UUID

from pypdf import PdfReader, PdfWriter

from jeweltrak_core.contacts.entities import Contact
from jeweltrak_core.errors import NotFound
from jeweltrak_core.ids import new_id
from jeweltrak_core.payments.entities import Deposit
from jeweltrak_core.permissions import Permission
from jeweltrak_core.store.entities import Store, User
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
    days_in_stage,
)
from jeweltrak_desktop.documents.context import DocumentContext
from jeweltrak_desktop.documents.photos import prepare_photo
from jeweltrak_desktop.documents.work_order import CopyKind, render_work_order_copies
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


# --- what the Work Orders screen reads and prints ------------------------------------------


def photo_dir(store: LocalStore) -> Path:
    """Where photos live, beside the database (attachments refer to them by file name)."""
    return store.path.parent / "photos"


def attach_photo_file(store: LocalStore, work_order_id: UUID, source: Path) -> WorkOrder:
    """Copy a photo file (resized, upright JPEG) beside the database and attach it."""
    saved = prepare_photo(source, photo_dir(store))
    return attach_photo(store, work_order_id, saved.name, kind="intake")


@dataclass(frozen=True)
class BoardCard:
    """One card on the board: the job, its customer and how long it has sat in its lane."""

    order: WorkOrder
    customer: str
    days_in_stage: int


def board_cards(store: LocalStore, now: datetime) -> dict[WorkOrderStatus, list[BoardCard]]:
    """The board's lanes as cards (rush first), with customer names and days in stage."""
    lanes = board(store)
    with store.reader() as repo:
        names: dict[UUID, str] = {}
        for cards in lanes.values():
            for order in cards:
                if order.contact_id not in names:
                    contact = repo.get(Contact, order.contact_id)
                    names[order.contact_id] = contact.display_name if contact else "(no customer)"
    return {
        status: [
            BoardCard(
                order=o,
                customer=names[o.contact_id],
                days_in_stage=days_in_stage(o.status_changed_at or o.opened_at or now, now),
            )
            for o in cards
        ]
        for status, cards in lanes.items()
    }


def deposits_for_order(store: LocalStore, work_order_id: UUID) -> list[Deposit]:
    """Deposits taken for this job."""
    table = table_of(Deposit).table
    with store.reader() as repo:
        return repo.list(
            Deposit, table.c.work_order_id == str(work_order_id), order_by=table.c.created_at
        )


def work_order_pdfs(store: LocalStore, work_order_id: UUID) -> dict[CopyKind, bytes]:
    """The counter, bench and customer copies of the ticket, as PDF bytes."""
    deposits = deposits_for_order(store, work_order_id)
    with store.reader() as repo:
        order = repo.get(WorkOrder, work_order_id)
        settings = repo.get(Store, store.identity.store_id)
        if order is None or settings is None:
            raise NotFound("That work order was not found.")
        customer = repo.get(Contact, order.contact_id)
        vendor = repo.get(Contact, order.outside_vendor_id) if order.outside_vendor_id else None
        tech = repo.get(User, order.technician_id) if order.technician_id else None
    ctx = DocumentContext.for_store(settings, photo_root=photo_dir(store))
    return render_work_order_copies(
        order,
        ctx=ctx,
        customer=customer,
        technician=tech.name if tech else "",
        vendor=vendor.display_name if vendor else "",
        deposits=deposits,
    )


def work_order_tickets_pdf(store: LocalStore, work_order_id: UUID) -> bytes:
    """The three copies (counter, bench, customer) in one PDF, printed together at intake."""
    writer = PdfWriter()
    for pdf in work_order_pdfs(store, work_order_id).values():
        for page in PdfReader(io.BytesIO(pdf)).pages:
            writer.add_page(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
