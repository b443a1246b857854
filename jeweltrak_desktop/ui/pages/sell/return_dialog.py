"""Returns and exchanges: find an earlier invoice by number, tick the lines coming back."""

from __future__ import annotations

from uuid import UUID

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from jeweltrak_core.money import format_money
from jeweltrak_core.sales.entities import Invoice
from jeweltrak_core.sales.invoice_state import InvoiceStatus
from jeweltrak_core.sales.operations import line_total
from jeweltrak_core.sales.tax import SALE_KINDS
from jeweltrak_desktop.services import sell_screen
from jeweltrak_desktop.ui.context import CounterContext
from jeweltrak_desktop.ui.tasks import error_message, run_op


class ReturnDialog(QDialog):
    """Invoice number, Enter; Space ticks a line, Enter returns the ticked lines."""

    #: (source invoice, IDs of the lines to return)
    chosen = Signal(object, object)

    def __init__(self, context: CounterContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Return or exchange")
        self.setMinimumWidth(520)
        self._context = context
        self._source: Invoice | None = None
        self.number_field = QLineEdit(placeholderText="Invoice number from the receipt")
        self.lines = QListWidget()
        self.message = QLabel("Type the invoice number and press Enter.")
        self.message.setWordWrap(True)
        self.return_button = QPushButton("Return ticked lines")
        self.return_button.setEnabled(False)
        layout = QVBoxLayout(self)
        layout.addWidget(self.number_field)
        layout.addWidget(self.lines, 1)
        layout.addWidget(self.message)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        buttons.addButton(self.return_button, QDialogButtonBox.ButtonRole.AcceptRole)
        for button in buttons.findChildren(QPushButton):
            button.setAutoDefault(False)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.number_field.returnPressed.connect(self._find)
        self.return_button.clicked.connect(self._return)
        self.lines.itemActivated.connect(lambda _item: self._return())

    def _find(self) -> None:
        number = self.number_field.text()
        store = self._context.store
        run_op(lambda: sell_screen.invoice_by_number(store, number), parent=self).success(
            self._show).failure(lambda exc: self.message.setText(error_message(exc)))

    def _show(self, invoice: Invoice) -> None:
        self.lines.clear()
        self._source = invoice
        if invoice.status is not InvoiceStatus.FINALIZED:
            self.message.setText(
                f"Invoice {invoice.number} is {invoice.status.value}; only finalized sales "
                "can be returned.")
            self.return_button.setEnabled(False)
            return
        for line in invoice.lines:
            if line.kind not in SALE_KINDS:
                continue
            item = QListWidgetItem(f"{line.description}   ×{line.quantity}   "
                                   f"{format_money(line_total(line))}")
            item.setData(Qt.ItemDataRole.UserRole, line.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.lines.addItem(item)
        self.return_button.setEnabled(self.lines.count() > 0)
        self.message.setText(
            f"Invoice {invoice.number}: Space ticks a line, Enter returns the ticked lines.")
        if self.lines.count():
            self.lines.setCurrentRow(0)
            self.lines.setFocus()

    def ticked(self) -> list[UUID]:
        """IDs of the ticked lines."""
        items = (self.lines.item(i) for i in range(self.lines.count()))
        return [item.data(Qt.ItemDataRole.UserRole) for item in items
                if item.checkState() is Qt.CheckState.Checked]

    def _return(self) -> None:
        chosen = self.ticked()
        if self._source is None or not chosen:
            self.message.setText("Tick at least one line (Space) to return.")
            return
        self.chosen.emit(self._source, chosen)
        self.accept()
