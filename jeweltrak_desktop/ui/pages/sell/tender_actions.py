"""The Sell screen's tenders: cash with change due (F10), and check, store credit, gift card
or a deposit (F11); money given back on an exchange the same way."""

from __future__ import annotations

from typing import TYPE_CHECKING

from jeweltrak_core.money import format_money
from jeweltrak_core.payments.entities import Deposit, Payment
from jeweltrak_core.payments.rules import Tender
from jeweltrak_core.sales.invoice_state import InvoiceStatus
from jeweltrak_desktop.services import payments, sell_screen
from jeweltrak_desktop.services.sell_screen import SaleView
from jeweltrak_desktop.ui.pages.sell import tender_dialogs
from jeweltrak_desktop.ui.pages.sell.tender_dialogs import TenderRequest
from jeweltrak_desktop.ui.tasks import run_op

if TYPE_CHECKING:
    from jeweltrak_desktop.ui.pages.sell.actions import SellActions

#: The actions this class answers (``do_<action>``).
TENDER_ACTIONS = frozenset({"cash", "tender"})


class TenderActions:
    """Forms for taking (or giving back) money on the sale on screen."""

    def __init__(self, actions: SellActions) -> None:
        self.actions = actions
        self.page = actions.page

    def _balance(self) -> int:
        return self.page.sale.invoice.balance_cents if self.page.sale else 0

    def do_cash(self) -> None:
        """F10: cash received, change due (or cash given back on an exchange)."""
        dialog = tender_dialogs.cash_dialog(self._balance(), self.page)
        dialog.submitted.connect(self._take)
        self.actions.open_dialog(dialog)

    def do_tender(self) -> None:
        """F11: check, store credit, gift card or a deposit the customer left."""
        sale = self.page.sale
        contact = sale.customer if sale else None
        contact_id = contact.id if contact else None
        credit = contact.store_credit_cents if contact else 0
        store = self.actions.store

        def deposits() -> list[Deposit]:
            return payments.deposits_for(store, contact_id) if contact_id else []

        def show(found: list[Deposit]) -> None:
            dialog = tender_dialogs.other_tender_dialog(self._balance(), found, credit, self.page)
            dialog.submitted.connect(self._take)
            self.actions.open_dialog(dialog)

        run_op(deposits, parent=self.page).success(show).failure(self.page.show_error)

    def _take(self, wanted: TenderRequest) -> None:
        invoice_id = self.page.current.invoice_id
        if invoice_id is None:
            return
        store = self.actions.store

        def work() -> tuple[Payment, SaleView]:
            if wanted.pay_out:
                paid = payments.pay_out(store, invoice_id, wanted.amount_cents,
                                        tender=wanted.tender, check_number=wanted.check_number,
                                        reference=wanted.reference)
            elif wanted.tender is Tender.CASH:
                paid = payments.take_cash(store, invoice_id, wanted.amount_cents)
            else:
                paid = payments.take_payment(
                    store, invoice_id, tender=wanted.tender, amount_cents=wanted.amount_cents,
                    check_number=wanted.check_number, reference=wanted.reference,
                    deposit_id=wanted.deposit_id)
            return paid, sell_screen.sale_view(store, invoice_id)

        run_op(work, parent=self.page).success(self._taken).failure(self.page.show_error)

    def _taken(self, result: tuple[Payment, SaleView]) -> None:
        payment, sale = result
        self.page.change_cents = payment.change_given_cents
        amount = format_money(abs(payment.amount_cents))
        text = (f"Gave back {amount}." if payment.amount_cents < 0 else f"Took {amount}.")
        if payment.change_given_cents:
            text += f" Change due {format_money(payment.change_given_cents)}."
        if payment.credited_cents:
            text += f" {format_money(payment.credited_cents)} kept as store credit."
        if sale.invoice.balance_cents == 0 and sale.invoice.status is InvoiceStatus.OPEN:
            text += " Paid in full: F12 finalizes."
        self.actions.changed(sale, text)
