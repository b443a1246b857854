"""What the Sell screen's keys and buttons do: each opens a form or runs a service call."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING
from uuid import UUID

import shiboken6
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QDialog

from jeweltrak_core.contacts.entities import Contact
from jeweltrak_core.money import format_money
from jeweltrak_core.permissions import Permission
from jeweltrak_core.sales.entities import Invoice
from jeweltrak_core.sales.invoice_state import InvoiceStatus
from jeweltrak_core.sales.tax import LineKind
from jeweltrak_desktop.services import returns, sales, sell_screen
from jeweltrak_desktop.services.local_store import LocalStore
from jeweltrak_desktop.services.sell_screen import SaleLineView, SaleView
from jeweltrak_desktop.ui.pages.sell.customer_dialog import CustomerDialog
from jeweltrak_desktop.ui.pages.sell.form_dialog import FormDialog
from jeweltrak_desktop.ui.pages.sell.keys import GATED
from jeweltrak_desktop.ui.pages.sell.line_dialogs import (
    DISCOUNT_NEEDS,
    Adjustment,
    Charge,
    TradeIn,
    adjust_dialog,
    charge_dialog,
    quantity_dialog,
    trade_in_dialog,
    void_dialog,
)
from jeweltrak_desktop.ui.pages.sell.receipt import ReceiptActions
from jeweltrak_desktop.ui.pages.sell.return_dialog import ReturnDialog
from jeweltrak_desktop.ui.pages.sell.sale_settings import SALE_ACTIONS, SaleSettings
from jeweltrak_desktop.ui.pages.sell.side_panel import RETURN_NEEDS
from jeweltrak_desktop.ui.pages.sell.tender_actions import TENDER_ACTIONS, TenderActions
from jeweltrak_desktop.ui.payments.sell_cards import SellCards
from jeweltrak_desktop.ui.tasks import run_op

CARD_ACTIONS = frozenset({"card", "email_link", "email", "refund_card"})

if TYPE_CHECKING:
    from jeweltrak_desktop.ui.pages.sell.page import SellPage

#: A change to the sale made on the database worker: (store, invoice ID) → nothing.
Change = Callable[[LocalStore, UUID], object]

_NOT_NOW = {
    "adjust": "Scan something first; then choose a line with ↑/↓.",
    "quantity": "Scan something first; then choose a line with ↑/↓.",
    "remove": "Scan something first; then choose a line with ↑/↓.",
    "cash": "Nothing is owed on this sale.",
    "tender": "Nothing is owed on this sale.",
    "finalize": "Add something to the sale before finalizing it.",
    "print": "Finalize the sale first; then print its receipt.",
    "void": "There is no sale to void.",
    "card": "Nothing is owed on this sale.",
    "email_link": "A payment link needs a balance and a customer with an e-mail address.",
    "email": "Finalize the sale and choose its customer first; then e-mail the receipt.",
    "refund_card": "This sale has no card payment to refund (refunds need the permission).",
    "charge": "This sale is finalized; start a new sale (Alt+N) to add lines.",
    "trade_in": "This sale is finalized; start a new sale (Alt+N) to add lines.",
    "return": "This sale is finalized; start a new sale (Alt+N) for a return.",
}


class SellActions:
    """The page's actions; forms open window-modal (not blocking) and report back."""

    def __init__(self, page: SellPage) -> None:
        self.page = page
        self.dialog: QDialog | None = None
        self.receipt = ReceiptActions(page)
        self.cards = SellCards(page)
        self.settings = SaleSettings(self)
        self.tenders = TenderActions(self)

    @property
    def store(self) -> LocalStore:
        """The store the page works on."""
        return self.page.context.store

    def _can(self, permission: Permission) -> bool:
        return self.page.context.can(permission)

    def run(self, action: str) -> None:
        """Do ``action`` (a key or a button); refuse with a sentence when it makes no sense."""
        button = self.page.side.by_action.get(action)
        if action in GATED and not self._can(GATED[action]):
            return  # hidden for this clerk; the key does nothing either
        if button is not None and not button.isEnabled():
            self.page.say(self._why_not(action), error=True)
            return
        # Card and e-mail actions go through the store server (``SellCards``); tenders
        # (``TenderActions``) and the whole sale's settings and reopening (``SaleSettings``)
        # have their own modules.
        handler = (self.cards if action in CARD_ACTIONS
                   else self.settings if action in SALE_ACTIONS
                   else self.tenders if action in TENDER_ACTIONS else self)
        getattr(handler, f"do_{action}")()

    def _why_not(self, action: str) -> str:
        if action in CARD_ACTIONS and self.cards.why_not():
            return self.cards.why_not()
        if action in SALE_ACTIONS and self.settings.why_not(action):
            return self.settings.why_not(action)
        return _NOT_NOW.get(action, "That is not available now.")

    def open_dialog(self, dialog: QDialog) -> None:
        """Show a form over the page (for the tender, card and e-mail actions)."""
        self._open(dialog)

    def _open(self, dialog: QDialog) -> None:
        """Show a form over the page; the scan field gets the keyboard back when it closes."""
        self.dialog = dialog
        dialog.finished.connect(lambda _result: self._closed(dialog))
        dialog.open()

    def _closed(self, dialog: QDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None
        dialog.deleteLater()
        # After the window system has taken the closed form's activation away.
        QTimer.singleShot(0, self.page, self.page.take_keyboard_back)

    def change_sale(self, change: Change, done: str, *, form: FormDialog | None = None) -> None:
        """Run ``change`` on the sale (starting the invoice if needed), then show the sale.

        With ``form``, the form closes once the change is saved; a refusal is shown in it.
        """
        current = self.page.current

        def work(store: LocalStore) -> SaleView:
            if current.invoice_id is None:
                current.invoice_id = sales.new_invoice(
                    store, contact_id=current.contact_id, salesperson_id=current.salesperson_id
                ).id
            change(store, current.invoice_id)
            return sell_screen.sale_view(store, current.invoice_id)

        def open_form() -> FormDialog | None:  # the clerk may have closed it meanwhile
            return form if form is not None and shiboken6.isValid(form) \
                and form.isVisible() else None

        def saved(sale: SaleView) -> None:
            shown = open_form()
            if shown is not None:
                shown.accept()
            self.changed(sale, done)

        def refused(exc: BaseException) -> None:
            shown = open_form()
            if shown is not None:
                shown.refused(exc)
            else:
                self.page.show_error(exc)

        store = self.store
        run_op(lambda: work(store), parent=self.page).success(saved).failure(refused)

    def changed(self, sale: SaleView, done: str) -> None:
        """Show the changed sale with a sentence, tell the other pages, refocus the scan."""
        self.page.show_sale(sale)
        if done:
            self.page.say(done)
        self.page.context.notify_changed()
        self.page.refocus()

    # --- customer and salesperson --------------------------------------------------------

    def do_customer(self) -> None:
        """Alt+C: find or create the customer."""
        dialog = CustomerDialog(self.page.context, self.page)
        dialog.picked.connect(self._customer_picked)
        self._open(dialog)
        dialog.search_field.setFocus()

    def _customer_picked(self, contact: Contact) -> None:
        self.page.current.contact_id = contact.id
        self.change_sale(lambda store, inv: sales.set_customer(store, inv, contact.id),
                         f"Customer: {contact.display_name}.")

    def do_salesperson(self) -> None:
        """Alt+S: open the salesperson list (Enter chooses)."""
        self.page.salesperson.setFocus()
        self.page.salesperson.showPopup()

    def salesperson_chosen(self, index: int) -> None:
        """A salesperson was chosen in the list."""
        user_id = self.page.salesperson.itemData(index)
        self.page.current.salesperson_id = user_id
        # The list's popup has just closed: take the keyboard back once it is gone.
        QTimer.singleShot(0, self.page, self.page.take_keyboard_back)
        if self.page.current.invoice_id is None or not self.page.is_open:
            return
        self.change_sale(
            lambda store, inv: sales.set_salesperson(store, inv, user_id),
            f"Salesperson: {self.page.salesperson.itemText(index)}.")

    # --- lines -------------------------------------------------------------------------------

    def _selected_or_say(self) -> SaleLineView | None:
        line = self.page.selected_line()
        if line is None:
            self.page.say("Choose a line with ↑/↓ first.", error=True)
        elif self.page.lines_model.is_pending(self.page.lines_model.row_of(line.line.id)):
            self.page.say("That line is still being saved; try again in a moment.", error=True)
            return None
        return line

    def do_adjust(self) -> None:
        """Alt+A: discount the chosen line, or change its price (each needs its permission)."""
        may_discount = self._can(Permission.DISCOUNT)
        may_override = self._can(Permission.OVERRIDE_PRICE)
        if not (may_discount or may_override):
            self.page.say(DISCOUNT_NEEDS, error=True)
            return
        view = self._selected_or_say()
        if view is None:
            return
        if view.line.kind in (LineKind.TRADE_IN, LineKind.RETURN):
            self.page.say("Trade-ins and returns keep their amounts.", error=True)
            return
        line_id = view.line.id
        dialog = adjust_dialog(view.line, may_discount=may_discount, may_override=may_override,
                               parent=self.page)

        def apply(store: LocalStore, inv: UUID, wanted: Adjustment) -> None:
            if wanted.unit_price_cents is not None:
                sales.override_price(store, inv, line_id, wanted.unit_price_cents)
            if wanted.adjustment_cents is not None:
                sales.adjust_line(store, inv, line_id, wanted.adjustment_cents)

        dialog.submitted.connect(lambda wanted: self.change_sale(
            lambda store, inv: apply(store, inv, wanted), "Line adjusted."))
        self._open(dialog)

    def do_quantity(self) -> None:
        """Alt+Q: how many of the chosen quantity item, service or misc line."""
        view = self._selected_or_say()
        if view is None:
            return
        line_id = view.line.id
        dialog = quantity_dialog(view.line, self.page)
        dialog.submitted.connect(lambda qty: self.change_sale(
            lambda store, inv: sell_screen.set_quantity(store, inv, line_id, qty),
            f"Quantity {qty}."))
        self._open(dialog)

    def do_remove(self) -> None:
        """Ctrl+Del: take the chosen line off."""
        view = self._selected_or_say()
        if view is None:
            return
        line_id = view.line.id
        self.change_sale(lambda store, inv: sales.remove_line(store, inv, line_id),
                         f"Removed {view.line.description}.")

    def do_charge(self) -> None:
        """Alt+M: a service or misc line."""
        dialog = charge_dialog(self.page)

        def add(charge: Charge) -> None:
            self.change_sale(lambda store, inv: sales.add_charge(
                store, inv, kind=charge.kind, description=charge.description,
                price_cents=charge.price_cents, quantity=charge.quantity,
                taxable=charge.taxable), f"Added {charge.description}.")

        dialog.submitted.connect(add)
        self._open(dialog)

    def do_trade_in(self) -> None:
        """Alt+T: a trade-in credited at its allowance."""
        dialog = trade_in_dialog(self.page, show_actual=self._can(Permission.VIEW_COST))

        def add(trade: TradeIn) -> None:
            self.change_sale(lambda store, inv: sales.add_trade_in(
                store, inv, description=trade.description, allowance_cents=trade.allowance_cents,
                actual_value_cents=trade.actual_value_cents), "Trade-in added.")

        dialog.submitted.connect(add)
        self._open(dialog)

    def do_return(self) -> None:
        """Alt+R: lines of an earlier invoice come back (then scan new pieces: an exchange)."""
        if not self._can(Permission.REFUND):
            self.page.say(RETURN_NEEDS, error=True)
            return
        dialog = ReturnDialog(self.page.context, self.page)
        dialog.chosen.connect(self._return_lines)
        self._open(dialog)
        dialog.number_field.setFocus()

    def _return_lines(self, source: Invoice, line_ids: list[UUID]) -> None:
        if self.page.current.contact_id is None:
            self.page.current.contact_id = source.contact_id

        def add(store: LocalStore, inv: UUID) -> None:
            for line_id in line_ids:
                returns.add_return(store, inv, line_id)

        count = len(line_ids)
        self.change_sale(add, f"{count} line{'s' if count > 1 else ''} of invoice "
                              f"{source.number} returned; scan new pieces for an exchange.")

    # --- finalize, void, new sale, receipt ---------------------------------------------------

    def do_finalize(self) -> None:
        """F12: finalize when paid; a balance left goes on the customer's account."""
        sale = self.page.sale
        if sale is None:
            return
        balance = sale.invoice.balance_cents
        if balance < 0:
            self.page.say(f"Give the customer back {format_money(-balance)} first "
                          "(F10 cash or F11 other).", error=True)
            return
        customer = sale.customer
        if balance > 0 and customer is None:
            self.page.say(f"{format_money(balance)} is still owed. Take the rest, or choose a "
                          "customer (Alt+C) to put it on their account.", error=True)
            return
        if balance > 0 and customer is not None:
            dialog = FormDialog("Finalize with a balance",
                                f"Finalize and put {format_money(balance)} on "
                                f"{customer.display_name}'s account (layaway or "
                                "partial payment)?", self.page)
            dialog.collect = lambda: True
            dialog.submitted.connect(lambda _ok: self._finalize())
            self._open(dialog)
            return
        self._finalize()

    def _finalize(self) -> None:
        self.change_sale(lambda store, inv: sales.finalize_invoice(store, inv),
                         "Sale finalized. Alt+P prints the receipt, Alt+N starts a new sale.")

    def do_void(self) -> None:
        """Alt+X: void the sale for good (with a reason)."""
        sale = self.page.sale
        if sale is None:
            return
        dialog = void_dialog(sale.invoice.number, sale.invoice.total_cents, self.page)
        dialog.submitted.connect(lambda reason: self.change_sale(
            lambda store, inv: sales.void_invoice(store, inv, reason),
            f"Invoice {sale.invoice.number} voided."))
        self._open(dialog)

    def do_new_sale(self) -> None:
        """Alt+N: clear the screen; an untouched empty invoice is deleted, not left open."""
        sale = self.page.sale
        if (sale is not None and sale.invoice.status is InvoiceStatus.OPEN
                and not sale.lines and not sale.payments and not sale.invoice.reopen_count):
            store, invoice_id = self.store, sale.invoice.id
            run_op(lambda: sales.delete_invoice(store, invoice_id), parent=self.page).failure(
                self.page.show_error)
        elif sale is not None and sale.invoice.status is InvoiceStatus.OPEN:
            self.page.context.events.status_message.emit(
                f"Invoice {sale.invoice.number} is still open; find it by its number.")
        self.page.start_new_sale()

    def do_print(self) -> None:
        """Alt+P: the receipt PDF, saved and previewed."""
        self.receipt.print_receipt()
