"""Typed shorthands for driving widgets (what pytest-qt's qtbot calls: ``QTest``)."""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLineEdit, QTableWidget, QWidget
from pytestqt.qtbot import QtBot


def click(widget: QWidget) -> None:
    """A left click in the middle of the widget."""
    QTest.mouseClick(widget, Qt.MouseButton.LeftButton)


def type_text(widget: QWidget, text: str) -> None:
    """Type the text key by key."""
    QTest.keyClicks(widget, text)


def press(
    widget: QWidget, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier
) -> None:
    """Press and release one key."""
    QTest.keyClick(widget, key, modifier)


def cell(table: QTableWidget, row: int, column: int) -> str:
    """A cell's text ('' for an empty cell)."""
    item = table.item(row, column)
    return item.text() if item is not None else ""


def row_texts(table: QTableWidget, row: int) -> list[str]:
    """Every cell of a row."""
    return [cell(table, row, c) for c in range(table.columnCount())]


def edit_cell(qtbot: QtBot, table: QTableWidget, row: int, column: int, text: str) -> None:
    """Type into a table cell as a clerk does: F2, the text, Enter."""
    table.setCurrentCell(row, column)
    table.setFocus()
    press(table, Qt.Key.Key_F2)
    qtbot.waitUntil(lambda: any(w.isVisible() for w in table.findChildren(QLineEdit)))
    editor = next(w for w in table.findChildren(QLineEdit) if w.isVisible())
    editor.selectAll()
    type_text(editor, text)
    press(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not shiboken6.isValid(editor) or not editor.isVisible())
