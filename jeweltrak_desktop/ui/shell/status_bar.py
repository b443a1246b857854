"""The status bar's contents: sync state, pending changes, last sync, problems, reader."""

from __future__ import annotations

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSizePolicy, QWidget

from jeweltrak_desktop.services.card_payments import CardPayments
from jeweltrak_desktop.ui.labels import last_sync_text, pending_text
from jeweltrak_desktop.ui.payments.availability import (
    NOT_PAIRED,
    CardState,
    check_cards,
    reader_sentence,
)
from jeweltrak_desktop.ui.payments.network import run_net
from jeweltrak_desktop.ui.shell.status_feed import ShellStatus

#: A workstation without a store server (the demo store) has no card reader.
READER_TEXT = reader_sentence(CardState(False, NOT_PAIRED))
#: How often the readers' online state is asked again.
READER_REFRESH_MS = 60_000


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
        self._cards: CardPayments | None = None
        layout.addWidget(self.message_label, 1)
        layout.addWidget(self.sync_label)
        for widget in (self.pending_label, self.last_sync_label, self.problems_button,
                       self.reader_label):
            layout.addWidget(widget)

    def watch_cards(self, client: CardPayments | None) -> None:
        """Show the readers' state from the service, asked again every minute."""
        self._cards = client
        if client is None:
            self.reader_label.setText(READER_TEXT)
            return
        if not hasattr(self, "_reader_timer"):
            self._reader_timer = QTimer(self)
            self._reader_timer.timeout.connect(self.refresh_reader)
        self._reader_timer.start(READER_REFRESH_MS)
        self.refresh_reader()

    def refresh_reader(self) -> None:
        """Ask the service for the readers now."""
        client = self._cards
        run_net(lambda: check_cards(client), parent=self).success(self.show_reader)

    def show_reader(self, state: CardState) -> None:
        """The reader's words (online, offline, or why cards cannot be taken)."""
        self.reader_label.setText(reader_sentence(state))

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
