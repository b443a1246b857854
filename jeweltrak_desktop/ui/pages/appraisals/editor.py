"""The appraisal editor: the header (client, purpose, appraiser, date, notes) and the items."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from jeweltrak_core.appraisals.entities import Appraisal
from jeweltrak_core.appraisals.rules import AppraisalPurpose, AppraisalStatus
from jeweltrak_core.contacts.entities import Contact
from jeweltrak_core.errors import ValidationError
from jeweltrak_core.ids import new_id
from jeweltrak_desktop.services.local_store import LocalStore
from jeweltrak_desktop.ui.pages.appraisals.lines_table import LinesTable
from jeweltrak_desktop.ui.widgets.contact_picker import ContactPicker
from jeweltrak_desktop.ui.widgets.money import DateEdit, money_text
from jeweltrak_desktop.ui.widgets.page_frame import button, named
from jeweltrak_desktop.ui.widgets.photo_strip import PhotoStrip


class AppraisalEditor(QWidget):
    """Edits one appraisal; a finalized one is shown read-only."""

    def __init__(self, store: LocalStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self.appraisal: Appraisal | None = None
        self.banner = QLabel("", self)
        self.banner.setProperty("banner", True)
        self.banner.setWordWrap(True)
        self.banner.hide()
        self.customer = ContactPicker(store, self, role="customer")
        self.purpose = named(QComboBox(self), "appraisal-purpose")
        for purpose in AppraisalPurpose:
            self.purpose.addItem(purpose.value.title(), purpose)
        self.appraisal_date = DateEdit(self)
        self.appraiser = named(QLineEdit(self), "appraiser-name")
        self.credentials = QLineEdit(self)
        self.notes = QPlainTextEdit(self)
        self.notes.setFixedHeight(48)
        self.notes.setTabChangesFocus(True)
        self.lines = LinesTable(self)
        self.add_line_button = button("Add item", self, name="appraisal-add-line")
        self.remove_line_button = button("Remove item", self)
        self.photo_button = button("Add photo to item…", self, name="appraisal-photo")
        self.photos = PhotoStrip(self)
        self.total = named(QLabel("Total $0.00", self), "appraisal-total")
        self.total.setProperty("sectionTitle", True)
        self._layout()
        self.add_line_button.clicked.connect(self.lines.add_line)
        self.remove_line_button.clicked.connect(self.lines.remove_current)
        self.lines.currentCellChanged.connect(lambda *_a: self._show_photos())
        self.lines.itemChanged.connect(lambda _i: self._update_total())
        self.load(None)

    def _layout(self) -> None:
        form = QFormLayout()
        form.addRow("Client", self.customer)
        form.addRow("Purpose", self.purpose)
        form.addRow("Date", self.appraisal_date)
        form.addRow("Appraiser", self.appraiser)
        form.addRow("Credentials", self.credentials)
        form.addRow("Notes", self.notes)
        items = QHBoxLayout()
        for b in (self.add_line_button, self.remove_line_button, self.photo_button):
            items.addWidget(b)
        items.addStretch(1)
        items.addWidget(self.total)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.banner)
        layout.addLayout(form)
        layout.addWidget(self.lines, 1)
        layout.addLayout(items)
        layout.addWidget(self.photos)

    def load(self, appraisal: Appraisal | None, customer: Contact | None = None) -> None:
        """Show an appraisal (None: a blank new one dated today)."""
        self.appraisal = appraisal
        self.customer.set_contact(customer)
        purpose = appraisal.purpose if appraisal else AppraisalPurpose.INSURANCE
        self.purpose.setCurrentIndex(self.purpose.findData(purpose))
        self.appraisal_date.set_date(appraisal.appraisal_date if appraisal else date.today())
        self.appraiser.setText(appraisal.appraiser_name if appraisal else "")
        self.credentials.setText(appraisal.appraiser_credentials if appraisal else "")
        self.notes.setPlainText((appraisal.notes or "") if appraisal else "")
        self.lines.set_lines(list(appraisal.lines) if appraisal else [])
        self.set_locked(self.is_finalized)
        self._update_total()
        self._show_photos()

    @property
    def is_finalized(self) -> bool:
        """The shown appraisal is finalized (and so read-only)."""
        return self.appraisal is not None and self.appraisal.status == AppraisalStatus.FINALIZED

    def set_locked(self, locked: bool) -> None:
        """Read-only for a finalized appraisal (or a clerk who may not edit appraisals)."""
        self.customer.set_read_only(locked)
        self.purpose.setEnabled(not locked)
        for edit in (self.appraisal_date, self.appraiser, self.credentials):
            edit.setReadOnly(locked)
        self.notes.setReadOnly(locked)
        self.lines.set_locked(locked)
        for b in (self.add_line_button, self.remove_line_button, self.photo_button):
            b.setEnabled(not locked)
        if self.is_finalized and self.appraisal is not None:
            when = self.appraisal.finalized_at
            day = when.astimezone().strftime("%m/%d/%Y") if when else ""
            self.banner.setText(f"Appraisal {self.appraisal.number} was finalized {day} and "
                                "cannot change. Revise makes a new appraisal that replaces it.")
        self.banner.setVisible(self.is_finalized)

    def collect(self) -> Appraisal:
        """The appraisal as typed (ValidationError says what is wrong)."""
        day = self.appraisal_date.date_value("the appraisal date")
        if day is None:
            raise ValidationError("Enter the appraisal date.")
        base = self.appraisal or Appraisal(
            id=new_id(), store_id=self._store.identity.store_id, number="",
            contact_id=None, purpose=AppraisalPurpose.INSURANCE, appraisal_date=day)
        return replace(
            base, contact_id=self.customer.contact_id, purpose=self.purpose.currentData(),
            appraisal_date=day, appraiser_name=self.appraiser.text().strip(),
            appraiser_credentials=self.credentials.text().strip(),
            notes=self.notes.toPlainText().strip() or None, lines=self.lines.read_lines())

    def add_photo_ref(self, row: int, ref: str) -> None:
        """Attach a saved photo reference to item ``row``."""
        self.lines.add_photo(row, ref)
        self._show_photos()

    def _photo_root(self) -> Path:
        return self._store.path.parent / "photos"

    def _show_photos(self) -> None:
        row = self.lines.currentRow()
        refs = self.lines.lines[row].photos if 0 <= row < len(self.lines.lines) else []
        self.photos.set_photos([self._photo_root() / ref for ref in refs])

    def _update_total(self) -> None:
        lines = self.lines.read_lines(strict=False)
        self.total.setText(f"Total {money_text(sum(ln.value_cents for ln in lines))}")
