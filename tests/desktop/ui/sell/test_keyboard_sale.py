"""A whole sale without the mouse: scanner, customer by keyboard, cash with change, finalize,
receipt PDF."""

from __future__ import annotations

import io

from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QListWidget
from pytestqt.qtbot import QtBot

from jeweltrak_core.contacts.entities import Contact
from jeweltrak_core.inventory.stock import PieceStatus
from jeweltrak_core.money import format_money
from jeweltrak_core.payments.rules import Tender
from jeweltrak_core.sales.invoice_state import InvoiceStatus
from jeweltrak_desktop.services import inventory, payments, sales
from jeweltrak_desktop.services.local_store import LocalStore
from jeweltrak_desktop.ui.pages.sell import SellPage

from .helpers import dialog_of, in_stock, key, press, scan, type_text


def _a_customer(store: LocalStore) -> Contact:
    with store.reader() as repo:
        found = repo.query(Contact, "SELECT * FROM contacts WHERE is_customer = 1 "
                                    "AND last_name != '' ORDER BY last_name LIMIT 1")
    return found[0]


def _pdf_text(data: bytes) -> str:
    return " ".join(" ".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(data)).pages)
                    .split())


def test_a_complete_sale_by_keyboard_and_scanner(
    qtbot: QtBot, page: SellPage, demo_store: LocalStore
) -> None:
    first, second = in_stock(demo_store, 2)
    customer = _a_customer(demo_store)
    qtbot.waitUntil(page.scan_field.hasFocus)

    scan(qtbot, page, first.stock_id)
    scan(qtbot, page, second.barcode or second.stock_id)
    assert page.lines_model.rowCount() == 2
    assert page.lines_model.index(0, 1).data() == first.stock_id
    assert page.scan_field.hasFocus() and page.scan_field.text() == ""

    press(qtbot, page, "Alt+C")
    dialog = dialog_of(page)
    search = dialog.findChild(QLineEdit)
    assert search is not None
    qtbot.waitUntil(search.hasFocus)
    type_text(qtbot, search, customer.last_name)
    results = dialog.findChild(QListWidget)
    assert results is not None
    qtbot.waitUntil(lambda: results.count() > 0)
    wanted = next(i for i in range(results.count())
                  if results.item(i).data(Qt.ItemDataRole.UserRole).id == customer.id)
    key(qtbot, search, Qt.Key.Key_Down)
    for _ in range(wanted):
        key(qtbot, results, Qt.Key.Key_Down)
    key(qtbot, results, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: customer.display_name in page.customer_label.text())
    qtbot.waitUntil(page.scan_field.hasFocus)

    assert page.sale is not None
    balance = page.sale.invoice.balance_cents

    press(qtbot, page, "F10")
    cash = dialog_of(page).findChild(QLineEdit, "cash-amount")
    assert cash is not None
    qtbot.waitUntil(cash.hasFocus)
    cash.selectAll()
    type_text(qtbot, cash, f"{(balance + 2_000) / 100:.2f}".replace(".00", ""))
    key(qtbot, cash, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.sale is not None and page.sale.invoice.balance_cents == 0)
    assert page.side.change.text() == "Change due $20.00"
    assert page.side.totals.values["balance"].text() == "$0.00"

    press(qtbot, page, "F12")
    qtbot.waitUntil(lambda: page.sale is not None
                    and page.sale.invoice.status is InvoiceStatus.FINALIZED)
    assert page.scan_field.hasFocus()

    press(qtbot, page, "Alt+P")
    qtbot.waitUntil(lambda: page.sell_actions.receipt.last_path is not None)
    receipt = page.sell_actions.receipt.last_path
    assert receipt is not None
    text = _pdf_text(receipt.read_bytes())
    invoice = sales.get_invoice(demo_store, page.sale.invoice.id)
    assert invoice.number in text
    assert first.stock_id in text and second.stock_id in text
    assert format_money(invoice.total_cents) in text
    qtbot.waitUntil(lambda: page.sell_actions.receipt.preview is not None)
    preview = page.sell_actions.receipt.preview
    assert preview is not None
    preview.close()
    qtbot.waitUntil(page.scan_field.hasFocus)

    assert invoice.status is InvoiceStatus.FINALIZED and invoice.contact_id == customer.id
    [paid] = payments.payments_for_invoice(demo_store, invoice.id)
    assert (paid.tender, paid.amount_cents, paid.change_given_cents) == (
        Tender.CASH, balance, 2_000)
    sold = inventory.lookup(demo_store, first.stock_id)
    assert sold is not None and sold.status is PieceStatus.SOLD

    press(qtbot, page, "Alt+N")
    assert page.lines_model.rowCount() == 0 and page.sale is None
    assert page.side.totals.values["total"].text() == "$0.00"
