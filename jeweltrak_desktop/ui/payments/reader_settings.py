"""Settings → Card reader: pair a reader (label + registration code), list readers."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from jeweltrak_desktop.services.card_payments import CardPayments, Reader
from jeweltrak_desktop.ui.payments.availability import CardState, check_cards
from jeweltrak_desktop.ui.payments.network import run_net
from jeweltrak_desktop.ui.tasks import error_message

HELP = ("On the reader, open Settings → Generate pairing code, then type the code it shows "
        "and a label clerks recognise (such as “Front counter”).")


class ReaderSettingsWidget(QWidget):
    """Readers with their online state, and a form to pair one more."""

    def __init__(self, client: CardPayments | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reader-settings-widget")
        self.client = client
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.state_label = QLabel("Reading the store's card readers…")
        self.state_label.setObjectName("reader-state")
        self.state_label.setWordWrap(True)
        layout.addWidget(self.state_label)
        self.table = QTableWidget(0, 2)
        self.table.setObjectName("reader-list")
        self.table.setHorizontalHeaderLabels(["Reader", "State"])
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().setSectionResizeMode(
            1, QHeaderView.ResizeMode.ResizeToContents)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        layout.addWidget(self.table)
        help_text = QLabel(HELP)
        help_text.setWordWrap(True)
        help_text.setProperty("muted", True)
        layout.addWidget(help_text)
        form = QFormLayout()
        self.label_field = QLineEdit()
        self.label_field.setObjectName("reader-label")
        self.label_field.setPlaceholderText("Front counter")
        form.addRow("Label", self.label_field)
        self.code_field = QLineEdit()
        self.code_field.setObjectName("reader-code")
        self.code_field.setPlaceholderText("the code shown on the reader")
        form.addRow("Registration code", self.code_field)
        layout.addLayout(form)
        row = QHBoxLayout()
        self.register_button = QPushButton("Register reader")
        self.register_button.setObjectName("reader-register")
        self.register_button.clicked.connect(self.register)
        self.refresh_button = QPushButton("Refresh")
        self.refresh_button.setObjectName("reader-refresh")
        self.refresh_button.clicked.connect(self.refresh)
        row.addWidget(self.register_button)
        row.addWidget(self.refresh_button)
        row.addStretch(1)
        layout.addLayout(row)
        self.message = QLabel("")
        self.message.setObjectName("reader-message")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        if client is None:  # nothing to ask: say so at once
            self._show(check_cards(None))
        else:
            self.refresh()

    def refresh(self) -> None:
        """List the readers again (asks the service)."""
        client = self.client
        run_net(lambda: check_cards(client), parent=self).success(self._show)

    def _show(self, state: CardState) -> None:
        usable = state.available
        for widget in (self.label_field, self.code_field, self.register_button):
            widget.setEnabled(usable)
        if not usable:
            self.state_label.setText(f"Not available yet ({state.reason}). Card readers are "
                                     "paired and listed here when the store server can be "
                                     "reached; until then take cash or a check.")
        elif not state.readers:
            self.state_label.setText("No card reader is paired with this store yet.")
        else:
            online = len(state.online_readers)
            self.state_label.setText(f"{len(state.readers)} reader(s), {online} online.")
        self.table.setRowCount(len(state.readers))
        for row, reader in enumerate(state.readers):
            self.table.setItem(row, 0, QTableWidgetItem(reader.label))
            self.table.setItem(row, 1, QTableWidgetItem("Online" if reader.online
                                                        else "Offline"))
        self.table.setVisible(bool(state.readers))
        self.table.resizeRowsToContents()
        rows = sum(self.table.rowHeight(r) for r in range(self.table.rowCount()))
        self.table.setFixedHeight(rows + self.table.horizontalHeader().height()
                                  + 2 * self.table.frameWidth())

    def register(self) -> None:
        """Pair the reader whose code was typed."""
        label, code = self.label_field.text().strip(), self.code_field.text().strip()
        if not label or not code:
            self.message.setText("Type a label and the reader's registration code.")
            return
        if self.client is None:
            return
        client = self.client
        self.register_button.setEnabled(False)
        self.message.setText("Registering…")
        run_net(lambda: client.pair_reader(label, code), parent=self).success(
            self._registered).failure(self._refused)

    def _registered(self, reader: Reader) -> None:
        self.message.setText(f"Paired “{reader.label}”.")
        self.code_field.clear()
        self.label_field.clear()
        self.register_button.setEnabled(True)
        self.refresh()

    def _refused(self, exc: BaseException) -> None:
        self.message.setText(error_message(exc))
        self.register_button.setEnabled(True)
