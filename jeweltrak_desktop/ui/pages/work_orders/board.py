"""The board's lanes: one list per stage, cards rush-first, dragged or moved by key."""

from __future__ import annotations

from uuid import UUID

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QDropEvent, QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QListWidget, QListWidgetItem, QWidget

from jeweltrak_core.work_orders.rules import WorkOrderStatus
from jeweltrak_desktop.services.work_orders import BoardCard

#: The lanes left to right, and their headings.
LANES: tuple[WorkOrderStatus, ...] = (
    WorkOrderStatus.IN_SHOP,
    WorkOrderStatus.IN_PROGRESS,
    WorkOrderStatus.READY_FOR_PICKUP,
    WorkOrderStatus.ON_HOLD,
)
LANE_TITLES: dict[WorkOrderStatus, str] = {
    WorkOrderStatus.IN_SHOP: "In Shop",
    WorkOrderStatus.IN_PROGRESS: "In Progress",
    WorkOrderStatus.READY_FOR_PICKUP: "Ready for Pickup",
    WorkOrderStatus.ON_HOLD: "On Hold",
    WorkOrderStatus.PICKED_UP: "Picked Up",
    WorkOrderStatus.CANCELLED: "Cancelled",
}
#: Where Ctrl+Right / Ctrl+Left send a card from each lane.
NEXT_LANE = {
    WorkOrderStatus.IN_SHOP: WorkOrderStatus.IN_PROGRESS,
    WorkOrderStatus.IN_PROGRESS: WorkOrderStatus.READY_FOR_PICKUP,
    WorkOrderStatus.ON_HOLD: WorkOrderStatus.IN_PROGRESS,
}
PREVIOUS_LANE = {
    WorkOrderStatus.IN_PROGRESS: WorkOrderStatus.IN_SHOP,
    WorkOrderStatus.READY_FOR_PICKUP: WorkOrderStatus.IN_PROGRESS,
    WorkOrderStatus.ON_HOLD: WorkOrderStatus.IN_SHOP,
}
#: Rush cards are written in red.
_RUSH = QColor("#b42318")
_CARD = QColor("#1f2933")


def days_text(days: int) -> str:
    """“today”, “1 day”, “5 days” in this stage."""
    if days == 0:
        return "in stage since today"
    return f"{days} day{'s' if days != 1 else ''} in stage"


def _elide(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def card_text(card: BoardCard) -> str:
    """The card's lines: number (and RUSH), customer, item, days in stage, promised date."""
    order = card.order
    lines = [f"{order.number}   ⚑ RUSH" if order.rush else order.number,
             _elide(card.customer, 30), _elide(order.item_description, 30),
             days_text(card.days_in_stage)]
    if order.promised_date:
        lines.append(f"Promised {order.promised_date.strftime('%m/%d')}")
    return "\n".join(lines)


class LaneList(QListWidget):
    """One lane; a card dropped here asks to move its job to this lane."""

    dropped = Signal(object, object)  # work order ID, target WorkOrderStatus
    #: Ctrl+Right, Ctrl+Left, Ctrl+H on the chosen card: "next", "previous" or "hold".
    step_requested = Signal(str)

    def __init__(self, status: WorkOrderStatus, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.status = status
        self.setObjectName(f"lane-{status.value}")
        self.setProperty("lane", True)
        self.setWordWrap(False)  # long lines end in “…” instead of pushing the card taller
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setSpacing(2)
        self.setDragEnabled(True)
        self.setAcceptDrops(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setMinimumWidth(120)

    def set_cards(self, cards: list[BoardCard]) -> None:
        """Replace the cards."""
        self.clear()
        for card in cards:
            text = card_text(card)
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, card.order.id)
            item.setSizeHint(QSize(0, 16 * text.count("\n") + 34))
            item.setForeground(QBrush(_RUSH if card.order.rush else _CARD))
            self.addItem(item)

    def card_ids(self) -> list[UUID]:
        """The job IDs in lane order."""
        return [self.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.count())]

    def select_card(self, order_id: UUID) -> bool:
        """Select a job's card if it is in this lane."""
        for i in range(self.count()):
            if self.item(i).data(Qt.ItemDataRole.UserRole) == order_id:
                self.setCurrentRow(i)
                return True
        return False

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Ctrl+→ / Ctrl+← move the chosen card a lane along; Ctrl+H puts it on hold."""
        steps = {Qt.Key.Key_Right: "next", Qt.Key.Key_Left: "previous", Qt.Key.Key_H: "hold"}
        step = steps.get(Qt.Key(event.key()))
        if step is not None and event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.step_requested.emit(step)
            event.accept()
            return
        super().keyPressEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:
        """Do not move the item here; ask for the status change and let the board refresh."""
        source = event.source()
        if isinstance(source, LaneList) and source is not self:
            item = source.currentItem()
            if item is not None:
                self.dropped.emit(item.data(Qt.ItemDataRole.UserRole), self.status)
        event.setDropAction(Qt.DropAction.IgnoreAction)
        event.accept()
