"""First run on a workstation with no store: pair with a store server, or open the demo."""

from __future__ import annotations

import socket
from pathlib import Path
from uuid import UUID

from PySide6.QtCore import QThreadPool, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from jeweltrak_core.errors import JewelTrakError
from jeweltrak_desktop.sync.pairing import Pairing, StoreChoiceNeeded, pair_workstation
from jeweltrak_desktop.ui.tasks import error_message, run_op

PAIR = "pair"
DEMO = "demo"


class FirstRunDialog(QDialog):
    """Accepted with ``choice`` PAIR (and ``pairing``) or DEMO; rejected means quit."""

    #: A pairing attempt ended (paired, or refused with a message shown).
    attempt_finished = Signal()

    def __init__(self, database: Path, *, label: str | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._database = database
        self._label = label or socket.gethostname() or "Counter"
        self.choice: str | None = None
        self.pairing: Pairing | None = None
        self.setWindowTitle("Welcome to JewelTrak")
        self.setObjectName("first-run")
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        layout.setSpacing(12)
        intro = QLabel(
            "This computer has no store yet. Pair it with your store server to share "
            "one inventory with your other counters, or try JewelTrak on the demo store "
            "(kept on this computer only)."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        layout.addWidget(self._build_pair_group())
        self.demo_button = QPushButton("Open the demo store on this computer")
        self.demo_button.setObjectName("open-demo")
        self.demo_button.clicked.connect(self.choose_demo)
        layout.addWidget(self.demo_button)

    def _build_pair_group(self) -> QGroupBox:
        group = QGroupBox("Pair with a store server")
        form = QFormLayout(group)
        self.url_field = QLineEdit()
        self.url_field.setObjectName("pair-url")
        self.url_field.setPlaceholderText("https://sync.yourstore.com")
        self.email_field = QLineEdit()
        self.email_field.setObjectName("pair-email")
        self.password_field = QLineEdit()
        self.password_field.setObjectName("pair-password")
        self.password_field.setEchoMode(QLineEdit.EchoMode.Password)
        self.store_choice = QComboBox()
        self.store_choice.setObjectName("pair-store")
        self.store_choice.addItem("The only store (or choose after signing in)", None)
        form.addRow("Server address:", self.url_field)
        form.addRow("E-mail:", self.email_field)
        form.addRow("Password:", self.password_field)
        form.addRow("Store:", self.store_choice)
        self.message = QLabel("")
        self.message.setObjectName("pair-message")
        self.message.setWordWrap(True)
        form.addRow(self.message)
        row = QHBoxLayout()
        row.addStretch(1)
        self.pair_button = QPushButton("Pair with a store server")
        self.pair_button.setObjectName("pair-button")
        self.pair_button.setDefault(True)
        self.pair_button.clicked.connect(self.pair)
        row.addWidget(self.pair_button)
        form.addRow(row)
        return group

    def choose_demo(self) -> None:
        """Open the demo store."""
        self.choice = DEMO
        self.accept()

    def pair(self) -> None:
        """Check the form, then pair (off the UI thread)."""
        url = self.url_field.text().strip()
        email = self.email_field.text().strip()
        password = self.password_field.text()
        missing = [name for name, value in (("the server address", url), ("your e-mail", email),
                                            ("your password", password)) if not value]
        if missing:
            self.message.setText(f"Type {', '.join(missing)} first.")
            self.attempt_finished.emit()
            return
        store_id = self.store_choice.currentData()
        database, label = self._database, self._label
        self.pair_button.setEnabled(False)
        self.message.setText("Pairing…")
        run_op(
            lambda: pair_workstation(server_url=url, email=email, password=password,
                                     store_id=store_id, label=label, local_store_path=database),
            parent=self,
            pool=QThreadPool.globalInstance(),
        ).success(self._paired).failure(self._refused)

    def _paired(self, pairing: Pairing) -> None:
        self.pairing = pairing
        self.choice = PAIR
        self.pair_button.setEnabled(True)
        self.message.setText(f"Paired with {pairing.store} as workstation "
                             f"{pairing.workstation_code}.")
        self.attempt_finished.emit()
        self.accept()

    def _refused(self, exc: BaseException) -> None:
        self.pair_button.setEnabled(True)
        if isinstance(exc, StoreChoiceNeeded) and exc.details.get("stores"):
            self._offer_stores(exc.details["stores"])
        self.message.setText(error_message(exc) if isinstance(exc, JewelTrakError)
                             else f"Pairing failed: {error_message(exc)}")
        self.attempt_finished.emit()

    def _offer_stores(self, stores: list[dict[str, str]]) -> None:
        self.store_choice.clear()
        for store in stores:
            self.store_choice.addItem(f"{store['code']} – {store['name']}", UUID(store["id"]))
