"""Screenshots of Contacts, Memos, Work Orders, Appraisals and Reports from a demo store.

Run: ``QT_QPA_PLATFORM=offscreen .venv/bin/python tests/desktop/ui/records/make_screenshots.py``
(writes ``docs/screenshots/{contacts,memos,work_orders,appraisals,reports,reports_sales}.png``).

The demo store has one memo, a few repairs and one appraisal; this adds some more through
the real services, with the workstation clock set back, so the aging columns, the board's
days-in-stage and the AR aging have something to show.
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from PySide6.QtWidgets import QApplication, QMainWindow

from jeweltrak_core.appraisals.entities import AppraisalLine
from jeweltrak_core.appraisals.rules import AppraisalPurpose
from jeweltrak_core.clock import utc_now
from jeweltrak_core.contacts.entities import Contact
from jeweltrak_core.ids import new_id
from jeweltrak_core.inventory.entities import Piece
from jeweltrak_core.inventory.stock import Family, PieceStatus
from jeweltrak_core.payments.rules import Tender
from jeweltrak_core.work_orders.rules import WorkOrderStatus
from jeweltrak_desktop.demo import build_demo_store
from jeweltrak_desktop.documents.samples import make_sample_photo
from jeweltrak_desktop.services import (
    appraisals,
    contacts,
    memos,
    payments,
    reports,
    sales,
    work_orders,
)
from jeweltrak_desktop.services.local_store import LocalStore
from jeweltrak_desktop.store.schema import table_of
from jeweltrak_desktop.ui.context import CounterContext
from jeweltrak_desktop.ui.pages.appraisals import AppraisalsPage
from jeweltrak_desktop.ui.pages.contacts import ContactsPage
from jeweltrak_desktop.ui.pages.memos import MemosPage
from jeweltrak_desktop.ui.pages.reports import ReportsPage
from jeweltrak_desktop.ui.pages.work_orders import WorkOrdersPage
from jeweltrak_desktop.ui.style import MAIN_WINDOW_STYLE
from jeweltrak_desktop.ui.tasks import wait_for_idle

OUT = Path(__file__).resolve().parents[4] / "docs" / "screenshots"
SIZE = (1280, 800)


@contextmanager
def days_ago(store: LocalStore, days: int) -> Iterator[None]:
    """Stamp the ops made inside the block as ``days`` days old."""
    store.clock = lambda: utc_now() - timedelta(days=days)
    try:
        yield
    finally:
        store.clock = utc_now


def _customers(store: LocalStore) -> list[Contact]:
    table = table_of(Contact).table
    with store.reader() as repo:
        return repo.list(Contact, table.c.is_customer.is_(True), table.c.is_vendor.is_(False),
                         limit=120)


def _stock(store: LocalStore, n: int) -> list[Piece]:
    table = table_of(Piece).table
    with store.reader() as repo:
        return repo.list(Piece, table.c.status == PieceStatus.IN_STOCK.value,
                         table.c.is_quantity_item.is_(False), limit=n)


def add_memos(store: LocalStore, people: list[Contact], stock: list[Piece]) -> None:
    """Memos 75, 40 and 12 days old; one partly returned."""
    for i, age in enumerate((75, 40, 12, 3)):
        with days_ago(store, age):
            memo = memos.issue_memo(store, contact_id=people[60 + i].id,
                                    codes=[p.stock_id for p in stock[i * 2:i * 2 + 2]],
                                    due_date=date.today() - timedelta(days=age - 14),
                                    terms="Return or pay within 14 days")
        if i == 1:
            memos.return_memo_lines(store, memo.id, [memo.lines[0].id])
    vendor = next(c for c in contacts.list_contacts(store, limit=400) if c.is_vendor)
    memos.receive_vendor_memo(
        store, vendor_id=vendor.id, vendor_memo_no="C-2291", memo_date=date.today(),
        terms="60 days", pieces=[
            {"family": Family.JEWELRY, "description": "Consigned sapphire halo ring",
             "cost_cents": 120_000, "retail_cents": 289_500},
            {"family": Family.JEWELRY, "description": "Consigned pearl strand, 18 in",
             "cost_cents": 45_000, "retail_cents": 109_500}])


def add_work_orders(store: LocalStore, people: list[Contact], work: Path) -> None:
    """Jobs in every lane, some days old, one with an intake photo and a deposit."""
    jobs = [(9, "Platinum band — size up 1½", WorkOrderStatus.READY_FOR_PICKUP, False),
            (5, "Pearl strand — restring, knotted", WorkOrderStatus.IN_PROGRESS, True),
            (14, "Watch battery and gasket", WorkOrderStatus.ON_HOLD, False),
            (2, "Tennis bracelet — replace clasp", WorkOrderStatus.IN_SHOP, False)]
    for n, (age, item, status, rush) in enumerate(jobs):
        with days_ago(store, age):
            order = work_orders.open_work_order(
                store, contact_id=people[70 + n].id, item_description=item, rush=rush,
                estimate_cents=6_500 + n * 2_000, instructions="See intake notes",
                promised_date=date.today() + timedelta(days=n - 1))
            if status is not WorkOrderStatus.IN_SHOP:
                if status is WorkOrderStatus.READY_FOR_PICKUP:
                    work_orders.move_work_order(store, order.id, WorkOrderStatus.IN_PROGRESS)
                work_orders.move_work_order(store, order.id, status)
        if n == 0:
            photo = make_sample_photo(work / "intake.jpg", seed=3)
            work_orders.attach_photo_file(store, order.id, photo)
            work_orders.add_note(store, order.id, "Called the customer: ready Friday.",
                                 internal=False)
            payments.take_deposit(store, contact_id=order.contact_id, amount_cents=2_500,
                                  tender=Tender.CASH, work_order_id=order.id)


def add_appraisal_draft(store: LocalStore, people: list[Contact], work: Path) -> None:
    """A two-item estate draft with photos."""
    refs = [appraisals.save_photo(store, make_sample_photo(work / f"a{n}.jpg", seed=10 + n))
            for n in range(2)]
    appraisals.create_appraisal(
        store, purpose=AppraisalPurpose.ESTATE, appraisal_date=date.today(),
        contact_id=people[80].id, appraiser_name="Dana Reyes",
        appraiser_credentials="GIA Graduate Gemologist", notes="Estate of the late R. Alvarez.",
        lines=[
            AppraisalLine(id=new_id(), description="Art Deco platinum diamond ring",
                          value_cents=640_000, metal="platinum", weight_g=Decimal("4.10"),
                          measurements="size 5¾", stone_shape="old European",
                          stone_carat=Decimal("0.92"), stone_color="I", stone_clarity="SI1",
                          condition="Good; worn milgrain", photos=[refs[0]], position=0),
            AppraisalLine(id=new_id(), description="14K yellow gold curb-link bracelet",
                          value_cents=185_000, metal="14K yellow gold",
                          weight_g=Decimal("22.60"), measurements="7½ in × 6 mm",
                          condition="Very good", photos=[refs[1]], position=1)])


def add_receivables(store: LocalStore, people: list[Contact], stock: list[Piece]) -> None:
    """Invoices 100 and 45 days old with part still owed."""
    for age, person, piece in ((100, people[90], stock[10]), (45, people[91], stock[11])):
        with days_ago(store, age):
            invoice = sales.new_invoice(store, contact_id=person.id)
            sales.add_piece(store, invoice.id, piece.stock_id)
            invoice = sales.finalize_invoice(store, invoice.id)
            payments.take_payment(store, invoice.id, tender=Tender.CHECK,
                                  amount_cents=invoice.total_cents // 3, check_number="2210")


def settle(app: QApplication, rounds: int = 6) -> None:
    """Let queued work finish and its results reach the widgets."""
    for _ in range(rounds):
        app.processEvents()
        wait_for_idle()
        app.processEvents()


Page = ContactsPage | MemosPage | WorkOrdersPage | AppraisalsPage | ReportsPage


def shoot(app: QApplication, page: Page, name: str,
          prepare: Callable[[], None] | None = None) -> Path:
    """Show the page in a window styled like the app's, prepare it, and save it."""
    window = QMainWindow()
    window.setStyleSheet(MAIN_WINDOW_STYLE)
    window.setCentralWidget(page)
    window.resize(*SIZE)
    window.show()
    page.activate()
    settle(app)
    if prepare is not None:
        prepare()
        settle(app)
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"{name}.png"
    window.grab().save(str(path))
    window.close()
    return path


