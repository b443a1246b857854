# mypy: disable-error-code="no-untyped-call"
# (pytest-qt is untyped)
"""Reader pairing in Settings, the status bar's reader, offline, deposits by card."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGroupBox
from pytestqt.qtbot import QtBot

from jeweltrak_desktop.services import work_orders as orders_service
from jeweltrak_desktop.services.card_payments import CardPayments
from jeweltrak_desktop.sync.transport import SyncTransport
from jeweltrak_desktop.ui.context import CounterContext
from jeweltrak_desktop.ui.pages.sell import SellPage
from jeweltrak_desktop.ui.pages.settings import SettingsPage
from jeweltrak_desktop.ui.pages.work_orders.page import WorkOrdersPage
from jeweltrak_desktop.ui.payments.charge_dialog import ChargeDialog
from jeweltrak_desktop.ui.payments.network import wait_for_network
from jeweltrak_desktop.ui.shell.status_bar import READER_TEXT, ShellStatusBar
from tests.desktop.payments.conftest import Counter
from tests.desktop.ui.screens import SCREENSHOTS


def _rows(page: SettingsPage) -> list[tuple[str, str]]:
    table = page.readers.table
    return [(table.item(r, 0).text(), table.item(r, 1).text()) for r in range(table.rowCount())]


def test_settings_lists_readers_and_pairs_another(qtbot: QtBot, counter: Counter,
                                                  context: CounterContext) -> None:
    page = SettingsPage(context)
    qtbot.addWidget(page)
    page.resize(900, 1100)
    page.show()
    page.activate()
    qtbot.waitUntil(lambda: _rows(page) == [("Front counter", "Online")], timeout=15_000)
    widget = page.readers
    qtbot.keyClicks(widget.label_field, "Back office")
    qtbot.keyClicks(widget.code_field, "simulated-wpe")
    qtbot.mouseClick(widget.register_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: widget.message.text() == "Paired “Back office”.", timeout=15_000)
    qtbot.waitUntil(lambda: len(_rows(page)) == 2, timeout=15_000)
    assert sorted(_rows(page)) == [("Back office", "Online"), ("Front counter", "Online")]
    assert widget.state_label.text() == "2 reader(s), 2 online."
    shop = counter.shop
    shop.sim.set_reader_status(shop.account, shop.reader, "offline")
    qtbot.mouseClick(widget.refresh_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: ("Front counter", "Offline") in _rows(page), timeout=15_000)
    group = page.findChild(QGroupBox, "reader-settings")
    assert group is not None
    group.grab().save(str(SCREENSHOTS / "reader_settings.png"))


def test_a_bad_code_is_refused_with_the_reason(qtbot: QtBot, context: CounterContext) -> None:
    page = SettingsPage(context)
    qtbot.addWidget(page)
    page.show()
    widget = page.readers
    qtbot.waitUntil(widget.register_button.isEnabled, timeout=15_000)
    qtbot.keyClicks(widget.label_field, "Side counter")
    qtbot.keyClicks(widget.code_field, "not a code")
    qtbot.mouseClick(widget.register_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: widget.message.text() not in ("", "Registering…"),
                    timeout=15_000)
    assert "Paired" not in widget.message.text()
    assert widget.register_button.isEnabled()
    wait_for_network()


def test_status_bar_shows_the_reader(qtbot: QtBot, counter: Counter) -> None:
    bar = ShellStatusBar()
    qtbot.addWidget(bar)
    assert bar.reader_label.text() == READER_TEXT == "Card reader: Not paired with a store server"
    bar.watch_cards(counter.cards)
    qtbot.waitUntil(lambda: bar.reader_label.text() == "Card reader: Front counter — online",
                    timeout=15_000)
    wait_for_network()


def test_offline_keeps_the_card_off_and_says_why(qtbot: QtBot, counter: Counter) -> None:
    context = CounterContext(counter.local)
    unreachable = SyncTransport("http://127.0.0.1:9", lambda: counter.shop.device_token)
    context.payments = CardPayments(unreachable)
    page = SellPage(context)
    qtbot.addWidget(page)
    page.show()
    page.activate()
    reason = "Offline — cards wait for the connection"
    qtbot.waitUntil(lambda: page.side.card_reason.text() == reason + ".", timeout=15_000)
    assert not page.side.card.isEnabled() and page.side.card.toolTip() == reason
    assert not page.side.by_action["email_link"].isEnabled()
    page.sell_actions.run("card")
    assert page.message.text() == reason + "."
    wait_for_network()


def test_deposit_by_card_on_a_work_order(qtbot: QtBot, counter: Counter,
                                         context: CounterContext) -> None:
    shop = counter.shop
    order_id = shop.work_order(shop.contact())
    counter.sync.sync_once()
    page = WorkOrdersPage(context)
    qtbot.addWidget(page)
    page.resize(1280, 760)
    page.show()
    page.show_record("work_order", order_id)
    qtbot.waitUntil(lambda: page.order is not None and page.order.id == order_id,
                    timeout=15_000)
    button = page.detail.deposit_button
    assert button.isEnabled()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    dialog = page.deposit_dialog
    assert isinstance(dialog, ChargeDialog)
    assert dialog.amount.text() == "60.00"  # the job's price, nothing paid yet
    qtbot.waitUntil(dialog.start_button.isEnabled, timeout=15_000)
    qtbot.keyClick(dialog.amount, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(dialog.amount, "25")
    qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.banner_state == "waiting" and dialog.charge is not None,
                    timeout=15_000)
    shop.tap()
    qtbot.waitUntil(lambda: dialog.banner_state == "approved", timeout=30_000)
    counter.sync.sync_once()
    qtbot.waitUntil(lambda: page.deposits_paid == 2_500, timeout=30_000)
    (deposit,) = orders_service.deposits_for_order(counter.local, order_id)
    assert deposit.amount_cents == 2_500
    dialog.close()
    wait_for_network()
