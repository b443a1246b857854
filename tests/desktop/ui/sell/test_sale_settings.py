"""The whole sale's settings at the Sell screen, by keyboard: tax exemption (Alt+E), split
commission (Alt+K), and reopening a finalized sale (Alt+O, managers only)."""

from __future__ import annotations

import io

from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QLabel, QLineEdit, QSpinBox
from pytestqt.qtbot import QtBot

from jeweltrak_core.contacts.entities import Contact
from jeweltrak_core.inventory.stock import PieceStatus
from jeweltrak_core.money import format_money
from jeweltrak_core.sales.invoice_state import InvoiceStatus
from jeweltrak_core.store.entities import User
from jeweltrak_desktop.services import contacts, inventory, sales, sell_screen
from jeweltrak_desktop.services.local_store import LocalStore
from jeweltrak_desktop.services.staff import actor_for
from jeweltrak_desktop.ui.context import CounterContext
from jeweltrak_desktop.ui.pages.sell import SellPage
from jeweltrak_desktop.ui.pages.sell.form_dialog import index_of
from jeweltrak_desktop.ui.pages.sell.keys import SELL_KEYS
from jeweltrak_desktop.ui.pages.sell.sale_settings import REOPEN_NEEDS
from tests.desktop.ui.screens import SCREENSHOTS

from .helpers import (
    dialog_of,
    grab_with_dialog,
    in_stock,
    key,
    press,
    scan,
    settle,
    type_text,
)
from .test_tenders_and_returns import _pick_customer

CERTIFICATE = "85-8012345678C-1"


def _staff(store: LocalStore, name: str) -> User:
    with store.reader() as repo:
        return repo.query(User, "SELECT * FROM users WHERE name = ?", (name,))[0]


def _reseller(store: LocalStore) -> Contact:
    return contacts.create_contact(store, first_name="Ravi", last_name="Menon",
                                   company="Menon Gold Traders", phones=["(941) 555-0142"],
                                   tax_exempt_id=CERTIFICATE)


def _pay_cash_and_finalize(qtbot: QtBot, page: SellPage) -> None:
    press(qtbot, page, "F10")
    key(qtbot, dialog_of(page).findChildren(QLineEdit)[0], Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.sale is not None and page.sale.invoice.balance_cents == 0)
    press(qtbot, page, "F12")
    qtbot.waitUntil(lambda: page.sale is not None
                    and page.sale.invoice.status is InvoiceStatus.FINALIZED)


def test_every_sale_action_has_a_key_in_the_legend(page: SellPage) -> None:
    legend = page.legend.text()
    for action, shortcut, label in (("tax_exempt", "Alt+E", "Tax exempt"),
                                    ("split", "Alt+K", "Split sale"),
                                    ("reopen", "Alt+O", "Reopen")):
        assert f"<b>{shortcut}</b> {label}" in legend
        assert shortcut in page.side.by_action[action].text()
    keys = [k.key for k in SELL_KEYS]
    assert len(keys) == len(set(keys))  # no key does two things


