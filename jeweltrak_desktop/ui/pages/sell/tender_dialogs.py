"""Forms for tenders: cash with change due, and check / store credit / gift card / deposit."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from PySide6.QtWidgets import QComboBox, QLabel, QWidget

from jeweltrak_core.errors import ValidationError
from jeweltrak_core.money import format_money
from jeweltrak_core.payments.entities import Deposit
from jeweltrak_core.payments.rules import Tender
from jeweltrak_desktop.ui.pages.sell.form_dialog import FormDialog, money_text, read_money

#: Why the reader button is off on a workstation without a store server (the demo store).
CARD_UNAVAILABLE = "Not paired with a store server"


@dataclass(frozen=True)
class TenderRequest:
    """A tender to take (or, when ``pay_out``, money to give back)."""

    tender: Tender
    amount_cents: int
    pay_out: bool = False
    check_number: str | None = None
    reference: str | None = None
    deposit_id: UUID | None = None


def cash_dialog(balance_cents: int, parent: QWidget | None) -> FormDialog:
    """Cash received (default: the balance); change due is shown once it is taken."""
    pay_out = balance_cents < 0
    owed = abs(balance_cents)
    intro = (f"The customer is owed {format_money(owed)}." if pay_out
             else f"Balance due {format_money(owed)}. Type what the customer hands over.")
    dialog = FormDialog("Give cash back" if pay_out else "Cash", intro, parent)
    amount = dialog.add_line("Cash given $" if pay_out else "Cash received $", money_text(owed))
    amount.setObjectName("cash-amount")

    def collect() -> TenderRequest:
        return TenderRequest(Tender.CASH, read_money(amount, "cash amount"), pay_out=pay_out)

    dialog.collect = collect
    amount.setFocus()
    amount.selectAll()
    return dialog


_TAKE = (("Check", Tender.CHECK), ("Store credit", Tender.STORE_CREDIT),
         ("Gift card", Tender.GIFT_CARD), ("Deposit applied", Tender.DEPOSIT))
_GIVE = (("Check", Tender.CHECK), ("Store credit", Tender.STORE_CREDIT),
         ("Gift card", Tender.GIFT_CARD))


def other_tender_dialog(
    balance_cents: int, deposits: list[Deposit], store_credit_cents: int, parent: QWidget | None
) -> FormDialog:
    """Check (number), store credit, gift card (number) or one of the customer's deposits."""
    pay_out = balance_cents < 0
    owed = abs(balance_cents)
    intro = (f"The customer is owed {format_money(owed)}." if pay_out
             else f"Balance due {format_money(owed)}.")
    if store_credit_cents and not pay_out:
        intro += f" Store credit available: {format_money(store_credit_cents)}."
    dialog = FormDialog("Give back" if pay_out else "Other tender", intro, parent)
    tender = QComboBox()
    tender.setObjectName("tender-kind")
    for label, value in _GIVE if pay_out else _TAKE:
        tender.addItem(label, value)
    dialog.add_row("Tender", tender)
    amount = dialog.add_line("Amount $", money_text(owed))
    amount.setObjectName("tender-amount")
    number = dialog.add_line("Check / card #")
    number.setObjectName("tender-number")
    deposit = QComboBox()
    deposit.setObjectName("tender-deposit")
    for item in deposits:
        note = f" — {item.note}" if item.note else ""
        deposit.addItem(f"{format_money(item.remaining_cents)} left{note}", item.id)
    dialog.add_row("Deposit", deposit)
    hint = QLabel("")
    hint.setProperty("muted", True)
    dialog.form.addRow(hint)

    def shown() -> None:
        kind = Tender(tender.currentData())
        number.setEnabled(kind in (Tender.CHECK, Tender.GIFT_CARD))
        deposit.setEnabled(kind is Tender.DEPOSIT)
        hint.setText("No deposits for this customer." if kind is Tender.DEPOSIT and not deposits
                     else "")
        if kind is Tender.DEPOSIT and deposits and not pay_out:
            amount.setText(money_text(min(owed, deposits[deposit.currentIndex()].remaining_cents)))

    tender.currentIndexChanged.connect(lambda _i: shown())
    deposit.currentIndexChanged.connect(lambda _i: shown())
    shown()

    def collect() -> TenderRequest:
        kind = Tender(tender.currentData())
        value = read_money(amount, "amount")
        text = number.text().strip() or None
        if kind is Tender.DEPOSIT:
            if not deposits:
                raise ValidationError("This customer has no deposit to apply.")
            return TenderRequest(kind, value, deposit_id=deposit.currentData())
        return TenderRequest(
            kind, value, pay_out=pay_out,
            check_number=text if kind is Tender.CHECK else None,
            reference=text if kind is Tender.GIFT_CARD else None,
        )

    dialog.collect = collect
    tender.setFocus()
    return dialog

