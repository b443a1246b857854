"""Vendor memos: consigned pieces received, returned to the vendor, or settled when sold."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSplitter,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from jeweltrak_core.errors import JewelTrakError, ValidationError
from jeweltrak_core.inventory.stock import Family
from jeweltrak_core.money import parse_money
from jeweltrak_core.permissions import Permission
from jeweltrak_desktop.services import memos as memos_service
from jeweltrak_desktop.services.local_store import Actor, LocalStore
from jeweltrak_desktop.services.memos import VendorMemoView
from jeweltrak_desktop.ui.context import CounterContext
from jeweltrak_desktop.ui.labels import family_name
from jeweltrak_desktop.ui.tasks import error_message, run_op
from jeweltrak_desktop.ui.widgets.contact_picker import ContactPicker
from jeweltrak_desktop.ui.widgets.dialogs import FormDialog
from jeweltrak_desktop.ui.widgets.money import DateEdit, date_text, money_text
from jeweltrak_desktop.ui.widgets.page_frame import button
from jeweltrak_desktop.ui.widgets.tables import (
    current_record,
    fill_table,
    make_table,
    selected_records,
)

_STATUS_WORDS = {"on_hand": "On hand", "sold_unpaid": "Sold, not paid out",
                 "settled": "Settled", "returned": "Returned to vendor"}


class ReceiveVendorMemoDialog(FormDialog):
    """Consigned pieces arrive: the vendor, their memo number and terms, and each piece."""

    received = Signal(object)

    def __init__(self, store: LocalStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Receive a vendor memo")
        self.resize(640, 460)
        self._store = store
        self.vendor = ContactPicker(store, self, role="vendor")
        self.memo_no = QLineEdit(self)
        self.memo_date = DateEdit(self)
        self.memo_date.set_date(date.today())
        self.terms = QLineEdit(self)
        self.family = QComboBox(self)
        for fam in Family:
            self.family.addItem(family_name(fam), fam)
        self.pieces = QTableWidget(4, 3, self)
        self.pieces.setHorizontalHeaderLabels(["Description", "Cost", "Retail"])
        self.pieces.horizontalHeader().setStretchLastSection(False)
        self.pieces.setColumnWidth(0, 320)
        self.error = QLabel("", self)
        self.error.setStyleSheet("color: #b42318;")
        form = QFormLayout()
        form.addRow("Vendor", self.vendor)
        form.addRow("Vendor's memo #", self.memo_no)
        form.addRow("Memo date", self.memo_date)
        form.addRow("Terms", self.terms)
        form.addRow("Family", self.family)
        buttons = QDialogButtonBox(self)
        self.receive_button = button("Receive pieces", self, name="receive-vendor-memo")
        buttons.addButton(self.receive_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._receive)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.pieces, 1)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def _rows(self) -> list[dict[str, Any]]:
        rows = []
        for r in range(self.pieces.rowCount()):
            cells = [item.text().strip() if (item := self.pieces.item(r, c)) else ""
                     for c in range(3)]
            if not any(cells):
                continue
            if not cells[0]:
                raise ValidationError(f"Row {r + 1} needs a description.")
            rows.append({"family": self.family.currentData(), "description": cells[0],
                         "cost_cents": parse_money(cells[1] or "0", "cost"),
                         "retail_cents": parse_money(cells[2] or "0", "retail")})
        if not rows:
            raise ValidationError("Enter at least one consigned piece.")
        return rows

    def _receive(self) -> None:
        try:
            pieces = self._rows()
            day = self.memo_date.date_value("the memo date") or date.today()
        except JewelTrakError as exc:
            self.error.setText(exc.message)
            return
        vendor_id, memo_no = self.vendor.contact_id, self.memo_no.text().strip()
        if vendor_id is None or not memo_no:
            self.error.setText("Choose the vendor and type their memo number.")
            return
        terms = self.terms.text().strip() or None
        run_op(lambda: memos_service.receive_vendor_memo(
            self._store, vendor_id=vendor_id, vendor_memo_no=memo_no, memo_date=day,
            pieces=pieces, terms=terms), parent=self,
        ).success(self._done).failure(lambda exc: self.error.setText(error_message(exc)))

    def _done(self, memo: object) -> None:
        self.received.emit(memo)
        self.accept()


class VendorMemosTab(QWidget):
    """The consignment memos on hand and what to do with their pieces."""

    def __init__(self, context: CounterContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.views: list[VendorMemoView] = []
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addStretch(1)
        self.receive_button = button("Receive vendor memo…", self, name="vendor-receive")
        top.addWidget(self.receive_button)
        layout.addLayout(top)
        splitter = QSplitter(self)
        self.memos = make_table(["Vendor", "Vendor memo #", "Date", "Terms", "Pieces"], parent=self)
        self.lines = make_table(["Stock ID", "Cost", "Status", "Paid out"], numeric=[1, 3],
                                parent=self, multi=True)
        splitter.addWidget(self.memos)
        right = QWidget(self)
        col = QVBoxLayout(right)
        col.setContentsMargins(0, 0, 0, 0)
        col.addWidget(self.lines, 1)
        row = QHBoxLayout()
        self.return_button = button("Return to vendor", right, name="vendor-return")
        self.settle_button = button("Settle (pay vendor)", right, name="vendor-settle")
        row.addWidget(self.return_button)
        row.addWidget(self.settle_button)
        col.addLayout(row)
        splitter.addWidget(right)
        layout.addWidget(splitter, 1)
        self.memos.itemSelectionChanged.connect(self._chosen)
        self.receive_button.clicked.connect(self.open_receive)
        self.return_button.clicked.connect(lambda: self._act(memos_service.return_to_vendor))
        self.settle_button.clicked.connect(lambda: self._act(memos_service.settle_vendor_memo))

    def apply_permissions(self, actor: Actor) -> None:
        """Consignment needs manage_inventory; costs need view_cost."""
        manage = Permission.MANAGE_INVENTORY in actor.permissions
        for b in (self.receive_button, self.return_button, self.settle_button):
            b.setEnabled(manage)
        see_cost = Permission.VIEW_COST in actor.permissions
        self.lines.setColumnHidden(1, not see_cost)
        self.lines.setColumnHidden(3, not see_cost)

    def refresh(self) -> None:
        """Read the vendor memos again."""
        store = self.context.store
        run_op(lambda: memos_service.list_vendor_memos(store), parent=self).success(self._show)

    def _show(self, views: list[VendorMemoView]) -> None:
        chosen = current_record(self.memos)
        self.views = views
        fill_table(self.memos, [[v.vendor, v.memo.vendor_memo_no, date_text(v.memo.memo_date),
                                 v.memo.terms or "", str(len(v.memo.lines))] for v in views],
                   [v.memo.id for v in views])
        for r, v in enumerate(views):
            if v.memo.id == chosen:
                self.memos.selectRow(r)
        self._chosen()

    def _chosen(self) -> None:
        memo_id = current_record(self.memos)
        view = next((v for v in self.views if v.memo.id == memo_id), None)
        lines = view.memo.lines if view else []
        fill_table(self.lines, [[view.stock_ids.get(ln.id, "?") if view else "",
                                 money_text(ln.cost_cents),
                                 _STATUS_WORDS.get(str(ln.status), str(ln.status)),
                                 money_text(ln.paid_cents)] for ln in lines],
                   [ln.id for ln in lines])

    def _act(self, fn: Any) -> None:
        memo_id = current_record(self.memos)
        lines = [r for r in selected_records(self.lines) if isinstance(r, UUID)]
        if not isinstance(memo_id, UUID) or not lines:
            return
        store = self.context.store
        run_op(lambda: fn(store, memo_id, lines), parent=self).success(lambda _m: self._changed())

    def _changed(self) -> None:
        self.context.notify_changed()
        self.refresh()

    def open_receive(self) -> ReceiveVendorMemoDialog:
        """Open the Receive vendor memo dialog."""
        dialog = ReceiveVendorMemoDialog(self.context.store, self)
        dialog.received.connect(lambda _m: self._changed())
        dialog.open()
        return dialog