def test_a_tax_exempt_sale_needs_a_reason_and_prints_its_certificate(
    qtbot: QtBot, page: SellPage, demo_store: LocalStore
) -> None:
    customer = _reseller(demo_store)
    [piece] = in_stock(demo_store, 1)
    scan(qtbot, page, piece.stock_id)
    _pick_customer(qtbot, page, customer)
    assert page.sale is not None and page.sale.invoice.tax_cents > 0
    assert not page.side.exempt_note.isVisible()

    press(qtbot, page, "Alt+E")
    dialog = dialog_of(page)
    reason = dialog.findChild(QComboBox, "exempt-reason")
    certificate = dialog.findChild(QLineEdit, "exempt-certificate")
    assert reason is not None and certificate is not None
    assert certificate.text() == CERTIFICATE  # from the customer's record
    line = reason.lineEdit()
    assert line is not None
    qtbot.waitUntil(line.hasFocus)
    key(qtbot, line, Qt.Key.Key_Return)  # no reason: the rules refuse, the form stays open
    message = dialog.findChild(QLabel, "form-message")
    assert message is not None
    qtbot.waitUntil(lambda: "needs a reason" in message.text())
    assert dialog.isVisible() and page.sale.invoice.tax_exempt is False
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    grab_with_dialog(page, dialog).save(str(SCREENSHOTS / "sell_tax_exempt_form.png"))
    assert sales.get_invoice(demo_store, page.sale.invoice.id).tax_exempt is False

    type_text(qtbot, line, "Resale")
    key(qtbot, line, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.sale is not None and page.sale.invoice.tax_exempt)
    qtbot.waitUntil(lambda: page.sell_actions.dialog is None)
    qtbot.waitUntil(page.scan_field.hasFocus)
    invoice = sales.get_invoice(demo_store, page.sale.invoice.id)
    assert invoice.exempt_reason == f"Resale, certificate {CERTIFICATE}"
    assert invoice.tax_cents == 0 and invoice.total_cents == piece.retail_cents
    assert page.side.totals.values["base_tax"].text() == "$0.00"
    assert page.side.totals._captions["base_tax"].text() == "Sales tax (exempt)"
    assert page.side.exempt_note.isVisible()
    assert page.side.exempt_note.text() == f"Tax exempt: Resale, certificate {CERTIFICATE}"
    page.grab().save(str(SCREENSHOTS / "sell_tax_exempt.png"))

    _pay_cash_and_finalize(qtbot, page)
    press(qtbot, page, "Alt+P")
    qtbot.waitUntil(lambda: page.sell_actions.receipt.last_path is not None)
    receipt = page.sell_actions.receipt.last_path
    assert receipt is not None
    text = " ".join(" ".join(p.extract_text() or "" for p in
                             PdfReader(io.BytesIO(receipt.read_bytes())).pages).split())
    # The 80 mm receipt wraps the reason beside its $0.00; every word of it is printed.
    assert "Tax exempt (Resale, certificate" in text and f"{CERTIFICATE})" in text
    qtbot.waitUntil(lambda: page.sell_actions.receipt.preview is not None)
    preview = page.sell_actions.receipt.preview
    assert preview is not None
    preview.close()


def test_an_exempt_sale_charges_tax_again_when_unticked(
    qtbot: QtBot, page: SellPage, demo_store: LocalStore
) -> None:
    [piece] = in_stock(demo_store, 1)
    scan(qtbot, page, piece.stock_id)
    assert page.sale is not None
    taxed = page.sale.invoice.tax_cents
    invoice_id = page.sale.invoice.id
    sales.set_tax_exempt(demo_store, invoice_id, exempt=True, reason="Out of state (shipped)")
    page.reload()
    qtbot.waitUntil(lambda: page.sale is not None and page.sale.invoice.tax_exempt)

    press(qtbot, page, "Alt+E")
    dialog = dialog_of(page)
    reason = dialog.findChild(QComboBox, "exempt-reason")
    exempt = dialog.findChild(QCheckBox, "exempt-on")
    assert reason is not None and exempt is not None
    assert reason.currentText() == "Out of state (shipped)" and exempt.isChecked()
    line = reason.lineEdit()
    assert line is not None
    qtbot.waitUntil(line.hasFocus)
    key(qtbot, line, Qt.Key.Key_Backtab)  # back to the tick box
    qtbot.waitUntil(exempt.hasFocus)
    key(qtbot, exempt, Qt.Key.Key_Space)
    assert not exempt.isChecked() and not reason.isEnabled()
    key(qtbot, exempt, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.sale is not None and not page.sale.invoice.tax_exempt)
    invoice = sales.get_invoice(demo_store, invoice_id)
    assert (invoice.tax_exempt, invoice.exempt_reason, invoice.tax_cents) == (False, None, taxed)
    assert not page.side.exempt_note.isVisible()


