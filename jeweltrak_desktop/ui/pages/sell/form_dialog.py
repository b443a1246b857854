"""A small keyboard-first form: fields, a message line, Enter to accept, Esc to cancel."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from jeweltrak_core.errors import JewelTrakError
from jeweltrak_desktop.ui.money_fields import money_text, read_money

__all__ = ["FormDialog", "money_text", "read_money"]


class FormDialog(QDialog):
    """Rows of fields; ``submitted`` carries what ``collect`` returned once it validated."""

    submitted = Signal(object)

    def __init__(self, title: str, intro: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(420)
        layout = QVBoxLayout(self)
        if intro:
            caption = QLabel(intro)
            caption.setWordWrap(True)
            layout.addWidget(caption)
        self.form = QFormLayout()
        layout.addLayout(self.form)
        self.message = QLabel("")
        self.message.setObjectName("form-message")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b42318;")
        layout.addWidget(self.message)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self._submit)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.collect: Callable[[], object] = lambda: None

    def add_row(self, label: str, widget: QWidget) -> QWidget:
        """One labelled field."""
        self.form.addRow(label, widget)
        return widget

    def add_line(self, label: str, text: str = "", placeholder: str = "") -> QLineEdit:
        """A text field; Enter in it presses OK (the dialog's default button)."""
        field = QLineEdit(text, placeholderText=placeholder)
        self.form.addRow(label, field)
        return field

    def show_error(self, exc: BaseException | str) -> None:
        """A sentence under the fields (the dialog stays open)."""
        text = exc if isinstance(exc, str) else (
            exc.message if isinstance(exc, JewelTrakError) else str(exc))
        self.message.setText(text)

    def _submit(self) -> None:
        if not self.isVisible():  # Enter already accepted it
            return
        try:
            value = self.collect()
        except JewelTrakError as exc:
            self.show_error(exc)
            return
        self.submitted.emit(value)
        self.accept()
