"""The frame every record screen shares: a title row with actions, and a notice line."""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

W = TypeVar("W", bound=QWidget)

RECORDS_STYLE = """
QLabel[notice="true"] { color: #7b8794; font-style: italic; }
QLabel[banner="true"] {
    background: #fff4e5; color: #8a4b00; border: 1px solid #f0c890; border-radius: 6px;
    padding: 6px 10px;
}
QLabel[laneTitle="true"] { font-weight: bold; color: #1f2933; padding: 4px 2px; }
QListWidget[lane="true"] {
    background: #eef0f3; border: 1px solid #d9dde3; border-radius: 6px; padding: 4px;
}
QListWidget[lane="true"]::item {
    background: white; border: 1px solid #cfd5dc; border-radius: 6px; margin: 3px;
    padding: 4px 6px;
}
QListWidget[lane="true"]::item:selected {
    border: 2px solid #2b6cb0; background: #e8f0fb; color: #1f2933;
}
QTableWidget { background: white; alternate-background-color: #f7f8fa; }
"""


def page_header(title: str, parent: QWidget) -> tuple[QHBoxLayout, QLabel]:
    """A row with the page title on the left; add buttons to the returned layout."""
    row = QHBoxLayout()
    label = QLabel(title, parent)
    label.setProperty("pageTitle", True)
    row.addWidget(label)
    row.addStretch(1)
    return row, label


def button(text: str, parent: QWidget, *, name: str = "") -> QPushButton:
    """A push button with an object name for tests and style."""
    b = QPushButton(text, parent)
    if name:
        b.setObjectName(name)
    return b


def page_layout(page: QWidget) -> QVBoxLayout:
    """The page's outer layout with the shared margins and style."""
    page.setStyleSheet(RECORDS_STYLE)
    layout = QVBoxLayout(page)
    layout.setContentsMargins(16, 12, 16, 12)
    layout.setSpacing(8)
    return layout


def named(widget: W, name: str) -> W:
    """Give a widget an object name (for tests and style) and return it."""
    widget.setObjectName(name)
    return widget
