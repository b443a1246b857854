"""The Overview page: the store, its headline counts, and a piece finder."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from jeweltrak_core.errors import ValidationError
from jeweltrak_core.inventory.entities import Piece
from jeweltrak_core.inventory.stock import Family
from jeweltrak_desktop.services import inventory
from jeweltrak_desktop.services.local_store import LocalStore
from jeweltrak_desktop.services.reports import StoreOverview
from jeweltrak_desktop.ui.labels import FAMILY_PLURALS, STATUS_NAMES
from jeweltrak_desktop.ui.overview_cards import BreakdownCard, CountTile
from jeweltrak_desktop.ui.piece_table_model import Column, PieceTableModel
from jeweltrak_desktop.ui.tasks import error_message, run_op

RESULT_LIMIT = 50
#: Typing pauses this long before the search runs; Enter (or a scanner's CR) runs it at once.
SEARCH_DELAY_MS = 300

_TILES = (
    ("contacts", "Contacts"),
    ("open_invoices", "Open invoices"),
    ("open_memos", "Open memos"),
    ("open_work_orders", "Open work orders"),
)


def find_pieces(store: LocalStore, text: str, *, limit: int = RESULT_LIMIT) -> list[Piece]:
    """Newest pieces for no text; an exact StockID/scan match; else a search by words."""
    text = text.strip()
    if not text:
        return inventory.list_pieces(store, limit=limit)
    if len(text.split()) == 1:
        try:
            piece = inventory.lookup(store, text)
        except ValidationError:
            piece = None  # not something a scanner could send: search it as words instead
        if piece is not None:
            return [piece]
    return inventory.search_pieces(store, text, limit=limit)


def results_caption(text: str, count: int) -> str:
    """The line above the results table."""
    text = text.strip()
    if not text:
        return f"Newest pieces ({count:,} shown)"
    if count == 0:
        return f"No piece matches “{text}”."
    if count == 1:
        return f"1 piece matches “{text}”"
    more = "+" if count >= RESULT_LIMIT else ""  # the search stops at RESULT_LIMIT
    return f"{count:,}{more} pieces match “{text}”"


class OverviewPage(QWidget):
    """Store name and codes, count cards, and the search box over its results table."""

    #: A search (or the first list of newest pieces) has filled the table.
    results_shown = Signal()

    def __init__(self, store: LocalStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self._search_generation = 0
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 16)
        layout.setSpacing(14)
        layout.addLayout(self._build_header())
        layout.addLayout(self._build_cards())
        layout.addLayout(self._build_search())
        self.results_caption = QLabel("Loading the newest pieces…")
        self.results_caption.setObjectName("results-caption")
        layout.addWidget(self.results_caption)
        self.model = PieceTableModel()
        self.table = self._build_table()
        layout.addWidget(self.table, 1)
        self._search_delay = QTimer(self)
        self._search_delay.setSingleShot(True)
        self._search_delay.setInterval(SEARCH_DELAY_MS)
        self._search_delay.timeout.connect(self.run_search)
        self.search_box.textEdited.connect(lambda _text: self._search_delay.start())
        self.search_box.returnPressed.connect(self._search_now)

    # --- building -----------------------------------------------------------------------
    def _build_header(self) -> QVBoxLayout:
        header = QVBoxLayout()
        header.setSpacing(2)
        self.store_name = QLabel("Opening the store…")
        self.store_name.setObjectName("store-name")
        self.store_codes = QLabel("")
        self.store_codes.setObjectName("store-codes")
        header.addWidget(self.store_name)
        header.addWidget(self.store_codes)
        return header

    def _build_cards(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.setSpacing(14)
        self.family_card = BreakdownCard(
            "Pieces by family",
            kind="family",
            badges=True,
            rows=[(str(f), FAMILY_PLURALS[f]) for f in Family],
        )
        self.status_card = BreakdownCard(
            "Pieces by status",
            kind="status",
            rows=[(str(s), name) for s, name in STATUS_NAMES.items()],
        )
        row.addWidget(self.family_card, 1)
        row.addWidget(self.status_card, 1)
        tiles = QGridLayout()
        tiles.setSpacing(14)
        self.tiles: dict[str, CountTile] = {}
        for n, (key, caption) in enumerate(_TILES):
            self.tiles[key] = CountTile(key, caption)
            tiles.addWidget(self.tiles[key], n // 2, n % 2)
        row.addLayout(tiles, 2)
        return row

    def _build_search(self) -> QHBoxLayout:
        row = QHBoxLayout()
        label = QLabel("Find a piece")
        label.setProperty("sectionTitle", True)
        self.search_box = QLineEdit()
        self.search_box.setObjectName("piece-search")
        self.search_box.setPlaceholderText(
            "StockID, scan a barcode, or type words (e.g. sapphire ring)"
        )
        self.search_box.setClearButtonEnabled(True)
        label.setBuddy(self.search_box)
        row.addWidget(label)
        row.addWidget(self.search_box, 1)
        return row

    def _build_table(self) -> QTableView:
        table = QTableView()
        table.setObjectName("piece-results")
        table.setModel(self.model)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setAlternatingRowColors(True)
        table.setShowGrid(False)
        table.setWordWrap(False)
        table.verticalHeader().hide()
        header = table.horizontalHeader()
        header.setHighlightSections(False)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        for column in Column:
            mode = (
                QHeaderView.ResizeMode.Stretch
                if column is Column.DESCRIPTION
                else QHeaderView.ResizeMode.ResizeToContents
            )
            header.setSectionResizeMode(column, mode)
        return table

    # --- data ---------------------------------------------------------------------------
    def show_overview(self, overview: StoreOverview) -> None:
        """Fill the header and the cards from a fresh overview."""
        self.store_name.setText(overview.store_name or "Unnamed store")
        self.store_codes.setText(
            f"Store code {overview.store_code} · Workstation {overview.workstation_code}"
        )
        self.family_card.set_counts(overview.pieces_by_family)
        self.status_card.set_counts(overview.pieces_by_status)
        for key, tile in self.tiles.items():
            tile.set_count(getattr(overview, key))

    def _search_now(self) -> None:
        self._search_delay.stop()
        self.run_search()
        self.search_box.selectAll()  # the next scan replaces this one

    def run_search(self) -> None:
        """Search for what the box holds (or list the newest pieces when it is empty)."""
        self._search_generation += 1
        generation = self._search_generation
        text = self.search_box.text()
        store = self._store
        run_op(lambda: find_pieces(store, text), parent=self).success(
            lambda pieces: self._show_results(generation, text, pieces)
        ).failure(lambda exc: self._show_search_error(generation, exc))

    def _show_results(self, generation: int, text: str, pieces: list[Piece]) -> None:
        if generation != self._search_generation:
            return  # a newer search was typed while this one ran
        self.model.set_pieces(pieces)
        self.results_caption.setText(results_caption(text, len(pieces)))
        self.results_shown.emit()

    def _show_search_error(self, generation: int, exc: BaseException) -> None:
        if generation != self._search_generation:
            return
        self.model.set_pieces([])
        self.results_caption.setText(error_message(exc))
        self.results_shown.emit()

    def focus_search(self) -> None:
        """Put the cursor in the search box, ready for a scan."""
        self.search_box.setFocus(Qt.FocusReason.OtherFocusReason)
        self.search_box.selectAll()
