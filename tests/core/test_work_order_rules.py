"""Work order board moves, warranty, redo pricing and board order."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta

import pytest

from jeweltrak_core.errors import IllegalTransition, InvalidMoney, ValidationError
from jeweltrak_core.work_orders.rules import (
    BOARD_LANES,
    WorkOrderStatus,
    WorkOrderType,
    board_sort_key,
    days_in_stage,
    in_warranty,
    redo_default_price,
    warranty_expires,
    work_order_transition,
)

W = WorkOrderStatus

LEGAL: set[tuple[WorkOrderStatus, WorkOrderStatus]] = {
    (W.IN_SHOP, W.IN_PROGRESS),
    (W.IN_SHOP, W.READY_FOR_PICKUP),
    (W.IN_SHOP, W.ON_HOLD),
    (W.IN_SHOP, W.CANCELLED),
    (W.IN_PROGRESS, W.IN_SHOP),
    (W.IN_PROGRESS, W.READY_FOR_PICKUP),
    (W.IN_PROGRESS, W.ON_HOLD),
    (W.IN_PROGRESS, W.CANCELLED),
    (W.READY_FOR_PICKUP, W.IN_SHOP),
    (W.READY_FOR_PICKUP, W.IN_PROGRESS),
    (W.READY_FOR_PICKUP, W.ON_HOLD),
    (W.READY_FOR_PICKUP, W.PICKED_UP),
    (W.ON_HOLD, W.IN_SHOP),
    (W.ON_HOLD, W.IN_PROGRESS),
    (W.ON_HOLD, W.READY_FOR_PICKUP),
    (W.ON_HOLD, W.CANCELLED),
}


def test_enum_values() -> None:
    assert [t.value for t in WorkOrderType] == ["repair", "custom"]
    assert [s.value for s in WorkOrderStatus] == [
        "in_shop",
        "in_progress",
        "ready_for_pickup",
        "on_hold",
        "picked_up",
        "cancelled",
    ]
    assert BOARD_LANES == (W.IN_SHOP, W.IN_PROGRESS, W.READY_FOR_PICKUP)


def test_every_status_target_pair() -> None:
    for status, target in itertools.product(WorkOrderStatus, WorkOrderStatus):
        if (status, target) in LEGAL:
            assert work_order_transition(status, target) is target
        else:
            with pytest.raises(IllegalTransition) as exc:
                work_order_transition(status, target)
            assert exc.value.entity == "work order"
            assert (exc.value.state, exc.value.action) == (status.value, target.value)


def test_sentences() -> None:
    with pytest.raises(IllegalTransition, match="already In Progress"):
        work_order_transition(W.IN_PROGRESS, W.IN_PROGRESS)
    with pytest.raises(IllegalTransition, match="warranty redo"):
        work_order_transition(W.PICKED_UP, W.IN_SHOP)
    with pytest.raises(IllegalTransition, match="Only a job that is Ready for Pickup"):
        work_order_transition(W.ON_HOLD, W.PICKED_UP)
    with pytest.raises(IllegalTransition, match="before cancelling"):
        work_order_transition(W.READY_FOR_PICKUP, W.CANCELLED)
    with pytest.raises(IllegalTransition, match="cancelled"):
        work_order_transition(W.CANCELLED, W.ON_HOLD)


def test_warranty_window_is_inclusive() -> None:
    repaired = date(2025, 1, 10)
    assert warranty_expires(repaired, 30) == date(2025, 2, 9)
    assert in_warranty(repaired, 30, date(2025, 2, 9))
    assert not in_warranty(repaired, 30, date(2025, 2, 10))
    assert in_warranty(repaired, 0, repaired)
    assert not in_warranty(repaired, 0, repaired + timedelta(days=1))


@pytest.mark.parametrize("bad", [-1, True, 1.5])
def test_warranty_days_must_be_whole_and_not_negative(bad: int) -> None:
    with pytest.raises(ValidationError, match="Warranty days"):
        warranty_expires(date(2025, 1, 1), bad)


def test_redo_default_price() -> None:
    repaired = date(2025, 1, 10)  # + 90 days = 2025-04-10, the last day of the warranty
    for today, price in ((date(2025, 4, 10), 0), (date(2025, 4, 11), 4_500)):
        redo = redo_default_price(4_500, repair_date=repaired, warranty_days=90, today=today)
        assert redo == price


def test_redo_needs_a_completed_job() -> None:
    with pytest.raises(ValidationError, match="cannot be redone under warranty"):
        redo_default_price(4_500, repair_date=None, warranty_days=90, today=date(2025, 1, 1))
    with pytest.raises(InvalidMoney):
        redo_default_price(-1, repair_date=date(2025, 1, 1), warranty_days=90, today=date.today())


def test_board_sort_order() -> None:
    t0 = datetime(2025, 1, 1, 9, tzinfo=UTC)
    jobs = {
        "plain_old": board_sort_key(rush=False, promised_date=None, opened_at=t0),
        "plain_new": board_sort_key(rush=False, promised_date=None, opened_at=t0 + timedelta(1)),
        "promised_late": board_sort_key(rush=False, promised_date=date(2025, 2, 1), opened_at=t0),
        "promised_soon_new": board_sort_key(
            rush=False, promised_date=date(2025, 1, 5), opened_at=t0 + timedelta(2)
        ),
        "rush_no_date": board_sort_key(rush=True, promised_date=None, opened_at=t0),
        "rush_dated": board_sort_key(
            rush=True, promised_date=date(2025, 3, 1), opened_at=t0 + timedelta(3)
        ),
    }
    ordered = sorted(jobs, key=lambda name: jobs[name])
    assert ordered == [
        "rush_dated",
        "rush_no_date",
        "promised_soon_new",
        "promised_late",
        "plain_old",
        "plain_new",
    ]


def test_days_in_stage() -> None:
    entered = datetime(2025, 1, 1, 17, tzinfo=UTC)
    assert days_in_stage(entered, entered) == 0
    assert days_in_stage(entered, entered + timedelta(hours=23)) == 0
    assert days_in_stage(entered, entered + timedelta(days=3, hours=2)) == 3
    assert days_in_stage(entered, entered - timedelta(days=2)) == 0
    with pytest.raises(ValidationError):
        days_in_stage(entered, datetime(2025, 1, 3))
