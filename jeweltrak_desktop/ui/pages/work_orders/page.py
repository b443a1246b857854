"""The Work Orders page: the board (In Shop, In Progress, Ready for Pickup, On Hold) and a job."""

from __future__ import annotations

from pathlib import Path
from uuid import UUID

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from jeweltrak_core.clock import utc_now
from jeweltrak_core.contacts.entities import Contact
from jeweltrak_core.errors import NotFound
from jeweltrak_core.payments.entities import Deposit
from jeweltrak_core.permissions import Permission
from jeweltrak_core.work_orders.entities import WorkOrder
from jeweltrak_core.work_orders.rules import WorkOrderStatus
from jeweltrak_desktop.documents.work_order import CopyKind
from jeweltrak_desktop.services import contacts as contacts_service
from jeweltrak_desktop.services import work_orders as orders_service
from jeweltrak_desktop.services.local_store import Actor
from jeweltrak_desktop.services.work_orders import BoardCard
from jeweltrak_desktop.ui.context import CounterContext
from jeweltrak_desktop.ui.pages.work_orders.board import (
    LANE_TITLES,
    LANES,
    NEXT_LANE,
    PREVIOUS_LANE,
    LaneList,
)
from jeweltrak_desktop.ui.pages.work_orders.detail import OrderDetail
from jeweltrak_desktop.ui.pages.work_orders.intake_dialog import IntakeDialog
from jeweltrak_desktop.ui.payments.availability import NOT_PAIRED
from jeweltrak_desktop.ui.payments.charge_dialog import ChargeDialog
from jeweltrak_desktop.ui.payments.deposit import open_deposit
from jeweltrak_desktop.ui.payments.email_pdf import NEEDS_SERVER, can_email, email_pdf
from jeweltrak_desktop.ui.tasks import run_op
from jeweltrak_desktop.ui.widgets.page_frame import button, page_header, page_layout
from jeweltrak_desktop.ui.widgets.pdf_output import show_pdf


