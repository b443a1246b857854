"""The Inventory page driven like a clerk: filter, tabs, the item editor, permissions."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtCore import QSettings, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLineEdit
from pytestqt.qtbot import QtBot

from jeweltrak_core.inventory.stock import Family
from jeweltrak_core.permissions import Permission
from jeweltrak_desktop.documents.samples import make_sample_photo
from jeweltrak_desktop.services import inventory
from jeweltrak_desktop.services.local_store import Actor
from jeweltrak_desktop.ui.context import CounterContext
from jeweltrak_desktop.ui.pages.inventory import InventoryPage
from jeweltrak_desktop.ui.pages.inventory.editor import PieceEditor

pytestmark = pytest.mark.qt

CLERK = Actor(user_id=None, name="Sam", permissions=frozenset({Permission.SELL}))


def headers(page: InventoryPage) -> list[str]:
    model = page.model
    return [str(model.headerData(c, Qt.Orientation.Horizontal))
            for c in range(model.columnCount()) if not page.view.isColumnHidden(c)]


def open_editor_on_row(qtbot: QtBot, page: InventoryPage, row: int) -> PieceEditor:
    index = page.model.index(row, 1)
    page.view.scrollTo(index)
    qtbot.waitExposed(page)
    where = page.view.visualRect(index).center()
    # A real double-click: the first click selects the row, the second opens it.
    QTest.mouseClick(page.view.viewport(), Qt.MouseButton.LeftButton, pos=where)
    QTest.mouseDClick(page.view.viewport(), Qt.MouseButton.LeftButton, pos=where)
    qtbot.waitUntil(lambda: page.editor is not None and page.editor.isVisible(), timeout=5000)
    editor = page.editor
    assert editor is not None
    qtbot.waitUntil(editor.fill_button.isEnabled, timeout=5000)  # multipliers loaded
    return editor


def retype(qtbot: QtBot, widget: QLineEdit, text: str) -> None:
    widget.clear()
    QTest.keyClicks(widget, text)


def test_typing_a_filter_narrows_the_list(qtbot: QtBot, page: InventoryPage) -> None:
    everything = page.model.rowCount()
    assert page.count_label.text() == f"{everything:,} pieces"
    with qtbot.waitSignal(page.model.count_changed, timeout=5000):
        QTest.keyClicks(page.filter_edit, "platinum")
    assert 0 < page.model.rowCount() < everything
    assert "match “platinum”" in page.count_label.text()
    column = page.model.column_index("description")
    for row in range(min(page.model.rowCount(), 50)):
        text = page.model.index(row, column).data()
        assert "platinum" in text.lower()


def test_tabs_switch_the_family(qtbot: QtBot, page: InventoryPage) -> None:
    with qtbot.waitSignal(page.model.count_changed, timeout=5000):
        page.tabs.setCurrentIndex(2)
    assert page.model.query.family is Family.DIAMOND
    assert "Carat" in headers(page) and "Karat" not in headers(page)
    pieces = inventory.list_pieces(page.context.store, family=Family.DIAMOND, limit=10_000)
    assert page.model.rowCount() == len(pieces)
    with qtbot.waitSignal(page.model.count_changed, timeout=5000):
        QTest.mouseClick(page.tabs, Qt.MouseButton.LeftButton,
                         pos=page.tabs.tabRect(1).center())
    assert page.family is Family.WATCH and page.model.query.family.value == "watch"
    assert "Brand" in headers(page)


def test_edit_the_price_and_the_list_shows_it(qtbot: QtBot, page: InventoryPage) -> None:
    editor = open_editor_on_row(qtbot, page, 3)
    piece = editor.piece
    assert piece is not None
    assert editor.fields["description"].text() == piece.description  # type: ignore[attr-defined]
    retype(qtbot, editor.fields["retail_cents"], "4,321.00")  # type: ignore[arg-type]
    with qtbot.waitSignal(page.model.count_changed, timeout=5000):
        QTest.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert not editor.isVisible()
    assert inventory.get_piece(page.context.store, piece.id).retail_cents == 432_100
    row = page.model.row_at(3)
    assert row is not None and row.piece_id == piece.id
    assert page.model.index(3, page.model.column_index("retail")).data() == "$4,321.00"


def test_a_new_piece_gets_prices_from_cost_and_a_photo(
    qtbot: QtBot, page: InventoryPage, tmp_path: Path
) -> None:
    before = page.model.rowCount()
    QTest.mouseClick(page.new_button, Qt.MouseButton.LeftButton)
    editor = page.editor
    assert editor is not None
    qtbot.waitUntil(editor.fill_button.isEnabled, timeout=5000)
    QTest.keyClicks(editor.fields["description"], "18K rose gold signet ring")
    QTest.keyClicks(editor.fields["cost_cents"], "1,000")
    # The demo store's multipliers: retail is 2.5 × cost.
    assert editor.fields["retail_cents"].text() == "2,500.00"  # type: ignore[attr-defined]
    QTest.keyClicks(editor.fields["karat"], "18")
    photo = make_sample_photo(tmp_path / "phone.jpg", width=3000, height=2000)
    editor.add_photo(photo)
    qtbot.waitUntil(lambda: editor.photo_list.count() == 1, timeout=5000)
    with qtbot.waitSignal(page.model.count_changed, timeout=5000):
        QTest.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert page.model.rowCount() == before + 1
    saved = editor.piece
    assert saved is not None and saved.retail_cents == 250_000 and saved.karat == 18
    stored = inventory.photo_path(page.context.store, saved.photos[0])
    with Image.open(stored) as image:
        assert max(image.size) <= 1200


def test_validation_problems_are_shown_in_the_editor(
    qtbot: QtBot, page: InventoryPage
) -> None:
    editor = open_editor_on_row(qtbot, page, 0)
    retype(qtbot, editor.fields["karat"], "abc")  # type: ignore[arg-type]
    QTest.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert editor.isVisible()
    assert "Karat must be a whole number" in editor.error_label.text()
    retype(qtbot, editor.fields["karat"], "30")  # type: ignore[arg-type]
    QTest.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "between 1 and 24" in editor.error_label.text(), timeout=5000)
    assert editor.isVisible()
    retype(qtbot, editor.fields["karat"], "14")  # type: ignore[arg-type]
    editor.fields["description"].clear()  # type: ignore[attr-defined]
    QTest.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "needs a description" in editor.error_label.text(), timeout=5000)
    assert editor.isVisible() and editor.save_button.isEnabled()


def test_a_clerk_without_view_cost_sees_no_cost(
    qtbot: QtBot, context: CounterContext, settings: QSettings
) -> None:
    context.set_actor(CLERK)
    page = InventoryPage(context, settings)
    qtbot.addWidget(page)
    page.show()
    page.activate()
    qtbot.waitUntil(lambda: page.model.is_current, timeout=5000)
    assert "Cost" not in headers(page) and "Margin" not in headers(page)
    assert "Retail" in headers(page)
    assert not page.new_button.isEnabled() and not page.edit_button.isEnabled()
    menu = [a.text() for a in page.chooser.menu().actions()]
    assert "Cost" not in menu and "Margin" not in menu


def test_show_record_opens_a_piece_and_declines_other_kinds(
    qtbot: QtBot, page: InventoryPage
) -> None:
    row = page.model.row_at(7)
    assert row is not None
    assert page.show_record("contact", row.piece_id) is False
    assert page.editor is None
    assert page.show_record("piece", row.piece_id) is True
    qtbot.waitUntil(lambda: page.editor is not None and page.editor.isVisible(), timeout=5000)
    assert page.editor is not None and page.editor.piece is not None
    assert page.editor.piece.stock_id == row.stock_id


def test_cost_is_hidden_in_the_editor_without_view_cost(
    qtbot: QtBot, context: CounterContext, settings: QSettings
) -> None:
    context.set_actor(Actor(user_id=None, name="Lee", permissions=frozenset(
        {Permission.SELL, Permission.MANAGE_INVENTORY})))
    page = InventoryPage(context, settings)
    qtbot.addWidget(page)
    page.show()
    page.activate()
    qtbot.waitUntil(lambda: page.model.is_current, timeout=5000)
    assert page.new_button.isEnabled()
    QTest.mouseClick(page.new_button, Qt.MouseButton.LeftButton)
    editor = page.editor
    assert editor is not None
    assert not editor.fields["cost_cents"].isVisibleTo(editor)
    assert editor.fields["retail_cents"].isVisibleTo(editor)
    assert "cost_cents" not in editor.values()


def test_families_and_filter_are_reachable_by_keyboard(
    qtbot: QtBot, page: InventoryPage
) -> None:
    page.view.setFocus()
    with qtbot.waitSignal(page.model.count_changed, timeout=5000):
        QTest.keyClick(page.view, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
    assert page.family is Family.WATCH
    QTest.keyClick(page.view, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert page.filter_edit.hasFocus()
