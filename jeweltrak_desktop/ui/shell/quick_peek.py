"""The quick-peek side panel: a search hit in a few lines, without leaving the screen."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from jeweltrak_desktop.services.search import SearchHit
from jeweltrak_desktop.ui.context import CounterContext
from jeweltrak_desktop.ui.shell.peek_data import Peek, peek_of
from jeweltrak_desktop.ui.shell.search_box import KIND_NAMES
from jeweltrak_desktop.ui.tasks import error_message, run_op

PANEL_WIDTH = 320


class QuickPeekPanel(QFrame):
    """Heading, label/value rows, notes, and an Open button that emits ``open_record``."""

    #: A peek (or the sentence saying why there is none) is on screen.
    peek_shown = Signal()

    def __init__(self, context: CounterContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self._hit: SearchHit | None = None
        self._generation = 0
        self.setObjectName("quick-peek")
        self.setFixedWidth(PANEL_WIDTH)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 14, 16, 14)
        layout.setSpacing(8)
        top = QHBoxLayout()
        self.kind_label = QLabel("")
        self.kind_label.setObjectName("peek-kind")
        self.kind_label.setProperty("muted", True)
        self.close_button = QPushButton("Close")
        self.close_button.setObjectName("peek-close")
        self.close_button.setToolTip("Close the quick peek (Esc in the search box)")
        self.close_button.clicked.connect(self.close_peek)
        top.addWidget(self.kind_label, 1)
        top.addWidget(self.close_button)
        layout.addLayout(top)
        self.heading = QLabel("")
        self.heading.setObjectName("peek-heading")
        self.heading.setWordWrap(True)
        self.heading.setProperty("sectionTitle", True)
        layout.addWidget(self.heading)
        self.form = QFormLayout()
        self.form.setHorizontalSpacing(14)
        layout.addLayout(self.form)
        self.notes = QLabel("")
        self.notes.setObjectName("peek-notes")
        self.notes.setWordWrap(True)
        layout.addWidget(self.notes)
        layout.addStretch(1)
        self.open_button = QPushButton("Open")
        self.open_button.setObjectName("peek-open")
        self.open_button.setDefault(True)
        self.open_button.clicked.connect(self.open_current)
        layout.addWidget(self.open_button)
        self.hide()

    @property
    def hit(self) -> SearchHit | None:
        """The record peeked at."""
        return self._hit

    def show_hit(self, hit: SearchHit) -> None:
        """Read the hit's record and show it."""
        self._hit = hit
        self._generation += 1
        generation, store = self._generation, self._context.store
        self.kind_label.setText(KIND_NAMES.get(hit.kind, hit.kind))
        self.heading.setText(hit.title)
        self._fill_rows([])
        self.notes.setText("Reading…")
        self.open_button.setEnabled(False)
        self.show()
        run_op(lambda: peek_of(store, hit), parent=self).success(
            lambda peek: self._show_peek(generation, peek)
        ).failure(lambda exc: self._show_error(generation, exc))

    def _show_peek(self, generation: int, peek: Peek) -> None:
        if generation != self._generation:
            return
        self.heading.setText(peek.heading)
        self._fill_rows(peek.rows)
        if peek.kind == "contact":
            self.notes.setText("Recent purchases:\n" + "\n".join(peek.notes))
        else:
            self.notes.setText("\n".join(peek.notes))
        self.open_button.setEnabled(True)
        self.peek_shown.emit()

    def _show_error(self, generation: int, exc: BaseException) -> None:
        if generation != self._generation:
            return
        self._fill_rows([])
        self.notes.setText(error_message(exc))
        self.peek_shown.emit()

    def _fill_rows(self, rows: list[tuple[str, str]]) -> None:
        while self.form.rowCount():
            self.form.removeRow(0)
        for label, value in rows:
            shown = QLabel(value)
            shown.setObjectName(f"peek-{label.lower()}")
            shown.setWordWrap(True)
            shown.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.form.addRow(f"{label}:", shown)

    def row_values(self) -> dict[str, str]:
        """The rows shown now, label → value (what a test or screen reader reads)."""
        values: dict[str, str] = {}
        for row in range(self.form.rowCount()):
            label = self.form.itemAt(row, QFormLayout.ItemRole.LabelRole)
            field = self.form.itemAt(row, QFormLayout.ItemRole.FieldRole)
            if label is None or field is None:
                continue
            name, value = label.widget(), field.widget()
            if isinstance(name, QLabel) and isinstance(value, QLabel):
                values[name.text().rstrip(":")] = value.text()
        return values

    def open_current(self) -> None:
        """Ask the window to show the peeked record on its page."""
        if self._hit is not None:
            self._context.open_record(self._hit.kind, self._hit.id)

    def close_peek(self) -> None:
        """Hide the panel."""
        self._generation += 1
        self._hit = None
        self.hide()
