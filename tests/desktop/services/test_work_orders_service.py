"""Repairs and custom jobs through ``services.work_orders``: intake, the board, notes,
photos, edits, warranty redo; illegal moves write nothing."""

from __future__ import annotations

from datetime import date, timedelta

from jeweltrak_core.contacts.entities import Contact
from jeweltrak_core.errors import IllegalTransition, ValidationError
from jeweltrak_core.payments.rules import Tender
from jeweltrak_core.work_orders.operations import MoveWorkOrder, OpenWorkOrder
from jeweltrak_core.work_orders.rules import WorkOrderStatus, WorkOrderType
from jeweltrak_desktop.services import payments, work_orders
from jeweltrak_desktop.services.local_store import LocalStore

from .helpers import assert_refused, records_one_op, scalar

WS = WorkOrderStatus


def test_intake_writes_the_job_and_one_op(store: LocalStore, customer: Contact) -> None:
    promised = date.today() + timedelta(days=7)
    with records_one_op(store, "open_work_order") as rec:
        order = work_orders.open_work_order(
            store, contact_id=customer.id, item_description="14K ring — size down 2",
            instructions="Keep the engraving", promised_date=promised, estimate_cents=8_500,
            warranty_days=90, photos=["photos/intake-1.jpg"],
        )
    assert order.number == "RDA-1"
    assert order.status is WS.IN_SHOP
    assert order.price_cents == 8_500
    assert [a.ref for a in order.attachments] == ["photos/intake-1.jpg"]
    assert [(e.from_status, e.to_status) for e in order.events] == [(None, WS.IN_SHOP)]
    payload = rec.payload
    assert isinstance(payload, OpenWorkOrder)
    assert (payload.work_order_id, payload.number, payload.type) == (
        order.id,
        "RDA-1",
        WorkOrderType.REPAIR,
    )
    assert (payload.promised_date, payload.estimate_cents) == (promised, 8_500)
    assert rec.touched == {f"work_orders:{order.id}"}
    assert scalar(store, "SELECT count(*) FROM work_order_events") == 1

    with records_one_op(store, "take_deposit") as rec:
        deposit = payments.take_deposit(
            store, contact_id=customer.id, work_order_id=order.id, amount_cents=4_000,
            tender=Tender.CASH,
        )
    assert deposit.work_order_id == order.id


def test_the_card_moves_across_the_board_to_pickup(store: LocalStore, customer: Contact) -> None:
    rush = work_orders.open_work_order(
        store, contact_id=customer.id, item_description="Prong re-tip", rush=True
    )
    normal = work_orders.open_work_order(
        store, contact_id=customer.id, item_description="Rhodium plate",
        promised_date=date.today() + timedelta(days=2),
    )
    board = work_orders.board(store)
    assert [o.id for o in board[WS.IN_SHOP]] == [rush.id, normal.id]

    for target in (WS.IN_PROGRESS, WS.ON_HOLD, WS.IN_PROGRESS, WS.READY_FOR_PICKUP):
        with records_one_op(store, "move_work_order") as rec:
            moved = work_orders.move_work_order(store, normal.id, target)
        assert rec.payload == MoveWorkOrder(work_order_id=normal.id, to_status=target)
        assert rec.touched == {f"work_orders:{normal.id}"}
        assert moved.status is target
    assert moved.repair_date == date.today()
    board = work_orders.board(store)
    assert [o.id for o in board[WS.READY_FOR_PICKUP]] == [normal.id]
    picked = work_orders.move_work_order(store, normal.id, WS.PICKED_UP)
    assert picked.picked_up_at is not None
    assert [e.to_status for e in picked.events] == [
        WS.IN_SHOP,
        WS.IN_PROGRESS,
        WS.ON_HOLD,
        WS.IN_PROGRESS,
        WS.READY_FOR_PICKUP,
        WS.PICKED_UP,
    ]
    assert normal.id not in {o.id for lane in work_orders.board(store).values() for o in lane}


def test_notes_photos_edits_and_a_free_warranty_redo(store: LocalStore, customer: Contact) -> None:
    order = work_orders.open_work_order(
        store, contact_id=customer.id, item_description="Solder broken chain",
        estimate_cents=6_000, warranty_days=30,
    )
    with records_one_op(store, "add_work_order_note") as rec:
        order = work_orders.add_note(store, order.id, "Customer called, ok to proceed")
    assert rec.payload.text == "Customer called, ok to proceed"
    with records_one_op(store, "attach_work_order_file"):
        order = work_orders.attach_photo(store, order.id, "photos/damage.jpg", kind="damage")
    with records_one_op(store, "update_work_order") as rec:
        order = work_orders.update_work_order(store, order.id, price_cents=7_500, rush=True)
    assert rec.payload.changes == {"price_cents": 7_500, "rush": True}
    assert (order.price_cents, order.rush) == (7_500, True)
    assert [n.text for n in order.notes] == ["Customer called, ok to proceed"]
    assert [a.kind for a in order.attachments] == ["damage"]

    work_orders.move_work_order(store, order.id, WS.READY_FOR_PICKUP)
    work_orders.move_work_order(store, order.id, WS.PICKED_UP)
    with records_one_op(store, "open_work_order") as rec:
        redo = work_orders.redo_under_warranty(store, order.id)
    assert rec.payload.redo_of_id == order.id
    assert redo.number == "RDA-2"
    assert redo.price_cents == 0  # inside the 30-day window
    # Notes are append-only and allowed even on a finished job.
    work_orders.add_note(store, order.id, "Redo opened")


def test_illegal_moves_and_edits_write_nothing(store: LocalStore, customer: Contact) -> None:
    order = work_orders.open_work_order(store, contact_id=customer.id, item_description="Sizing")
    assert_refused(
        store, IllegalTransition, work_orders.move_work_order, store, order.id, WS.PICKED_UP
    )
    assert_refused(
        store, IllegalTransition, work_orders.move_work_order, store, order.id, WS.IN_SHOP
    )
    assert_refused(store, ValidationError, work_orders.redo_under_warranty, store, order.id)
    assert_refused(store, ValidationError, work_orders.add_note, store, order.id, "  ")
    assert_refused(store, ValidationError, work_orders.attach_photo, store, order.id, " ")
    assert_refused(
        store, ValidationError, work_orders.update_work_order, store, order.id, number="X-1"
    )
    assert_refused(
        store, ValidationError, work_orders.update_work_order, store, order.id,
        item_description=" ",
    )
    assert_refused(
        store, ValidationError, work_orders.open_work_order, store, contact_id=customer.id,
        item_description=" ",
    )
    assert_refused(
        store, ValidationError, work_orders.open_work_order, store, contact_id=customer.id,
        item_description="Engraving", warranty_days=4_000,
    )

    work_orders.move_work_order(store, order.id, WS.READY_FOR_PICKUP)
    assert_refused(
        store, IllegalTransition, work_orders.move_work_order, store, order.id, WS.CANCELLED
    )
    work_orders.move_work_order(store, order.id, WS.PICKED_UP)
    for target in WS:
        assert_refused(
            store, IllegalTransition, work_orders.move_work_order, store, order.id, target
        )
    assert_refused(
        store, IllegalTransition, work_orders.update_work_order, store, order.id,
        price_cents=100,
    )
