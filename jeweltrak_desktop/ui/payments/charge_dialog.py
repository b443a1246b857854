"""“Charge on reader”: amount, reader, and a live banner until the card is decided.

The charge starts on the service, which drives the reader; the dialog long-polls the
outcome on the network pool (``run_net``) and shows each answer. Cancel stops the reader.
Approved money reaches the local books through sync; ``approved`` tells the page.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from uuid import UUID

from PySide6.QtCore import QTimer, Signal
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
from jeweltrak_desktop.services.card_payments import (
    CardPaymentRefused,
    CardPayments,
    ChargeStatus,
)
from jeweltrak_desktop.ui.money_fields import money_text, read_money
from jeweltrak_desktop.ui.payments.availability import CardState, check_cards
from jeweltrak_desktop.ui.payments.network import run_net
from jeweltrak_desktop.ui.tasks import error_message

#: The sale may still be on its way to the service when the clerk presses Charge.
UPLOAD_WAIT_SECONDS = 20.0
POLL_SECONDS = 20.0

BANNER_STYLE = """
QLabel#charge-banner { border-radius: 6px; padding: 12px; font-size: 15px; }
QLabel#charge-banner[state="idle"] { background: #eef1f5; color: #333; }
QLabel#charge-banner[state="waiting"] { background: #fff4d6; color: #5a4300; }
QLabel#charge-banner[state="approved"] { background: #dcf5e3; color: #0f5b27; }
QLabel#charge-banner[state="declined"], QLabel#charge-banner[state="error"]
    { background: #fde2e1; color: #8a1c16; }
QLabel#charge-banner[state="cancelled"], QLabel#charge-banner[state="timed_out"]
    { background: #e8e8e8; color: #333; }
"""


@dataclass(frozen=True)
class ChargeTarget:
    """What the card pays: an invoice's balance or a work-order deposit."""

    title: str
    balance_cents: int
    invoice_id: UUID | None = None
    work_order_id: UUID | None = None
    #: How long the reader waits for a card before the service gives up.
    timeout_seconds: int = 120


def start_charge(client: CardPayments, target: ChargeTarget, reader_id: str,
                 amount_cents: int, key: str) -> ChargeStatus:
    """Start the charge; waits while the sale has not reached the service yet (blocks)."""
    deadline = time.monotonic() + UPLOAD_WAIT_SECONDS
    while True:
        try:
            if target.work_order_id is not None:
                return client.charge_deposit(target.work_order_id, reader_id, amount_cents,
                                             key=key, timeout_seconds=target.timeout_seconds)
            assert target.invoice_id is not None
            return client.charge_invoice(target.invoice_id, reader_id,
                                         amount_cents=amount_cents, key=key,
                                         timeout_seconds=target.timeout_seconds)
        except CardPaymentRefused as exc:
            if exc.details.get("status") != 404 or time.monotonic() > deadline:
                raise
            time.sleep(0.5)  # on a network worker: the sync worker is still uploading it


def banner_text(state: ChargeStatus) -> str:
    """The banner's sentence for a charge state (the service's words, Stripe's reason)."""
    if state.status == "approved":
        return f"Approved — {state.message.removeprefix('Approved: ')}"
    if state.status == "declined":
        return f"Declined — {state.message.removeprefix('Declined ')}"
    return state.message


class ChargeDialog(QDialog):
    """Amount (default the balance), reader (auto if one), Charge, live banner, Cancel."""

    approved = Signal(object)  # ChargeStatus
    #: Emitted with every state the banner shows (for the page and for tests).
    updated = Signal(object)

    def __init__(self, client: CardPayments, target: ChargeTarget,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Charge on reader")
        self.setObjectName("charge-dialog")
        self.setStyleSheet(BANNER_STYLE)
        self.setMinimumWidth(460)
        self.client, self.target = client, target
        self.charge: ChargeStatus | None = None
        self._closing = False
        layout = QVBoxLayout(self)
        intro = QLabel(f"{target.title} · balance {format_money(target.balance_cents)}")
        intro.setObjectName("charge-intro")
        layout.addWidget(intro)
        form = QFormLayout()
        self.amount = QLineEdit(money_text(target.balance_cents))
        self.amount.setObjectName("charge-amount")
        form.addRow("Amount $", self.amount)
        self.reader = QComboBox()
        self.reader.setObjectName("charge-reader")
        self.reader.setMinimumWidth(240)
        form.addRow("Reader", self.reader)
        layout.addLayout(form)
        self.banner = QLabel("Looking for the store's card readers…")
        self.banner.setObjectName("charge-banner")
        self.banner.setWordWrap(True)
        self.banner.setMinimumHeight(64)
        layout.addWidget(self.banner)
        buttons = QHBoxLayout()
        self.start_button = self._button("Charge", "charge-start", self.start, buttons)
        self.cancel_button = self._button("Cancel charge", "charge-cancel", self.cancel,
                                          buttons)
        buttons.addStretch(1)
        self.close_button = self._button("Close", "charge-close", self.reject, buttons)
        layout.addLayout(buttons)
        self.cancel_button.setEnabled(False)
        self.start_button.setEnabled(False)
        self._set_banner("idle", self.banner.text())
        run_net(lambda: check_cards(client), parent=self).success(self._show_readers)

    def _button(self, text: str, name: str, slot: object, row: QHBoxLayout) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.setAutoDefault(False)
        button.clicked.connect(slot)
        row.addWidget(button)
        return button

    def _set_banner(self, state: str, text: str) -> None:
        self.banner.setProperty("state", state)
        self.banner.style().unpolish(self.banner)
        self.banner.style().polish(self.banner)
        self.banner.setText(text)

    @property
    def banner_state(self) -> str:
        """idle / waiting / approved / declined / cancelled / timed_out / error."""
        return str(self.banner.property("state"))

    def _show_readers(self, state: CardState) -> None:
        if not state.available:
            self._set_banner("error", f"{state.reason}. Take cash or a check instead.")
            return
        self.reader.clear()
        for reader in state.readers:
            self.reader.addItem(reader.label + ("" if reader.online else " (offline)"),
                                reader.id)
        online = state.online_readers
        if not online:
            self._set_banner("error", "No card reader is online; check that it is on and "
                                      "connected (Settings lists the readers).")
            return
        if len(online) == 1:
            self.reader.setCurrentIndex(self.reader.findData(online[0].id))
        self.start_button.setEnabled(True)
        self._set_banner("idle", "Check the amount, then press Charge.")

    # --- the charge ---------------------------------------------------------------------
    def start(self) -> None:
        """Send the charge to the reader."""
        try:
            amount = read_money(self.amount, "amount to charge")
        except ValidationError as exc:
            self._set_banner("error", exc.message)
            return
        if not 0 < amount <= self.target.balance_cents and self.target.invoice_id:
            self._set_banner("error", f"Charge from $0.01 up to the "
                                      f"{format_money(self.target.balance_cents)} balance.")
            return
        reader_id = self.reader.currentData()
        client, target, key = self.client, self.target, uuid.uuid4().hex
        self.charge = None
        self.start_button.setEnabled(False)
        self.amount.setEnabled(False)
        self.reader.setEnabled(False)
        self._set_banner("waiting", "Sending the charge to the reader…")
        run_net(lambda: start_charge(client, target, reader_id, amount, key),
                parent=self).success(self._show).failure(self._failed)

    def _poll(self) -> None:
        if self.charge is None or self.charge.final or self._closing:
            return
        client, charge_id = self.client, self.charge.id
        run_net(lambda: client.poll(charge_id, POLL_SECONDS), parent=self).success(
            self._show).failure(self._failed)

    def _show(self, state: ChargeStatus) -> None:
        if self.charge is not None and self.charge.final:
            return  # a long-poll answering after the cancel already decided the charge
        self.charge = state
        self._set_banner(state.status, banner_text(state))
        self.cancel_button.setEnabled(not state.final)
        self.updated.emit(state)
        if state.status == "approved":
            self.approved.emit(state)
            self.close_button.setText("Done")
        elif state.final:
            self._allow_retry()
        self._poll()

    def _allow_retry(self) -> None:
        self.start_button.setText("Try again")
        self.start_button.setEnabled(True)
        self.amount.setEnabled(True)
        self.reader.setEnabled(True)

    def _failed(self, exc: BaseException) -> None:
        self._set_banner("error", error_message(exc))
        if self.charge is None or self.charge.final:
            self._allow_retry()
        else:
            # A poll failed mid-charge: ask again shortly; Cancel still works.
            QTimer.singleShot(1000, self, self._poll)

    def cancel(self) -> None:
        """Stop the reader (if the card was already tapped the answer is Approved)."""
        if self.charge is None or self.charge.final:
            return
        self.cancel_button.setEnabled(False)
        client, charge_id = self.client, self.charge.id
        run_net(lambda: client.cancel(charge_id), parent=self).success(
            self._show).failure(self._failed)

    def reject(self) -> None:
        """Closing while the reader waits cancels the charge first."""
        if self.charge is not None and not self.charge.final:
            self.cancel()
        self._closing = True
        super().reject()
