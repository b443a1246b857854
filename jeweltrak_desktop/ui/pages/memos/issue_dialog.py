"""Issue a memo: the customer, the pieces (scanned or typed StockIDs), the due date."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QVBoxLayout,
    QWidget,
)

from jeweltrak_core.errors import JewelTrakError
from jeweltrak_core.memos.entities import CustomerMemo
from jeweltrak_desktop.services import memos as memos_service
from jeweltrak_desktop.services.local_store import LocalStore
from jeweltrak_desktop.ui.tasks import error_message, run_op
from jeweltrak_desktop.ui.widgets.contact_picker import ContactPicker
from jeweltrak_desktop.ui.widgets.dialogs import FormDialog
from jeweltrak_desktop.ui.widgets.money import DateEdit
from jeweltrak_desktop.ui.widgets.page_frame import button, named


class IssueMemoDialog(FormDialog):
    """Collects a memo and issues it; ``issued`` carries the new memo."""

    issued = Signal(object)

    def __init__(self, store: LocalStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Issue a memo")
        self.resize(520, 480)
        self._store = store
        self.customer = ContactPicker(store, self, role="customer")
        self.code = named(QLineEdit(self), "memo-code")
        self.code.setPlaceholderText("Scan or type a StockID, then Enter")
        self.codes = named(QListWidget(self), "memo-codes")
        self.remove_button = button("Remove piece", self)
        self.due = DateEdit(self)
        self.due.set_date(date.today() + timedelta(days=14))
        self.terms = QLineEdit(self)
        self.terms.setPlaceholderText("e.g. Net 14, return or pay by the due date")
        self.error = QLabel("", self)
        self.error.setStyleSheet("color: #b42318;")
        self.error.setWordWrap(True)
        self.buttons = QDialogButtonBox(self)
        self.issue_button = button("Issue memo", self, name="issue-memo")
        self.buttons.addButton(self.issue_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        form = QFormLayout()
        form.addRow("Customer", self.customer)
        form.addRow("Piece", self.code)
        form.addRow("Pieces", self.codes)
        form.addRow("", self.remove_button)
        form.addRow("Due", self.due)
        form.addRow("Terms", self.terms)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.code.returnPressed.connect(self._add_code)
        self.remove_button.clicked.connect(self._remove_code)
        self.buttons.accepted.connect(self._issue)
        self.buttons.rejected.connect(self.reject)

    def _add_code(self) -> None:
        code = self.code.text().strip()
        self.code.clear()
        if code and not self.codes.findItems(code, Qt.MatchFlag.MatchFixedString):
            self.codes.addItem(code)

    def _remove_code(self) -> None:
        for item in self.codes.selectedItems():
            self.codes.takeItem(self.codes.row(item))

    def _issue(self) -> None:
        contact_id = self.customer.contact_id
        codes = [self.codes.item(i).text() for i in range(self.codes.count())]
        if contact_id is None:
            self.error.setText("Choose the customer taking the pieces.")
            return
        if not codes:
            self.error.setText("Scan at least one piece.")
            return
        try:
            due = self.due.date_value("the due date")
        except JewelTrakError as exc:
            self.error.setText(exc.message)
            return
        terms = self.terms.text().strip() or None
        self.issue_button.setEnabled(False)
        run_op(
            lambda: memos_service.issue_memo(
                self._store, contact_id=contact_id, codes=codes, due_date=due, terms=terms
            ),
            parent=self,
        ).success(self._issued).failure(self._failed)

    def _issued(self, memo: CustomerMemo) -> None:
        self.issued.emit(memo)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.issue_button.setEnabled(True)
        self.error.setText(error_message(exc))
