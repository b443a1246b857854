"""Dialogs for scanner-driven forms, where Enter ends a field instead of the dialog."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QDialog, QPushButton


class FormDialog(QDialog):
    """A dialog that Enter never accepts: a scanner ends every code with Enter."""

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Swallow Enter/Return (fields handle it); Escape still cancels."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            event.accept()
            return
        super().keyPressEvent(event)

    def showEvent(self, event: object) -> None:
        """No button is the default one (a QPushButton in a dialog is by default)."""
        for b in self.findChildren(QPushButton):
            b.setAutoDefault(False)
            b.setDefault(False)
        super().showEvent(event)  # type: ignore[arg-type]
