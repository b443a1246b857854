"""The lazy inventory list model: it holds only the windows of rows the view has shown.

Sorting and filtering are done by SQLite through ``services.inventory.piece_window``; the
model asks for the window of ``page_size`` rows around what the view paints, off the UI
thread, and keeps at most ``max_pages`` windows. A new query (family, filter, sort) bumps a
generation number, so a late answer to an older query is dropped.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, replace
from uuid import UUID

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor

from jeweltrak_core.inventory.stock import Family
from jeweltrak_desktop.services.inventory import PieceListRow, PieceWindow
from jeweltrak_desktop.ui.pages.inventory.columns import ListColumn, columns_for
from jeweltrak_desktop.ui.piece_table_model import PIECE_ID_ROLE
from jeweltrak_desktop.ui.tasks import run_op

_Index = QModelIndex | QPersistentModelIndex
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_LOADING = QColor("#9aa5b1")
_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
_ALIGN = int(Qt.ItemDataRole.TextAlignmentRole)
_FOREGROUND = int(Qt.ItemDataRole.ForegroundRole)
#: The roles ``data`` answers.
_ROLES = frozenset((_DISPLAY, _TOOLTIP, _ALIGN, _FOREGROUND, int(PIECE_ID_ROLE)))


@dataclass(frozen=True)
class ListQuery:
    """What the list shows: one family, filter words, and the sort."""

    family: Family
    text: str = ""
    sort: str = "stock_id"
    descending: bool = False


#: ``fetch(query, offset, limit, with_total)`` → a window (runs on the database worker).
Fetch = Callable[[ListQuery, int, int, bool], PieceWindow]


class InventoryListModel(QAbstractTableModel):
    """Rows of one family's inventory, fetched a window at a time."""

    #: The first window of a new query is shown; the argument is its row count.
    count_changed = Signal(int)
    #: A window arrived (any query); for tests and the status line.
    window_loaded = Signal()
    #: A fetch failed; the argument is the exception.
    failed = Signal(object)

    def __init__(self, fetch: Fetch, *, show_cost: bool = False, page_size: int = 200,
                 max_pages: int = 12) -> None:
        super().__init__()
        self._fetch = fetch
        self._show_cost = show_cost
        self.page_size = page_size
        self._max_pages = max_pages
        self._query = ListQuery(Family.JEWELRY)
        self._columns: list[ListColumn] = columns_for(self._query.family, show_cost=show_cost)
        self._generation = 0
        self._total = 0
        self._pages: OrderedDict[int, list[PieceListRow]] = OrderedDict()
        self._pending: set[int] = set()
        self._head_running = False
        self._head_again = False
        #: Whether the newest query has been answered.
        self.is_current = False

    # --- what is shown ------------------------------------------------------------------

    @property
    def query(self) -> ListQuery:
        """The query the model shows (or is loading)."""
        return self._query

    @property
    def columns(self) -> list[ListColumn]:
        """The columns, in order."""
        return list(self._columns)

    def column_index(self, key: str) -> int:
        """The position of column ``key``, or -1 when this list has no such column."""
        return next((i for i, c in enumerate(self._columns) if c.key == key), -1)

    def set_query(self, query: ListQuery) -> None:
        """Show another family, filter or sort; the current rows stay until it answers."""
        if query.family != self._query.family:
            self.beginResetModel()
            self._columns = columns_for(query.family, show_cost=self._show_cost)
            self._total = 0
            self._pages.clear()
            self.endResetModel()
        self._query = query
        self.refresh()

    def set_filter(self, text: str) -> None:
        """Filter by words (each a prefix of a word in StockID, barcode, certificate, text)."""
        self.set_query(replace(self._query, text=text.strip()))

    def set_show_cost(self, show: bool) -> None:
        """Add or drop the cost and margin columns."""
        if show == self._show_cost:
            return
        self.beginResetModel()
        self._show_cost = show
        self._columns = columns_for(self._query.family, show_cost=show)
        self.endResetModel()
        if not show and self._query.sort in ("cost", "margin"):
            self.set_query(replace(self._query, sort="stock_id", descending=False))

    def refresh(self) -> None:
        """Ask again for the current query (after an edit, or data pulled by sync).

        One such query runs at a time: typing while one runs only asks again, once, for the
        newest query when it is done (the answer to the older one is dropped).
        """
        self._generation += 1
        self._pending.clear()
        self.is_current = False
        if self._head_running:
            self._head_again = True
            return
        self._head_running = True
        self._request(0, with_total=True)

    def _head_done(self) -> None:
        self._head_running = False
        if self._head_again:
            self._head_again = False
            self._head_running = True
            self._request(0, with_total=True)

    def row_at(self, row: int) -> PieceListRow | None:
        """The piece on ``row`` if its window is loaded."""
        page = self._pages.get(row // self.page_size)
        offset = row % self.page_size
        return page[offset] if page is not None and offset < len(page) else None

    def loaded_pages(self) -> list[int]:
        """Which windows are held (for tests: the model never holds every row)."""
        return sorted(self._pages)

    # --- fetching -----------------------------------------------------------------------

    def _request(self, page: int, *, with_total: bool = False) -> None:
        if page in self._pending and not with_total:
            return
        self._pending.add(page)
        generation, query = self._generation, self._query
        offset, limit, fetch = page * self.page_size, self.page_size, self._fetch
        run_op(lambda: fetch(query, offset, limit, with_total)).success(
            lambda window: self._arrived(generation, page, window)
        ).failure(lambda exc: self._fetch_failed(generation, page, exc, with_total))

    def _arrived(self, generation: int, page: int, window: PieceWindow) -> None:
        if window.total is not None:
            self._head_done()
        if generation != self._generation:
            return
        self._pending.discard(page)
        if window.total is not None:
            self.beginResetModel()
            self._total = window.total
            self._pages.clear()
            self._pages[page] = window.rows
            self.endResetModel()
            self.is_current = True
            self.count_changed.emit(self._total)
        else:
            self._pages[page] = window.rows
            self._pages.move_to_end(page)
            while len(self._pages) > self._max_pages:
                self._pages.popitem(last=False)
            first = page * self.page_size
            last = min(first + len(window.rows), self._total) - 1
            if last >= first:
                self.dataChanged.emit(self.index(first, 0),
                                      self.index(last, len(self._columns) - 1))
        self.window_loaded.emit()

    def _fetch_failed(self, generation: int, page: int, exc: BaseException,
                      head: bool) -> None:
        if head:
            self._head_done()
        if generation == self._generation:
            self._pending.discard(page)
            self.failed.emit(exc)

    # --- QAbstractTableModel --------------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else self._total

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._columns)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        # A view asks for a dozen roles per cell on every paint: answer the others at once.
        if role not in _ROLES or not index.isValid():
            return None
        column_no = index.column()
        if not 0 <= column_no < len(self._columns):
            return None
        column = self._columns[column_no]
        if role == _ALIGN:
            return _RIGHT if column.numeric else None
        row_no = index.row()
        page = self._pages.get(row_no // self.page_size)
        offset = row_no % self.page_size
        row = page[offset] if page is not None and offset < len(page) else None
        if row is None:
            if role == _DISPLAY:
                if 0 <= row_no < self._total:
                    self._request(row_no // self.page_size)
                return "…"
            return _LOADING if role == _FOREGROUND else None
        if role in (_DISPLAY, _TOOLTIP):
            return column.text(row)
        if role == PIECE_ID_ROLE:
            return row.piece_id
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self._columns):
            return None
        column = self._columns[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.header
        if role == Qt.ItemDataRole.TextAlignmentRole and column.numeric:
            return _RIGHT
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self._columns) or not self._columns[column].sortable:
            return
        descending = order == Qt.SortOrder.DescendingOrder
        key = self._columns[column].key
        if (key, descending) != (self._query.sort, self._query.descending):
            self.set_query(replace(self._query, sort=key, descending=descending))

    def piece_ids(self, rows: list[int]) -> list[UUID]:
        """The pieces on ``rows`` whose windows are loaded (in row order)."""
        found = (self.row_at(r) for r in sorted(rows))
        return [row.piece_id for row in found if row is not None]