def test_the_commission_is_split_with_a_second_salesperson_by_keyboard(
    qtbot: QtBot, page: SellPage, demo_store: LocalStore
) -> None:
    dana, sam = _staff(demo_store, "Dana Owner"), _staff(demo_store, "Sam Clerk")
    [piece] = in_stock(demo_store, 1)
    scan(qtbot, page, piece.stock_id)
    assert page.sale is not None
    invoice_id = page.sale.invoice.id
    sales.set_salesperson(demo_store, invoice_id, dana.id)
    page.reload()
    qtbot.waitUntil(lambda: page.sale is not None and page.sale.salesperson == "Dana Owner")
    assert not page.split_label.isVisible()

    press(qtbot, page, "Alt+K")
    dialog = dialog_of(page)
    who = dialog.findChild(QComboBox, "split-with")
    share = dialog.findChild(QSpinBox, "split-pct")
    assert who is not None and share is not None
    names = [who.itemText(i) for i in range(who.count())]
    assert names == ["Nobody (no split)", "Sam Clerk"]  # not Dana herself
    qtbot.waitUntil(who.hasFocus)
    key(qtbot, who, Qt.Key.Key_Down)
    assert who.currentData() == sam.id
    key(qtbot, who, Qt.Key.Key_Tab)
    qtbot.waitUntil(share.hasFocus)
    key(qtbot, share, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    type_text(qtbot, share, "40")
    outcome = [label.text() for label in dialog.findChildren(QLabel)]
    assert "Commission: Dana Owner 60% · Sam Clerk 40%" in outcome
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    grab_with_dialog(page, dialog).save(str(SCREENSHOTS / "sell_split_form.png"))
    key(qtbot, share, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.sale is not None
                    and page.sale.invoice.second_salesperson_id == sam.id)
    invoice = sales.get_invoice(demo_store, invoice_id)
    assert (invoice.salesperson_id, invoice.second_salesperson_id,
            invoice.commission_split_pct) == (dana.id, sam.id, 40)
    assert page.split_label.isVisible() and page.split_label.text().startswith(
        "+ Sam Clerk 40%")
    qtbot.waitUntil(page.scan_field.hasFocus)

    # Crediting the sale to Sam himself ends the split: nobody shares with themselves.
    press(qtbot, page, "Alt+S")
    combo = page.salesperson
    qtbot.waitUntil(combo.view().isVisible)
    assert combo.currentData() == dana.id
    for _ in range(index_of(combo, sam.id) - combo.currentIndex()):
        key(qtbot, combo.view(), Qt.Key.Key_Down)
    key(qtbot, combo.view(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.sale is not None and page.sale.invoice.salesperson_id == sam.id)
    invoice = sales.get_invoice(demo_store, invoice_id)
    assert (invoice.second_salesperson_id, invoice.commission_split_pct) == (None, 0)
    assert not page.split_label.isVisible()


def test_a_manager_reopens_a_finalized_sale_and_finalizes_it_again(
    qtbot: QtBot, page: SellPage, demo_store: LocalStore
) -> None:
    first, second = in_stock(demo_store, 2)
    scan(qtbot, page, first.stock_id)
    assert not page.side.by_action["reopen"].isEnabled()  # an open sale is not reopened
    press(qtbot, page, "Alt+O")
    assert page.sell_actions.dialog is None
    assert page.message.text() == "This invoice is already open."
    _pay_cash_and_finalize(qtbot, page)
    assert page.sale is not None
    number, paid = page.sale.invoice.number, page.sale.invoice.paid_cents
    sold = inventory.lookup(demo_store, first.stock_id)
    assert sold is not None and sold.status is PieceStatus.SOLD
    assert page.side.by_action["reopen"].isEnabled()

    press(qtbot, page, "Alt+O")
    dialog = dialog_of(page)
    reason = dialog.findChild(QLineEdit, "reopen-reason")
    assert reason is not None
    qtbot.waitUntil(reason.hasFocus)
    key(qtbot, reason, Qt.Key.Key_Return)  # no reason: refused by the rules, form stays
    message = dialog.findChild(QLabel, "form-message")
    assert message is not None
    qtbot.waitUntil(lambda: message.text() == "Say why the invoice is being reopened.")
    assert page.sale.invoice.status is InvoiceStatus.FINALIZED
    type_text(qtbot, reason, "Customer wants the matching earrings too")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    grab_with_dialog(page, dialog).save(str(SCREENSHOTS / "sell_reopen.png"))
    key(qtbot, reason, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.sale is not None
                    and page.sale.invoice.status is InvoiceStatus.OPEN)
    assert page.invoice_label.text() == f"Invoice {number} · open (reopened)"
    assert "reopened" in page.message.text()
    back = inventory.lookup(demo_store, first.stock_id)
    assert back is not None and back.status is PieceStatus.IN_STOCK
    page.grab().save(str(SCREENSHOTS / "sell_reopened.png"))

    scan(qtbot, page, second.stock_id)  # the reopened sale takes more lines
    assert page.lines_model.rowCount() == 2 and page.sale.invoice.number == number
    _pay_cash_and_finalize(qtbot, page)
    invoice = sales.get_invoice(demo_store, page.sale.invoice.id)
    assert (invoice.number, invoice.status, invoice.reopen_count) == (
        number, InvoiceStatus.FINALIZED, 1)
    assert invoice.paid_cents > paid and invoice.balance_cents == 0
    for piece in (first, second):
        found = inventory.lookup(demo_store, piece.stock_id)
        assert found is not None and found.status is PieceStatus.SOLD


def test_sam_of_the_sales_group_cannot_reopen_but_can_exempt_and_split(
    qtbot: QtBot, page: SellPage, context: CounterContext, demo_store: LocalStore
) -> None:
    [piece] = in_stock(demo_store, 1)
    scan(qtbot, page, piece.stock_id)
    _pay_cash_and_finalize(qtbot, page)
    assert page.side.by_action["reopen"].isVisible() and "Reopen" in page.legend.text()

    context.set_actor(actor_for(demo_store, _staff(demo_store, "Sam Clerk").id))
    assert not page.side.by_action["reopen"].isVisible()
    assert "Reopen" not in page.legend.text() and "Void" not in page.legend.text()
    press(qtbot, page, "Alt+O")  # the key does nothing for him either
    assert page.sell_actions.dialog is None
    assert page.sell_actions.settings.why_not("reopen") == REOPEN_NEEDS
    assert page.sale is not None and page.sale.invoice.status is InvoiceStatus.FINALIZED

    # Exemption and the split are part of selling: Sam may use them on an open sale.
    press(qtbot, page, "Alt+E")  # finalized: refused with the way forward
    assert page.sell_actions.dialog is None
    assert page.message.text() == "This invoice is finalized; reopen it before editing it."
    press(qtbot, page, "Alt+N")
    assert page.side.by_action["tax_exempt"].isVisible()
    assert page.side.by_action["tax_exempt"].isEnabled()
    assert page.side.by_action["split"].isEnabled()
    press(qtbot, page, "Alt+E")
    dialog = dialog_of(page)
    dialog.reject()
    settle()


def test_showing_a_sale_formats_its_totals_and_split_from_the_service(
    qtbot: QtBot, page: SellPage, demo_store: LocalStore
) -> None:
    """The split and exemption shown come from the saved invoice, not from the forms."""
    dana, sam = _staff(demo_store, "Dana Owner"), _staff(demo_store, "Sam Clerk")
    [piece] = in_stock(demo_store, 1)
    outcome = sell_screen.scan_into_sale(demo_store, None, piece.stock_id,
                                         salesperson_id=dana.id)
    assert outcome.sale is not None
    invoice_id = outcome.sale.invoice.id
    sales.split_commission(demo_store, invoice_id, second_salesperson_id=sam.id, split_pct=25)
    sales.set_tax_exempt(demo_store, invoice_id, exempt=True, reason="Resale / wholesale",
                         certificate="  RC-2211 ")
    page.show_record("invoice", invoice_id)
    qtbot.waitUntil(lambda: page.sale is not None and page.sale.invoice.id == invoice_id)
    assert page.split_label.text().startswith("+ Sam Clerk 25%")
    assert page.side.exempt_note.text() == "Tax exempt: Resale / wholesale, certificate RC-2211"
    assert page.side.totals.values["total"].text() == format_money(piece.retail_cents)
