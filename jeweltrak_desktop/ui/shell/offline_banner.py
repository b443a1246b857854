"""The yellow banner across the top while the store server cannot be reached."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget


def offline_text(pending: int) -> str:
    """What still works offline, what waits, and how much will upload."""
    changes = f"{pending:,} change{'' if pending == 1 else 's'}"
    return (
        "Offline — selling, inventory, contacts, memos and work orders keep working; "
        "card payments, payment links and emails wait for the connection. "
        f"{changes} will upload when it returns."
    )


class OfflineBanner(QLabel):
    """Hidden while online (and on a local demo store); shown while offline."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("offline-banner")
        self.setWordWrap(True)
        self.hide()

    def show_offline(self, pending: int) -> None:
        """Show the banner with the number of changes waiting."""
        self.setText(offline_text(pending))
        self.show()
