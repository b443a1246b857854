"""A restricted clerk (Sam, Sales group): no Settings, and the shell never shows cost."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget
from pytestqt.qtbot import QtBot

from jeweltrak_core.money import format_money
from jeweltrak_core.permissions import Permission
from jeweltrak_desktop.services import inventory
from jeweltrak_desktop.services.local_store import LocalStore
from jeweltrak_desktop.ui.main_window import MainWindow
from jeweltrak_desktop.ui.shell.registry import PAGES

pytestmark = pytest.mark.qt

SETTINGS_ROW = [spec.key for spec in PAGES].index("settings")


def shell_texts(window: MainWindow) -> list[str]:
    """Every label the shell itself shows (top bar, peek, search results, status bar)."""
    parts: list[QWidget] = [window.peek, window.status_widget, window.offline_banner,
                            window.store_label, window.user_label]
    texts = [label.text() for part in parts for label in part.findChildren(QLabel)]
    texts += [window.store_label.text(), window.user_label.text()]
    texts += [window.search_box.results.item(i).text()
              for i in range(window.search_box.results.count())]
    return texts


def peek_piece(qtbot: QtBot, window: MainWindow, stock_id: str) -> None:
    qtbot.keyClick(window, Qt.Key.Key_F9)
    qtbot.keyClicks(window.search_box, stock_id)
    with qtbot.waitSignal(window.peek.peek_shown, timeout=10_000):
        qtbot.keyClick(window.search_box, Qt.Key.Key_Return)


def test_the_clerk_cannot_see_settings(qtbot: QtBot, clerk_window: MainWindow) -> None:
    window = clerk_window
    assert Permission.MANAGE_SETTINGS not in window.context.actor.permissions
    assert window.navigation.item(SETTINGS_ROW).isHidden()
    qtbot.keyClick(window, Qt.Key.Key_F8)
    assert window.current_page_key() == "sell"
    assert "may not open Settings" in window.status_widget.message_label.text()
    assert window.show_page("settings") is None


def test_the_owner_sees_settings_and_it_hides_again_for_the_clerk(
        qtbot: QtBot, owner_window: MainWindow) -> None:
    from ..conftest import CLERK, sign_in

    window = owner_window
    assert not window.navigation.item(SETTINGS_ROW).isHidden()
    with qtbot.waitSignal(window.page_shown, timeout=10_000):
        qtbot.keyClick(window, Qt.Key.Key_F8)
    assert window.current_page_key() == "settings"
    window.lock()
    sign_in(qtbot, window, *CLERK)
    assert window.navigation.item(SETTINGS_ROW).isHidden()
    assert window.current_page_key() == "sell"  # not left on Settings


def test_the_quick_peek_never_shows_the_clerk_cost(qtbot: QtBot, clerk_window: MainWindow,
                                                   demo_store: LocalStore) -> None:
    window = clerk_window
    piece = next(p for p in inventory.list_pieces(demo_store, limit=200)
                 if p.cost_cents and format_money(p.cost_cents) != format_money(p.retail_cents))
    peek_piece(qtbot, window, piece.stock_id)
    values = window.peek.row_values()
    assert values["Price"] == format_money(piece.retail_cents)
    assert "Cost" not in values
    cost = format_money(piece.cost_cents)
    assert not [t for t in shell_texts(window) if cost in t or "Cost" in t]


def test_the_owner_does_see_cost_in_the_same_peek(qtbot: QtBot, owner_window: MainWindow,
                                                  demo_store: LocalStore) -> None:
    window = owner_window
    piece = next(p for p in inventory.list_pieces(demo_store, limit=200) if p.cost_cents)
    peek_piece(qtbot, window, piece.stock_id)
    assert any(format_money(piece.cost_cents) in t for t in shell_texts(window))
