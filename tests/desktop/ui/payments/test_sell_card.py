# mypy: disable-error-code="no-untyped-call"
# (pytest-qt is untyped)
"""Charge on the reader from the Sell screen, refunds, e-mail — real service, simulators."""

from __future__ import annotations

from uuid import UUID

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton
from pytestqt.qtbot import QtBot

from jeweltrak_core.sales.invoice_state import InvoiceStatus
from jeweltrak_core.sales.tax import LineKind
from jeweltrak_desktop.services import contacts, payments, sales
from jeweltrak_desktop.ui.pages.sell import SellPage
from jeweltrak_desktop.ui.payments.charge_dialog import ChargeDialog
from jeweltrak_desktop.ui.payments.refund_dialog import RefundDialog
from tests.desktop.payments.conftest import Counter
from tests.desktop.ui.screens import SCREENSHOTS
from tests.simulators.resend import ResendSimulator

SHOTS = str(SCREENSHOTS)


def _open_sale(counter: Counter, sell: SellPage, qtbot: QtBot, price_cents: int,
               contact_id: UUID | None = None) -> UUID:
    """An open invoice made at the counter, uploaded, and shown on the Sell screen."""
    invoice = sales.new_invoice(counter.local, contact_id=contact_id)
    sales.add_charge(counter.local, invoice.id, kind=LineKind.SERVICE,
                     description="Custom engraving", price_cents=price_cents, taxable=False)
    counter.sync.sync_once()
    sell.show_record("invoice", invoice.id)
    qtbot.waitUntil(lambda: sell.sale is not None and sell.sale.invoice.id == invoice.id)
    return invoice.id


def _charge_dialog(qtbot: QtBot, sell: SellPage) -> ChargeDialog:
    card = sell.side.card
    qtbot.waitUntil(card.isEnabled)
    qtbot.mouseClick(card, Qt.MouseButton.LeftButton)
    dialog = sell.sell_actions.dialog
    assert isinstance(dialog, ChargeDialog)
    qtbot.waitUntil(dialog.start_button.isEnabled, timeout=10_000)
    return dialog


def _start(qtbot: QtBot, dialog: ChargeDialog) -> None:
    qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.charge is not None and dialog.charge.status == "waiting",
                    timeout=15_000)
    assert dialog.banner_state == "waiting"


def test_charge_approved_from_the_sell_screen(qtbot: QtBot, counter: Counter,
                                              sell: SellPage) -> None:
    invoice_id = _open_sale(counter, sell, qtbot, 18_500)
    dialog = _charge_dialog(qtbot, sell)
    assert dialog.amount.text() == "185.00"
    assert dialog.reader.currentText() == "Front counter"  # the only reader: chosen
    _start(qtbot, dialog)
    assert "Waiting for the customer" in dialog.banner.text()
    dialog.grab().save(f"{SHOTS}/charge_on_reader_waiting.png")
    counter.shop.tap()  # 4242… through the simulator's present_payment_method
    qtbot.waitUntil(lambda: dialog.banner_state == "approved", timeout=30_000)
    assert "$185.00" in dialog.banner.text() and "4242" in dialog.banner.text()
    dialog.grab().save(f"{SHOTS}/charge_on_reader.png")
    counter.sync.sync_once()  # what the background sync does: the payment comes down
    qtbot.waitUntil(lambda: sell.sale is not None and sell.sale.invoice.balance_cents == 0,
                    timeout=30_000)
    assert sell.sale is not None and sell.sale.invoice.status is InvoiceStatus.FINALIZED
    assert "Paid $185.00 by card" in sell.message.text()
    sell.grab().save(f"{SHOTS}/sell_paid_by_card.png")
    (payment,) = payments.payments_for_invoice(counter.local, invoice_id)
    assert payment.card_last4 == "4242"


def test_declined_card_shows_the_reason_and_the_sale_stays_open(
        qtbot: QtBot, counter: Counter, sell: SellPage) -> None:
    invoice_id = _open_sale(counter, sell, qtbot, 9_900)
    dialog = _charge_dialog(qtbot, sell)
    _start(qtbot, dialog)
    counter.shop.tap("4000000000009995")
    qtbot.waitUntil(lambda: dialog.banner_state == "declined", timeout=30_000)
    assert "insufficient funds" in dialog.banner.text()
    assert dialog.start_button.isEnabled() and dialog.start_button.text() == "Try again"
    counter.sync.sync_once()
    invoice = sales.get_invoice(counter.local, invoice_id)
    assert invoice.status is InvoiceStatus.OPEN and invoice.balance_cents == 9_900


def test_cancel_from_the_banner(qtbot: QtBot, counter: Counter, sell: SellPage) -> None:
    invoice_id = _open_sale(counter, sell, qtbot, 5_000)
    dialog = _charge_dialog(qtbot, sell)
    qtbot.keyClick(dialog.amount, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(dialog.amount, "20.00")  # a part of the balance
    _start(qtbot, dialog)
    assert dialog.charge is not None and dialog.charge.amount_cents == 2_000
    assert dialog.cancel_button.isEnabled()
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.banner_state == "cancelled", timeout=20_000)
    assert "not charged" in dialog.banner.text()
    assert counter.cards.poll(dialog.charge.id, wait_seconds=0).status == "cancelled"
    counter.sync.sync_once()
    assert sales.get_invoice(counter.local, invoice_id).paid_cents == 0


