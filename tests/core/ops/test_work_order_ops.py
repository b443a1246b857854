"""Work-order operations: intake, lanes, notes, photos, edits, warranty redo pricing."""

from __future__ import annotations

from datetime import UTC, date, datetime
from uuid import UUID

import pytest

from jeweltrak_core.errors import (
    Duplicate,
    IllegalTransition,
    InvalidMoney,
    NotFound,
    ValidationError,
)
from jeweltrak_core.ids import new_id
from jeweltrak_core.work_orders.entities import WorkOrder
from jeweltrak_core.work_orders.operations import (
    AddWorkOrderNote,
    AttachWorkOrderFile,
    MoveWorkOrder,
    OpenWorkOrder,
    UpdateWorkOrder,
)
from jeweltrak_core.work_orders.rules import WorkOrderStatus, WorkOrderType

from .builders import create_contact, number, refuse
from .memory_repo import NOW, USER_ID, MemoryRepository, run

S = WorkOrderStatus


def order(repo: MemoryRepository, work_order_id: UUID) -> WorkOrder:
    wo = repo.get(WorkOrder, work_order_id)
    assert wo is not None
    return wo


def open_op(contact_id: UUID, **kw: object) -> OpenWorkOrder:
    fields: dict[str, object] = {
        "work_order_id": new_id(), "number": number("W-"), "type": WorkOrderType.REPAIR,
        "contact_id": contact_id, "item_description": "Platinum solitaire, size 6"}
    fields.update(kw)
    return OpenWorkOrder(**fields)  # type: ignore[arg-type]


def move(repo: MemoryRepository, wo_id: UUID, *targets: WorkOrderStatus,
         **kw: object) -> None:
    for target in targets:
        run(repo, MoveWorkOrder(work_order_id=wo_id, to_status=target), **kw)  # type: ignore[arg-type]


# --- open_work_order ---------------------------------------------------------------------


def test_open_work_order_lands_in_shop(repo: MemoryRepository) -> None:
    ada = create_contact(repo)
    op = open_op(ada.id, rush=True, estimate_cents=6_000, warranty_days=90,
                 promised_date=date(2025, 3, 21), photos=["intake/1.jpg", "intake/2.jpg"],
                 instructions="Size up to 7")
    run(repo, op, version=3)
    wo = order(repo, op.work_order_id)
    assert wo.status is S.IN_SHOP
    assert (wo.rush, wo.price_cents, wo.warranty_days, wo.version) == (True, 6_000, 90, 3)
    assert (wo.opened_at, wo.status_changed_at) == (NOW, NOW)
    assert [a.ref for a in wo.attachments] == ["intake/1.jpg", "intake/2.jpg"]
    [event] = wo.events
    assert (event.from_status, event.to_status, event.user_id) == (None, S.IN_SHOP, USER_ID)


def test_open_work_order_with_an_explicit_price(repo: MemoryRepository) -> None:
    ada = create_contact(repo)
    op = open_op(ada.id, estimate_cents=6_000, price_cents=5_500)
    run(repo, op)
    assert order(repo, op.work_order_id).price_cents == 5_500


def test_open_work_order_refusals(repo: MemoryRepository) -> None:
    ada = create_contact(repo)
    refuse(repo, open_op(ada.id, item_description="  "), ValidationError)
    refuse(repo, open_op(ada.id, estimate_cents=-1), InvalidMoney)
    refuse(repo, open_op(ada.id, price_cents=-1), InvalidMoney)
    refuse(repo, open_op(ada.id, warranty_days=3651), ValidationError)
    refuse(repo, open_op(ada.id, warranty_days=-1), ValidationError)
    refuse(repo, open_op(new_id()), NotFound)
    first = open_op(ada.id)
    run(repo, first)
    refuse(repo, first, Duplicate)
    refuse(repo, open_op(ada.id, number=first.number), Duplicate)
    refuse(repo, open_op(ada.id, redo_of_id=new_id()), NotFound)
    refuse(repo, open_op(ada.id, redo_of_id=first.work_order_id), ValidationError,
           match="picked up")


# --- move_work_order ---------------------------------------------------------------------


