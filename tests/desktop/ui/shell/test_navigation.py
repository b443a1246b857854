"""Sections: built from the registry, switched with F1–F8 and the list, Ctrl+K/F9 search."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from jeweltrak_desktop.ui.coming_soon_page import ComingSoonPage
from jeweltrak_desktop.ui.context import CounterContext
from jeweltrak_desktop.ui.main_window import MainWindow
from jeweltrak_desktop.ui.shell.registry import PAGES, key_legend, load_page

pytestmark = pytest.mark.qt

F_KEYS = [Qt.Key.Key_F1, Qt.Key.Key_F2, Qt.Key.Key_F3, Qt.Key.Key_F4, Qt.Key.Key_F5,
          Qt.Key.Key_F6, Qt.Key.Key_F7, Qt.Key.Key_F8]


def test_the_sections_are_listed_in_order_with_their_keys(owner_window: MainWindow) -> None:
    listed = [owner_window.navigation.item(i).text() for i in range(len(PAGES))]
    assert [text.split()[-1] for text in listed[:7]] == [
        "Sell", "Inventory", "Contacts", "Memos", "Orders", "Appraisals", "Reports"]
    assert listed[0].startswith("F1") and listed[7] == "F8   Settings"
    assert listed[8].strip() == "Sync problems"
    legend = owner_window.key_legend.text()
    for needed in ("F1 Sell", "F8 Settings", "Ctrl+K or F9 Search", "Ctrl+L Lock"):
        assert needed in legend
    assert key_legend().count("·") == 9  # ten entries


def test_function_keys_switch_sections(qtbot: QtBot, owner_window: MainWindow) -> None:
    window = owner_window
    for key, spec in zip(F_KEYS, PAGES, strict=False):
        with qtbot.waitSignal(window.page_shown, timeout=10_000) as shown:
            qtbot.keyClick(window, key)
        assert shown.args == [spec.key]
        assert window.pages.currentWidget() is window.page(spec.key)
        assert window.navigation.currentRow() == PAGES.index(spec)
        title = getattr(window.page(spec.key), "title", None)
        assert title == spec.title


def test_clicking_a_section_shows_it(qtbot: QtBot, owner_window: MainWindow) -> None:
    window = owner_window
    row = [spec.key for spec in PAGES].index("sync_problems")
    rect = window.navigation.visualItemRect(window.navigation.item(row))
    with qtbot.waitSignal(window.page_shown, timeout=10_000) as shown:
        qtbot.mouseClick(window.navigation.viewport(), Qt.MouseButton.LeftButton,
                         pos=rect.center())
    assert shown.args == ["sync_problems"]


def test_f9_and_ctrl_k_focus_the_global_search(qtbot: QtBot, owner_window: MainWindow) -> None:
    window = owner_window
    qtbot.keyClick(window, Qt.Key.Key_F3)
    window.activateWindow()
    qtbot.keyClick(window.navigation, Qt.Key.Key_F9)
    qtbot.waitUntil(lambda: window.search_box.hasFocus())
    window.lock_button.setFocus()
    qtbot.keyClick(window.lock_button, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.search_box.hasFocus())


def test_a_missing_page_module_is_stood_in_for(window: MainWindow) -> None:
    context: CounterContext = window.context
    page = load_page("jeweltrak_desktop.ui.pages.not_built_yet", "NotBuiltPage", context,
                     title="Later", purpose="Comes later.")
    assert isinstance(page, ComingSoonPage)
    assert page.title == "Later" and not page.isEnabled()
    with pytest.raises(ModuleNotFoundError):  # a broken import inside a page is not hidden
        load_page("no_such_package.pages.sell", "SellPage", context, title="x", purpose="y")


def test_every_page_follows_the_page_contract(owner_window: MainWindow) -> None:
    for spec in PAGES:
        page = owner_window.page(spec.key)
        for method in ("activate", "apply_permissions", "show_record"):
            assert callable(getattr(page, method, None)), f"{spec.key} lacks {method}"
