"""Settings: server and pairing, store info (as the server keeps it), printers, reader."""

from __future__ import annotations

import importlib
from uuid import UUID

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from jeweltrak_core.money import format_money
from jeweltrak_core.permissions import Permission
from jeweltrak_desktop.services.local_store import Actor
from jeweltrak_desktop.ui.context import CounterContext
from jeweltrak_desktop.ui.payments.reader_settings import ReaderSettingsWidget
from jeweltrak_desktop.ui.shell.store_info import WorkstationInfo, workstation_info
from jeweltrak_desktop.ui.tasks import error_message, run_op

PRINTER_MODULE = "jeweltrak_desktop.ui.printing.printer_settings"


def printer_settings(context: CounterContext) -> QWidget:
    """The printing page's PrinterSettingsWidget, or a note while it is not built."""
    try:
        module = importlib.import_module(PRINTER_MODULE)
    except ModuleNotFoundError as exc:
        if exc.name != PRINTER_MODULE:
            raise
        note = QLabel("Receipt, tag and report printers are chosen here once printing "
                      "arrives with the printing update.")
        note.setObjectName("printer-settings-pending")
        note.setWordWrap(True)
        note.setProperty("muted", True)
        return note
    widget: QWidget = module.PrinterSettingsWidget(context)
    return widget


def _percent(rate: object) -> str:
    text = f"{rate * 100:.3f}".rstrip("0").rstrip(".")  # type: ignore[operator]
    return f"{text}%"


