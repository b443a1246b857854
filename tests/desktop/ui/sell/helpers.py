"""Driving the Sell page like a clerk: scanner, keys, forms; and demo data to sell."""

from __future__ import annotations

from PySide6.QtCore import Qt, QThreadPool
from PySide6.QtGui import QColor, QPainter, QPixmap
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from jeweltrak_core.inventory.entities import Piece
from jeweltrak_core.inventory.stock import Family
from jeweltrak_desktop.services import inventory
from jeweltrak_desktop.services.local_store import LocalStore
from jeweltrak_desktop.ui.pages.sell import SellPage
from jeweltrak_desktop.ui.pages.sell.page import scan_lookups
from jeweltrak_desktop.ui.tasks import wait_for_idle


def in_stock(store: LocalStore, count: int) -> list[Piece]:
    """One-of-a-kind pieces in stock (not the ones the demo history sold)."""
    with store.reader() as repo:
        return repo.query(
            Piece,
            "SELECT * FROM pieces WHERE status = 'in_stock' AND is_quantity_item = 0 "
            "AND retail_cents > 0 ORDER BY stock_id DESC LIMIT ?",
            (count,),
        )


def make_chain(store: LocalStore) -> Piece:
    """A quantity item: a rope chain sold by the unit."""
    return inventory.create_piece(
        store, family=Family.JEWELRY, description="18in rope chain", cost_cents=4_000,
        is_quantity_item=True, qty_purchased=20,
    )


def type_text(qtbot: QtBot, widget: QWidget, text: str) -> None:
    """Type like a person (or a scanner): one key event per character."""
    qtbot.keyClicks(widget, text)  # type: ignore[no-untyped-call]  # pytest-qt is untyped


def key(qtbot: QtBot, widget: QWidget, code: Qt.Key,
        modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    """Press and release one key."""
    qtbot.keyClick(widget, code, modifier)  # type: ignore[no-untyped-call]


def scan(qtbot: QtBot, page: SellPage, code: str) -> None:
    """What a keyboard-wedge scanner does: type the code fast, then Enter; wait for the answer."""
    old_sale, old_message = page.sale, page.message.text()
    type_text(qtbot, page.scan_field, code)
    key(qtbot, page.scan_field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.sale is not old_sale or page.message.text() != old_message)


def press(qtbot: QtBot, page: SellPage, shortcut: str) -> None:
    """Press one of the page's keys (``F10``, ``Alt+C``, ``Ctrl+Del``) in the scan field.

    Waits first for the scan field to have the keyboard: a form that just closed hands the
    focus back asynchronously, and keys reach only the focused window."""
    qtbot.waitUntil(page.scan_field.hasFocus)
    *mods, name = shortcut.split("+")
    modifier = Qt.KeyboardModifier.NoModifier
    for mod in mods:
        modifier |= {"Alt": Qt.KeyboardModifier.AltModifier,
                     "Ctrl": Qt.KeyboardModifier.ControlModifier,
                     "Shift": Qt.KeyboardModifier.ShiftModifier}[mod]
    code = {"Del": Qt.Key.Key_Delete}.get(name) or getattr(Qt.Key, f"Key_{name}")
    key(qtbot, page.scan_field, code, modifier)


def settle() -> None:
    """Let scan look-ups, the saves they queue, and other database work finish and deliver
    their results (a scan's save is queued one event-loop turn after its look-up answers)."""
    for _ in range(2):
        scan_lookups().waitForDone()
        QApplication.processEvents()  # look-up answers: the lines show, saves are scheduled
        QApplication.processEvents()  # the scheduled saves are queued
        wait_for_idle()
        QThreadPool.globalInstance().waitForDone()
        QApplication.processEvents()


def dialog_of(page: SellPage) -> QWidget:
    """The form the page has open."""
    dialog = page.sell_actions.dialog
    assert dialog is not None and dialog.isVisible()
    return dialog


def grab_with_dialog(page: QWidget, dialog: QWidget) -> QPixmap:
    """The page with its open form drawn over it (forms are windows of their own, which a
    grab of the page leaves out), for screenshots."""
    QApplication.processEvents()
    shot = page.grab()
    form = dialog.grab()
    painter = QPainter(shot)
    painter.fillRect(shot.rect(), QColor(0, 0, 0, 70))
    painter.drawPixmap((shot.width() - form.width()) // 2, (shot.height() - form.height()) // 3,
                       form)
    painter.end()
    return shot
