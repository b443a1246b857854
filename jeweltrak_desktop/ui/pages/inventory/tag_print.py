"""Batch tag printing from the inventory list: ZPL to the tag printer, or to a .zpl file."""

from __future__ import annotations

from pathlib import Path
from uuid import UUID

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from jeweltrak_core.errors import ValidationError
from jeweltrak_desktop.hardware.printer_config import PrinterSettings
from jeweltrak_desktop.services import printing
from jeweltrak_desktop.ui.context import CounterContext
from jeweltrak_desktop.ui.tasks import error_message, run_op


class TagPrintDialog(QDialog):
    """Print tags for the chosen pieces; says what happened, or why the printer failed."""

    def __init__(self, context: CounterContext, piece_ids: list[UUID], stock_ids: list[str],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Print tags")
        self.setObjectName("tag-print")
        self._context = context
        self.piece_ids = piece_ids
        try:
            self.settings = printing.workstation_printers(context.store)
        except ValidationError:
            self.settings = PrinterSettings()
        tag = self.settings.tag
        count = len(piece_ids)
        shown = ", ".join(stock_ids[:6]) + (f" and {count - 6} more" if count > 6 else "")
        summary = QLabel(f"{count} tag{'' if count == 1 else 's'}: {shown}")
        summary.setWordWrap(True)
        where = tag.label if tag is not None else "no tag printer set up (Settings → Printers)"
        self.to_printer = QRadioButton(f"Print on the {where}" if tag else where.capitalize())
        self.to_printer.setObjectName("to-printer")
        self.to_printer.setEnabled(tag is not None)
        self.to_file = QRadioButton("Save to a .zpl file")
        self.to_file.setObjectName("to-file")
        self.file_edit = QLineEdit(tag.file_path if tag and tag.kind == "file" else
                                   str(Path.home() / "tags.zpl"))
        self.file_edit.setObjectName("tag-file")
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        (self.to_printer if tag is not None else self.to_file).setChecked(True)
        self.result_label = QLabel("")
        self.result_label.setObjectName("tag-result")
        self.result_label.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.print_button = buttons.addButton("Print", QDialogButtonBox.ButtonRole.ActionRole)
        self.print_button.setObjectName("tag-print-go")
        self.print_button.setDefault(True)
        self.print_button.clicked.connect(self.print_tags)
        buttons.rejected.connect(self.reject)
        file_row = QHBoxLayout()
        file_row.addWidget(self.file_edit, 1)
        file_row.addWidget(browse)
        layout = QVBoxLayout(self)
        for widget in (summary, self.to_printer, self.to_file):
            layout.addWidget(widget)
        layout.addLayout(file_row)
        layout.addWidget(self.result_label)
        layout.addWidget(buttons)
        self.setMinimumWidth(460)

    def _browse(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Save tags", self.file_edit.text(),
                                              "ZPL files (*.zpl)")
        if path:
            self.file_edit.setText(path)
            self.to_file.setChecked(True)

    def print_tags(self) -> None:
        """Send or save the tags off the UI thread."""
        store, ids, settings = self._context.store, self.piece_ids, self.settings
        file_path = self.file_edit.text().strip() if self.to_file.isChecked() else None
        if file_path == "":
            self._failed(ValidationError("Choose the file to save the tags to."))
            return
        self.print_button.setEnabled(False)
        self.result_label.setText("Printing…")
        run_op(lambda: printing.deliver_tags(
            store, ids, settings.tag, cost_code=settings.cost_code, file_path=file_path),
            parent=self).success(self._done).failure(self._failed)

    def _done(self, sentence: str) -> None:
        self.print_button.setEnabled(True)
        self.result_label.setStyleSheet("color: #1e7b34;")
        self.result_label.setText(sentence)
        self._context.events.status_message.emit(sentence)

    def _failed(self, exc: BaseException) -> None:
        self.print_button.setEnabled(True)
        self.result_label.setStyleSheet("color: #b42318; font-weight: bold;")
        self.result_label.setText(error_message(exc))
