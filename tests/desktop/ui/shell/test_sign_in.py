"""Signing in at the counter with a PIN, wrong PINs, the pause, and locking with Ctrl+L."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from jeweltrak_desktop.services.local_store import LocalStore
from jeweltrak_desktop.services.staff import SIGNED_OUT
from jeweltrak_desktop.ui.main_window import MainWindow
from jeweltrak_desktop.ui.tasks import wait_for_idle

from ..conftest import CLERK, OWNER, sign_in

pytestmark = pytest.mark.qt


def test_the_window_starts_on_sign_in_with_nobody_signed_in(window: MainWindow) -> None:
    assert not window.signed_in
    assert window.screens.currentWidget() is window.sign_in_screen
    assert window.context.actor == SIGNED_OUT
    assert not window.context.actor.permissions
    names = [window.sign_in_screen.staff_list.item(i).text()
             for i in range(window.sign_in_screen.staff_list.count())]
    assert names == ["Dana Owner", "Sam Clerk"]
    assert "Demo Fine Jewelers" in window.sign_in_screen.store_label.text()


def test_typing_the_pin_signs_in(qtbot: QtBot, window: MainWindow) -> None:
    sign_in(qtbot, window, *OWNER)
    assert window.user_label.text() == "Dana Owner"
    assert window.current_page_key() == "sell"
    assert window.pages.currentWidget() is window.page("sell")


def test_the_pin_pad_signs_in(qtbot: QtBot, window: MainWindow) -> None:
    screen = window.sign_in_screen
    assert screen.select_staff(CLERK[0])
    for digit in CLERK[1]:
        qtbot.mouseClick(screen.findChild(QPushButton, f"pin-key-{digit}"),
                         Qt.MouseButton.LeftButton)
    assert screen.pin_field.text() == CLERK[1]
    qtbot.mouseClick(screen.findChild(QPushButton, "pin-key-enter"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.signed_in, timeout=10_000)
    assert window.context.actor.name == "Sam Clerk"


def test_a_wrong_pin_is_refused_with_a_clear_message(qtbot: QtBot, window: MainWindow) -> None:
    screen = window.sign_in_screen
    screen.select_staff("Dana Owner")
    qtbot.keyClicks(screen.pin_field, "2222")  # Sam's PIN, not Dana's
    with qtbot.waitSignal(screen.refused, timeout=10_000):
        qtbot.keyClick(screen.pin_field, Qt.Key.Key_Return)
    assert not window.signed_in
    assert window.context.actor == SIGNED_OUT
    assert screen.message.text() == (
        "That PIN is not right for Dana Owner. 4 tries left before sign-in pauses.")
    assert screen.pin_field.text() == ""


def test_five_wrong_pins_pause_sign_in(qtbot: QtBot, window: MainWindow) -> None:
    screen = window.sign_in_screen
    screen.select_staff("Sam Clerk")
    for _ in range(5):
        qtbot.keyClicks(screen.pin_field, "0000")
        with qtbot.waitSignal(screen.refused, timeout=10_000):
            qtbot.keyClick(screen.pin_field, Qt.Key.Key_Return)
    assert "sign-in waits 30 seconds" in screen.message.text()
    qtbot.keyClicks(screen.pin_field, CLERK[1])  # the right PIN, during the pause
    with qtbot.waitSignal(screen.refused, timeout=10_000):
        qtbot.keyClick(screen.pin_field, Qt.Key.Key_Return)
    assert screen.message.text().startswith("Too many wrong PINs. Wait ")
    assert not window.signed_in


def test_ctrl_l_locks_the_window(qtbot: QtBot, owner_window: MainWindow) -> None:
    window = owner_window
    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not window.signed_in)
    assert window.context.actor == SIGNED_OUT
    assert window.screens.currentWidget() is window.sign_in_screen
    qtbot.keyClick(window, Qt.Key.Key_F2)  # function keys do nothing while locked
    assert not window.signed_in
    sign_in(qtbot, window, *CLERK)
    assert window.user_label.text() == "Sam Clerk"


def test_a_workstation_without_staff_says_where_staff_come_from(qtbot: QtBot,
                                                                store: LocalStore) -> None:
    window = MainWindow(store, refresh_interval_ms=200)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.is_ready, timeout=10_000)
    screen = window.sign_in_screen
    assert screen.staff_list.count() == 0
    assert screen.message.text().startswith("No one can sign in on this workstation yet")
    qtbot.keyClicks(screen.pin_field, "1111")
    qtbot.keyClick(screen.pin_field, Qt.Key.Key_Return)
    assert screen.message.text() == "Choose your name in the list first."
    assert not window.signed_in
    window.close()
    wait_for_idle()
