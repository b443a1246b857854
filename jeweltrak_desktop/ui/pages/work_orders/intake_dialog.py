"""Intake: a new repair or custom job, with photos and an optional deposit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from uuid import UUID

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from jeweltrak_core.errors import JewelTrakError, ValidationError
from jeweltrak_core.payments.rules import Tender
from jeweltrak_core.work_orders.entities import WorkOrder
from jeweltrak_core.work_orders.rules import WorkOrderType
from jeweltrak_desktop.services import payments
from jeweltrak_desktop.services import work_orders as orders_service
from jeweltrak_desktop.services.local_store import LocalStore
from jeweltrak_desktop.ui.tasks import error_message, run_op, show_error
from jeweltrak_desktop.ui.widgets.contact_picker import ContactPicker
from jeweltrak_desktop.ui.widgets.dialogs import FormDialog
from jeweltrak_desktop.ui.widgets.money import DateEdit, MoneyEdit
from jeweltrak_desktop.ui.widgets.page_frame import button, named


@dataclass(frozen=True)
class Intake:
    """What the intake form collected."""

    contact_id: UUID
    type: WorkOrderType
    item_description: str
    instructions: str
    promised_date: date | None
    rush: bool
    estimate_cents: int
    photos: list[Path]
    deposit_cents: int
    deposit_tender: Tender


def open_from_intake(store: LocalStore, intake: Intake) -> tuple[WorkOrder, str]:
    """Open the job, attach its photos and take the deposit (runs on the worker).

    The job is kept even when a photo or the deposit fails afterwards (trying again would
    open it twice); the second value then says what still needs doing, else it is "".
    """
    order = orders_service.open_work_order(
        store, contact_id=intake.contact_id, type=intake.type,
        item_description=intake.item_description, instructions=intake.instructions,
        promised_date=intake.promised_date, rush=intake.rush,
        estimate_cents=intake.estimate_cents,
    )
    try:
        for photo in intake.photos:
            order = orders_service.attach_photo_file(store, order.id, photo)
    except JewelTrakError as exc:
        return order, f"Work order {order.number} was opened, but a photo was not attached: " \
            f"{exc.message} The deposit was not taken either; add both from the board."
    if intake.deposit_cents > 0:
        try:
            payments.take_deposit(store, contact_id=intake.contact_id,
                                  amount_cents=intake.deposit_cents,
                                  tender=intake.deposit_tender, work_order_id=order.id,
                                  note=f"Deposit on {order.number}")
        except JewelTrakError as exc:
            return order, (f"Work order {order.number} was opened, but the deposit was not "
                           f"taken: {exc.message}")
    return order, ""


class IntakeDialog(FormDialog):
    """The intake form; ``opened`` carries the new work order."""

    opened = Signal(object)

    def __init__(self, store: LocalStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("New work order")
        self.resize(560, 640)
        self._store = store
        self.customer = ContactPicker(store, self, role="customer")
        self.type = QComboBox(self)
        self.type.addItem("Repair", WorkOrderType.REPAIR)
        self.type.addItem("Custom", WorkOrderType.CUSTOM)
        self.item = named(QLineEdit(self), "intake-item")
        self.item.setPlaceholderText("e.g. 14K yellow gold ring with 3 diamonds")
        self.instructions = named(QPlainTextEdit(self), "intake-work")
        self.instructions.setPlaceholderText("Work requested")
        self.instructions.setTabChangesFocus(True)
        self.instructions.setFixedHeight(70)
        self.promised = DateEdit(self)
        self.promised.set_date(date.today() + timedelta(days=7))
        self.rush = named(QCheckBox("Rush", self), "intake-rush")
        self.estimate = named(MoneyEdit(self), "intake-estimate")
        self.photos = QListWidget(self)
        self.photos.setFixedHeight(60)
        self.add_photos_button = button("Add photos…", self)
        self.deposit = named(MoneyEdit(self), "intake-deposit")
        self.tender = QComboBox(self)
        self.tender.addItem("Cash", Tender.CASH)
        self.tender.addItem("Check", Tender.CHECK)
        self.error = QLabel("", self)
        self.error.setStyleSheet("color: #b42318;")
        self.error.setWordWrap(True)
        self._build()

    def _build(self) -> None:
        deposit_row = QHBoxLayout()
        deposit_row.addWidget(self.deposit, 1)
        deposit_row.addWidget(self.tender)
        form = QFormLayout()
        form.addRow("Customer", self.customer)
        form.addRow("Type", self.type)
        form.addRow("Item", self.item)
        form.addRow("Work requested", self.instructions)
        form.addRow("Promised", self.promised)
        form.addRow("", self.rush)
        form.addRow("Estimate", self.estimate)
        form.addRow("Photos", self.photos)
        form.addRow("", self.add_photos_button)
        form.addRow("Deposit", deposit_row)
        self.open_button = button("Open work order", self, name="intake-open")
        buttons = QDialogButtonBox(self)
        buttons.addButton(self.open_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._submit)
        buttons.rejected.connect(self.reject)
        self.add_photos_button.clicked.connect(self._pick_photos)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def add_photos(self, paths: list[Path]) -> None:
        """Add photo files to attach at intake."""
        for path in paths:
            self.photos.addItem(str(path))

    def _pick_photos(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(
            self, "Photos of the item", str(Path.home()), "Images (*.jpg *.jpeg *.png *.heic)")
        self.add_photos([Path(n) for n in names])

    def collect(self) -> Intake:
        """The form as an Intake (ValidationError says what is missing)."""
        if self.customer.contact_id is None:
            raise ValidationError("Choose the customer leaving the item.")
        item = self.item.text().strip()
        if not item:
            raise ValidationError("Describe the item the customer left.")
        return Intake(
            contact_id=self.customer.contact_id, type=self.type.currentData(),
            item_description=item, instructions=self.instructions.toPlainText().strip(),
            promised_date=self.promised.date_value("the promised date"),
            rush=self.rush.isChecked(), estimate_cents=self.estimate.cents("estimate"),
            photos=[Path(self.photos.item(i).text()) for i in range(self.photos.count())],
            deposit_cents=self.deposit.cents("deposit"), deposit_tender=self.tender.currentData(),
        )

    def _submit(self) -> None:
        try:
            intake = self.collect()
        except JewelTrakError as exc:
            self.error.setText(exc.message)
            return
        self.open_button.setEnabled(False)
        store = self._store
        run_op(lambda: open_from_intake(store, intake), parent=self).success(
            self._done).failure(self._failed)

    def _done(self, result: tuple[WorkOrder, str]) -> None:
        order, problem = result
        self.opened.emit(order)
        if problem:
            show_error(self.parentWidget(), JewelTrakError(problem))
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.open_button.setEnabled(True)
        self.error.setText(error_message(exc))