class SettingsPage(QWidget):
    """Read-mostly settings; Unpair asks first, then emits ``unpair_requested``."""

    title = "Settings"
    #: The clerk confirmed unpairing; the argument: discard unsynced changes (bool).
    unpair_requested = Signal(bool)

    def __init__(self, context: CounterContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self._info: WorkstationInfo | None = None
        self.setObjectName("page-settings")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(24, 20, 24, 16)
        layout.setSpacing(14)
        heading = QLabel("Settings")
        heading.setProperty("pageTitle", True)
        layout.addWidget(heading)
        self.pairing_form = QFormLayout()
        self.store_form = QFormLayout()
        layout.addWidget(self._group("Server and pairing", "pairing-settings", self.pairing_form))
        self.unpair_button = QPushButton("Unpair this workstation…")
        self.unpair_button.setObjectName("unpair-button")
        self.unpair_button.clicked.connect(self.confirm_unpair)
        unpair_row = QHBoxLayout()
        unpair_row.addWidget(self.unpair_button)
        unpair_row.addStretch(1)
        self.pairing_form.addRow("", unpair_row)
        layout.addWidget(self._group("Store", "store-settings", self.store_form))
        printers = QGroupBox("Printers")
        printers.setObjectName("printer-settings-slot")
        QVBoxLayout(printers).addWidget(printer_settings(context))
        layout.addWidget(printers)
        reader = QGroupBox("Card reader")
        reader.setObjectName("reader-settings")
        self.readers = ReaderSettingsWidget(context.payments)
        QVBoxLayout(reader).addWidget(self.readers)
        layout.addWidget(reader)
        layout.addStretch(1)
        scroll.setWidget(body)
        outer.addWidget(scroll)
        self.confirm_box: QMessageBox | None = None

    def _group(self, title: str, name: str, form: QFormLayout) -> QGroupBox:
        group = QGroupBox(title)
        group.setObjectName(name)
        form.setHorizontalSpacing(18)
        group.setLayout(form)
        return group

    # --- page contract ------------------------------------------------------------------
    def activate(self) -> None:
        """Read the pairing and the store again."""
        context = self._context
        if context.payments is not None:
            self.readers.refresh()
        run_op(lambda: workstation_info(context.store), parent=self).success(self._show).failure(
            lambda exc: self._set_rows(self.store_form, [("Error", error_message(exc))])
        )

    def apply_permissions(self, actor: Actor) -> None:
        """Only someone allowed to pair devices may unpair."""
        allowed = Permission.PAIR_DEVICES in actor.permissions
        self.unpair_button.setEnabled(allowed)
        self.unpair_button.setToolTip(
            "" if allowed else f"{actor.name} may not unpair workstations; ask a manager."
        )

    def show_record(self, kind: str, record_id: UUID) -> bool:
        """Shows no records."""
        return False

    # --- showing ------------------------------------------------------------------------
    def _show(self, info: WorkstationInfo) -> None:
        self._info = info
        pairing = info.pairing
        if pairing is None:
            rows = [("Server", "This workstation is not set up.")]
        else:
            rows = [
                ("Server", pairing.server_url or "None — this is a local demo store"),
                ("Paired", "Yes" if pairing.paired else "No (local demo, not syncing)"),
                ("Store code", pairing.store_code),
                ("Workstation code", pairing.workstation_code),
                ("Waiting to upload", f"{pairing.pending_ops:,} changes"),
            ]
        self._set_rows(self.pairing_form, rows, keep_last=True)
        store = info.store
        if store is None:
            self._set_rows(self.store_form, [("Store", "No store settings on this workstation.")])
            return
        threshold = (
            f" on the first {format_money(store.surtax_threshold_cents)} of each item"
            if store.surtax_threshold_cents is not None else ""
        )
        self._set_rows(self.store_form, [
            ("Name", store.name),
            ("Code", store.code),
            ("Address", store.address or "—"),
            ("Phone", store.phone or "—"),
            ("Tax number", store.tax_number or "—"),
            ("Time zone", store.timezone),
            ("Sales tax", f"{_percent(store.tax_rate)}, surtax {_percent(store.surtax_rate)}"
                          f"{threshold}"),
            ("Receipt disclaimer", store.disclaimer or "—"),
            ("", "Store settings are changed on the store server and reach every "
                 "workstation with the next sync."),
        ])

    def _set_rows(self, form: QFormLayout, rows: list[tuple[str, str]], *,
                  keep_last: bool = False) -> None:
        keep = 1 if keep_last else 0
        while form.rowCount() > keep:
            form.removeRow(0)
        for index, (label, value) in enumerate(rows):
            shown = QLabel(value)
            shown.setWordWrap(True)
            shown.setObjectName(f"setting-{label.lower().replace(' ', '-')}" if label
                                else "setting-note")
            if not label:
                shown.setProperty("muted", True)
            form.insertRow(index, f"{label}:" if label else "", shown)

    def values(self, form: QFormLayout) -> dict[str, str]:
        """A form's rows, label → value."""
        found: dict[str, str] = {}
        for row in range(form.rowCount()):
            label = form.itemAt(row, QFormLayout.ItemRole.LabelRole)
            field = form.itemAt(row, QFormLayout.ItemRole.FieldRole)
            name = label.widget() if label is not None else None
            value = field.widget() if field is not None else None
            if isinstance(name, QLabel) and isinstance(value, QLabel) and name.text():
                found[name.text().rstrip(":")] = value.text()
        return found

    # --- unpairing ----------------------------------------------------------------------
    def confirm_unpair(self) -> None:
        """Ask before unpairing; the local copy is wiped, unsynced changes are lost."""
        pending = self._info.pairing.pending_ops if self._info and self._info.pairing else 0
        lost = (
            f"\n\n{pending:,} change(s) made here have not reached the server yet and will "
            "be lost." if pending else ""
        )
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            "Unpair this workstation?",
            "Unpairing wipes this workstation's copy of the store and forgets its "
            "credential. The workstation stays listed on the server until an administrator "
            f"removes it under Devices.{lost}",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            self,
        )
        box.setObjectName("unpair-confirm")
        box.button(QMessageBox.StandardButton.Yes).setText("Unpair and wipe")
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        yes = box.button(QMessageBox.StandardButton.Yes)
        box.finished.connect(
            lambda _result: self._unpair_answered(box.clickedButton() is yes, pending > 0)
        )
        self.confirm_box = box
        box.open()

    def _unpair_answered(self, confirmed: bool, discard: bool) -> None:
        self.confirm_box = None
        if confirmed:
            self.unpair_requested.emit(discard)