def test_lanes_through_to_pickup(repo: MemoryRepository) -> None:
    ada = create_contact(repo)
    op = open_op(ada.id)
    run(repo, op)
    wo_id = op.work_order_id
    later = datetime(2025, 3, 18, 16, 0, tzinfo=UTC)
    move(repo, wo_id, S.IN_PROGRESS, S.ON_HOLD, S.IN_PROGRESS)
    move(repo, wo_id, S.READY_FOR_PICKUP, client_ts=later)
    wo = order(repo, wo_id)
    assert (wo.status, wo.repair_date, wo.status_changed_at) == (S.READY_FOR_PICKUP,
                                                                 date(2025, 3, 18), later)
    move(repo, wo_id, S.PICKED_UP)
    wo = order(repo, wo_id)
    assert (wo.status, wo.picked_up_at) == (S.PICKED_UP, NOW)
    assert [(e.from_status, e.to_status) for e in wo.events] == [
        (None, S.IN_SHOP), (S.IN_SHOP, S.IN_PROGRESS), (S.IN_PROGRESS, S.ON_HOLD),
        (S.ON_HOLD, S.IN_PROGRESS), (S.IN_PROGRESS, S.READY_FOR_PICKUP),
        (S.READY_FOR_PICKUP, S.PICKED_UP)]
    assert len({e.id for e in wo.events}) == len(wo.events)


@pytest.mark.parametrize(
    ("path", "target", "match"),
    [
        ((), S.PICKED_UP, "Ready for Pickup"),
        ((), S.IN_SHOP, "already In Shop"),
        ((S.READY_FOR_PICKUP,), S.CANCELLED, "before cancelling"),
        ((S.READY_FOR_PICKUP, S.PICKED_UP), S.IN_SHOP, "warranty redo"),
        ((S.CANCELLED,), S.IN_SHOP, "cancelled"),
        ((S.ON_HOLD,), S.PICKED_UP, "Ready for Pickup"),
    ],
)
def test_illegal_moves(repo: MemoryRepository, path: tuple[WorkOrderStatus, ...],
                       target: WorkOrderStatus, match: str) -> None:
    ada = create_contact(repo)
    op = open_op(ada.id)
    run(repo, op)
    move(repo, op.work_order_id, *path)
    refuse(repo, MoveWorkOrder(work_order_id=op.work_order_id, to_status=target),
           IllegalTransition, match=match)


def test_move_unknown_work_order(repo: MemoryRepository) -> None:
    refuse(repo, MoveWorkOrder(work_order_id=new_id(), to_status=S.IN_PROGRESS), NotFound)


# --- warranty redo -----------------------------------------------------------------------


def picked_up_job(repo: MemoryRepository, price: int = 4_500, warranty_days: int = 30) -> UUID:
    ada = create_contact(repo)
    op = open_op(ada.id, price_cents=price, warranty_days=warranty_days)
    run(repo, op)
    move(repo, op.work_order_id, S.IN_PROGRESS, S.READY_FOR_PICKUP, S.PICKED_UP)
    assert order(repo, op.work_order_id).repair_date == date(2025, 3, 14)
    return op.work_order_id


@pytest.mark.parametrize(
    ("redo_day", "expected"),
    [
        (date(2025, 3, 20), 0),
        (date(2025, 4, 13), 0),  # repair date + 30 days: the last day of the warranty
        (date(2025, 4, 14), 4_500),
        (date(2025, 9, 1), 4_500),
    ],
)
def test_redo_price_defaults_by_warranty_window(repo: MemoryRepository, redo_day: date,
                                                 expected: int) -> None:
    original = picked_up_job(repo)
    contact_id = order(repo, original).contact_id
    redo = open_op(contact_id, redo_of_id=original, item_description="Stone loose again")
    run(repo, redo, client_ts=datetime.combine(redo_day, datetime.min.time(), UTC)
        .replace(hour=15))
    wo = order(repo, redo.work_order_id)
    assert (wo.price_cents, wo.redo_of_id, wo.status) == (expected, original, S.IN_SHOP)


def test_redo_with_an_explicit_price_keeps_it(repo: MemoryRepository) -> None:
    original = picked_up_job(repo)
    redo = open_op(order(repo, original).contact_id, redo_of_id=original, price_cents=1_000)
    run(repo, redo)
    assert order(repo, redo.work_order_id).price_cents == 1_000


