"""Read-only tables filled from rows of text, each row carrying the record it shows."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

#: The role under which each row's first cell keeps its record.
RECORD_ROLE = Qt.ItemDataRole.UserRole


def make_table(
    headers: Sequence[str],
    *,
    numeric: Sequence[int] = (),
    parent: QWidget | None = None,
    multi: bool = False,
) -> QTableWidget:
    """A read-only, row-selecting table; ``numeric`` columns are right-aligned."""
    table = QTableWidget(0, len(headers), parent)
    table.setHorizontalHeaderLabels(list(headers))
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    mode = QAbstractItemView.SelectionMode
    table.setSelectionMode(mode.ExtendedSelection if multi else mode.SingleSelection)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.verticalHeader().setDefaultSectionSize(26)
    table.verticalHeader().setVisible(False)
    table.setProperty("numericColumns", list(numeric))
    header = table.horizontalHeader()
    # Every column fits its contents (none is squeezed to nothing in a narrow window; a
    # scroll bar appears instead); the last column takes what is left over.
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setStretchLastSection(True)
    for column in numeric:
        item = table.horizontalHeaderItem(column)
        if item is not None:
            item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return table


def fill_table(
    table: QTableWidget, rows: Sequence[Sequence[str]], records: Sequence[object] = ()
) -> None:
    """Replace the rows; ``records[i]`` is kept on row i (read back with ``record_at``)."""
    numeric = set(table.property("numericColumns") or [])
    table.setSortingEnabled(False)
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            item = QTableWidgetItem(text)
            if c in numeric:
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if c == 0 and r < len(records):
                item.setData(RECORD_ROLE, records[r])
            table.setItem(r, c, item)


def record_at(table: QTableWidget, row: int) -> object | None:
    """The record kept on a row."""
    item = table.item(row, 0)
    return item.data(RECORD_ROLE) if item is not None else None


def selected_records(table: QTableWidget) -> list[object]:
    """The records of the selected rows, top to bottom."""
    rows = sorted({index.row() for index in table.selectionModel().selectedRows()})
    return [rec for r in rows if (rec := record_at(table, r)) is not None]


def current_record(table: QTableWidget) -> object | None:
    """The record of the current row (None when nothing is selected)."""
    row = table.currentRow()
    return record_at(table, row) if row >= 0 else None


def select_record(table: QTableWidget, match: object) -> bool:
    """Select the row whose record equals ``match`` (e.g. an ID); False if none does."""
    for r in range(table.rowCount()):
        if record_at(table, r) == match:
            table.selectRow(r)
            item = table.item(r, 0)
            if item is not None:
                table.scrollToItem(item)
            return True
    return False
