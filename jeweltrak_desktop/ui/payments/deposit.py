"""“Deposit by card” on a work order: the charge dialog for a deposit, then the books follow.

The deposit is recorded by the store server and reaches this workstation through sync;
the work order is read again until it shows.
"""

from __future__ import annotations

from collections.abc import Callable
from uuid import UUID

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QWidget

from jeweltrak_core.money import format_money
from jeweltrak_core.work_orders.entities import WorkOrder
from jeweltrak_desktop.services import work_orders as orders_service
from jeweltrak_desktop.services.card_payments import ChargeStatus
from jeweltrak_desktop.ui.context import CounterContext
from jeweltrak_desktop.ui.payments.charge_dialog import ChargeDialog, ChargeTarget
from jeweltrak_desktop.ui.tasks import run_op

FOLLOW_TRIES = 240
FOLLOW_MS = 250


def open_deposit(context: CounterContext, order: WorkOrder, paid_cents: int,
                 parent: QWidget, on_recorded: Callable[[], None]) -> ChargeDialog | None:
    """Open the charge dialog for a deposit (default: what is left of the price)."""
    if context.payments is None:
        return None
    price = order.price_cents or order.estimate_cents or 0
    target = ChargeTarget(f"Work order {order.number} deposit", max(price - paid_cents, 0),
                          work_order_id=order.id)
    dialog = ChargeDialog(context.payments, target, parent)
    dialog.approved.connect(lambda state: _follow(context, order.id, state, parent,
                                                  on_recorded, 0))
    dialog.open()
    return dialog


def _follow(context: CounterContext, order_id: UUID, state: ChargeStatus, parent: QWidget,
            on_recorded: Callable[[], None], tries: int) -> None:
    store = context.store

    def check(found: bool) -> None:
        if found:
            context.events.status_message.emit(
                f"Deposit of {format_money(state.amount_cents)} taken by card.")
            context.notify_changed()
            on_recorded()
        elif tries < FOLLOW_TRIES:
            QTimer.singleShot(FOLLOW_MS, parent, lambda: _follow(
                context, order_id, state, parent, on_recorded, tries + 1))

    run_op(lambda: any(d.id == state.deposit_id
                       for d in orders_service.deposits_for_order(store, order_id)),
           parent=parent).success(check)