# --- notes, attachments, edits -----------------------------------------------------------


def test_notes_are_append_only_and_allowed_on_finished_jobs(repo: MemoryRepository) -> None:
    original = picked_up_job(repo)
    note_id = new_id()
    run(repo, AddWorkOrderNote(work_order_id=original, note_id=note_id,
                               text="Customer called, happy", internal=False))
    run(repo, AddWorkOrderNote(work_order_id=original, note_id=new_id(), text="Bench note"))
    wo = order(repo, original)
    assert [(n.text, n.internal, n.created_at, n.author_id) for n in wo.notes] == [
        ("Customer called, happy", False, NOW, USER_ID), ("Bench note", True, NOW, USER_ID)]
    refuse(repo, AddWorkOrderNote(work_order_id=original, note_id=note_id, text="again"),
           Duplicate)
    refuse(repo, AddWorkOrderNote(work_order_id=original, note_id=new_id(), text=" "),
           ValidationError)
    refuse(repo, AddWorkOrderNote(work_order_id=new_id(), note_id=new_id(), text="x"), NotFound)


def test_attach_file(repo: MemoryRepository) -> None:
    ada = create_contact(repo)
    op = open_op(ada.id)
    run(repo, op)
    att = new_id()
    run(repo, AttachWorkOrderFile(work_order_id=op.work_order_id, attachment_id=att,
                                  ref="damage/prong.jpg", kind="damage", caption="bent prong"))
    wo = order(repo, op.work_order_id)
    assert [(a.id, a.ref, a.kind, a.caption) for a in wo.attachments] == [
        (att, "damage/prong.jpg", "damage", "bent prong")]
    refuse(repo, AttachWorkOrderFile(work_order_id=op.work_order_id, attachment_id=new_id(),
                                     ref=" "), ValidationError)
    refuse(repo, AttachWorkOrderFile(work_order_id=new_id(), attachment_id=new_id(), ref="x"),
           NotFound)


def test_update_work_order(repo: MemoryRepository) -> None:
    ada = create_contact(repo)
    op = open_op(ada.id)
    run(repo, op)
    run(repo, UpdateWorkOrder(work_order_id=op.work_order_id, changes={
        "price_cents": 7_500, "promised_date": "2025-03-28", "rush": True,
        "technician_id": str(USER_ID)}), version=8)
    wo = order(repo, op.work_order_id)
    assert (wo.price_cents, wo.promised_date, wo.rush, wo.technician_id, wo.version) == (
        7_500, date(2025, 3, 28), True, USER_ID, 8)


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({}, ValidationError),
        ({"status": "picked_up"}, ValidationError),  # moves go through move_work_order
        ({"contact_id": str(new_id())}, ValidationError),
        ({"price_cents": -100}, InvalidMoney),
        ({"price_cents": "75.00"}, InvalidMoney),
        ({"item_description": " "}, ValidationError),
        ({"promised_date": "next week"}, ValidationError),
    ],
)
def test_update_work_order_refusals(repo: MemoryRepository, changes: dict[str, object],
                                    error: type[Exception]) -> None:
    ada = create_contact(repo)
    op = open_op(ada.id)
    run(repo, op)
    refuse(repo, UpdateWorkOrder(work_order_id=op.work_order_id, changes=changes),  # type: ignore[arg-type]
           error)


def test_finished_job_cannot_be_edited(repo: MemoryRepository) -> None:
    original = picked_up_job(repo)
    refuse(repo, UpdateWorkOrder(work_order_id=original, changes={"price_cents": 1}),
           IllegalTransition)
    refuse(repo, UpdateWorkOrder(work_order_id=new_id(), changes={"price_cents": 1}), NotFound)


def test_update_work_order_refuses_negative_warranty_days(repo: MemoryRepository) -> None:
    ada = create_contact(repo)
    op = open_op(ada.id)
    run(repo, op)
    refuse(repo, UpdateWorkOrder(work_order_id=op.work_order_id,
                                 changes={"warranty_days": -30}), ValidationError)
