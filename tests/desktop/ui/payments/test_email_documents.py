"""Documents e-mailed to the client from their screens, through the service (Resend)."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from jeweltrak_core.appraisals.rules import AppraisalPurpose
from jeweltrak_core.inventory.stock import Family
from jeweltrak_desktop.services import appraisals, contacts, inventory, memos
from jeweltrak_desktop.services.local_store import LocalStore
from jeweltrak_desktop.ui.context import CounterContext
from jeweltrak_desktop.ui.pages.appraisals import AppraisalsPage
from jeweltrak_desktop.ui.pages.memos import MemosPage
from jeweltrak_desktop.ui.tasks import wait_for_idle
from tests.desktop.payments.conftest import Counter
from tests.simulators.resend import ResendSimulator


def test_appraisal_is_emailed_to_the_clients_stored_address(
    qtbot: QtBot, counter: Counter, context: CounterContext, resend_sim: ResendSimulator
) -> None:
    email = "estate.client@example.com"
    client = contacts.create_contact(counter.local, first_name="Ines", last_name="Moreau",
                                     emails=[email])
    appraisal = appraisals.create_appraisal(
        counter.local, purpose=AppraisalPurpose.INSURANCE, appraisal_date=date(2026, 11, 25),
        contact_id=client.id, appraiser_name="Dana Reyes",
    )
    counter.sync.sync_once()  # the service knows the client and their address
    page = AppraisalsPage(context)
    qtbot.addWidget(page)
    page.show()
    page.show_record("appraisal", appraisal.id)
    qtbot.waitUntil(page.email_button.isEnabled, timeout=10_000)
    before = len(resend_sim.sent)

    qtbot.mouseClick(page.email_button, Qt.MouseButton.LeftButton)

    qtbot.waitUntil(lambda: "e-mailed to the client" in page.message.text(), timeout=20_000)
    (mail,) = resend_sim.sent[before:]
    assert mail["to"] == [email]
    assert mail["attachments"][0]["filename"] == f"appraisal-{appraisal.number}.pdf"
    wait_for_idle()


def test_without_a_store_server_the_email_button_says_why(
    qtbot: QtBot, demo_store: LocalStore
) -> None:
    page = AppraisalsPage(CounterContext(demo_store))
    qtbot.addWidget(page)
    page.show()
    page.activate()
    qtbot.waitUntil(lambda: page.list.rowCount() > 0, timeout=10_000)
    page.list.selectRow(0)
    qtbot.waitUntil(lambda: page.editor.appraisal is not None, timeout=10_000)
    assert not page.email_button.isEnabled()
    assert "not paired with" in page.email_button.toolTip()
    wait_for_idle()


def test_memo_agreement_is_emailed_to_the_customer(
    qtbot: QtBot, counter: Counter, context: CounterContext, resend_sim: ResendSimulator
) -> None:
    email = "approval.customer@example.com"
    customer = contacts.create_contact(counter.local, first_name="Tomas", last_name="Berg",
                                       emails=[email])
    ring = inventory.create_piece(counter.local, family=Family.JEWELRY,
                                  description="Sapphire halo ring", cost_cents=90_000)
    memo = memos.issue_memo(counter.local, contact_id=customer.id, codes=[ring.stock_id])
    counter.sync.sync_once()
    page = MemosPage(context)
    qtbot.addWidget(page)
    page.show()
    page.show_record("memo", memo.id)
    tab = page.customer
    qtbot.waitUntil(lambda: tab.current is not None and tab.current.memo.id == memo.id,
                    timeout=10_000)
    qtbot.waitUntil(tab.email_button.isEnabled, timeout=10_000)
    before = len(resend_sim.sent)

    qtbot.mouseClick(tab.email_button, Qt.MouseButton.LeftButton)

    qtbot.waitUntil(lambda: "e-mailed to the client" in tab.result.text(), timeout=20_000)
    (mail,) = resend_sim.sent[before:]
    assert mail["to"] == [email]
    assert mail["attachments"][0]["filename"] == f"memo-{memo.number}.pdf"
    wait_for_idle()