def test_refund_part_then_over_refund_is_refused(qtbot: QtBot, counter: Counter,
                                                 sell: SellPage) -> None:
    invoice_id = _open_sale(counter, sell, qtbot, 20_000)
    paid = counter.shop.pay(invoice_id)
    assert paid["status"] == "approved"
    counter.sync.sync_once()
    sell.reload()
    refund = sell.side.by_action["refund_card"]
    qtbot.waitUntil(refund.isEnabled, timeout=10_000)
    qtbot.mouseClick(refund, Qt.MouseButton.LeftButton)
    dialog = sell.sell_actions.dialog
    assert isinstance(dialog, RefundDialog)
    qtbot.waitUntil(lambda: dialog.amount.text() == "200.00", timeout=10_000)
    assert "Refundable: $200.00" in dialog.summary.text()
    dialog.reason.setCurrentIndex(dialog.reason.findText("Duplicate charge"))
    qtbot.keyClick(dialog.amount, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(dialog.amount, "60")
    qtbot.mouseClick(dialog.refund_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Refundable: $140.00" in dialog.summary.text(), timeout=20_000)
    assert dialog.message.text() == "Refunded $60.00 to the card."
    assert dialog.amount.text() == "140.00"  # the default is what is left
    dialog.grab().save(f"{SHOTS}/refund_dialog.png")
    qtbot.keyClick(dialog.amount, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(dialog.amount, "140.01")
    qtbot.mouseClick(dialog.refund_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "$140.00" in dialog.message.text(), timeout=20_000)
    assert "Refunded" not in dialog.message.text()
    counter.sync.sync_once()
    amounts = sorted(p.amount_cents for p in payments.payments_for_invoice(counter.local,
                                                                           invoice_id))
    assert amounts == [-6_000, 20_000]


def test_email_receipt_reaches_the_customer(qtbot: QtBot, counter: Counter, sell: SellPage,
                                            resend_sim: ResendSimulator) -> None:
    email = "lena.okafor@example.com"
    pat = contacts.create_contact(counter.local, first_name="Lena", last_name="Okafor",
                                  emails=[email])
    invoice_id = _open_sale(counter, sell, qtbot, 4_000, contact_id=pat.id)
    payments.take_cash(counter.local, invoice_id, 4_000)
    sales.finalize_invoice(counter.local, invoice_id)
    counter.sync.sync_once()
    sell.reload()
    button = sell.side.by_action["email"]
    qtbot.waitUntil(button.isEnabled, timeout=10_000)
    before = len(resend_sim.sent)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Receipt e-mailed to" in sell.message.text(), timeout=20_000)
    sent = resend_sim.sent[before:]
    assert len(sent) == 1 and sent[0]["to"] == [email]
    assert sent[0]["attachments"][0]["filename"].startswith("receipt-")


def test_email_payment_link_for_the_balance(qtbot: QtBot, counter: Counter, sell: SellPage,
                                            resend_sim: ResendSimulator) -> None:
    email = "pay.me@example.com"
    pat = contacts.create_contact(counter.local, first_name="Pat", last_name="Link",
                                  emails=[email])
    _open_sale(counter, sell, qtbot, 7_500, contact_id=pat.id)
    button = sell.side.by_action["email_link"]
    qtbot.waitUntil(button.isEnabled, timeout=10_000)
    before = len(resend_sim.sent)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Payment link for $75.00 e-mailed" in sell.message.text(),
                    timeout=20_000)
    assert [m["to"] for m in resend_sim.sent[before:]] == [[email]]


def test_dispute_badge_links_to_the_dashboard(qtbot: QtBot, counter: Counter,
                                              sell: SellPage) -> None:
    invoice_id = _open_sale(counter, sell, qtbot, 12_000)
    paid = counter.shop.pay(invoice_id)
    charge = counter.shop.sim.get(counter.shop.account, "payment_intent",
                                  paid["stripe_payment_intent_id"])["latest_charge"]
    counter.shop.sim.open_dispute(counter.shop.account, charge)
    counter.sync.sync_once()
    sell.start_new_sale()
    sell.show_record("invoice", invoice_id)
    badge = sell.side.findChild(QLabel, "sell-disputes")
    assert badge is not None
    qtbot.waitUntil(badge.isVisible, timeout=20_000)
    assert "Disputed" in badge.text() and "$120.00" in badge.text()
    assert "dashboard.stripe.com" in badge.text()


def test_unpaired_demo_store_keeps_card_off_with_the_reason(demo_sell: SellPage) -> None:
    page = demo_sell
    card = page.side.card
    assert isinstance(card, QPushButton) and not card.isEnabled()
    assert card.toolTip() == "Not paired with a store server"
    assert page.side.card_reason.text() == "Not paired with a store server."
    assert not page.side.by_action["email"].isEnabled()
    page.sell_actions.run("card")
    assert page.message.text() == "Not paired with a store server."
