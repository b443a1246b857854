"""The Inventory page: the five families as tabs over a lazy, filterable, sortable list."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from uuid import UUID

from PySide6.QtCore import QModelIndex, QSettings, Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTabBar,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from jeweltrak_core.inventory.entities import Piece
from jeweltrak_core.inventory.stock import Family
from jeweltrak_core.permissions import Permission
from jeweltrak_desktop.services import inventory
from jeweltrak_desktop.services.inventory import PieceWindow
from jeweltrak_desktop.services.local_store import Actor
from jeweltrak_desktop.ui.context import CounterContext
from jeweltrak_desktop.ui.labels import FAMILY_PLURALS
from jeweltrak_desktop.ui.pages.inventory.column_chooser import (
    ColumnChooser,
    ColumnPrefs,
    ui_settings,
)
from jeweltrak_desktop.ui.pages.inventory.columns import COLUMNS
from jeweltrak_desktop.ui.pages.inventory.editor import PieceEditor
from jeweltrak_desktop.ui.pages.inventory.list_model import InventoryListModel, ListQuery
from jeweltrak_desktop.ui.pages.inventory.tag_print import TagPrintDialog
from jeweltrak_desktop.ui.piece_table_model import family_icon
from jeweltrak_desktop.ui.style import ACCENT
from jeweltrak_desktop.ui.tasks import error_message, run_op

#: Families in tab order.
FAMILIES = (Family.JEWELRY, Family.WATCH, Family.DIAMOND, Family.COLORED_STONE, Family.PEARL)
#: Starting widths of the list columns, in pixels (Description takes the rest).
COLUMN_WIDTHS = {"stock_id": 96, "category": 140, "metal": 130, "karat": 64, "status": 118,
                 "location": 110, "quantity": 60, "added": 96, "certificate": 120,
                 "brand": 110, "model": 120, "reference": 110, "lab": 64, "clarity": 70,
                 "color": 70, "shape": 90, "carat": 80, "stones": 70, "pearl_size": 80}
#: Wait this long after a keystroke before filtering (typing fast asks once).
FILTER_DEBOUNCE_MS = 20

_STYLE = f"""
QLineEdit#inventory-filter {{ padding: 6px 8px; border: 1px solid #bcc3cc;
    border-radius: 6px; background: white; font-size: 14px; }}
QLineEdit#inventory-filter:focus {{ border-color: {ACCENT}; }}
QTableView#inventory-list {{ background: white; alternate-background-color: #f7f8fa;
    border: 1px solid #d9dde3; selection-background-color: {ACCENT};
    selection-color: white; }}
