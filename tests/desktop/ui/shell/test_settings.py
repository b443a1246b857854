"""The Settings page: pairing, the store as synced, the printer slot, the reader, unpairing."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGroupBox, QLabel, QMessageBox
from pytestqt.qtbot import QtBot

from jeweltrak_desktop.services.local_store import LocalStore
from jeweltrak_desktop.ui.main_window import MainWindow
from jeweltrak_desktop.ui.pages.settings import SettingsPage

pytestmark = pytest.mark.qt


def open_settings(qtbot: QtBot, window: MainWindow) -> SettingsPage:
    with qtbot.waitSignal(window.page_shown, timeout=10_000):
        qtbot.keyClick(window, Qt.Key.Key_F8)
    page = window.page("settings")
    assert isinstance(page, SettingsPage)
    qtbot.waitUntil(lambda: "Name" in page.values(page.store_form), timeout=10_000)
    return page


def test_settings_show_the_pairing_and_the_store(qtbot: QtBot, owner_window: MainWindow,
                                                 demo_store: LocalStore) -> None:
    page = open_settings(qtbot, owner_window)
    pairing = page.values(page.pairing_form)
    assert pairing["Server"] == "None — this is a local demo store"
    assert pairing["Paired"] == "No (local demo, not syncing)"
    assert pairing["Store code"] == demo_store.identity.store_code
    assert pairing["Workstation code"] == demo_store.identity.workstation_code
    with demo_store.transaction() as tx:
        store = tx.store_settings()
    shown = page.values(page.store_form)
    assert shown["Name"] == store.name
    assert shown["Address"] == store.address
    assert shown["Tax number"] == store.tax_number
    assert shown["Sales tax"] == "6%, surtax 1% on the first $5,000.00 of each item"
    slot = page.findChild(QGroupBox, "printer-settings-slot")
    assert slot is not None
    layout = slot.layout()
    assert layout is not None and layout.count() == 1
    reader = page.findChild(QLabel, "reader-state")
    assert reader is not None and reader.text().startswith("Not available yet")


def test_unpairing_asks_first_then_asks_the_app(qtbot: QtBot, owner_window: MainWindow) -> None:
    page = open_settings(qtbot, owner_window)
    assert page.unpair_button.isEnabled()
    qtbot.mouseClick(page.unpair_button, Qt.MouseButton.LeftButton)
    box = page.confirm_box
    assert isinstance(box, QMessageBox) and box.isVisible()
    assert "wipes this workstation's copy" in box.text()
    with qtbot.assertNotEmitted(owner_window.unpair_requested):
        qtbot.mouseClick(box.button(QMessageBox.StandardButton.Cancel),
                         Qt.MouseButton.LeftButton)
    qtbot.mouseClick(page.unpair_button, Qt.MouseButton.LeftButton)
    box = page.confirm_box
    assert box is not None
    with qtbot.waitSignal(owner_window.unpair_requested, timeout=5_000) as asked:
        qtbot.mouseClick(box.button(QMessageBox.StandardButton.Yes), Qt.MouseButton.LeftButton)
    assert asked.args == [False]  # nothing unsynced to discard on the demo
