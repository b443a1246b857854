"""Work-order operations: intake, moves on the board, notes, photos, edits, warranty redo."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any
from uuid import UUID, uuid5

from jeweltrak_core.errors import Duplicate, IllegalTransition, ValidationError
from jeweltrak_core.money import require_cents
from jeweltrak_core.sales.operations import check_number
from jeweltrak_core.sync.helpers import apply_patch, live_contact_id, require
from jeweltrak_core.sync.ops import APPLIED, ApplyContext, OpPayload, Outcome
from jeweltrak_core.work_orders.entities import (
    WorkOrder,
    WorkOrderAttachment,
    WorkOrderEvent,
    WorkOrderNote,
)
from jeweltrak_core.work_orders.rules import (
    WorkOrderStatus,
    WorkOrderType,
    redo_default_price,
    work_order_transition,
)

_FINAL = frozenset({WorkOrderStatus.PICKED_UP, WorkOrderStatus.CANCELLED})
EDITABLE_WORK_ORDER_FIELDS = frozenset(
    {"item_description", "instructions", "promised_date", "rush", "estimate_cents",
     "price_cents", "vendor_cost_cents", "technician_id", "outside_vendor_id", "location",
     "warranty_days"}
)


@dataclass(kw_only=True)
class OpenWorkOrder(OpPayload):
    """Take in a repair or custom job (or a warranty redo of a picked-up job)."""

    op_type = "open_work_order"
    work_order_id: UUID
    number: str
    type: WorkOrderType
    contact_id: UUID
    item_description: str
    instructions: str = ""
    promised_date: date | None = None
    rush: bool = False
    estimate_cents: int = 0
    #: None: the template price, or $0 for a redo inside the warranty window.
    price_cents: int | None = None
    vendor_cost_cents: int = 0
    technician_id: UUID | None = None
    outside_vendor_id: UUID | None = None
    location: str | None = None
    template_code: str | None = None
    warranty_days: int = 0
    redo_of_id: UUID | None = None
    photos: list[str] = field(default_factory=list)

    def validate(self) -> None:
        """Description and amounts."""
        if not self.item_description.strip():
            raise ValidationError("Describe the item being taken in.")
        for name in ("estimate_cents", "vendor_cost_cents"):
            require_cents(getattr(self, name), name, allow_negative=False)
        if self.price_cents is not None:
            require_cents(self.price_cents, "price", allow_negative=False)
        if not 0 <= self.warranty_days <= 3650:
            raise ValidationError("Warranty days must be between 0 and 3650.")

    def apply(self, ctx: ApplyContext) -> Outcome:
        """Create the job in the In Shop lane."""
        if ctx.repo.get(WorkOrder, self.work_order_id) is not None:
            raise Duplicate("This work order was already opened.")
        check_number(ctx.repo, WorkOrder, self.number, self.work_order_id)
        contact_id = live_contact_id(ctx.repo, self.contact_id)
        price = self.price_cents if self.price_cents is not None else self.estimate_cents
        if self.redo_of_id is not None:
            original = require(ctx.repo, WorkOrder, self.redo_of_id, "original work order")
            if original.status is not WorkOrderStatus.PICKED_UP:
                raise ValidationError("Only a job that was picked up can be redone.")
            default = redo_default_price(original.price_cents, repair_date=original.repair_date,
                                         warranty_days=original.warranty_days,
                                         today=ctx.now.date())
            price = self.price_cents if self.price_cents is not None else default
        order = WorkOrder(
            id=self.work_order_id, store_id=ctx.op.store_id, number=self.number, type=self.type,
            contact_id=contact_id, item_description=self.item_description,
            instructions=self.instructions, promised_date=self.promised_date, rush=self.rush,
            estimate_cents=self.estimate_cents, price_cents=price,
            vendor_cost_cents=self.vendor_cost_cents, technician_id=self.technician_id,
            outside_vendor_id=self.outside_vendor_id, location=self.location,
            template_code=self.template_code, warranty_days=self.warranty_days,
            redo_of_id=self.redo_of_id, opened_at=ctx.now, status_changed_at=ctx.now,
            version=ctx.version,
            attachments=[WorkOrderAttachment(id=uuid5(self.work_order_id, ref), ref=ref)
                         for ref in self.photos],
            events=[WorkOrderEvent(id=uuid5(ctx.op.op_id, "opened"), from_status=None,
                                   to_status=WorkOrderStatus.IN_SHOP, at=ctx.now,
                                   user_id=ctx.op.user_id)],
        )
        ctx.repo.put(order)
        return APPLIED


@dataclass(kw_only=True)
class MoveWorkOrder(OpPayload):
    """A status change: the card moves lanes; Ready for Pickup sets the repair date."""

    op_type = "move_work_order"
    work_order_id: UUID
    to_status: WorkOrderStatus

    def apply(self, ctx: ApplyContext) -> Outcome:
        """Move through the work-order state machine and record the event."""
        order = require(ctx.repo, WorkOrder, self.work_order_id, "work order")
        previous = order.status
        order.status = work_order_transition(order.status, self.to_status)
        if self.to_status is WorkOrderStatus.READY_FOR_PICKUP:
            order.repair_date = ctx.now.date()
        if self.to_status is WorkOrderStatus.PICKED_UP:
            order.picked_up_at = ctx.now
        order.status_changed_at = ctx.now
        order.events.append(WorkOrderEvent(id=uuid5(ctx.op.op_id, "moved"), from_status=previous,
                                           to_status=self.to_status, at=ctx.now,
                                           user_id=ctx.op.user_id))
        order.version = ctx.version
        ctx.repo.put(order)
        return APPLIED


def _open_order(ctx: ApplyContext, work_order_id: UUID, action: str) -> WorkOrder:
    order = require(ctx.repo, WorkOrder, work_order_id, "work order")
    if order.status in _FINAL:
        raise IllegalTransition("work order", order.status.value, action)
    return order


@dataclass(kw_only=True)
class AddWorkOrderNote(OpPayload):
    """Append a note (notes are append-only)."""

    op_type = "add_work_order_note"
    work_order_id: UUID
    note_id: UUID
    text: str
    internal: bool = True

    def validate(self) -> None:
        """Notes have text."""
        if not self.text.strip():
            raise ValidationError("A note needs some text.")

    def apply(self, ctx: ApplyContext) -> Outcome:
        """Append (allowed on any job, even a finished one)."""
        order = require(ctx.repo, WorkOrder, self.work_order_id, "work order")
        if any(n.id == self.note_id for n in order.notes):
            raise Duplicate("This note was already added.")
        order.notes.append(WorkOrderNote(id=self.note_id, text=self.text, internal=self.internal,
                                         created_at=ctx.now, author_id=ctx.op.user_id))
        order.version = ctx.version
        ctx.repo.put(order)
        return APPLIED


@dataclass(kw_only=True)
class AttachWorkOrderFile(OpPayload):
    """Attach a photo (damage, intake, finished) by reference."""

    op_type = "attach_work_order_file"
    work_order_id: UUID
    attachment_id: UUID
    ref: str
    kind: str = "intake"
    caption: str | None = None

    def apply(self, ctx: ApplyContext) -> Outcome:
        """Add the attachment."""
        order = require(ctx.repo, WorkOrder, self.work_order_id, "work order")
        if not self.ref.strip():
            raise ValidationError("The attachment has no file.")
        order.attachments.append(WorkOrderAttachment(id=self.attachment_id, ref=self.ref,
                                                     kind=self.kind, caption=self.caption))
        order.version = ctx.version
        ctx.repo.put(order)
        return APPLIED


@dataclass(kw_only=True)
class UpdateWorkOrder(OpPayload):
    """Edit a job that is not finished (price, promised date, technician ...)."""

    op_type = "update_work_order"
    work_order_id: UUID
    changes: dict[str, Any] = field(default_factory=dict)

    def apply(self, ctx: ApplyContext) -> Outcome:
        """Field-level patch."""
        order = _open_order(ctx, self.work_order_id, "edited")
        apply_patch(order, self.changes, EDITABLE_WORK_ORDER_FIELDS, "work order")
        for name in ("estimate_cents", "price_cents", "vendor_cost_cents"):
            require_cents(getattr(order, name), name, allow_negative=False)
        if not order.item_description.strip():
            raise ValidationError("Describe the item being repaired.")
        if not 0 <= order.warranty_days <= 3650:
            raise ValidationError("Warranty days must be between 0 and 3650.")
        order.version = ctx.version
        ctx.repo.put(order)
        return APPLIED
