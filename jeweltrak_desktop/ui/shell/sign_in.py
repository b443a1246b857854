"""The sign-in screen: pick your name, type your PIN (on the keyboard or the pad)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from jeweltrak_desktop.services import staff
from jeweltrak_desktop.services.local_store import Actor, LocalStore
from jeweltrak_desktop.services.staff import PinSignIn, StaffMember
from jeweltrak_desktop.ui.tasks import error_message, run_op

_NO_STAFF = (
    "No one can sign in on this workstation yet: staff and their PINs come from the store "
    "server with the next sync. A manager adds staff and sets PINs on the server (Staff)."
)


class SignInScreen(QWidget):
    """Emits ``signed_in(actor)`` once a PIN is verified; says why when it is not."""

    signed_in = Signal(object)  # Actor
    #: The staff list has been read (and shown).
    staff_loaded = Signal()
    #: A sign-in attempt was refused; the message label says why.
    refused = Signal(str)

    def __init__(self, store: LocalStore, *, guard: PinSignIn | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self._guard = guard or PinSignIn(store)
        self._checking = False
        self.setObjectName("sign-in-screen")
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self._build_card())
        row.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(2)

    def _build_card(self) -> QFrame:
        card = QFrame()
        card.setProperty("card", True)
        card.setFixedWidth(560)
        layout = QVBoxLayout(card)
        layout.setContentsMargins(28, 24, 28, 24)
        layout.setSpacing(12)
        title = QLabel("Sign in")
        title.setProperty("pageTitle", True)
        self.store_label = QLabel("")
        self.store_label.setObjectName("sign-in-store")
        self.store_label.setProperty("muted", True)
        layout.addWidget(title)
        layout.addWidget(self.store_label)
        body = QHBoxLayout()
        body.setSpacing(18)
        self.staff_list = QListWidget()
        self.staff_list.setObjectName("staff-list")
        self.staff_list.setMinimumWidth(220)
        self.staff_list.currentItemChanged.connect(lambda *_: self._staff_changed())
        body.addWidget(self.staff_list, 1)
        body.addLayout(self._build_pin_side())
        layout.addLayout(body)
        self.message = QLabel("Choose your name, then type your PIN and press Enter.")
        self.message.setObjectName("sign-in-message")
        self.message.setWordWrap(True)
        self.message.setMinimumHeight(44)
        layout.addWidget(self.message)
        return card

    def _build_pin_side(self) -> QVBoxLayout:
        side = QVBoxLayout()
        side.setSpacing(8)
        self.pin_field = QLineEdit()
        self.pin_field.setObjectName("pin-field")
        self.pin_field.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin_field.setPlaceholderText("PIN")
        self.pin_field.setMaxLength(12)
        self.pin_field.setValidator(QRegularExpressionValidator(r"\d{0,12}", self.pin_field))
        self.pin_field.returnPressed.connect(self.submit)
        side.addWidget(self.pin_field)
        pad = QGridLayout()
        pad.setSpacing(6)
        keys = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "Clear", "0", "Enter"]
        for index, key in enumerate(keys):
            button = QPushButton(key)
            button.setObjectName(f"pin-key-{key.lower()}")
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # typing stays in the PIN field
            button.setMinimumSize(64, 44)
            button.clicked.connect(lambda _=False, k=key: self._pad(k))
            pad.addWidget(button, index // 3, index % 3)
        side.addLayout(pad)
        return side

    # --- staff --------------------------------------------------------------------------
    def load_staff(self) -> None:
        """Read the staff list (again) and show it."""
        store = self._store
        run_op(lambda: staff.list_staff(store), parent=self).success(self._show_staff).failure(
            lambda exc: self._say(error_message(exc))
        )

    def _show_staff(self, members: list[StaffMember]) -> None:
        self.staff_list.clear()
        for member in members:
            item = QListWidgetItem(member.name if member.has_pin else f"{member.name} (no PIN)")
            item.setData(Qt.ItemDataRole.UserRole, member)
            self.staff_list.addItem(item)
        if members:
            self.staff_list.setCurrentRow(0)
        else:
            self._say(_NO_STAFF)
        self.staff_loaded.emit()

    def set_store_name(self, text: str) -> None:
        """The line under the title (store name and workstation)."""
        self.store_label.setText(text)

    def select_staff(self, name: str) -> bool:
        """Select the staff member with this name; False if not listed."""
        for row in range(self.staff_list.count()):
            member = self.staff_list.item(row).data(Qt.ItemDataRole.UserRole)
            if isinstance(member, StaffMember) and member.name == name:
                self.staff_list.setCurrentRow(row)
                return True
        return False

    def _current(self) -> StaffMember | None:
        item = self.staff_list.currentItem()
        member = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        return member if isinstance(member, StaffMember) else None

    def _staff_changed(self) -> None:
        self.pin_field.clear()
        self.pin_field.setFocus()

    # --- PIN ----------------------------------------------------------------------------
    def _pad(self, key: str) -> None:
        if key == "Clear":
            self.pin_field.clear()
        elif key == "Enter":
            self.submit()
        else:
            self.pin_field.insert(key)
        self.pin_field.setFocus()

    def submit(self) -> None:
        """Check the typed PIN for the chosen staff member."""
        member = self._current()
        pin = self.pin_field.text()
        if self._checking:
            return
        if member is None:
            self._say("Choose your name in the list first.")
            return
        if not pin:
            self._say("Type your PIN, then press Enter.")
            return
        self._checking = True
        self._say("Checking…")
        guard = self._guard
        run_op(lambda: guard.sign_in(member.id, pin), parent=self).success(
            self._accepted
        ).failure(self._refused)

    def _accepted(self, actor: Actor) -> None:
        self._checking = False
        self.pin_field.clear()
        self._say("Choose your name, then type your PIN and press Enter.")
        self.signed_in.emit(actor)

    def _refused(self, exc: BaseException) -> None:
        self._checking = False
        self.pin_field.clear()
        self.pin_field.setFocus()
        self._say(error_message(exc))
        self.refused.emit(error_message(exc))

    def _say(self, text: str) -> None:
        self.message.setText(text)

    def reset(self) -> None:
        """Back to a clean screen (after locking): no PIN typed, focus in the PIN field."""
        self.pin_field.clear()
        self.pin_field.setFocus()
