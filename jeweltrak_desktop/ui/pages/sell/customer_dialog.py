"""Pick the sale's customer by name or phone, or create one inline (name + phone)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from jeweltrak_core.contacts.entities import Contact
from jeweltrak_core.errors import ValidationError
from jeweltrak_core.money import format_money
from jeweltrak_desktop.services import contacts
from jeweltrak_desktop.ui.context import CounterContext
from jeweltrak_desktop.ui.tasks import error_message, run_op


def split_name(name: str) -> tuple[str, str]:
    """“Ana García” → ("Ana", "García"); a single word is the last name."""
    first, _, last = name.strip().rpartition(" ")
    return first.strip(), last.strip()


class CustomerDialog(QDialog):
    """Type a name or phone, arrow down to the person, Enter; or fill name + phone, Alt+N."""

    picked = Signal(object)  # Contact

    def __init__(self, context: CounterContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Customer")
        self.setMinimumWidth(560)
        self._context = context
        self.search_field = QLineEdit(placeholderText="Name or phone")
        self.results = QListWidget()
        self.message = QLabel("")
        self.message.setProperty("muted", True)
        self.message.setWordWrap(True)
        self.name_field = QLineEdit(placeholderText="First and last name")
        self.phone_field = QLineEdit(placeholderText="(941) 555-0123")
        self.create_button = QPushButton("&New customer")
        self.create_button.setToolTip("Alt+N: create this customer and put them on the sale")
        self._search_timer = QTimer(self, singleShot=True, interval=150)
        self._search_timer.timeout.connect(self._search)
        self._build()
        self.search_field.textChanged.connect(lambda _t: self._search_timer.start())
        self.search_field.installEventFilter(self)
        self.search_field.returnPressed.connect(self._pick_current)
        self.results.itemActivated.connect(lambda _item: self._pick_current())
        self.create_button.clicked.connect(self._create)
        self.phone_field.returnPressed.connect(self._create)

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Find a customer (↓ to the list, Enter to choose)"))
        layout.addWidget(self.search_field)
        layout.addWidget(self.results, 1)
        layout.addWidget(self.message)
        layout.addWidget(QLabel("Or create one"))
        form = QFormLayout()
        form.addRow("Name", self.name_field)
        form.addRow("Phone", self.phone_field)
        layout.addLayout(form)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        buttons.addButton(self.create_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        # Enter picks from the list, never a button.
        for button in buttons.findChildren(QPushButton):
            button.setAutoDefault(False)
            button.setDefault(False)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Down arrow in the search field moves to the results."""
        if (watched is self.search_field and event.type() == QEvent.Type.KeyPress
                and isinstance(event, QKeyEvent) and event.key() == Qt.Key.Key_Down
                and self.results.count()):
            self.results.setFocus()
            if self.results.currentRow() < 0:
                self.results.setCurrentRow(0)
            return True
        return super().eventFilter(watched, event)

    def _search(self) -> None:
        text = self.search_field.text().strip()
        if len(text) < 2:
            self.results.clear()
            return
        store = self._context.store
        run_op(lambda: contacts.search_contacts(store, text, limit=20), parent=self).success(
            self._show_results).failure(self._show_error)

    def _show_results(self, found: list[Contact]) -> None:
        self.results.clear()
        for contact in found:
            detail = " · ".join(contact.phones[:1] + contact.emails[:1])
            if contact.store_credit_cents:
                detail += f" · credit {format_money(contact.store_credit_cents)}"
            item = QListWidgetItem(f"{contact.display_name}   {detail}".rstrip())
            item.setData(Qt.ItemDataRole.UserRole, contact)
            self.results.addItem(item)
        if found:
            self.results.setCurrentRow(0)
        self.message.setText("" if found else "No customer matches; create one below.")

    def _show_error(self, exc: BaseException) -> None:
        self.message.setText(error_message(exc))

    def _pick_current(self) -> None:
        item = self.results.currentItem()
        if item is None:
            return
        self.picked.emit(item.data(Qt.ItemDataRole.UserRole))
        self.accept()

    def _create(self) -> None:
        first, last = split_name(self.name_field.text())
        phone = self.phone_field.text().strip()
        if not (first or last):
            self._show_error(ValidationError("Type the new customer's name."))
            return
        store = self._context.store
        fields = {"first_name": first, "last_name": last, "phones": [phone] if phone else []}
        run_op(lambda: contacts.create_contact(store, **fields), parent=self).success(
            self._created).failure(self._show_error)

    def _created(self, contact: Contact) -> None:
        self._context.notify_changed()
        self.picked.emit(contact)
        self.accept()

