"""The Sell screen's screenshots for the docs: a sale in progress, then finalized."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from jeweltrak_core.contacts.entities import Contact
from jeweltrak_core.sales.invoice_state import InvoiceStatus
from jeweltrak_desktop.services.local_store import LocalStore
from jeweltrak_desktop.ui.pages.sell import SellPage
from tests.desktop.ui.screens import SCREENSHOTS

from .helpers import dialog_of, in_stock, make_chain, press, scan
from .test_scan_and_lines import _fill
from .test_tenders_and_returns import _pick_customer


def _customer(store: LocalStore) -> Contact:
    with store.reader() as repo:
        return repo.query(Contact, "SELECT * FROM contacts WHERE is_customer = 1 "
                                   "AND phones != '[]' ORDER BY last_name LIMIT 1")[0]


def test_screenshots_of_a_sale(qtbot: QtBot, page: SellPage, demo_store: LocalStore) -> None:
    for piece in in_stock(demo_store, 3):
        scan(qtbot, page, piece.stock_id)
    scan(qtbot, page, f"2*{make_chain(demo_store).stock_id}")
    press(qtbot, page, "Alt+M")
    _fill(qtbot, dialog_of(page), ["Ring sizing", "45"])
    qtbot.waitUntil(lambda: page.lines_model.rowCount() == 5)
    press(qtbot, page, "Alt+T")
    _fill(qtbot, dialog_of(page), ["14K gold chain, 12 g", "300", "250"])
    qtbot.waitUntil(lambda: page.lines_model.rowCount() == 6)
    _pick_customer(qtbot, page, _customer(demo_store))
    QApplication.processEvents()  # lay out the new customer name before grabbing
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.grab().save(str(SCREENSHOTS / "sell.png"))

    assert page.sale is not None
    handed = (page.sale.invoice.balance_cents // 10_000 + 1) * 100
    press(qtbot, page, "F10")
    _fill(qtbot, dialog_of(page), [f"{handed}"])
    qtbot.waitUntil(lambda: page.sale is not None and page.sale.invoice.balance_cents == 0)
    press(qtbot, page, "F12")
    qtbot.waitUntil(lambda: page.sale is not None
                    and page.sale.invoice.status is InvoiceStatus.FINALIZED)
    QApplication.processEvents()
    page.grab().save(str(SCREENSHOTS / "sell_finalized.png"))
