"""Column widths of the Sell screen's lines table, kept up to date one row at a time.

Each number column is as wide as its widest text (or its title); the description column
stretches over the rest. Widths are measured when rows arrive or change, never for the
rows already measured, so a scan into a 40-line sale measures one line, not forty
(``ResizeToContents`` would ask the model for every cell on each scan). The discount
column is shown only while some line has a discount.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from PySide6.QtCore import QEvent, QModelIndex, QObject, QPersistentModelIndex
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QTableView

from jeweltrak_desktop.ui.pages.sell.lines_model import SaleLinesModel

_Index = QModelIndex | QPersistentModelIndex
#: Room for the cell padding of the style sheet on both sides of the text.
PADDING = 20


class ColumnFitter(QObject):
    """Follows the model's row signals; ``rows_measured`` counts the rows measured so far."""

    def __init__(self, view: QTableView, model: SaleLinesModel, titles: Sequence[str], *,
                 discount_column: int) -> None:
        super().__init__(view)
        self._view = view
        self._model = model
        self._columns = range(1, len(titles))  # column 0 (the description) stretches
        self._titles = titles
        self._discount = discount_column
        self._title_widths: dict[int, int] = {}
        #: Text widths per row (parallel to the model's rows), and how often each width occurs
        #: per column, so a removed row takes its widths away without re-measuring the rest.
        self._rows: list[tuple[int, ...]] = []
        self._counts = {c: Counter[int]() for c in self._columns}
        self._applied: dict[int, int] = {}
        self._discount_shown: bool | None = None
        self.rows_measured = 0
        model.rowsInserted.connect(self._inserted)
        model.rowsAboutToBeRemoved.connect(self._removing)
        model.rowsRemoved.connect(lambda *_args: self._apply())
        model.dataChanged.connect(self._changed)
        model.modelReset.connect(self.refit)
        view.installEventFilter(self)  # the style sheet's font arrives when it is polished
        self.refit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """A new font (or style) changes every width: measure everything again."""
        if watched is self._view and event.type() in (QEvent.Type.FontChange,
                                                      QEvent.Type.StyleChange):
            self.refit()
        return False

    def _measure(self, row: int) -> tuple[int, ...]:
        metrics = self._view.fontMetrics()
        texts = self._model.row_texts(row)
        self.rows_measured += 1
        return tuple(metrics.horizontalAdvance(texts[c]) if texts[c] else 0
                     for c in self._columns)

    def _count(self, widths: tuple[int, ...], step: int) -> None:
        for column, width in zip(self._columns, widths, strict=True):
            counts = self._counts[column]
            counts[width] += step
            if counts[width] <= 0:
                del counts[width]

    def refit(self) -> None:
        """Measure every row again (after a reset, or a new font)."""
        bold = QFont(self._view.font())
        bold.setBold(True)
        header = QFontMetrics(bold)
        self._title_widths = {c: header.horizontalAdvance(self._titles[c]) + 4
                              for c in self._columns}
        self._rows = [self._measure(row) for row in range(self._model.rowCount())]
        self._counts = {c: Counter[int]() for c in self._columns}
        for widths in self._rows:
            self._count(widths, 1)
        self._applied.clear()
        self._discount_shown = None
        self._apply()

    def _inserted(self, _parent: _Index, first: int, last: int) -> None:
        added = [self._measure(row) for row in range(first, last + 1)]
        self._rows[first:first] = added
        for widths in added:
            self._count(widths, 1)
        self._apply()

    def _removing(self, _parent: _Index, first: int, last: int) -> None:
        for widths in self._rows[first:last + 1]:
            self._count(widths, -1)
        del self._rows[first:last + 1]

    def _changed(self, top_left: QModelIndex, bottom_right: QModelIndex,
                 _roles: Sequence[int] = ()) -> None:
        for row in range(top_left.row(), bottom_right.row() + 1):
            self._count(self._rows[row], -1)
            self._rows[row] = self._measure(row)
            self._count(self._rows[row], 1)
        self._apply()

    def widths(self) -> dict[int, int]:
        """The width each number column should have now."""
        return {c: max(self._title_widths[c], max(self._counts[c], default=0)) + PADDING
                for c in self._columns}

    def _apply(self) -> None:
        """Set only the widths that changed (each setColumnWidth lays the table out again)."""
        for column, width in self.widths().items():
            if self._applied.get(column) != width:
                self._view.setColumnWidth(column, width)
                self._applied[column] = width
        counts = self._counts[self._discount]
        shown = sum(counts.values()) > counts.get(0, 0)
        if shown is not self._discount_shown:
            self._view.setColumnHidden(self._discount, not shown)
            self._discount_shown = shown
