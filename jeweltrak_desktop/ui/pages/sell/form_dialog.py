"""A small keyboard-first form: fields, a message line, Enter to accept, Esc to cancel."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
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

__all__ = ["FormDialog", "index_of", "money_text", "read_money"]


def index_of(combo: QComboBox, value: object) -> int:
    """The row whose data equals ``value`` (-1 if none). ``findData`` matches Python objects
    such as UUIDs only when they are the very same object, not an equal one."""
    return next((i for i in range(combo.count()) if combo.itemData(i) == value), -1)


class FormDialog(QDialog):
    """Rows of fields; ``submitted`` carries what ``collect`` returned once it validated.

    With ``closes_on_submit`` False the form stays open (OK disabled) after ``submitted``:
    its owner calls ``accept()`` once the change is saved, or ``refused(exc)`` to show why
    not and let the clerk correct it — so a rule of the services is never copied here.
    """

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
        self.closes_on_submit = True

    def add_row(self, label: str, widget: QWidget) -> QWidget:
        """One labelled field."""
        self.form.addRow(label, widget)
        return widget

    def add_line(self, label: str, text: str = "", placeholder: str = "") -> QLineEdit:
        """A text field; Enter in it presses OK (the dialog's default button)."""
        field = QLineEdit(text, placeholderText=placeholder)
        field.textEdited.connect(lambda _text: self.message.setText(""))  # being corrected
        self.form.addRow(label, field)
        return field

    def show_error(self, exc: BaseException | str) -> None:
        """A sentence under the fields (the dialog stays open)."""
        text = exc if isinstance(exc, str) else (
            exc.message if isinstance(exc, JewelTrakError) else str(exc))
        self.message.setText(text)

    def refused(self, exc: BaseException) -> None:
        """The change was refused: say why, and let the clerk try again."""
        self.buttons.setEnabled(True)
        self.show_error(exc)

    def _submit(self) -> None:
        if not self.isVisible() or not self.buttons.isEnabled():  # already submitted
            return
        try:
            value = self.collect()
        except JewelTrakError as exc:
            self.show_error(exc)
            return
        if not self.closes_on_submit:
            self.buttons.setEnabled(False)  # until the change is saved or refused
            self.message.setText("")
        self.submitted.emit(value)
        if self.closes_on_submit:
            self.accept()
