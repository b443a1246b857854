"""The Sell screen's card and e-mail actions: charge on reader, refund, e-mail, disputes.

Every call to the store server runs on the network pool; the sale's own reads and writes
stay on the database worker. Money taken or refunded on a card reaches the local books
through sync, so after a charge or refund the sale is read again until it shows.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING
from uuid import UUID

from PySide6.QtCore import QTimer

from jeweltrak_core.money import format_money
from jeweltrak_desktop.services import printing, sales
from jeweltrak_desktop.services.card_payments import (
    CardPayments,
    ChargeStatus,
    PaymentLink,
    RefundResult,
)
from jeweltrak_desktop.services.local_store import LocalStore
from jeweltrak_desktop.services.sales import SaleView
from jeweltrak_desktop.ui.payments.availability import CardState, check_cards
from jeweltrak_desktop.ui.payments.card_tenders import card_payment
from jeweltrak_desktop.ui.payments.charge_dialog import ChargeDialog, ChargeTarget
from jeweltrak_desktop.ui.payments.network import run_net
from jeweltrak_desktop.ui.payments.refund_dialog import RefundDialog
from jeweltrak_desktop.ui.tasks import run_op

if TYPE_CHECKING:
    from jeweltrak_desktop.ui.pages.sell.page import SellPage

#: How long the page keeps re-reading the sale while sync brings a card payment in.
FOLLOW_TRIES = 240
FOLLOW_MS = 250


def receipt_file(store: LocalStore, invoice_id: UUID) -> tuple[str, bytes]:
    """The receipt PDF and its invoice number (database worker)."""
    number = printing.sale_record(store, invoice_id).invoice.number
    return number, printing.receipt_pdf(store, invoice_id)


class SellCards:
    """Card reader, refunds, e-mail and the dispute badge for the sale on screen.

    ``do_<action>`` are the Sell actions ``card``, ``refund_card``, ``email``, ``email_link``.
    """

    def __init__(self, page: SellPage) -> None:
        self.page = page
        self.state = CardState(False, "")

    @property
    def client(self) -> CardPayments | None:
        return self.page.context.payments

    def refresh(self) -> None:
        """Ask the service whether cards can be taken (and list the readers)."""
        client = self.client
        if client is None:
            self._state(check_cards(None))
            return
        run_net(lambda: check_cards(client), parent=self.page).success(self._state)

    def _state(self, state: CardState) -> None:
        self.state = state
        self.page.side.set_card_state(state)

    def why_not(self) -> str:
        """The reason the card and e-mail buttons are off ("" when they are on)."""
        return "" if self.state.available else self.state.reason + "."

    # --- charge -----------------------------------------------------------------------
    def do_card(self) -> None:
        """Open “Charge on reader” for the balance."""
        sale, client = self.page.sale, self.client
        if sale is None or client is None:
            return
        invoice = sale.invoice
        target = ChargeTarget(f"Invoice {invoice.number}", invoice.balance_cents,
                              invoice_id=invoice.id)
        dialog = ChargeDialog(client, target, self.page)
        dialog.approved.connect(lambda state: self._approved(invoice.id, state))
        self.page.sell_actions.open_dialog(dialog)

    def _approved(self, invoice_id: UUID, state: ChargeStatus) -> None:
        self.page.say(f"Card approved: {format_money(state.amount_cents)}. Waiting for the "
                      "store server to record it…")
        payment_id = state.payment_id
        self.follow(invoice_id, lambda sale: any(p.id == payment_id for p in sale.payments),
                    f"Paid {format_money(state.amount_cents)} by card.")

    def follow(self, invoice_id: UUID, arrived: Callable[[SaleView], bool], done: str,
               tries: int = 0) -> None:
        """Read the sale again until ``arrived(sale)`` (sync brought the change), then show it."""
        store = self.page.context.store

        def check(sale: SaleView) -> None:
            if sale.invoice.id != self.page.current.invoice_id:
                return
            if arrived(sale):
                self.page.show_sale(sale)
                self.page.say(done + (" The sale is finalized." if
                                      sale.invoice.status.value == "finalized" else ""))
                self.page.context.notify_changed()
                self.load_disputes()
            elif tries < FOLLOW_TRIES:
                QTimer.singleShot(FOLLOW_MS, self.page,
                                  lambda: self.follow(invoice_id, arrived, done, tries + 1))

        run_op(lambda: sales.sale_view(store, invoice_id), parent=self.page).success(
            check).failure(self.page.show_error)

    # --- refund and disputes ------------------------------------------------------------
    def do_refund_card(self) -> None:
        """Open the refund dialog for the sale's card payment."""
        sale, client = self.page.sale, self.client
        payment = card_payment(sale)
        if sale is None or client is None or payment is None:
            return
        card = (f"{(payment.card_brand or 'Card').title()} •••• {payment.card_last4}"
                if payment.card_last4 else "Card")
        dialog = RefundDialog(client, payment.id, card, self.page)
        invoice_id = sale.invoice.id
        count = len(sale.payments)
        dialog.refunded.connect(lambda result: self._refunded(invoice_id, count, result))
        self.page.sell_actions.open_dialog(dialog)

    def _refunded(self, invoice_id: UUID, count: int, result: RefundResult) -> None:
        self.follow(invoice_id, lambda sale: len(sale.payments) > count,
                    f"Refunded {format_money(result.amount_cents)} to the card.")

    def load_disputes(self) -> None:
        """Show the dispute badge when one of the sale's card payments is disputed."""
        sale, client = self.page.sale, self.client
        if sale is None or client is None or card_payment(sale) is None:
            self.page.side.show_disputes([])
            return
        invoice_id = sale.invoice.id
        run_net(lambda: client.disputes(invoice_id), parent=self.page).success(
            self.page.side.show_disputes).failure(lambda _exc: None)

    # --- e-mail -------------------------------------------------------------------------
    def do_email(self) -> None:
        """E-mail the receipt PDF to the invoice's customer (the server knows the address)."""
        sale, client = self.page.sale, self.client
        if sale is None or client is None or sale.customer is None:
            return
        store, invoice_id, customer = self.page.context.store, sale.invoice.id, sale.customer
        contact_id = customer.id

        def send(found: tuple[str, bytes]) -> None:
            number, pdf = found
            run_net(lambda: client.email_document(
                contact_id, subject=f"Your receipt {number}", filename=f"receipt-{number}.pdf",
                pdf=pdf), parent=self.page).success(
                lambda _id: self.page.say(f"Receipt e-mailed to {customer.display_name}.")
            ).failure(self.page.show_error)

        self.page.say("E-mailing the receipt…")
        run_op(lambda: receipt_file(store, invoice_id), parent=self.page).success(
            send).failure(self.page.show_error)

    def do_email_link(self) -> None:
        """E-mail a single-use payment link for the balance to the invoice's customer."""
        sale, client = self.page.sale, self.client
        if sale is None or client is None or sale.customer is None:
            return
        invoice_id, name = sale.invoice.id, sale.customer.display_name

        def sent(link: PaymentLink) -> None:
            self.page.say(f"Payment link for {format_money(link.amount_cents)} e-mailed to "
                          f"{name}.")

        self.page.say("E-mailing a payment link…")
        run_net(lambda: client.email_payment_link(invoice_id), parent=self.page).success(
            sent).failure(self.page.show_error)

