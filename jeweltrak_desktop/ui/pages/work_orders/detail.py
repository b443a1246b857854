"""The chosen job: its facts, deposits, notes and photos, and what can be done to it."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QGridLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QVBoxLayout,
    QWidget,
)

from jeweltrak_core.payments.entities import Deposit
from jeweltrak_core.work_orders.entities import WorkOrder
from jeweltrak_desktop.ui.pages.work_orders.board import LANE_TITLES
from jeweltrak_desktop.ui.widgets.money import date_text, money_text
from jeweltrak_desktop.ui.widgets.page_frame import button, named
from jeweltrak_desktop.ui.widgets.photo_strip import PhotoStrip

#: What the e-mail button sends, shown on hover while it can.
EMAIL_HINT = "Alt+E: the customer copy of the ticket, to the customer's e-mail address"


class OrderDetail(QWidget):
    """Read-only facts of one job, its notes (add one), photos, and the action buttons."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.heading = QLabel("Choose a card", self)
        self.heading.setProperty("sectionTitle", True)
        self.facts: dict[str, QLabel] = {}
        form = QFormLayout()
        for key in ("Customer", "Status", "Item", "Work", "Promised", "Estimate", "Price",
                    "Vendor cost", "Deposits", "Location"):
            label = QLabel("", self)
            label.setWordWrap(True)
            self.facts[key] = label
            form.addRow(key, label)
        self.form = form
        self.photos = PhotoStrip(self)
        self.notes = named(QListWidget(self), "work-order-notes")
        self.notes.setMaximumHeight(140)
        self.notes.setWordWrap(True)
        self.note = named(QLineEdit(self), "work-order-note")
        self.note.setPlaceholderText("Add a note, then Enter")
        self.internal = QCheckBox("Internal (not on the customer copy)", self)
        self.internal.setChecked(True)
        self.move_buttons = {
            status: button(LANE_TITLES[status], self, name=f"move-{status.value}")
            for status in LANE_TITLES
        }
        self.photo_button = button("Attach photo…", self, name="work-order-photo")
        self.print_button = button("Print tickets", self, name="work-order-print")
        self.email_button = button("&E-mail ticket to customer", self, name="work-order-email")
        self.email_button.setToolTip(EMAIL_HINT)
        self.email_reason = named(QLabel("", self), "work-order-email-reason")
        self.email_reason.setProperty("muted", True)
        self.email_reason.setWordWrap(True)
        self.message = named(QLabel("", self), "work-order-message")
        self.message.setWordWrap(True)
        self.deposit_button = button("Deposit by card…", self, name="work-order-card-deposit")
        self.body = QWidget(self)
        body = QVBoxLayout(self.body)
        body.setContentsMargins(0, 0, 0, 0)
        body.addLayout(form)
        body.addWidget(self.photos)
        body.addWidget(QLabel("Notes", self.body))
        body.addWidget(self.notes)
        body.addWidget(self.note)
        body.addWidget(self.internal)
        body.addStretch(1)
        body.addWidget(QLabel("Move to:", self.body))
        moves = QGridLayout()
        for n, b in enumerate(self.move_buttons.values()):
            moves.addWidget(b, n // 3, n % 3)
        body.addLayout(moves)
        more = QGridLayout()
        more.addWidget(self.photo_button, 0, 0)
        more.addWidget(self.deposit_button, 0, 1)
        more.addWidget(self.print_button, 1, 0)
        more.addWidget(self.email_button, 1, 1)
        body.addLayout(more)
        body.addWidget(self.email_reason)
        body.addWidget(self.message)
        self.hint = QLabel("Choose a card to see the job, add notes, move it or print its "
                           "tickets. New work order… takes in a repair.", self)
        self.hint.setProperty("muted", True)
        self.hint.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.heading)
        layout.addWidget(self.hint)
        layout.addWidget(self.body, 1)
        layout.addStretch(0)
        self.show_order(None, [])

    def show_order(self, order: WorkOrder | None, deposits: list[Deposit], customer: str = ""
                   ) -> None:
        """Show a job (None: nothing chosen)."""
        self.body.setVisible(order is not None)
        self.hint.setVisible(order is None)
        self.message.setText("")
        if order is None:
            self.heading.setText("Choose a card")
            for label in self.facts.values():
                label.setText("")
            self.notes.clear()
            self.photos.set_photos([])
            return
        rush = " · RUSH" if order.rush else ""
        self.heading.setText(f"Work order {order.number} · {order.type.value.title()}{rush}")
        paid = sum(d.amount_cents for d in deposits)
        values = {
            "Customer": customer, "Status": LANE_TITLES[order.status],
            "Item": order.item_description, "Work": order.instructions or "—",
            "Promised": date_text(order.promised_date) or "—",
            "Estimate": money_text(order.estimate_cents),
            "Price": money_text(order.price_cents) if order.price_cents else "—",
            "Vendor cost": money_text(order.vendor_cost_cents),
            "Deposits": f"{money_text(paid)} ({len(deposits)})" if deposits else "none",
            "Location": order.location or "—",
        }
        for key, text in values.items():
            self.facts[key].setText(text)
        for status, b in self.move_buttons.items():
            b.setEnabled(status != order.status)
        self.notes.clear()
        for note in order.notes:
            when = note.created_at.astimezone().strftime("%m/%d %I:%M %p") if note.created_at \
                else ""
            tag = "internal" if note.internal else "customer sees"
            self.notes.addItem(f"{when} ({tag}) {note.text}")

    def set_email_state(self, reason: str) -> None:
        """E-mail the ticket only when it can go ("": yes); otherwise show why not."""
        self.email_button.setEnabled(not reason)
        self.email_button.setToolTip(reason or EMAIL_HINT)
        self.email_reason.setText(reason)
        self.email_reason.setVisible(bool(reason))

    def set_cost_visible(self, visible: bool) -> None:
        """Hide the vendor cost from a clerk without view_cost."""
        self.facts["Vendor cost"].setVisible(visible)
        label = self.form.labelForField(self.facts["Vendor cost"])
        if label is not None:
            label.setVisible(visible)
