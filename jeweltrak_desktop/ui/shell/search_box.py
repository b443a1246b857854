"""The global search box: StockID or scan, name, phone, certificate or document number.

Results drop down under the box (a floating list inside the window, so focus stays in the
window); choosing one emits ``hit_chosen``. A scan ending in Enter picks the exact piece
at once.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QLineEdit, QListWidget, QListWidgetItem, QWidget

from jeweltrak_desktop.services.local_store import LocalStore
from jeweltrak_desktop.services.search import SearchHit, global_search
from jeweltrak_desktop.ui.tasks import error_message, run_op

#: Typing pauses this long before searching; Enter searches at once.
SEARCH_DELAY_MS = 250
#: The most results the dropdown lists.
RESULT_LIMIT = 12

KIND_NAMES = {
    "piece": "Piece",
    "contact": "Contact",
    "invoice": "Invoice",
    "memo": "Memo",
    "work_order": "Work order",
    "appraisal": "Appraisal",
}


class GlobalSearchBox(QLineEdit):
    """The search field; its results list floats over ``overlay_parent``."""

    hit_chosen = Signal(object)  # SearchHit
    #: A search finished and its results (or its "nothing found") are listed.
    results_shown = Signal()

    def __init__(self, store: LocalStore, overlay_parent: QWidget) -> None:
        super().__init__()
        self._store = store
        self._generation = 0
        self._choose_first = False
        self.setObjectName("global-search")
        self.setPlaceholderText(
            "Search: StockID or scan, name, phone, certificate #, invoice/memo/work order #"
            "   (Ctrl+K)"
        )
        self.setClearButtonEnabled(True)
        self.results = QListWidget(overlay_parent)
        self.results.setObjectName("search-results")
        self.results.hide()
        self.results.itemClicked.connect(self._item_chosen)
        self.results.installEventFilter(self)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.search_now)
        self.textEdited.connect(self._text_edited)
        self.returnPressed.connect(self._return_pressed)

    # --- searching ----------------------------------------------------------------------
    def _text_edited(self, text: str) -> None:
        self._choose_first = False
        if text.strip():
            self._timer.start()
        else:
            self._timer.stop()
            self.hide_results()

    def _return_pressed(self) -> None:
        self._timer.stop()
        self._choose_first = True  # a scanner's Enter: open the exact match at once
        self.search_now()

    def search_now(self) -> None:
        """Run the search for the text in the box."""
        text = self.text().strip()
        if not text:
            return
        self._generation += 1
        generation, store = self._generation, self._store
        run_op(lambda: global_search(store, text, limit=RESULT_LIMIT), parent=self).success(
            lambda hits: self._show(generation, hits)
        ).failure(lambda exc: self._show_error(generation, exc))

    def _show(self, generation: int, hits: list[SearchHit]) -> None:
        if generation != self._generation:
            return  # a newer search is on its way
        self.results.clear()
        for hit in hits:
            item = QListWidgetItem(f"{KIND_NAMES.get(hit.kind, hit.kind)}: {hit.title}\n"
                                   f"    {hit.subtitle}")
            item.setData(Qt.ItemDataRole.UserRole, hit)
            self.results.addItem(item)
        if not hits:
            self._message(f"Nothing matches “{self.text().strip()}”.")
        self._place_results()
        self.results_shown.emit()
        if hits and self._choose_first and (len(hits) == 1 or hits[0].kind == "piece"):
            self._choose(hits[0])
        elif hits:
            self.results.setCurrentRow(0)
        self._choose_first = False

    def _show_error(self, generation: int, exc: BaseException) -> None:
        if generation != self._generation:
            return
        self.results.clear()
        self._message(error_message(exc))
        self._place_results()
        self.results_shown.emit()

    def _message(self, text: str) -> None:
        item = QListWidgetItem(text)
        item.setFlags(Qt.ItemFlag.NoItemFlags)
        self.results.addItem(item)

    def _place_results(self) -> None:
        parent = self.results.parentWidget()
        assert parent is not None
        corner = self.mapTo(parent, QPoint(0, self.height() + 2))
        rows = max(1, self.results.count())
        height = min(rows, 8) * 44 + 6
        self.results.setGeometry(corner.x(), corner.y(), max(self.width(), 420), height)
        self.results.show()
        self.results.raise_()

    def hide_results(self) -> None:
        """Close the dropdown."""
        self.results.hide()

    def hits(self) -> list[SearchHit]:
        """The hits listed now."""
        found = [self.results.item(i).data(Qt.ItemDataRole.UserRole)
                 for i in range(self.results.count())]
        return [h for h in found if isinstance(h, SearchHit)]

    # --- choosing -----------------------------------------------------------------------
    def _item_chosen(self, item: QListWidgetItem) -> None:
        hit = item.data(Qt.ItemDataRole.UserRole)
        if isinstance(hit, SearchHit):
            self._choose(hit)

    def _choose(self, hit: SearchHit) -> None:
        self.hide_results()
        self.selectAll()  # the next scan replaces this one
        self.hit_chosen.emit(hit)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Down and self.results.isVisible() and self.results.count():
            self.results.setFocus()
            if self.results.currentRow() < 0:
                self.results.setCurrentRow(0)
            return
        if event.key() == Qt.Key.Key_Escape and self.results.isVisible():
            self.hide_results()
            return
        super().keyPressEvent(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.results and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if event.key() == Qt.Key.Key_Escape:
                self.hide_results()
                self.setFocus()
                return True
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                item = self.results.currentItem()
                if item is not None:
                    self._item_chosen(item)
                return True
        return super().eventFilter(watched, event)
