"""Work order board moves, warranty windows, redo pricing, and board ordering."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from enum import StrEnum

from jeweltrak_core.errors import IllegalTransition, ValidationError
from jeweltrak_core.money import require_cents


class WorkOrderType(StrEnum):
    """Repair of a customer's item, or a custom-made piece."""

    REPAIR = "repair"
    CUSTOM = "custom"


class WorkOrderStatus(StrEnum):
    """Where a job is on the board (or off it)."""

    IN_SHOP = "in_shop"
    IN_PROGRESS = "in_progress"
    READY_FOR_PICKUP = "ready_for_pickup"
    ON_HOLD = "on_hold"
    PICKED_UP = "picked_up"
    CANCELLED = "cancelled"


_WS = WorkOrderStatus

BOARD_LANES: tuple[WorkOrderStatus, ...] = (_WS.IN_SHOP, _WS.IN_PROGRESS, _WS.READY_FOR_PICKUP)
_CANCELLABLE = frozenset({_WS.IN_SHOP, _WS.IN_PROGRESS, _WS.ON_HOLD})
_FINAL = frozenset({_WS.PICKED_UP, _WS.CANCELLED})

_STATUS_WORDS: dict[WorkOrderStatus, str] = {
    _WS.IN_SHOP: "In Shop",
    _WS.IN_PROGRESS: "In Progress",
    _WS.READY_FOR_PICKUP: "Ready for Pickup",
    _WS.ON_HOLD: "On Hold",
    _WS.PICKED_UP: "Picked Up",
    _WS.CANCELLED: "Cancelled",
}


def _is_legal(status: WorkOrderStatus, target: WorkOrderStatus) -> bool:
    """True when the board allows moving a job from ``status`` to ``target``."""
    if status == target or status in _FINAL:
        return False
    if target in BOARD_LANES:
        return status in BOARD_LANES or status == _WS.ON_HOLD
    if target == _WS.ON_HOLD:
        return status in BOARD_LANES
    if target == _WS.PICKED_UP:
        return status == _WS.READY_FOR_PICKUP
    return status in _CANCELLABLE  # target is CANCELLED


def _refusal(status: WorkOrderStatus, target: WorkOrderStatus) -> str:
    """The sentence shown when a job cannot move from ``status`` to ``target``."""
    if status == target:
        return f"This work order is already {_STATUS_WORDS[status]}."
    if status == _WS.PICKED_UP:
        return "This job was picked up and is closed; start a warranty redo instead."
    if status == _WS.CANCELLED:
        return "This job was cancelled and is closed; open a new work order instead."
    if target == _WS.PICKED_UP:
        return "Only a job that is Ready for Pickup can be picked up; move it there first."
    return (
        "This job is Ready for Pickup; move it back to In Shop, In Progress or On Hold "
        "before cancelling it."
    )


def work_order_transition(status: WorkOrderStatus, target: WorkOrderStatus) -> WorkOrderStatus:
    """Move a job to ``target`` if the board allows it, else IllegalTransition."""
    if not _is_legal(status, target):
        raise IllegalTransition("work order", str(status), str(target), _refusal(status, target))
    return target


def _require_days(warranty_days: int) -> int:
    """Return ``warranty_days`` if it is a whole number of days ≥ 0, else ValidationError."""
    if isinstance(warranty_days, bool) or not isinstance(warranty_days, int) or warranty_days < 0:
        raise ValidationError(
            "Warranty days must be a whole number, 0 or more.", field="warranty_days"
        )
    return warranty_days


def warranty_expires(repair_date: date, warranty_days: int) -> date:
    """The last day of the warranty: repair date + warranty days."""
    return repair_date + timedelta(days=_require_days(warranty_days))


def in_warranty(repair_date: date, warranty_days: int, today: date) -> bool:
    """True through the expiry day itself."""
    return today <= warranty_expires(repair_date, warranty_days)


def redo_default_price(
    original_price_cents: int, *, repair_date: date | None, warranty_days: int, today: date
) -> int:
    """Default price of a warranty redo: $0 inside the warranty window, else the original."""
    price = require_cents(original_price_cents, "Original price", allow_negative=False)
    if repair_date is None:
        raise ValidationError(
            "This job was never completed and picked up, so it cannot be redone under warranty.",
            field="repair_date",
        )
    return 0 if in_warranty(repair_date, warranty_days, today) else price


def board_sort_key(
    *, rush: bool, promised_date: date | None, opened_at: datetime
) -> tuple[bool, bool, date, datetime]:
    """Sort key for a lane: rush first, then earliest promised date (none last), then oldest."""
    return (not rush, promised_date is None, promised_date or date.max, opened_at)


def days_in_stage(entered_at: datetime, now: datetime) -> int:
    """Whole days a job has sat in its stage (0 if the clock says it entered in the future)."""
    if (entered_at.tzinfo is None) != (now.tzinfo is None):
        raise ValidationError("Both times must carry a time zone, or neither.")
    return max((now - entered_at).days, 0)
