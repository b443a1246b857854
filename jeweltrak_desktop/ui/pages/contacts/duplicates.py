"""The duplicate finder: pairs that look like one person, merged into the one kept."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from jeweltrak_desktop.services import contacts as contacts_service
from jeweltrak_desktop.services.contacts import DuplicatePair
from jeweltrak_desktop.services.local_store import LocalStore
from jeweltrak_desktop.ui.tasks import run_op
from jeweltrak_desktop.ui.widgets.contact_picker import contact_line
from jeweltrak_desktop.ui.widgets.page_frame import button
from jeweltrak_desktop.ui.widgets.tables import current_record, fill_table, make_table


class DuplicatesDialog(QDialog):
    """Lists likely duplicates; Merge keeps the first contact and moves the second's history."""

    merged = Signal(object)  # the kept Contact

    def __init__(self, store: LocalStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Possible duplicate contacts")
        self.resize(720, 380)
        self._store = store
        self.table = make_table(["Keep", "Merge into it", "Why"], parent=self)
        self.table.setObjectName("duplicate-pairs")
        self.caption = QLabel("Looking for duplicates…", self)
        self.merge_button = button("Merge second into first", self, name="merge-duplicate")
        self.merge_button.clicked.connect(self._merge)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        buttons.addButton(self.merge_button, QDialogButtonBox.ButtonRole.ActionRole)
        layout = QVBoxLayout(self)
        layout.addWidget(self.caption)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        self.refresh()

    def refresh(self) -> None:
        """Look for duplicates again."""
        run_op(lambda: contacts_service.find_duplicates(self._store), parent=self).success(
            self._show
        )

    def _show(self, pairs: list[DuplicatePair]) -> None:
        rows = [[contact_line(p.first), contact_line(p.second), p.reason] for p in pairs]
        fill_table(self.table, rows, pairs)
        self.caption.setText(
            f"{len(pairs)} possible duplicate(s). Merging keeps the first and moves all "
            "history of the second to it." if pairs else "No duplicates found."
        )
        if pairs:
            self.table.selectRow(0)
        self.merge_button.setEnabled(bool(pairs))

    def _merge(self) -> None:
        pair = current_record(self.table)
        if not isinstance(pair, DuplicatePair):
            return
        run_op(
            lambda: contacts_service.merge_contacts(
                self._store, keep_id=pair.first.id, merge_id=pair.second.id
            ),
            parent=self,
        ).success(self._after_merge)

    def _after_merge(self, kept: object) -> None:
        self.merged.emit(kept)
        self.refresh()
