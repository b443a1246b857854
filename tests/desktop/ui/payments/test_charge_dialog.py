# mypy: disable-error-code="no-untyped-call"
# (pytest-qt is untyped)
"""The charge dialog's other endings: timed out, cancelled on the reader, closed while waiting."""

from __future__ import annotations

from uuid import UUID

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from jeweltrak_core.sales.tax import LineKind
from jeweltrak_desktop.services import sales
from jeweltrak_desktop.ui.payments.charge_dialog import ChargeDialog, ChargeTarget
from jeweltrak_desktop.ui.payments.network import wait_for_network
from tests.desktop.payments.conftest import Counter


def _invoice(counter: Counter, price_cents: int) -> UUID:
    invoice = sales.new_invoice(counter.local)
    sales.add_charge(counter.local, invoice.id, kind=LineKind.SERVICE,
                     description="Ring sizing", price_cents=price_cents, taxable=False)
    counter.sync.sync_once()
    return invoice.id


def _dialog(qtbot: QtBot, counter: Counter, price_cents: int, timeout: int = 120
            ) -> ChargeDialog:
    target = ChargeTarget("Invoice", price_cents, invoice_id=_invoice(counter, price_cents),
                          timeout_seconds=timeout)
    dialog = ChargeDialog(counter.cards, target)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(dialog.start_button.isEnabled, timeout=15_000)
    qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.banner_state == "waiting" and dialog.charge is not None,
                    timeout=15_000)
    return dialog


def test_no_card_presented_times_out(qtbot: QtBot, counter: Counter) -> None:
    dialog = _dialog(qtbot, counter, 3_000, timeout=5)
    qtbot.waitUntil(lambda: dialog.banner_state == "timed_out", timeout=40_000)
    assert "Timed out" in dialog.banner.text() and "not charged" in dialog.banner.text()
    assert not dialog.cancel_button.isEnabled() and dialog.start_button.isEnabled()
    wait_for_network()


def test_customer_cancels_on_the_reader(qtbot: QtBot, counter: Counter) -> None:
    dialog = _dialog(qtbot, counter, 4_000)
    counter.shop.sim.fail_reader_action(counter.shop.account, counter.shop.reader)
    qtbot.waitUntil(lambda: dialog.banner_state == "cancelled", timeout=30_000)
    assert "Cancelled" in dialog.banner.text()
    wait_for_network()


def test_closing_while_waiting_cancels_the_charge(qtbot: QtBot, counter: Counter) -> None:
    dialog = _dialog(qtbot, counter, 4_500)
    assert dialog.charge is not None
    charge_id = dialog.charge.id
    qtbot.mouseClick(dialog.close_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    wait_for_network()
    assert counter.cards.poll(charge_id, wait_seconds=0).status == "cancelled"


def test_amount_over_the_balance_is_refused_before_the_reader(qtbot: QtBot,
                                                              counter: Counter) -> None:
    target = ChargeTarget("Invoice", 2_000, invoice_id=_invoice(counter, 2_000))
    dialog = ChargeDialog(counter.cards, target)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(dialog.start_button.isEnabled, timeout=15_000)
    qtbot.keyClick(dialog.amount, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(dialog.amount, "20.01")
    qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    assert dialog.banner_state == "error" and "$20.00 balance" in dialog.banner.text()
    assert dialog.charge is None
    wait_for_network()
