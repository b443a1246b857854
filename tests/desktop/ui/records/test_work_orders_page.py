"""The Work Orders board: intake by the dialog, then the card moved to Ready for Pickup."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from PIL import Image
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from jeweltrak_core.contacts.entities import Contact
from jeweltrak_core.payments.entities import Deposit
from jeweltrak_core.permissions import Permission
from jeweltrak_core.work_orders.rules import WorkOrderStatus
from jeweltrak_desktop.services import work_orders
from jeweltrak_desktop.services.local_store import Actor
from jeweltrak_desktop.store.schema import table_of
from jeweltrak_desktop.ui.context import CounterContext
from jeweltrak_desktop.ui.pages.work_orders import WorkOrdersPage
from jeweltrak_desktop.ui.pages.work_orders.board import card_text

from .helpers import click, press, type_text


def _lane_texts(page: WorkOrdersPage, status: WorkOrderStatus) -> list[str]:
    lane = page.lanes[status]
    return [lane.item(i).text() for i in range(lane.count())]


def test_intake_then_moved_to_ready_for_pickup(
    qtbot: QtBot, context: CounterContext, show: Callable[[QWidget], QWidget], tmp_path: Path
) -> None:
    store = context.store
    with store.reader() as repo:
        customer = next(c for c in repo.list(Contact, table_of(Contact).table.c.is_customer.is_(
            True), table_of(Contact).table.c.is_vendor.is_(False), limit=30) if c.phones)
    photo = tmp_path / "intake.png"
    Image.new("RGB", (300, 200), (200, 160, 40)).save(photo)

    page = WorkOrdersPage(context)
    show(page)
    page.activate()
    qtbot.waitUntil(lambda: page.lanes[WorkOrderStatus.IN_SHOP].count() > 0)
    # The demo's rush job is first in its lane.
    assert "RUSH" in _lane_texts(page, WorkOrderStatus.IN_SHOP)[0]

    dialog = page.open_intake()
    type_text(dialog.customer.search, customer.phones[0])
    qtbot.waitUntil(lambda: dialog.customer.results.count() > 0)
    press(dialog.customer.search, Qt.Key.Key_Return)
    type_text(dialog.item, "Yellow gold signet ring")
    type_text(dialog.instructions, "Size up from 9 to 10; polish")
    press(dialog.rush, Qt.Key.Key_Space)
    type_text(dialog.estimate, "85.00")
    type_text(dialog.deposit, "40")
    dialog.add_photos([photo])
    click(dialog.open_button)
    qtbot.waitUntil(lambda: page.order is not None
                    and page.order.item_description == "Yellow gold signet ring")
    order = page.order
    assert order is not None and order.rush and order.estimate_cents == 8_500
    assert len(order.attachments) == 1
    assert (work_orders.photo_dir(store) / order.attachments[0].ref).is_file()
    with store.reader() as repo:
        deposits = repo.list(Deposit, table_of(Deposit).table.c.work_order_id == str(order.id))
    assert [d.amount_cents for d in deposits] == [4_000]
    assert page.detail.facts["Deposits"].text() == "$40.00 (1)"
    # A rush job goes on top of In Shop (with the demo's rush job, ordered by promised date).
    in_shop = _lane_texts(page, WorkOrderStatus.IN_SHOP)
    mine = next(t for t in in_shop if order.number in t)
    assert "RUSH" in mine and "in stage since today" in mine
    assert in_shop.index(mine) < 2

    # Ctrl+Right moves the chosen card one lane along; then the Ready button.
    assert page.lane_of(order.id) == WorkOrderStatus.IN_SHOP
    press(page.lanes[WorkOrderStatus.IN_SHOP], Qt.Key.Key_Right,
                   Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: page.lane_of(order.id) == WorkOrderStatus.IN_PROGRESS)
    click(page.detail.move_buttons[WorkOrderStatus.READY_FOR_PICKUP])
    qtbot.waitUntil(lambda: page.lane_of(order.id) == WorkOrderStatus.READY_FOR_PICKUP)
    saved = work_orders.get_work_order(store, order.id)
    assert saved is not None and saved.status == WorkOrderStatus.READY_FOR_PICKUP
    assert [e.to_status for e in saved.events][-2:] == [
        WorkOrderStatus.IN_PROGRESS, WorkOrderStatus.READY_FOR_PICKUP]
    assert page.lane_titles[WorkOrderStatus.READY_FOR_PICKUP].text() == "Ready for Pickup (1)"
    qtbot.waitUntil(lambda: page.detail.facts["Status"].text() == "Ready for Pickup")


def test_card_shows_days_in_stage() -> None:
    from jeweltrak_core.clock import utc_now
    from jeweltrak_core.ids import new_id
    from jeweltrak_core.work_orders.entities import WorkOrder
    from jeweltrak_core.work_orders.rules import WorkOrderType
    from jeweltrak_desktop.services.work_orders import BoardCard

    now = utc_now()
    order = WorkOrder(id=new_id(), store_id=new_id(), number="RDA-9", type=WorkOrderType.REPAIR,
                      contact_id=new_id(), item_description="Chain solder",
                      opened_at=now - timedelta(days=5), status_changed_at=now - timedelta(days=3))
    text = card_text(BoardCard(order=order, customer="Lee, Ann", days_in_stage=3))
    assert text.splitlines() == ["RDA-9", "Lee, Ann", "Chain solder", "3 days in stage"]


def test_days_in_stage_come_from_the_last_move(context: CounterContext) -> None:
    store = context.store
    lanes = work_orders.board_cards(store, __import__("jeweltrak_core.clock").clock.utc_now()
                                    + timedelta(days=4, hours=1))
    cards = [c for cards in lanes.values() for c in cards]
    assert cards and all(c.days_in_stage == 4 for c in cards)


def test_clerk_without_manage_work_orders_cannot_move_or_open(
    qtbot: QtBot, context: CounterContext, show: Callable[[QWidget], QWidget]
) -> None:
    page = WorkOrdersPage(context)
    show(page)
    context.set_actor(Actor(user_id=None, name="Sam", permissions=frozenset({Permission.SELL})))
    page.apply_permissions(context.actor)
    page.activate()
    qtbot.waitUntil(lambda: page.lanes[WorkOrderStatus.IN_SHOP].count() > 0)
    page.lanes[WorkOrderStatus.IN_SHOP].setCurrentRow(0)
    qtbot.waitUntil(lambda: page.order is not None)
    assert not page.intake_button.isEnabled()
    assert not any(b.isEnabled() for b in page.detail.move_buttons.values())
    assert page.detail.facts["Vendor cost"].isHidden()


def test_print_tickets_previews_three_copies(
    qtbot: QtBot, context: CounterContext, show: Callable[[QWidget], QWidget]
) -> None:
    page = WorkOrdersPage(context)
    show(page)
    page.activate()
    qtbot.waitUntil(lambda: page.lanes[WorkOrderStatus.IN_SHOP].count() > 0)
    page.lanes[WorkOrderStatus.IN_SHOP].setCurrentRow(0)
    qtbot.waitUntil(lambda: page.order is not None)
    assert page.order is not None
    number = page.order.number
    click(page.detail.print_button)
    qtbot.waitUntil(lambda: any(number in d.windowTitle() for d in page.findChildren(QDialog)))
    dialog = next(d for d in page.findChildren(QDialog) if number in d.windowTitle())
    pdf = getattr(dialog, "pdf", b"")
    assert len(PdfReader(io.BytesIO(pdf)).pages) >= 3  # counter, bench and customer copies
    qtbot.waitUntil(lambda: bool(getattr(dialog, "pages", [])), timeout=20_000)
    dialog.close()


def test_intake_keeps_the_job_when_the_deposit_is_refused(
    qtbot: QtBot, context: CounterContext, show: Callable[[QWidget], QWidget]
) -> None:
    store = context.store
    with store.reader() as repo:
        customer = next(c for c in repo.list(Contact, table_of(Contact).table.c.is_customer.is_(
            True), table_of(Contact).table.c.is_vendor.is_(False), limit=30) if c.phones)
    # A bench jeweler may open jobs but not take money.
    context.set_actor(Actor(user_id=None, name="Bench",
                            permissions=frozenset({Permission.MANAGE_WORK_ORDERS})))
    page = WorkOrdersPage(context)
    show(page)
    page.apply_permissions(context.actor)
    page.activate()
    dialog = page.open_intake()
    type_text(dialog.customer.search, customer.phones[0])
    qtbot.waitUntil(lambda: dialog.customer.results.count() > 0)
    press(dialog.customer.search, Qt.Key.Key_Return)
    type_text(dialog.item, "Cameo brooch - new pin stem")
    type_text(dialog.deposit, "20")
    click(dialog.open_button)
    qtbot.waitUntil(lambda: any("deposit was not taken" in box.text()
                                for box in page.findChildren(QMessageBox)))
    qtbot.waitUntil(lambda: page.order is not None
                    and page.order.item_description == "Cameo brooch - new pin stem")
    assert page.order is not None
    assert work_orders.deposits_for_order(store, page.order.id) == []
    for box in page.findChildren(QMessageBox):
        box.close()
