"""Other tenders (deposit applied, check), finalizing with a balance, returns and exchanges."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLineEdit, QListWidget
from pytestqt.qtbot import QtBot

from jeweltrak_core.contacts.entities import Contact
from jeweltrak_core.inventory.stock import PieceStatus
from jeweltrak_core.money import format_money
from jeweltrak_core.payments.rules import Tender
from jeweltrak_core.sales.entities import Invoice
from jeweltrak_core.sales.invoice_state import InvoiceStatus
from jeweltrak_core.sales.tax import LineKind
from jeweltrak_desktop.services import inventory, payments, sales
from jeweltrak_desktop.services.local_store import LocalStore
from jeweltrak_desktop.ui.pages.sell import SellPage
from jeweltrak_desktop.ui.pages.sell.side_panel import EMAIL_UNAVAILABLE
from jeweltrak_desktop.ui.pages.sell.tender_dialogs import CARD_UNAVAILABLE

from .helpers import dialog_of, in_stock, key, press, scan, type_text


def _finalized_invoice(store: LocalStore) -> Invoice:
    with store.reader() as repo:
        return repo.query(Invoice, "SELECT * FROM invoices WHERE status = 'finalized' "
                                   "ORDER BY number LIMIT 1")[0]


def _pick_customer(qtbot: QtBot, page: SellPage, contact: Contact) -> None:
    press(qtbot, page, "Alt+C")
    dialog = dialog_of(page)
    search = dialog.findChild(QLineEdit)
    assert search is not None
    qtbot.waitUntil(search.hasFocus)
    type_text(qtbot, search, contact.phones[0])
    results = dialog.findChild(QListWidget)
    assert results is not None
    qtbot.waitUntil(lambda: results.count() > 0)
    key(qtbot, search, Qt.Key.Key_Return)  # Enter takes the first match
    qtbot.waitUntil(lambda: page.sale is not None and page.sale.customer is not None
                    and page.sale.customer.id == contact.id)


def _new_customer(store: LocalStore) -> Contact:
    from jeweltrak_desktop.services import contacts

    return contacts.create_contact(store, first_name="Lena", last_name="Okafor",
                                   phones=["(941) 555-7788"])


def test_a_deposit_then_a_check_pay_the_sale(
    qtbot: QtBot, page: SellPage, demo_store: LocalStore
) -> None:
    customer = _new_customer(demo_store)
    deposit = payments.take_deposit(demo_store, contact_id=customer.id, amount_cents=50_000,
                                    tender=Tender.CASH, handed_cents=50_000, note="Layaway")
    [piece] = in_stock(demo_store, 1)
    scan(qtbot, page, piece.stock_id)
    _pick_customer(qtbot, page, customer)
    assert page.sale is not None
    balance = page.sale.invoice.balance_cents

    press(qtbot, page, "F11")
    qtbot.waitUntil(lambda: page.sell_actions.dialog is not None)
    dialog = dialog_of(page)
    kind = dialog.findChild(QComboBox, "tender-kind")
    assert kind is not None
    qtbot.waitUntil(kind.hasFocus)
    kind.setCurrentIndex(kind.findData(Tender.DEPOSIT))
    amount = dialog.findChild(QLineEdit, "tender-amount")
    assert amount is not None and amount.text() == "500.00"
    key(qtbot, kind, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.sale is not None
                    and page.sale.invoice.balance_cents == balance - 50_000)

    press(qtbot, page, "F11")
    qtbot.waitUntil(lambda: page.sell_actions.dialog is not None)
    dialog = dialog_of(page)
    kind = dialog.findChild(QComboBox, "tender-kind")
    number = dialog.findChild(QLineEdit, "tender-number")
    assert kind is not None and number is not None
    assert kind.currentData() == Tender.CHECK
    number.setFocus()
    type_text(qtbot, number, "4417")
    key(qtbot, number, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.sale is not None and page.sale.invoice.balance_cents == 0)
    assert "Check" in page.side.payments.text() and "#4417" in page.side.payments.text()

    press(qtbot, page, "F12")
    qtbot.waitUntil(lambda: page.sale is not None
                    and page.sale.invoice.status is InvoiceStatus.FINALIZED)
    taken = payments.payments_for_invoice(demo_store, page.sale.invoice.id)
    assert [(p.tender, p.amount_cents) for p in taken] == [
        (Tender.DEPOSIT, 50_000), (Tender.CHECK, balance - 50_000)]
    assert payments.deposits_for(demo_store, customer.id) == []
    assert deposit.id == taken[0].deposit_id


def test_finalizing_with_a_balance_needs_a_customer_then_confirms(
    qtbot: QtBot, page: SellPage, demo_store: LocalStore
) -> None:
    [piece] = in_stock(demo_store, 1)
    scan(qtbot, page, piece.stock_id)
    press(qtbot, page, "F12")
    assert "still owed" in page.message.text()
    assert page.sale is not None and page.sale.invoice.status is InvoiceStatus.OPEN

    _pick_customer(qtbot, page, _new_customer(demo_store))
    press(qtbot, page, "F12")
    dialog = dialog_of(page)
    key(qtbot, dialog, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.sale is not None
                    and page.sale.invoice.status is InvoiceStatus.FINALIZED)
    assert page.sale.invoice.balance_cents == page.sale.invoice.total_cents


def test_a_return_from_a_previous_invoice_then_an_exchange(
    qtbot: QtBot, page: SellPage, demo_store: LocalStore
) -> None:
    source = _finalized_invoice(demo_store)
    sold = next(line for line in source.lines if line.kind is LineKind.PIECE)
    [new_piece] = in_stock(demo_store, 1)

    press(qtbot, page, "Alt+R")
    dialog = dialog_of(page)
    number = dialog.findChild(QLineEdit)
    lines = dialog.findChild(QListWidget)
    assert number is not None and lines is not None
    qtbot.waitUntil(number.hasFocus)
    type_text(qtbot, number, source.number)
    key(qtbot, number, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: lines.count() == len(source.lines))
    qtbot.waitUntil(lines.hasFocus)
    key(qtbot, lines, Qt.Key.Key_Space)  # tick the first line (the piece)
    assert lines.item(0).checkState() is Qt.CheckState.Checked
    key(qtbot, lines, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.lines_model.rowCount() == 1)
    assert page.lines_model.index(0, 2).data() == "-1"
    assert page.lines_model.index(0, 5).data() == format_money(-sold.unit_price_cents)
    assert page.sale is not None and page.sale.invoice.contact_id == source.contact_id

    scan(qtbot, page, new_piece.stock_id)  # the exchange: a new piece on the same invoice
    assert page.lines_model.rowCount() == 2
    invoice = sales.get_invoice(demo_store, page.sale.invoice.id)
    assert [ln.kind for ln in invoice.lines] == [LineKind.RETURN, LineKind.PIECE]
    balance = invoice.balance_cents
    assert page.side.totals.values["returns"].isVisible()

    press(qtbot, page, "F10" if balance > 0 else "F11")
    dialog = dialog_of(page)
    key(qtbot, dialog.findChildren(QLineEdit)[0], Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.sale is not None and page.sale.invoice.balance_cents == 0)
    press(qtbot, page, "F12")
    qtbot.waitUntil(lambda: page.sale is not None
                    and page.sale.invoice.status is InvoiceStatus.FINALIZED)
    back = inventory.lookup(demo_store, sold.description.split()[0])
    assert back is not None and back.status is PieceStatus.IN_STOCK


def test_a_return_alone_gives_the_customer_cash_back(
    qtbot: QtBot, page: SellPage, demo_store: LocalStore
) -> None:
    source = _finalized_invoice(demo_store)
    press(qtbot, page, "Alt+R")
    dialog = dialog_of(page)
    number = dialog.findChild(QLineEdit)
    lines = dialog.findChild(QListWidget)
    assert number is not None and lines is not None
    qtbot.waitUntil(number.hasFocus)
    type_text(qtbot, number, source.number)
    key(qtbot, number, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: lines.count() > 0 and lines.hasFocus())
    key(qtbot, lines, Qt.Key.Key_Space)
    key(qtbot, lines, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.lines_model.rowCount() == 1)
    assert page.sale is not None
    owed = -page.sale.invoice.balance_cents
    assert owed > 0 and page.side.totals.values["balance"].text() == format_money(owed)

    press(qtbot, page, "F12")  # not before the customer has their money
    assert "Give the customer back" in page.message.text()
    press(qtbot, page, "F10")
    cash = dialog_of(page).findChild(QLineEdit, "cash-amount")
    assert cash is not None and cash.text() == format_money(owed).replace("$", "")
    key(qtbot, cash, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.sale is not None and page.sale.invoice.balance_cents == 0)
    assert page.message.text().startswith(f"Gave back {format_money(owed)}.")
    press(qtbot, page, "F12")
    qtbot.waitUntil(lambda: page.sale is not None
                    and page.sale.invoice.status is InvoiceStatus.FINALIZED)
    [paid] = payments.payments_for_invoice(demo_store, page.sale.invoice.id)
    assert (paid.tender, paid.amount_cents) == (Tender.CASH, -owed)


def test_a_customer_created_inline_by_keyboard(
    qtbot: QtBot, page: SellPage, demo_store: LocalStore
) -> None:
    press(qtbot, page, "Alt+C")
    dialog = dialog_of(page)
    search = dialog.findChild(QLineEdit)
    assert search is not None
    qtbot.waitUntil(search.hasFocus)
    key(qtbot, search, Qt.Key.Key_Tab)
    key(qtbot, dialog.focusWidget(), Qt.Key.Key_Tab)
    name = dialog.focusWidget()
    assert isinstance(name, QLineEdit) and name.placeholderText() == "First and last name"
    type_text(qtbot, name, "Lena Okafor")
    key(qtbot, name, Qt.Key.Key_Tab)
    phone = dialog.focusWidget()
    assert isinstance(phone, QLineEdit)
    type_text(qtbot, phone, "(941) 555-0199")
    key(qtbot, phone, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "Okafor, Lena" in page.customer_label.text())
    assert page.sale is not None and page.sale.customer is not None
    assert page.sale.customer.phones == ["(941) 555-0199"]
    assert page.sale.invoice.contact_id == page.sale.customer.id


def test_card_and_email_say_why_they_are_not_there_yet(page: SellPage) -> None:
    card = page.side.card
    assert card.text() == "Card (reader)" and not card.isEnabled()
    assert card.toolTip() == CARD_UNAVAILABLE
    assert page.side.card_reason.isVisible() and CARD_UNAVAILABLE in page.side.card_reason.text()
    email = page.side.by_action["email"]
    assert not email.isEnabled() and email.toolTip() == EMAIL_UNAVAILABLE
