"""Work orders (repairs and custom jobs) with append-only notes and a status history."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from uuid import UUID

from jeweltrak_core.work_orders.rules import WorkOrderStatus, WorkOrderType


@dataclass(kw_only=True, slots=True)
class WorkOrderNote:
    """Append-only note; ``internal`` notes never print on the customer copy."""

    id: UUID
    text: str
    internal: bool = True
    created_at: datetime | None = None
    author_id: UUID | None = None


@dataclass(kw_only=True, slots=True)
class WorkOrderAttachment:
    """A photo or file by reference (the bytes live beside the database / in object storage)."""

    id: UUID
    ref: str
    kind: str = "intake"
    caption: str | None = None


@dataclass(kw_only=True, slots=True)
class WorkOrderEvent:
    """One status change, for days-in-stage and the history."""

    id: UUID
    from_status: WorkOrderStatus | None
    to_status: WorkOrderStatus
    at: datetime
    user_id: UUID | None = None


@dataclass(kw_only=True, slots=True)
class WorkOrder:
    """A repair or custom job."""

    id: UUID
    store_id: UUID
    number: str
    type: WorkOrderType
    contact_id: UUID
    item_description: str
    status: WorkOrderStatus = WorkOrderStatus.IN_SHOP
    instructions: str = ""
    promised_date: date | None = None
    rush: bool = False
    estimate_cents: int = 0
    price_cents: int = 0
    vendor_cost_cents: int = 0
    technician_id: UUID | None = None
    outside_vendor_id: UUID | None = None
    location: str | None = None
    template_code: str | None = None
    warranty_days: int = 0
    repair_date: date | None = None
    picked_up_at: datetime | None = None
    redo_of_id: UUID | None = None
    opened_at: datetime | None = None
    status_changed_at: datetime | None = None
    notes: list[WorkOrderNote] = field(default_factory=list)
    attachments: list[WorkOrderAttachment] = field(default_factory=list)
    events: list[WorkOrderEvent] = field(default_factory=list)
    version: int = 0
