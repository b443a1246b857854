"""The status bar's contents: sync state, pending changes, last sync, problems, reader."""

from __future__ import annotations

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSizePolicy, QWidget

from jeweltrak_desktop.ui.labels import last_sync_text, pending_text
from jeweltrak_desktop.ui.shell.status_feed import ShellStatus

#: The card reader arrives with the payments issue; until then the bar says so, plainly.
READER_TEXT = "Card reader: not set up — card payments arrive with the payments update"


#: The state in a few words (the offline banner says the rest).
STATE_TEXT = {
    "local": "Local demo store — not syncing",
    "online": "Online",
    "offline": "Offline — server not reachable",
    "syncing": "Syncing…",
}


def problems_text(count: int) -> str:
    """The problems link's words."""
    if count == 0:
        return "No sync problems"
    return f"{count:,} sync problem{'' if count == 1 else 's'} — show"


class ShellStatusBar(QWidget):
    """Labels for the window's QStatusBar; the problems link emits ``problems_clicked``."""

    problems_clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 0, 4, 0)
        layout.setSpacing(14)
        self.message_label = QLabel("")
        self.message_label.setObjectName("status-message")
        # Passing messages take only the room left; the sync figures always stay whole.
        self.message_label.setSizePolicy(QSizePolicy.Policy.Ignored,
                                          QSizePolicy.Policy.Preferred)
        self._message_timer = QTimer(self)
        self._message_timer.setSingleShot(True)
        self._message_timer.timeout.connect(self.message_label.clear)
        self.sync_label = QLabel("Reading sync state…")
        self.sync_label.setObjectName("sync-state")
        self.pending_label = QLabel("")
        self.pending_label.setObjectName("pending-ops")
        self.last_sync_label = QLabel("")
        self.last_sync_label.setObjectName("last-sync")
        self.problems_button = QPushButton(problems_text(0))
        self.problems_button.setObjectName("sync-problems-link")
        self.problems_button.setFlat(True)
        self.problems_button.setToolTip("Show the changes the store server did not accept")
        self.problems_button.clicked.connect(self.problems_clicked)
        self.reader_label = QLabel(READER_TEXT)
        self.reader_label.setObjectName("card-reader")
        layout.addWidget(self.message_label, 1)
        layout.addWidget(self.sync_label)
        for widget in (self.pending_label, self.last_sync_label, self.problems_button,
                       self.reader_label):
            layout.addWidget(widget)

    def show_message(self, text: str, timeout_ms: int = 6_000) -> None:
        """A passing sentence at the left ("Signed in as …"), cleared after a while."""
        self.message_label.setText(text)
        self.message_label.setToolTip(text)
        self._message_timer.start(timeout_ms)

    def show_status(self, status: ShellStatus) -> None:
        """Show one status."""
        self.sync_label.setText(STATE_TEXT.get(status.state, status.state.capitalize()))
        self.sync_label.setToolTip(status.error or "")
        self.pending_label.setText(pending_text(status.pending_ops))
        self.last_sync_label.setText(last_sync_text(status.last_sync_at))
        count = len(status.problems) + status.oversells
        self.problems_button.setText(problems_text(count))
        self.problems_button.setVisible(count > 0)  # the navigation lists the page anyway
        self.problems_button.setProperty("alert", count > 0)
        self.problems_button.style().polish(self.problems_button)
