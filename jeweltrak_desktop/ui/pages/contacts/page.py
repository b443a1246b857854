"""The Contacts page: a searchable list on the left, the contact and its history on the right."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from jeweltrak_core.contacts.entities import Contact
from jeweltrak_core.permissions import Permission
from jeweltrak_desktop.services import contacts as contacts_service
from jeweltrak_desktop.services.contacts import ContactHistory
from jeweltrak_desktop.services.local_store import Actor
from jeweltrak_desktop.ui.context import CounterContext
from jeweltrak_desktop.ui.pages.contacts.duplicates import DuplicatesDialog
from jeweltrak_desktop.ui.pages.contacts.editor import ContactForm, changed_fields
from jeweltrak_desktop.ui.tasks import run_op
from jeweltrak_desktop.ui.widgets.money import date_text, money_text
from jeweltrak_desktop.ui.widgets.page_frame import button, named, page_header, page_layout
from jeweltrak_desktop.ui.widgets.tables import (
    current_record,
    fill_table,
    make_table,
    record_at,
    select_record,
)


def _when(moment: datetime | None) -> str:
    return date_text(moment.astimezone().date()) if moment else ""


def history_rows(history: ContactHistory) -> tuple[list[list[str]], list[tuple[str, UUID]]]:
    """Rows for the history table (newest first within each kind) and what each opens."""
    rows: list[list[str]] = []
    records: list[tuple[str, UUID]] = []
    for inv in history.invoices:
        rows.append(["Purchase", inv.number, _when(inv.finalized_at or inv.created_at),
                     str(inv.status).capitalize(), money_text(inv.total_cents)])
        records.append(("invoice", inv.id))
    for memo in history.memos:
        out = sum(ln.price_cents for ln in memo.lines)
        rows.append(["Memo", memo.number, _when(memo.issued_at),
                     str(memo.status).capitalize(), money_text(out)])
        records.append(("memo", memo.id))
    for order in history.work_orders:
        rows.append(["Work order", order.number, _when(order.opened_at),
                     str(order.status).replace("_", " ").capitalize(),
                     money_text(order.price_cents or order.estimate_cents)])
        records.append(("work_order", order.id))
    for a in history.appraisals:
        rows.append(["Appraisal", a.number, date_text(a.appraisal_date),
                     str(a.status).capitalize(), money_text(a.total_cents)])
        records.append(("appraisal", a.id))
    return rows, records


class ContactsPage(QWidget):
    """Find a contact by name, phone or email; edit it; see everything it did with the store."""

    title = "Contacts"

    def __init__(self, context: CounterContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.contact: Contact | None = None
        layout = page_layout(self)
        header, _ = page_header("Contacts", self)
        self.new_button = button("New contact", self, name="new-contact")
        self.duplicates_button = button("Find duplicates…", self, name="find-duplicates")
        header.addWidget(self.new_button)
        header.addWidget(self.duplicates_button)
        layout.addLayout(header)
        splitter = QSplitter(self)
        splitter.addWidget(self._build_list())
        splitter.addWidget(self._build_detail())
        splitter.setSizes([430, 620])
        layout.addWidget(splitter, 1)
        self._timer = QTimer(self, singleShot=True, interval=200)
        self._timer.timeout.connect(self.refresh)
        self.search.textEdited.connect(lambda _t: self._timer.start())
        self.search.returnPressed.connect(self.refresh)
        self.results.itemSelectionChanged.connect(self._selection_changed)
        self.new_button.clicked.connect(self.new_contact)
        self.save_button.clicked.connect(self.save)
        self.duplicates_button.clicked.connect(self._find_duplicates)
        self.history.cellDoubleClicked.connect(self._open_history)
        context.events.data_changed.connect(self._data_changed)
        self.apply_permissions(context.actor)

    def _build_list(self) -> QWidget:
        box = QWidget(self)
        col = QVBoxLayout(box)
        col.setContentsMargins(0, 0, 0, 0)
        self.search = named(QLineEdit(box), "contact-search")
        self.search.setPlaceholderText("Search name, phone or email")
        self.search.setClearButtonEnabled(True)
        self.results = make_table(["Name", "Phone", "Email"], parent=box)
        self.results.setObjectName("contact-results")
        self.count_label = QLabel("", box)
        self.count_label.setProperty("muted", True)
        col.addWidget(self.search)
        col.addWidget(self.results, 1)
        col.addWidget(self.count_label)
        return box

    def _build_detail(self) -> QWidget:
        box = QWidget(self)
        col = QVBoxLayout(box)
        col.setContentsMargins(0, 0, 0, 0)
        self.heading = QLabel("New contact", box)
        self.heading.setProperty("sectionTitle", True)
        self.tabs = QTabWidget(box)
        self.form = ContactForm()
        scroll = QScrollArea(box)
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.form)
        self.history = make_table(["Kind", "Number", "Date", "Status", "Amount"],
                                  numeric=[4], parent=box)
        self.history.setObjectName("contact-history")
        self.tabs.addTab(scroll, "Details")
        self.tabs.addTab(self.history, "History")
        row = QHBoxLayout()
        self.message = QLabel("", box)
        self.message.setProperty("muted", True)
        self.save_button = button("Save contact", box, name="save-contact")
        row.addWidget(self.message, 1)
        row.addWidget(self.save_button)
        col.addWidget(self.heading)
        col.addWidget(self.tabs, 1)
        col.addLayout(row)
        return box

    # --- the page contract -----------------------------------------------------------
    def activate(self) -> None:
        """Refresh the list and put the cursor in the search field."""
        self.refresh()
        self.search.setFocus()

    def apply_permissions(self, actor: Actor) -> None:
        """Editing and merging need manage_contacts."""
        may = Permission.MANAGE_CONTACTS in actor.permissions
        for w in (self.new_button, self.save_button, self.duplicates_button):
            w.setEnabled(may)
        self.form.set_read_only(not may)

    def show_record(self, kind: str, record_id: UUID) -> bool:
        """Open a contact."""
        if kind != "contact":
            return False
        self.load_contact(record_id)
        return True

    # --- list ------------------------------------------------------------------------
    def refresh(self) -> None:
        """Search again (the first contacts by name when the field is empty)."""
        words = self.search.text().strip()
        store = self.context.store
        if words:
            fn: Any = lambda: contacts_service.search_contacts(store, words)  # noqa: E731
        else:
            fn = lambda: contacts_service.list_contacts(store)  # noqa: E731
        run_op(fn, parent=self).success(self._show_results)

    def _show_results(self, found: list[Contact]) -> None:
        rows = [[c.display_name, c.phones[0] if c.phones else "",
                 c.emails[0] if c.emails else ""] for c in found]
        self.results.blockSignals(True)  # refilling must not open another contact
        fill_table(self.results, rows, [c.id for c in found])
        self.results.clearSelection()
        if self.contact is not None:
            select_record(self.results, self.contact.id)
        self.results.blockSignals(False)
        self.count_label.setText(f"{len(found)} contact(s) shown")

    def _selection_changed(self) -> None:
        contact_id = current_record(self.results)
        if isinstance(contact_id, UUID) and (self.contact is None or self.contact.id != contact_id):
            self.load_contact(contact_id)

    def _data_changed(self) -> None:
        if self.isVisible():
            self.refresh()

    # --- one contact -------------------------------------------------------------------
    def load_contact(self, contact_id: UUID, message: str = "") -> None:
        """Show a contact and its history (and ``message`` under the form)."""
        store = self.context.store

        def read() -> tuple[Contact, ContactHistory]:
            return (contacts_service.get_contact(store, contact_id),
                    contacts_service.contact_history(store, contact_id))

        run_op(read, parent=self).success(lambda loaded: self._show_contact(loaded, message))

    def _show_contact(self, loaded: tuple[Contact, ContactHistory], message: str) -> None:
        contact, history = loaded
        self.contact = contact
        self.heading.setText(contact.display_name)
        self.form.load(contact)
        rows, records = history_rows(history)
        fill_table(self.history, rows, records)
        self.tabs.setTabText(1, f"History ({len(rows)})")
        self.message.setText(message)
        select_record(self.results, contact.id)

    def new_contact(self) -> None:
        """Clear the form for a new contact."""
        self.contact = None
        self.results.clearSelection()
        self.heading.setText("New contact")
        self.form.load(None)
        fill_table(self.history, [])
        self.tabs.setTabText(1, "History")
        self.tabs.setCurrentIndex(0)
        self.form.first_name.setFocus()

    def save(self) -> None:
        """Create the contact, or save the fields that changed."""
        store = self.context.store
        try:
            values = self.form.values()
        except Exception as exc:  # a date typed wrong: say so where the clerk looks
            self.message.setText(getattr(exc, "message", str(exc)))
            return
        before = self.contact
        if before is None:
            op: Any = lambda: contacts_service.create_contact(store, **values)  # noqa: E731
        else:
            changes = changed_fields(before, values)
            if not changes:
                self.message.setText("Nothing changed.")
                return
            op = lambda: contacts_service.patch_contact(  # noqa: E731
                store, before.id, base_version=before.version, **changes)
        run_op(op, parent=self).success(self._saved)

    def _saved(self, contact: Contact) -> None:
        self.context.notify_changed()
        self.context.events.status_message.emit(f"Saved {contact.display_name}")
        self.load_contact(contact.id, "Saved.")
        if not self.search.text().strip():
            self.search.setText(contact.display_name.split(",")[0])
        self.refresh()

    def _open_history(self, row: int, _column: int) -> None:
        record = record_at(self.history, row)
        if isinstance(record, tuple):
            self.context.open_record(record[0], record[1])

    def _find_duplicates(self) -> None:
        dialog = DuplicatesDialog(self.context.store, self)
        dialog.merged.connect(lambda _c: self.context.notify_changed())
        dialog.open()
