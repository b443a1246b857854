"""Pick a contact by typing part of a name, phone or email; results show under the field."""

from __future__ import annotations

from uuid import UUID

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QLabel, QLineEdit, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from jeweltrak_core.contacts.entities import Contact
from jeweltrak_desktop.services import contacts as contacts_service
from jeweltrak_desktop.services.local_store import LocalStore
from jeweltrak_desktop.ui.tasks import run_op


def contact_line(contact: Contact) -> str:
    """“Last, First · (941) 555-0123” — how a contact shows in a picker."""
    extra = contact.phones[0] if contact.phones else (contact.emails[0] if contact.emails else "")
    return f"{contact.display_name} · {extra}" if extra else contact.display_name


class ContactPicker(QWidget):
    """A search field; choosing a result (click or Enter) sets ``contact_id``."""

    picked = Signal(object)  # the chosen Contact

    def __init__(
        self, store: LocalStore, parent: QWidget | None = None, *, role: str | None = None
    ) -> None:
        super().__init__(parent)
        self._store = store
        self._role = role  # "customer" or "vendor": offer only contacts with that role
        self.contact_id: UUID | None = None
        self.search = QLineEdit(self)
        self.search.setPlaceholderText("Type a name, phone or email…")
        self.search.setObjectName("contact-picker-search")
        self.results = QListWidget(self)
        self.results.setObjectName("contact-picker-results")
        self.results.setMaximumHeight(110)
        self.results.hide()
        self.chosen = QLabel("No contact chosen", self)
        self.chosen.setProperty("muted", True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        for w in (self.search, self.results, self.chosen):
            layout.addWidget(w)
        self._timer = QTimer(self, singleShot=True, interval=200)
        self._timer.timeout.connect(self._run_search)
        self.search.textEdited.connect(lambda _t: self._timer.start())
        self.search.returnPressed.connect(self._enter)
        self.results.itemActivated.connect(self._choose)
        self.results.itemClicked.connect(self._choose)

    def set_contact(self, contact: Contact | None) -> None:
        """Show a contact as chosen (None clears the choice)."""
        self.contact_id = contact.id if contact else None
        self.chosen.setText(contact_line(contact) if contact else "No contact chosen")
        self.results.hide()

    def set_read_only(self, read_only: bool) -> None:
        """Lock or unlock the choice."""
        self.search.setVisible(not read_only)
        self.results.hide()

    def _run_search(self) -> None:
        words = self.search.text().strip()
        if len(words) < 2:
            self.results.hide()
            return
        run_op(lambda: contacts_service.search_contacts(self._store, words, limit=12),
               parent=self).success(self._show_results)

    def _show_results(self, found: list[Contact]) -> None:
        if self._role is not None:
            found = [c for c in found if getattr(c, f"is_{self._role}")]
        self.results.clear()
        for contact in found:
            item = QListWidgetItem(contact_line(contact))
            item.setData(Qt.ItemDataRole.UserRole, contact)
            self.results.addItem(item)
        self.results.setVisible(bool(found))
        if found:
            self.results.setCurrentRow(0)

    def _enter(self) -> None:
        if self._timer.isActive():  # Enter before the search ran: search now, pick the first
            self._timer.stop()
            self._run_search()
            return
        item = self.results.currentItem()
        if item is not None and self.results.isVisible():
            self._choose(item)

    def _choose(self, item: QListWidgetItem) -> None:
        contact = item.data(Qt.ItemDataRole.UserRole)
        if isinstance(contact, Contact):
            self.set_contact(contact)
            self.search.clear()
            self.picked.emit(contact)