def prepare_contacts(page: ContactsPage, person: Contact) -> Callable[[], None]:
    """Open a customer with history from the list."""
    def run() -> None:
        page.show_record("contact", person.id)
    return run


def prepare_memos(page: MemosPage) -> Callable[[], None]:
    """Open the partly returned memo."""
    def run() -> None:
        tab = page.customer
        for view in tab.views:
            if view.memo.status.value == "partial":
                page.show_record("memo", view.memo.id)
                return
    return run


def prepare_board(page: WorkOrdersPage) -> Callable[[], None]:
    """Choose the job waiting for pickup."""
    def run() -> None:
        page.lanes[WorkOrderStatus.READY_FOR_PICKUP].setCurrentRow(0)
    return run


def prepare_appraisals(page: AppraisalsPage) -> Callable[[], None]:
    """Open the newest appraisal (the estate draft) and its first item."""
    def run() -> None:
        page.list.selectRow(0)
        settle(QApplication.instance())  # type: ignore[arg-type]
        page.editor.lines.setCurrentCell(0, 0)
    return run


def prepare_reports(page: ReportsPage, store: LocalStore) -> Callable[[], None]:
    """Count the drawer two dollars short and close it."""
    def run() -> None:
        status = reports.drawer_status(store)
        assert status is not None
        for tender, edit in page.drawer.counted.items():
            cents = status.expected_cents.get(tender, 0) - (200 if tender == "cash" else 0)
            edit.set_cents(cents)
        page.drawer.close_drawer()
    return run


