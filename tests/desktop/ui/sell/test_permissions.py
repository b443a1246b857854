"""What a clerk without a permission sees and cannot do: discount, price, cost, void, return."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit
from pytestqt.qtbot import QtBot

from jeweltrak_core.ids import new_id
from jeweltrak_core.permissions import Permission
from jeweltrak_core.sales.invoice_state import InvoiceStatus
from jeweltrak_desktop.services import sales, sell_screen
from jeweltrak_desktop.services.local_store import DEMO_OWNER, Actor, LocalStore
from jeweltrak_desktop.ui.context import CounterContext
from jeweltrak_desktop.ui.pages.sell import SellPage
from jeweltrak_desktop.ui.pages.sell.line_dialogs import DISCOUNT_NEEDS
from jeweltrak_desktop.ui.pages.sell.side_panel import RETURN_NEEDS

from .helpers import dialog_of, in_stock, key, press, scan, type_text

CLERK = Actor(user_id=new_id(), name="Sam Clerk", permissions=frozenset({Permission.SELL}))


def test_a_clerk_without_the_discount_permission_is_refused(
    qtbot: QtBot, page: SellPage, context: CounterContext, demo_store: LocalStore
) -> None:
    context.set_actor(CLERK)
    [piece] = in_stock(demo_store, 1)
    scan(qtbot, page, piece.stock_id)
    press(qtbot, page, "Alt+A")
    assert page.sell_actions.dialog is None
    assert page.message.text() == DISCOUNT_NEEDS and page.message.property("error") is True
    assert page.side.by_action["adjust"].toolTip() == DISCOUNT_NEEDS
    assert page.sale is not None
    [line] = sales.get_invoice(demo_store, page.sale.invoice.id).lines
    assert (line.adjustment_cents, line.unit_price_cents) == (0, piece.retail_cents)


def test_price_override_without_discount_offers_only_the_price(
    qtbot: QtBot, page: SellPage, context: CounterContext, demo_store: LocalStore
) -> None:
    context.set_actor(Actor(user_id=new_id(), name="Lead", permissions=frozenset(
        {Permission.SELL, Permission.OVERRIDE_PRICE})))
    [piece] = in_stock(demo_store, 1)
    scan(qtbot, page, piece.stock_id)
    press(qtbot, page, "Alt+A")
    dialog = dialog_of(page)
    discount = dialog.findChild(QLineEdit, "adjust-discount")
    price = dialog.findChild(QLineEdit, "adjust-price")
    assert discount is not None and price is not None
    assert not discount.isEnabled() and discount.toolTip() == DISCOUNT_NEEDS
    qtbot.waitUntil(price.hasFocus)
    type_text(qtbot, price, "1000")
    key(qtbot, price, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.lines_model.index(0, 3).data() == "$1,000.00")
    assert page.sale is not None
    [line] = sales.get_invoice(demo_store, page.sale.invoice.id).lines
    assert (line.adjustment_cents, line.unit_price_cents) == (0, 100_000)


def test_a_manager_discounts_a_line(
    qtbot: QtBot, page: SellPage, demo_store: LocalStore
) -> None:
    [piece] = in_stock(demo_store, 1)
    scan(qtbot, page, piece.stock_id)
    press(qtbot, page, "Alt+A")
    discount = dialog_of(page).findChild(QLineEdit, "adjust-discount")
    assert discount is not None
    qtbot.waitUntil(discount.hasFocus)
    type_text(qtbot, discount, "150")
    key(qtbot, discount, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.lines_model.index(0, 4).data() == "−$150.00")
    assert page.side.totals.values["adjustments"].text() == "-$150.00"
    assert page.sale is not None
    assert page.sale.invoice.subtotal_cents == piece.retail_cents - 15_000


def test_void_and_cost_are_hidden_from_a_clerk(
    qtbot: QtBot, page: SellPage, context: CounterContext, demo_store: LocalStore
) -> None:
    assert page.side.by_action["void"].isVisible()
    assert not page.lines_view.isColumnHidden(6) and "Void" in page.legend.text()
    context.set_actor(CLERK)
    assert not page.side.by_action["void"].isVisible()
    assert "Void" not in page.legend.text()
    assert page.lines_view.isColumnHidden(6) and page.lines_view.isColumnHidden(7)
    [piece] = in_stock(demo_store, 1)
    scan(qtbot, page, piece.stock_id)
    press(qtbot, page, "Alt+X")
    assert page.sell_actions.dialog is None
    press(qtbot, page, "Alt+R")
    assert page.sell_actions.dialog is None and page.message.text() == RETURN_NEEDS
    assert page.sale is not None and page.sale.invoice.status is InvoiceStatus.OPEN


def test_a_manager_voids_with_a_reason(
    qtbot: QtBot, page: SellPage, context: CounterContext, demo_store: LocalStore
) -> None:
    context.set_actor(DEMO_OWNER)
    [piece] = in_stock(demo_store, 1)
    scan(qtbot, page, piece.stock_id)
    press(qtbot, page, "Alt+X")
    reason = dialog_of(page).findChild(QLineEdit, "void-reason")
    assert reason is not None
    qtbot.waitUntil(reason.hasFocus)
    key(qtbot, reason, Qt.Key.Key_Return)  # no reason: refused, the form stays open
    assert page.sell_actions.dialog is not None and page.sell_actions.dialog.isVisible()
    type_text(qtbot, reason, "Customer changed their mind")
    key(qtbot, reason, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.sale is not None
                    and page.sale.invoice.status is InvoiceStatus.VOIDED)
    assert page.sale is not None
    assert page.sale.invoice.void_reason == "Customer changed their mind"


def test_show_record_opens_invoices_only(
    qtbot: QtBot, page: SellPage, demo_store: LocalStore
) -> None:
    with demo_store.reader() as repo:
        number = repo.rows("SELECT number FROM invoices WHERE status = 'finalized' LIMIT 1")[0]
    invoice = sell_screen.invoice_by_number(demo_store, number["number"])
    assert page.show_record("piece", invoice.id) is False
    assert page.show_record("invoice", invoice.id) is True
    qtbot.waitUntil(lambda: page.sale is not None and page.sale.invoice.id == invoice.id)
    assert invoice.number in page.invoice_label.text()
    assert page.lines_model.rowCount() == len(invoice.lines)
    assert page.side.by_action["print"].isEnabled()
