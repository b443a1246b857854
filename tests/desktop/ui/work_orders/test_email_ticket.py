"""“E-mail ticket to customer” on the Work Orders page: the customer copy of the ticket (no
internal notes, no vendor cost) goes through the store server to the customer's stored
address; without a store server or an address the button is off and says why."""

from __future__ import annotations

import base64
import io

from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from jeweltrak_core.contacts.entities import Contact
from jeweltrak_core.work_orders.entities import WorkOrder
from jeweltrak_desktop.services import contacts, work_orders
from jeweltrak_desktop.services.local_store import LocalStore
from jeweltrak_desktop.ui.context import CounterContext
from jeweltrak_desktop.ui.pages.work_orders import WorkOrdersPage
from jeweltrak_desktop.ui.payments.email_pdf import NEEDS_SERVER
from jeweltrak_desktop.ui.tasks import wait_for_idle
from tests.desktop.payments.conftest import Counter
from tests.desktop.ui.screens import SCREENSHOTS
from tests.simulators.resend import ResendSimulator

INTERNAL_NOTE = "Stone loose at 4 o'clock, check the other prongs"
CUSTOMER_NOTE = "Customer asks for a call before any extra work"


def _job(store: LocalStore, contact: Contact) -> WorkOrder:
    order = work_orders.open_work_order(
        store, contact_id=contact.id, item_description="Platinum solitaire ring",
        instructions="Re-tip four prongs; clean and polish", estimate_cents=18_500,
        vendor_cost_cents=6_200)
    work_orders.add_note(store, order.id, INTERNAL_NOTE, internal=True)
    return work_orders.add_note(store, order.id, CUSTOMER_NOTE, internal=False)


def _page(qtbot: QtBot, context: CounterContext, order: WorkOrder) -> WorkOrdersPage:
    page = WorkOrdersPage(context)
    qtbot.addWidget(page)
    page.resize(1280, 800)
    page.show()
    page.activateWindow()
    page.activate()
    page.show_record("work_order", order.id)
    qtbot.waitUntil(lambda: page.order is not None and page.order.id == order.id
                    and page.customer is not None, timeout=10_000)
    return page


def _pdf_text(data: bytes) -> str:
    return " ".join(" ".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(data)).pages)
                    .split())


def test_the_customer_copy_is_emailed_to_the_customers_address(
    qtbot: QtBot, counter: Counter, paired_context: CounterContext,
    resend_sim: ResendSimulator,
) -> None:
    email = "solitaire.owner@example.com"
    customer = contacts.create_contact(counter.local, first_name="Maren", last_name="Holt",
                                       emails=[email], phones=["(941) 555-0171"])
    order = _job(counter.local, customer)
    counter.sync.sync_once()  # the service knows the customer and their address
    page = _page(qtbot, paired_context, order)
    detail = page.detail
    assert detail.email_button.isEnabled() and not detail.email_reason.isVisible()
    assert detail.email_button.text() == "&E-mail ticket to customer"
    before = len(resend_sim.sent)

    focused = page.focusWidget()
    assert isinstance(focused, QWidget)
    qtbot.keyClick(focused, Qt.Key.Key_E, Qt.KeyboardModifier.AltModifier)  # the mnemonic

    qtbot.waitUntil(lambda: detail.message.text()
                    == f"Work order {order.number} e-mailed to the client.", timeout=20_000)
    (mail,) = resend_sim.sent[before:]
    assert mail["to"] == [email]
    assert mail["subject"].endswith(f"Work order {order.number}")
    (attachment,) = mail["attachments"]
    assert attachment["filename"] == f"work-order-{order.number}.pdf"
    text = _pdf_text(base64.b64decode(attachment["content"]))
    assert order.number in text and "customer copy" in text.lower()
    assert CUSTOMER_NOTE in text and "$185.00" in text
    # The customer copy: no internal notes, no vendor cost, and only that one copy.
    assert INTERNAL_NOTE not in text and "Vendor cost" not in text and "$62.00" not in text
    assert "counter copy" not in text.lower() and "bench copy" not in text.lower()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.grab().save(str(SCREENSHOTS / "work_order_email.png"))


def test_a_customer_without_an_email_address_is_named_and_nothing_is_sent(
    qtbot: QtBot, counter: Counter, paired_context: CounterContext,
    resend_sim: ResendSimulator,
) -> None:
    customer = contacts.create_contact(counter.local, first_name="Otto", last_name="Brandt",
                                       phones=["(941) 555-0188"])
    order = _job(counter.local, customer)
    counter.sync.sync_once()
    page = _page(qtbot, paired_context, order)
    detail = page.detail
    reason = ("Brandt, Otto has no e-mail address: add one to their contact (F3 Contacts) "
              "to e-mail the ticket.")
    assert not detail.email_button.isEnabled()
    assert detail.email_reason.isVisible() and detail.email_reason.text() == reason
    assert detail.email_button.toolTip() == reason
    before = len(resend_sim.sent)
    page.email_ticket()  # even asked directly, nothing goes out
    wait_for_idle()
    assert resend_sim.sent[before:] == [] and detail.message.text() == ""

    # Once the contact has an address (here, typed at this counter), the button comes on.
    contacts.patch_contact(counter.local, customer.id, emails=["otto.brandt@example.com"])
    page.show_record("work_order", order.id)
    qtbot.waitUntil(detail.email_button.isEnabled, timeout=10_000)
    assert not detail.email_reason.isVisible()


def test_an_unpaired_workstation_keeps_the_button_off_and_says_why(
    qtbot: QtBot, demo_store: LocalStore
) -> None:
    with demo_store.reader() as repo:
        order = repo.query(WorkOrder, "SELECT * FROM work_orders ORDER BY number LIMIT 1")[0]
    page = _page(qtbot, CounterContext(demo_store), order)
    detail = page.detail
    assert not detail.email_button.isEnabled()
    assert detail.email_reason.isVisible() and detail.email_reason.text() == NEEDS_SERVER
    assert detail.email_button.toolTip() == NEEDS_SERVER
    assert detail.print_button.isEnabled()  # printing needs no server
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.grab().save(str(SCREENSHOTS / "work_order_email_unpaired.png"))
    wait_for_idle()