QHeaderView::section {{ background: #eef0f3; color: #323f4b; font-weight: bold;
    padding: 5px 8px; border: none; border-bottom: 1px solid #d9dde3; }}
QTabBar::tab {{ padding: 7px 16px; }}
QLabel[pageTitle="true"] {{ font-size: 22px; font-weight: bold; color: #1f2933; }}
QLabel#inventory-count {{ color: #52606d; padding: 0 8px; }}
"""


class InventoryPage(QWidget):
    """Browse, filter, sort, edit and tag the store's pieces."""

    title = "Inventory"

    def __init__(self, context: CounterContext, settings: QSettings | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("inventory-page")
        self.setStyleSheet(_STYLE)
        self.context = context
        self.settings = settings or ui_settings(context.store.path)
        store = context.store

        def fetch(query: ListQuery, offset: int, limit: int, with_total: bool) -> PieceWindow:
            return inventory.piece_window(
                store, family=query.family, text=query.text, sort=query.sort,
                descending=query.descending, offset=offset, limit=limit, with_total=with_total)

        self.model = InventoryListModel(fetch, show_cost=context.can(Permission.VIEW_COST))
        self.model.count_changed.connect(self._count_changed)
        self.model.failed.connect(lambda exc: self.count_label.setText(error_message(exc)))
        self._build()
        self.chooser = ColumnChooser(self.view, self.model, ColumnPrefs(self.settings))
        self.model.modelReset.connect(self.chooser.apply)
        self._stale = True
        self.editor: PieceEditor | None = None
        self.tag_dialog: TagPrintDialog | None = None
        context.events.data_changed.connect(self._data_changed)
        context.events.actor_changed.connect(self.apply_permissions)
        self.apply_permissions(context.actor)

    # --- layout -------------------------------------------------------------------------

    def _build(self) -> None:
        self.filter_edit = QLineEdit()
        self.filter_edit.setObjectName("inventory-filter")
        self.filter_edit.setPlaceholderText(
            "Filter: StockID, barcode, certificate, words of the description…")
        self.filter_edit.setClearButtonEnabled(True)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(FILTER_DEBOUNCE_MS)
        self._debounce.setTimerType(Qt.TimerType.PreciseTimer)
        self._debounce.timeout.connect(lambda: self.model.set_filter(self.filter_edit.text()))
        self.filter_edit.textChanged.connect(lambda _t: self._debounce.start())
        self.count_label = QLabel("Loading…")
        self.count_label.setObjectName("inventory-count")
        self.count_label.setProperty("muted", True)
        self.new_button = self._button("New piece", "new-piece", self.new_piece, "Ctrl+N")
        self.edit_button = self._button("Edit", "edit-piece", self.edit_selected, "Ctrl+E")
        self.tags_button = self._button("Print tags…", "print-tags", self.print_tags, "Ctrl+T")
        top = QHBoxLayout()
        top.addWidget(self.filter_edit, 1)
        top.addWidget(self.count_label)
        for button in (self.new_button, self.edit_button, self.tags_button):
            top.addWidget(button)
        self.tabs = QTabBar()
        self.tabs.setObjectName("family-tabs")
        self.tabs.setExpanding(False)
        self.tabs.setDrawBase(False)
        self.tabs.setToolTip("Ctrl+PgDown / Ctrl+PgUp: next or previous family")
        for family in FAMILIES:
            self.tabs.addTab(family_icon(family.value), FAMILY_PLURALS[family])
        self.tabs.currentChanged.connect(self._tab_changed)
        self.view = self._build_view()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 14, 18, 14)
        title = QLabel("Inventory")
        title.setProperty("pageTitle", True)
        layout.addWidget(title)
        layout.addLayout(top)
        layout.addWidget(self.tabs)
        layout.addWidget(self.view, 1)
        QShortcut(QKeySequence("Ctrl+F"), self, self.filter_edit.setFocus)
        QShortcut(QKeySequence("Ctrl+PgDown"), self, lambda: self._step_family(1))
        QShortcut(QKeySequence("Ctrl+PgUp"), self, lambda: self._step_family(-1))

    def _button(self, text: str, name: str, slot: Callable[[], None], keys: str) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.setToolTip(f"{text.rstrip('…')} ({keys})")
        button.clicked.connect(slot)
        QShortcut(QKeySequence(keys), self, slot)
        return button

    def _build_view(self) -> QTableView:
        self._sized_for: tuple[str, ...] = ()
        view = QTableView()
        view.setObjectName("inventory-list")
        view.setModel(self.model)
        view.setAlternatingRowColors(True)
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        view.setSortingEnabled(True)
        view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        view.verticalHeader().setVisible(False)
        view.verticalHeader().setDefaultSectionSize(26)
        header = view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setDefaultSectionSize(110)
        header.setStretchLastSection(False)
        header.setHighlightSections(False)
        view.activated.connect(self._open_index)
        self.model.modelReset.connect(self._size_columns)
        return view

    def _size_columns(self) -> None:
        keys = tuple(c.key for c in self.model.columns)
        if keys == self._sized_for:
            return  # the same columns: keep the widths the clerk may have set
        self._sized_for = keys
        header = self.view.horizontalHeader()
        for column, spec in enumerate(self.model.columns):
            if spec.key == "description":
                header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
                continue
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(column, COLUMN_WIDTHS.get(spec.key, 100))

    # --- the page contract --------------------------------------------------------------

    def activate(self) -> None:
        """Refresh when data changed while hidden; put the cursor in the filter."""
        if self._stale:
            self._stale = False
            self.model.refresh()
        self.filter_edit.setFocus()

    def apply_permissions(self, actor: Actor) -> None:
        """Cost and margin only with VIEW_COST; adding and editing with MANAGE_INVENTORY."""
        self.model.set_show_cost(Permission.VIEW_COST in actor.permissions)
        manage = Permission.MANAGE_INVENTORY in actor.permissions
        self.new_button.setEnabled(manage)
        self.edit_button.setEnabled(manage)

    def show_record(self, kind: str, record_id: UUID) -> bool:
        """Open a piece in the item editor."""
        if kind != "piece":
            return False
        self.open_piece(record_id)
        return True

    # --- actions ------------------------------------------------------------------------

    @property
    def family(self) -> Family:
        """The family whose tab is shown."""
        return FAMILIES[max(self.tabs.currentIndex(), 0)]

    def set_family(self, family: Family) -> None:
        """Show the ``family`` tab."""
        self.tabs.setCurrentIndex(FAMILIES.index(family))

    def _step_family(self, step: int) -> None:
        self.tabs.setCurrentIndex((self.tabs.currentIndex() + step) % len(FAMILIES))

    def _tab_changed(self, index: int) -> None:
        query = self.model.query
        family = FAMILIES[index]
        if not any(c.key == query.sort and c.applies_to(family) for c in COLUMNS):
            query = replace(query, sort="stock_id", descending=False)
        self.model.set_query(replace(query, family=family))
        order = Qt.SortOrder.DescendingOrder if query.descending else Qt.SortOrder.AscendingOrder
        self.view.horizontalHeader().setSortIndicator(self.model.column_index(query.sort), order)

    def _count_changed(self, total: int) -> None:
        noun = "piece" if total == 1 else "pieces"
        shown = f"{total:,} {noun}"
        if self.model.query.text:
            shown += f" match “{self.model.query.text}”"
        self.count_label.setText(shown)

    def _data_changed(self) -> None:
        if self.isVisible():
            self.model.refresh()
        else:
            self._stale = True

    def selected_rows(self) -> list[int]:
        """The selected rows of the list."""
        return sorted({index.row() for index in self.view.selectionModel().selectedRows()})

    def _open_index(self, index: QModelIndex) -> None:
        row = self.model.row_at(index.row())
        if row is not None and self.edit_button.isEnabled():
            self.open_piece(row.piece_id)

    def edit_selected(self) -> None:
        """Open the first selected piece in the editor."""
        ids = self.model.piece_ids(self.selected_rows())
        if ids and self.edit_button.isEnabled():
            self.open_piece(ids[0])

    def open_piece(self, piece_id: UUID) -> None:
        """Read the piece and show it in the item editor."""
        store = self.context.store
        run_op(lambda: inventory.get_piece(store, piece_id), parent=self).success(
            self._show_editor)

    def new_piece(self) -> None:
        """Open the editor on a new piece of the shown family."""
        if self.new_button.isEnabled():
            self._show_editor(None)

    def _show_editor(self, piece: Piece | None) -> None:
        self.editor = PieceEditor(self.context, self.family, piece, parent=self)
        self.editor.open()

    def print_tags(self) -> None:
        """Tags for the selected pieces."""
        rows = [r for r in (self.model.row_at(i) for i in self.selected_rows()) if r]
        if not rows:
            self.count_label.setText("Select the pieces to print tags for.")
            return
        self.tag_dialog = TagPrintDialog(self.context, [r.piece_id for r in rows],
                                         [r.stock_id for r in rows], parent=self)
        self.tag_dialog.open()