def prepare_sales(page: ReportsPage) -> Callable[[], None]:
    """Sales and tax over the last four months."""
    def run() -> None:
        page.tabs.setCurrentWidget(page.sales)
        page.sales.start.set_date(date.today() - timedelta(days=120))
        page.sales.run()
    return run


def main() -> int:
    """Build the store, add the records, and take the five screenshots."""
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    with tempfile.TemporaryDirectory(prefix="jeweltrak-shots-") as folder:
        work = Path(folder)
        store = build_demo_store(work / "demo.sqlite3", pieces=600)
        people, stock = _customers(store), _stock(store, 20)
        add_memos(store, people, stock)
        add_work_orders(store, people, work)
        add_appraisal_draft(store, people, work)
        add_receivables(store, people, stock)
        contacts.patch_contact(
            store, people[60].id, addresses=["1420 Palm Ave, Sarasota FL 34236"],
            birthday=date(1979, 4, 12), anniversary=date(2004, 6, 19), spouse_name="Maria",
            notes="Prefers platinum; call before sending memo reminders.")
        context = CounterContext(store)
        contacts_page, memos_page = ContactsPage(context), MemosPage(context)
        board, appraisals_page = WorkOrdersPage(context), AppraisalsPage(context)
        reports_page, sales_page = ReportsPage(context), ReportsPage(context)
        shots = [
            shoot(app, contacts_page, "contacts", prepare_contacts(contacts_page, people[60])),
            shoot(app, memos_page, "memos", prepare_memos(memos_page)),
            shoot(app, board, "work_orders", prepare_board(board)),
            shoot(app, appraisals_page, "appraisals", prepare_appraisals(appraisals_page)),
            shoot(app, reports_page, "reports", prepare_reports(reports_page, store)),
            shoot(app, sales_page, "reports_sales", prepare_sales(sales_page)),
        ]
        wait_for_idle()
        store.close()
    for path in shots:
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
