"""Refund a card payment: the refundable remainder, amount (default all of it), reason.

Money only: nothing is restocked. The service checks the amount and answers with a
sentence when it is too much; the refund reaches the local books through sync.
"""

from __future__ import annotations

import uuid
from uuid import UUID

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from jeweltrak_core.errors import ValidationError
from jeweltrak_core.money import format_money
from jeweltrak_core.payments.rules import RefundReason
from jeweltrak_desktop.services.card_payments import CardPayments, Refundable, RefundResult
from jeweltrak_desktop.ui.money_fields import money_text, read_money
from jeweltrak_desktop.ui.payments.network import run_net
from jeweltrak_desktop.ui.tasks import error_message

REASONS = (("Requested by the customer", RefundReason.REQUESTED_BY_CUSTOMER),
           ("Duplicate charge", RefundReason.DUPLICATE),
           ("Fraudulent", RefundReason.FRAUDULENT))


class RefundDialog(QDialog):
    """Shows what is left to refund; each refund goes back to the card it came from."""

    refunded = Signal(object)  # RefundResult

    def __init__(self, client: CardPayments, payment_id: UUID, card: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Refund to card")
        self.setObjectName("refund-dialog")
        self.setMinimumWidth(500)
        self.client, self.payment_id = client, payment_id
        self.remainder: Refundable | None = None
        layout = QVBoxLayout(self)
        self.summary = QLabel(f"{card}: reading what can be refunded…")
        self.summary.setObjectName("refund-summary")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        form = QFormLayout()
        self.amount = QLineEdit()
        self.amount.setObjectName("refund-amount")
        form.addRow("Amount $", self.amount)
        self.reason = QComboBox()
        self.reason.setObjectName("refund-reason")
        for label, value in REASONS:
            self.reason.addItem(label, value)
        form.addRow("Reason", self.reason)
        layout.addLayout(form)
        note = QLabel("Money only: returned pieces are taken back with Return on the "
                      "Sell screen.")
        note.setProperty("muted", True)
        note.setWordWrap(True)
        layout.addWidget(note)
        self.message = QLabel("")
        self.message.setObjectName("refund-message")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        row = QHBoxLayout()
        self.refund_button = QPushButton("Refund")
        self.refund_button.setObjectName("refund-submit")
        self.refund_button.setEnabled(False)
        self.refund_button.clicked.connect(self.submit)
        row.addWidget(self.refund_button)
        row.addStretch(1)
        close = QPushButton("Close")
        close.setObjectName("refund-close")
        close.clicked.connect(self.accept)
        row.addWidget(close)
        layout.addLayout(row)
        self._card = card
        self.load()

    def load(self) -> None:
        """Ask the service what was paid, refunded and is left."""
        client, payment_id = self.client, self.payment_id
        run_net(lambda: client.refundable(payment_id), parent=self).success(
            self._show).failure(lambda exc: self.message.setText(error_message(exc)))

    def _show(self, left: Refundable) -> None:
        self.remainder = left
        self.summary.setText(
            f"{self._card}: paid {format_money(left.amount_cents)}, refunded "
            f"{format_money(left.refunded_cents)}. Refundable: "
            f"{format_money(left.refundable_cents)}.")
        self.amount.setText(money_text(left.refundable_cents))
        self.refund_button.setEnabled(left.refundable_cents > 0)

    def submit(self) -> None:
        """Send the refund (the service refuses more than the remainder, with its reason)."""
        try:
            amount = read_money(self.amount, "amount to refund")
        except ValidationError as exc:
            self.message.setText(exc.message)
            return
        reason = RefundReason(self.reason.currentData())
        client, payment_id, key = self.client, self.payment_id, uuid.uuid4().hex
        self.refund_button.setEnabled(False)
        self.message.setText("Refunding…")
        run_net(lambda: client.refund(payment_id, amount_cents=amount, reason=reason, key=key),
                parent=self).success(self._done).failure(self._refused)

    def _done(self, result: RefundResult) -> None:
        self.message.setText(f"Refunded {format_money(result.amount_cents)} to the card.")
        self.refunded.emit(result)
        self.load()

    def _refused(self, exc: BaseException) -> None:
        self.message.setText(error_message(exc))
        self.refund_button.setEnabled(True)