class WorkOrdersPage(QWidget):
    """Repairs and custom jobs on a board; rush jobs first in every lane."""

    title = "Work Orders"

    def __init__(self, context: CounterContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.cards: dict[UUID, BoardCard] = {}
        self.selected_id: UUID | None = None
        self.order: WorkOrder | None = None
        self.customer: Contact | None = None
        self.deposits_paid = 0
        self.deposit_dialog: ChargeDialog | None = None
        layout = page_layout(self)
        header, _ = page_header("Work Orders", self)
        self.hint = QLabel("Ctrl+→ / Ctrl+← moves the chosen card; drag cards between lanes",
                           self)
        self.hint.setProperty("muted", True)
        self.intake_button = button("New work order…", self, name="work-order-intake")
        header.addWidget(self.hint)
        header.addWidget(self.intake_button)
        layout.addLayout(header)
        splitter = QSplitter(self)
        splitter.addWidget(self._build_board())
        self.detail = OrderDetail(self)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([880, 380])
        layout.addWidget(splitter, 1)
        self._connect()
        context.events.data_changed.connect(self._data_changed)
        self.apply_permissions(context.actor)

    def _build_board(self) -> QWidget:
        board = QWidget(self)
        row = QHBoxLayout(board)
        row.setContentsMargins(0, 0, 0, 0)
        self.lanes: dict[WorkOrderStatus, LaneList] = {}
        self.lane_titles: dict[WorkOrderStatus, QLabel] = {}
        for status in LANES:
            col = QVBoxLayout()
            title = QLabel(LANE_TITLES[status], board)
            title.setProperty("laneTitle", True)
            lane = LaneList(status, board)
            col.addWidget(title)
            col.addWidget(lane, 1)
            row.addLayout(col, 1)
            self.lanes[status] = lane
            self.lane_titles[status] = title
        return board

    def _connect(self) -> None:
        for lane in self.lanes.values():
            lane.itemSelectionChanged.connect(lambda lane=lane: self._card_chosen(lane))
            lane.dropped.connect(self.move_order)
        for status, b in self.detail.move_buttons.items():
            b.clicked.connect(lambda _c=False, s=status: self._move_selected(s))
        self.intake_button.clicked.connect(self.open_intake)
        self.detail.note.returnPressed.connect(self._add_note)
        self.detail.photo_button.clicked.connect(self._attach_photo)
        self.detail.print_button.clicked.connect(self.print_tickets)
        self.detail.email_button.clicked.connect(self.email_ticket)
        self.detail.deposit_button.clicked.connect(self.deposit_by_card)
        paired = self.context.payments is not None
        self.detail.deposit_button.setEnabled(paired)
        self.detail.deposit_button.setToolTip("" if paired else NOT_PAIRED)
        for lane in self.lanes.values():
            lane.step_requested.connect(self._key_step)

    # --- the page contract -------------------------------------------------------------
    def activate(self) -> None:
        """Read the board again; focus the first lane."""
        self.refresh()
        self.lanes[WorkOrderStatus.IN_SHOP].setFocus()

    def apply_permissions(self, actor: Actor) -> None:
        """Moves and intake need manage_work_orders; the vendor cost needs view_cost."""
        manage = Permission.MANAGE_WORK_ORDERS in actor.permissions
        self.intake_button.setEnabled(manage)
        for b in self.detail.move_buttons.values():
            b.setEnabled(manage)
        for lane in self.lanes.values():
            lane.setDragEnabled(manage)
        self.detail.set_cost_visible(Permission.VIEW_COST in actor.permissions)
        self._may_manage = manage

    def show_record(self, kind: str, record_id: UUID) -> bool:
        """Open a job on the board."""
        if kind != "work_order":
            return False
        self.selected_id = record_id
        self.refresh()
        return True

    # --- the board ---------------------------------------------------------------------
    def refresh(self) -> None:
        """Read the lanes again, keeping the chosen card."""
        store = self.context.store
        run_op(lambda: orders_service.board_cards(store, utc_now()), parent=self).success(
            self._show_board)

    def _show_board(self, lanes: dict[WorkOrderStatus, list[BoardCard]]) -> None:
        self.cards = {c.order.id: c for cards in lanes.values() for c in cards}
        keep = self.selected_id
        for status, lane in self.lanes.items():
            lane.blockSignals(True)
            lane.set_cards(lanes.get(status, []))
            lane.blockSignals(False)
            count = len(lanes.get(status, []))
            self.lane_titles[status].setText(f"{LANE_TITLES[status]} ({count})")
        if keep is not None:
            for lane in self.lanes.values():
                if lane.select_card(keep):
                    lane.setFocus()
                    break
        self._load(keep)

    def lane_of(self, order_id: UUID) -> WorkOrderStatus | None:
        """The lane a job's card is in now (None when it is off the board)."""
        return next((s for s, lane in self.lanes.items() if order_id in lane.card_ids()), None)

    def _card_chosen(self, lane: LaneList) -> None:
        item = lane.currentItem()
        if item is None or not item.isSelected():
            return
        for other in self.lanes.values():
            if other is not lane:
                other.blockSignals(True)
                other.clearSelection()
                other.blockSignals(False)
        self.selected_id = item.data(Qt.ItemDataRole.UserRole)
        self._load(self.selected_id)

    def _load(self, order_id: UUID | None) -> None:
        if order_id is None:
            self.order = None
            self.detail.show_order(None, [])
            return
        store = self.context.store

        def read() -> tuple[WorkOrder | None, list[Deposit], Contact | None]:
            order = orders_service.get_work_order(store, order_id)
            try:  # the customer's e-mail addresses decide whether the ticket can be e-mailed
                customer = contacts_service.get_contact(store, order.contact_id) if order \
                    else None
            except NotFound:
                customer = None
            return order, orders_service.deposits_for_order(store, order_id), customer

        run_op(read, parent=self).success(self._show_order)

    def _show_order(
        self, loaded: tuple[WorkOrder | None, list[Deposit], Contact | None]
    ) -> None:
        order, deposits, customer = loaded
        if order is None or order.id != self.selected_id:
            return
        self.order = order
        self.customer = customer
        self.detail.set_email_state(self.email_refusal())
        self.deposits_paid = sum(d.amount_cents for d in deposits)
        card = self.cards.get(order.id)
        self.detail.show_order(order, deposits, card.customer if card else "")
        folder = orders_service.photo_dir(self.context.store)
        self.detail.photos.set_photos([folder / a.ref for a in order.attachments])
        if not self._may_manage:
            for b in self.detail.move_buttons.values():
                b.setEnabled(False)

    # --- actions -----------------------------------------------------------------------
    def move_order(self, order_id: UUID, status: WorkOrderStatus) -> None:
        """Move a job to another lane (or picked up / cancelled)."""
        store = self.context.store
        self.selected_id = order_id
        run_op(lambda: orders_service.move_work_order(store, order_id, status),
               parent=self).success(lambda order: self._changed(
                   f"Work order {order.number} is now {LANE_TITLES[order.status]}"))

    def _move_selected(self, status: WorkOrderStatus) -> None:
        if self.selected_id is not None and self._may_manage:
            self.move_order(self.selected_id, status)

    def _key_step(self, step: str) -> None:
        if self.selected_id is None:
            return
        if step == "hold":
            self._move_selected(WorkOrderStatus.ON_HOLD)
            return
        lanes = NEXT_LANE if step == "next" else PREVIOUS_LANE
        lane = self.lane_of(self.selected_id)
        if lane in lanes:
            self._move_selected(lanes[lane])

    def _changed(self, message: str) -> None:
        self.context.events.status_message.emit(message)
        self.context.notify_changed()
        self.refresh()

    def _add_note(self) -> None:
        text = self.detail.note.text().strip()
        if not text or self.selected_id is None:
            return
        order_id, internal, store = self.selected_id, self.detail.internal.isChecked(), \
            self.context.store
        self.detail.note.clear()
        run_op(lambda: orders_service.add_note(store, order_id, text, internal=internal),
               parent=self).success(lambda _o: self._load(order_id))

    def attach_photos(self, paths: list[Path]) -> None:
        """Attach photo files to the chosen job."""
        if self.selected_id is None or not paths:
            return
        order_id, store = self.selected_id, self.context.store

        def attach() -> None:
            for path in paths:
                orders_service.attach_photo_file(store, order_id, path)

        run_op(attach, parent=self).success(lambda _r: self._load(order_id))

    def _attach_photo(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(
            self, "Photos of the item", str(Path.home()), "Images (*.jpg *.jpeg *.png)")
        self.attach_photos([Path(n) for n in names])

    def print_tickets(self) -> None:
        """The counter, bench and customer copies in one preview."""
        if self.order is None:
            return
        order, store = self.order, self.context.store
        run_op(lambda: orders_service.work_order_tickets_pdf(store, order.id),
               parent=self).success(lambda pdf: self._pdf_ready(pdf, f"Work order {order.number}"))

    def email_refusal(self) -> str:
        """Why the chosen job's ticket cannot be e-mailed now ("" when it can)."""
        order, customer = self.order, self.customer
        if order is None:
            return "Choose a card first."
        if not can_email(self.context, order.contact_id):
            return NEEDS_SERVER
        if customer is None or not customer.emails:
            name = customer.display_name if customer else "The customer"
            return (f"{name} has no e-mail address: add one to their contact (F3 Contacts) "
                    "to e-mail the ticket.")
        return ""

    def email_ticket(self) -> None:
        """E-mail the customer copy (no internal notes, no vendor cost) to the customer; the
        store server sends it to the address it holds for them."""
        order, store = self.order, self.context.store
        if order is None or self.email_refusal():
            return
        email_pdf(self, self.context, contact_id=order.contact_id,
                  subject=f"Work order {order.number}",
                  filename=f"work-order-{order.number}.pdf",
                  make_pdf=lambda: orders_service.work_order_pdfs(store, order.id)[
                      CopyKind.CUSTOMER],
                  say=self._say)

    def _say(self, text: str) -> None:
        self.detail.message.setText(text)
        self.context.events.status_message.emit(text)

    def _pdf_ready(self, pdf: bytes, title: str) -> None:
        saved = show_pdf(self, pdf, title, self.context.store.path.parent / "documents")
        if saved is not None:
            self.context.events.status_message.emit(f"Saved {saved}")

    def deposit_by_card(self) -> None:
        """Take a deposit for the chosen job on the card reader."""
        if self.order is None:
            return
        order_id = self.order.id
        self.deposit_dialog = open_deposit(self.context, self.order, self.deposits_paid, self,
                                           lambda: self._load(order_id))

    def open_intake(self) -> IntakeDialog:
        """Open the intake form."""
        dialog = IntakeDialog(self.context.store, self)
        dialog.opened.connect(self._opened)
        dialog.open()
        return dialog

    def _opened(self, order: WorkOrder) -> None:
        self.selected_id = order.id
        self._changed(f"Work order {order.number} opened")

    def _data_changed(self) -> None:
        if self.isVisible():
            self.refresh()
