"""The Sell screen's lines table: one row per invoice line, amounts formatted for display."""

from __future__ import annotations

from uuid import UUID

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from jeweltrak_core.money import format_money
from jeweltrak_core.sales.operations import line_total
from jeweltrak_core.sales.tax import LineKind
from jeweltrak_desktop.services.sell_screen import SaleLineView

_Index = QModelIndex | QPersistentModelIndex

COLUMNS = ("Description", "StockID", "Qty", "Price", "Discount", "Line total", "Cost", "Margin")
#: The per-line adjustment (a dollar discount).
DISCOUNT_COLUMN = 4
#: Columns shown only to staff with the view-cost permission.
COST_COLUMNS = (6, 7)
_MONEY_COLUMNS = frozenset({3, 4, 5, 6, 7})
_KIND_LABELS = {
    LineKind.SERVICE: "Service",
    LineKind.MISC: "Misc",
    LineKind.TRADE_IN: "Trade-in",
}


class SaleLinesModel(QAbstractTableModel):
    """Lines of the invoice being sold (read-only; edits go through the services).

    A scanned piece is shown at once as a *pending* row (greyed) while the invoice is
    saved; the saved lines then take its place. Rows are updated in place, never reset, so
    the selection and scroll position survive every scan. A line's cell texts are worked
    out once and kept while the line is unchanged, so a scan into a long sale formats only
    its new line (``cells_formatted`` counts the lines formatted).
    """

    def __init__(self) -> None:
        super().__init__()
        self._saved: list[SaleLineView] = []
        self._pending: list[tuple[int, SaleLineView]] = []
        self._rows: list[SaleLineView] = []
        self._cells: list[tuple[str, ...]] = []
        self._known: dict[tuple[object, ...], tuple[str, ...]] = {}
        self.cells_formatted = 0

    def set_lines(self, lines: list[SaleLineView]) -> None:
        """Show the saved lines (pending rows for pieces not among them stay below)."""
        self._saved = list(lines)
        pieces = {v.line.piece_id for v in lines if v.line.piece_id}
        self._pending = [(t, v) for t, v in self._pending if v.line.piece_id not in pieces]
        self._show()

    def add_pending(self, token: int, view: SaleLineView) -> None:
        """A scanned piece, shown before its save completes."""
        if any(v.line.piece_id == view.line.piece_id for v in self._rows):
            return
        self._pending.append((token, view))
        self._show()

    def drop_pending(self, token: int, *, refresh: bool = True) -> None:
        """A scan was saved or refused: its pending row goes (at once, or with the next
        ``set_lines`` when ``refresh`` is False)."""
        self._pending = [(t, v) for t, v in self._pending if t != token]
        if refresh:
            self._show()

    def row_texts(self, row: int) -> tuple[str, ...]:
        """What a row shows, column by column (for sizing the columns)."""
        return self._cells[row]

    def is_pending(self, row: int) -> bool:
        """Whether a row is still being saved."""
        return row >= len(self._saved)

    def _texts(self, rows: list[SaleLineView]) -> list[tuple[str, ...]]:
        """Each row's cell texts: kept ones for unchanged lines, formatted for the others."""
        known, self._known = self._known, {}
        texts = []
        for view in rows:
            key = _line_key(view)
            cells = known.get(key)
            if cells is None:
                cells = tuple(cell_text(view, c) for c in range(len(COLUMNS)))
                self.cells_formatted += 1
            self._known[key] = cells
            texts.append(cells)
        return texts

    def _show(self) -> None:
        rows = self._saved + [v for _t, v in self._pending]
        cells = self._texts(rows)
        same = 0
        limit = min(len(rows), len(self._rows))
        while same < limit and rows[same].line.id == self._rows[same].line.id:
            same += 1
        changed = [r for r in range(same)
                   if cells[r] is not self._cells[r] and cells[r] != self._cells[r]]
        if len(self._rows) > same:
            self.beginRemoveRows(QModelIndex(), same, len(self._rows) - 1)
            del self._rows[same:], self._cells[same:]
            self.endRemoveRows()
        self._rows[:same], self._cells[:same] = rows[:same], cells[:same]
        for row in changed:
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))
        if len(rows) > same:
            self.beginInsertRows(QModelIndex(), same, len(rows) - 1)
            self._rows[same:], self._cells[same:] = rows[same:], cells[same:]
            self.endInsertRows()

    def line_at(self, row: int) -> SaleLineView | None:
        """The line on ``row``, or None."""
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, line_id: UUID) -> int:
        """The row showing a line, or -1."""
        return next((i for i, v in enumerate(self._rows) if v.line.id == line_id), -1)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        """Number of lines."""
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        """Number of columns."""
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        """Column titles."""
        if orientation is Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        if orientation is Qt.Orientation.Horizontal and role == Qt.ItemDataRole.TextAlignmentRole:
            return _alignment(section)
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        """Cell text and alignment (asked for every visible cell and role on each paint, so
        the common answers come first and from tables built once)."""
        row = index.row()
        if not 0 <= row < len(self._rows):
            return None
        if role == _DISPLAY:
            return self._cells[row][index.column()]
        if role == _ALIGN:
            return _ALIGNMENTS[index.column()]
        if role == _FOREGROUND:
            return _PENDING_COLOR if row >= len(self._saved) else None
        if role == _TOOLTIP and index.column() == 0:
            return self._rows[row].line.description
        if role == _USER:
            return self._rows[row].line.id
        return None


def _line_key(view: SaleLineView) -> tuple[object, ...]:
    """Everything a line's cells are made of: equal keys show equal texts."""
    line = view.line
    return (line.id, line.kind, line.description, line.quantity, line.unit_price_cents,
            line.adjustment_cents, view.stock_id, view.cost_cents)


def _alignment(column: int) -> Qt.AlignmentFlag:
    horizontal = Qt.AlignmentFlag.AlignRight if column >= 2 else Qt.AlignmentFlag.AlignLeft
    return horizontal | Qt.AlignmentFlag.AlignVCenter


_ALIGNMENTS = tuple(_alignment(column) for column in range(len(COLUMNS)))
_DISPLAY, _ALIGN, _FOREGROUND, _TOOLTIP, _USER = (
    Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.TextAlignmentRole,
    Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.UserRole)
#: Lines shown before their save completes are greyed.
_PENDING_COLOR = QColor("#7b8794")


def cell_text(view: SaleLineView, column: int) -> str:
    """What one cell shows."""
    line = view.line
    if column == 0:
        text = line.description
        if view.stock_id:  # the StockID has its own column
            text = text.replace(f"{view.stock_id} ", "", 1)
        label = _KIND_LABELS.get(line.kind)
        return f"{label}: {text}" if label else text
    if column == 1:
        return view.stock_id
    if column == 2:
        return str(line.quantity)
    if column == 3:
        return format_money(line.unit_price_cents)
    if column == 4:
        return f"−{format_money(line.adjustment_cents)}" if line.adjustment_cents else ""
    total = line_total(line)
    if column == 5:
        return format_money(total)
    if line.kind in (LineKind.TRADE_IN, LineKind.SERVICE, LineKind.MISC) and not view.cost_cents:
        return ""
    if column == 6:
        cost = -view.cost_cents if line.kind is LineKind.RETURN else view.cost_cents
        return format_money(cost)
    cost = -view.cost_cents if line.kind is LineKind.RETURN else view.cost_cents
    return format_money(total - cost)
