"""Settings → Printers: the receipt printer, the tag printer and the tags' cost-code letters.

Saved to the workstation's ``printers.json`` (``hardware.printer_config``); each printer has
a "Test print" button that says plainly whether the printer answered.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from jeweltrak_core.errors import ValidationError
from jeweltrak_desktop.hardware.cost_code import check_cost_code_letters
from jeweltrak_desktop.hardware.printer_config import (
    PrinterConfig,
    PrinterSettings,
    TagPrinterConfig,
    load_printer_settings,
    printer_settings_path,
    save_printer_settings,
)
from jeweltrak_desktop.services import printing
from jeweltrak_desktop.ui.context import CounterContext
from jeweltrak_desktop.ui.tasks import error_message, run_op

_OK = "color: #1e7b34;"
_PROBLEM = "color: #b42318; font-weight: bold;"


def _usb_id(text: str, field: str) -> int:
    try:
        return int(text.strip().removeprefix("0x"), 16)
    except ValueError as exc:
        raise ValidationError(
            "A USB printer needs its vendor and product IDs (four hex digits each, e.g. 04B8 "
            "and 0E15).", field=field) from exc


class _PrinterForm(QGroupBox):
    """One printer: how it is connected and the fields that kind needs."""

    def __init__(self, title: str, kinds: list[tuple[str, str]]) -> None:
        super().__init__(title)
        self.kind = QComboBox()
        for label, kind in kinds:
            self.kind.addItem(label, kind)
        self.host = QLineEdit()
        self.host.setPlaceholderText("e.g. 192.168.1.50")
        self.port = QSpinBox()
        self.port.setRange(1, 65535)
        self.port.setValue(9100)
        self.vendor = QLineEdit()
        self.vendor.setPlaceholderText("e.g. 04B8")
        self.product = QLineEdit()
        self.product.setPlaceholderText("e.g. 0E15")
        self.file_path = QLineEdit()
        self.file_path.setPlaceholderText("e.g. /home/counter/tags.zpl")
        self.test_button = QPushButton("Test print")
        self.result = QLabel("")
        self.result.setWordWrap(True)
        self.form = QFormLayout(self)
        self.form.addRow("Connection", self.kind)
        self.form.addRow("Address", self.host)
        self.form.addRow("Port", self.port)
        self.form.addRow("USB vendor ID", self.vendor)
        self.form.addRow("USB product ID", self.product)
        self.form.addRow("File", self.file_path)
        row = QHBoxLayout()
        row.addWidget(self.test_button)
        row.addWidget(self.result, 1)
        self.form.addRow("", row)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self._kind_changed()

    def current_kind(self) -> str:
        return str(self.kind.currentData())

    def set_kind(self, kind: str) -> None:
        self.kind.setCurrentIndex(max(self.kind.findData(kind), 0))

    def _kind_changed(self) -> None:
        kind = self.current_kind()
        for widget, shown in ((self.host, kind == "network"), (self.port, kind == "network"),
                              (self.vendor, kind == "usb"), (self.product, kind == "usb"),
                              (self.file_path, kind == "file")):
            self.form.setRowVisible(widget, shown)
        self.test_button.setEnabled(kind != "none")

    def say(self, text: str, *, ok: bool) -> None:
        self.result.setStyleSheet(_OK if ok else _PROBLEM)
        self.result.setText(text)


class PrinterSettingsWidget(QWidget):
    """Configure this workstation's printers and cost code; the Settings page embeds it."""

    def __init__(self, context: CounterContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("printer-settings")
        self._context = context
        self.path = printer_settings_path(context.store.path)
        self.receipt = _PrinterForm("Receipt printer", [
            ("Not set up", "none"), ("Network (port 9100)", "network"), ("USB", "usb"),
            ("File", "file")])
        self.tag = _PrinterForm("Tag printer (ZPL barbell tags)", [
            ("Not set up", "none"), ("Network (port 9100)", "network"),
            ("Save to a file", "file")])
        self.cost_code = QLineEdit()
        self.cost_code.setObjectName("cost-code")
        self.cost_code.setMaxLength(10)
        self.cost_code.setPlaceholderText("store's letters, e.g. MAKEPROFIT")
        self.cost_code.textEdited.connect(
            lambda text: self.cost_code.setText(text.upper()))
        tags = QGroupBox("Cost code on tags")
        tag_form = QFormLayout(tags)
        tag_form.addRow("Letters", self.cost_code)
        hint = QLabel("Ten different letters standing for the digits 1234567890. Empty: the "
                      "store's code.")
        hint.setWordWrap(True)
        hint.setProperty("muted", True)
        tag_form.addRow("", hint)
        self.save_button = QPushButton("Save printer settings")
        self.save_button.setObjectName("save-printers")
        self.save_button.clicked.connect(self.save)
        self.result = QLabel("")
        self.result.setObjectName("printers-result")
        self.result.setWordWrap(True)
        self.receipt.test_button.clicked.connect(self.test_receipt)
        self.tag.test_button.clicked.connect(self.test_tag)
        bottom = QHBoxLayout()
        bottom.addWidget(self.save_button)
        bottom.addWidget(self.result, 1)
        layout = QVBoxLayout(self)
        for widget in (self.receipt, self.tag, tags):
            layout.addWidget(widget)
        layout.addLayout(bottom)
        layout.addStretch(1)
        self.load()

    # --- reading and writing the form -----------------------------------------------------

    def load(self) -> None:
        """Show what is saved."""
        try:
            settings = load_printer_settings(self.path)
        except ValidationError as exc:
            self._say(error_message(exc), ok=False)
            settings = PrinterSettings()
        receipt, tag = settings.receipt, settings.tag
        self.receipt.set_kind(receipt.kind if receipt else "none")
        if receipt is not None:
            self.receipt.host.setText(receipt.host)
            self.receipt.port.setValue(receipt.port)
            self.receipt.vendor.setText(f"{receipt.usb_vendor_id:04X}"
                                        if receipt.usb_vendor_id else "")
            self.receipt.product.setText(f"{receipt.usb_product_id:04X}"
                                         if receipt.usb_product_id else "")
            self.receipt.file_path.setText(receipt.file_path)
        self.tag.set_kind(tag.kind if tag else "none")
        if tag is not None:
            self.tag.host.setText(tag.host)
            self.tag.port.setValue(tag.port)
            self.tag.file_path.setText(tag.file_path)
        self.cost_code.setText(settings.cost_code or "")

    def receipt_config(self) -> PrinterConfig | None:
        """The receipt printer the form describes (ValidationError when it cannot work)."""
        form, kind = self.receipt, self.receipt.current_kind()
        if kind == "none":
            return None
        if kind == "usb":
            return PrinterConfig(kind="usb", usb_vendor_id=_usb_id(form.vendor.text(), "vendor"),
                                 usb_product_id=_usb_id(form.product.text(), "product"))
        if kind == "network":
            return PrinterConfig(kind="network", host=form.host.text().strip(),
                                 port=form.port.value())
        return PrinterConfig(kind="file", file_path=form.file_path.text().strip())

    def tag_config(self) -> TagPrinterConfig | None:
        """The tag printer the form describes."""
        form, kind = self.tag, self.tag.current_kind()
        if kind == "none":
            return None
        if kind == "network":
            return TagPrinterConfig(kind="network", host=form.host.text().strip(),
                                    port=form.port.value())
        return TagPrinterConfig(kind="file", file_path=form.file_path.text().strip())

    def settings(self) -> PrinterSettings:
        """Everything the form describes."""
        letters = self.cost_code.text().strip()
        return PrinterSettings(receipt=self.receipt_config(), tag=self.tag_config(),
                               cost_code=check_cost_code_letters(letters) if letters else None)

    def save(self) -> None:
        """Check the form and write the settings file."""
        try:
            settings = self.settings()
        except ValidationError as exc:
            self._say(error_message(exc), ok=False)
            return
        path = self.path
        run_op(lambda: save_printer_settings(path, settings), parent=self).success(
            lambda _r: self._say("Printer settings saved.", ok=True)).failure(
            lambda exc: self._say(error_message(exc), ok=False))

    def _say(self, text: str, *, ok: bool) -> None:
        self.result.setStyleSheet(_OK if ok else _PROBLEM)
        self.result.setText(text)

    # --- test prints --------------------------------------------------------------------

    def test_receipt(self) -> None:
        """Print a test receipt on the printer as the form describes it (saved or not)."""
        self._test(self.receipt, self._receipt_test)

    def _receipt_test(self) -> Callable[[], str]:
        config = self.receipt_config()
        assert config is not None
        store = self._context.store
        return lambda: printing.print_test_receipt(store, config)

    def test_tag(self) -> None:
        """Print (or save) one sample tag as the form describes the tag printer."""
        self._test(self.tag, self._tag_test)

    def _tag_test(self) -> Callable[[], str]:
        config = self.tag_config()
        assert config is not None
        letters = self.cost_code.text().strip() or None
        store = self._context.store
        return lambda: printing.print_test_tag(store, config, cost_code=letters)

    def _test(self, form: _PrinterForm, job: Callable[[], Callable[[], str]]) -> None:
        try:
            work = job()
        except ValidationError as exc:
            form.say(error_message(exc), ok=False)
            return
        form.test_button.setEnabled(False)
        form.say("Printing…", ok=True)

        def finished(text: str, ok: bool) -> None:
            form.test_button.setEnabled(True)
            form.say(text, ok=ok)

        run_op(work, parent=self).success(lambda text: finished(text, True)).failure(
            lambda exc: finished(error_message(exc), False))
