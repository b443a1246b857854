"""The global search box and the quick peek, on the real demo store."""

from __future__ import annotations

from uuid import UUID

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from jeweltrak_core.money import format_money
from jeweltrak_desktop.services import contacts, inventory
from jeweltrak_desktop.services.local_store import LocalStore
from jeweltrak_desktop.ui.labels import status_name
from jeweltrak_desktop.ui.main_window import MainWindow

pytestmark = pytest.mark.qt


def test_a_scanned_stock_id_opens_the_quick_peek(qtbot: QtBot, owner_window: MainWindow,
                                                 demo_store: LocalStore) -> None:
    window = owner_window
    piece = inventory.list_pieces(demo_store, limit=500)[-1]
    qtbot.keyClick(window, Qt.Key.Key_F3)  # on Contacts; the peek must not leave it
    qtbot.keyClick(window, Qt.Key.Key_F9)
    qtbot.keyClicks(window.search_box, piece.stock_id.lower())
    with qtbot.waitSignal(window.peek.peek_shown, timeout=10_000):
        qtbot.keyClick(window.search_box, Qt.Key.Key_Return)
    peek = window.peek
    assert peek.isVisible()
    assert peek.heading.text() == piece.description
    values = peek.row_values()
    assert values["StockID"] == piece.stock_id
    assert values["Price"] == format_money(piece.retail_cents)
    assert values["Status"] == status_name(piece.status)
    assert values["Cost"] == format_money(piece.cost_cents)  # Dana may see cost
    assert window.current_page_key() == "contacts"
    assert window.search_box.selectedText() == window.search_box.text()  # next scan replaces


def test_a_phone_lists_the_contact_and_the_peek_shows_their_purchases(
        qtbot: QtBot, owner_window: MainWindow, demo_store: LocalStore) -> None:
    window = owner_window
    with demo_store.reader() as repo:
        buyer_id = repo.rows("SELECT contact_id FROM invoices WHERE contact_id IS NOT NULL "
                             "ORDER BY number LIMIT 1")[0]["contact_id"]
    buyer = contacts.get_contact(demo_store, UUID(buyer_id))
    assert buyer.phones
    history = contacts.contact_history(demo_store, buyer.id)
    qtbot.keyClick(window, Qt.Key.Key_F9)
    with qtbot.waitSignal(window.search_box.results_shown, timeout=10_000):
        qtbot.keyClicks(window.search_box, buyer.phones[0])
    hits = window.search_box.hits()
    assert window.search_box.results.isVisible()
    row = next(i for i, h in enumerate(hits) if h.kind == "contact" and h.id == buyer.id)
    qtbot.keyClick(window.search_box, Qt.Key.Key_Down)
    window.search_box.results.setCurrentRow(row)
    with qtbot.waitSignal(window.peek.peek_shown, timeout=10_000):
        qtbot.keyClick(window.search_box.results, Qt.Key.Key_Return)
    assert window.peek.heading.text() == buyer.display_name
    assert window.peek.row_values()["Phones"] == ", ".join(buyer.phones)
    assert history.invoices[0].number in window.peek.notes.text()
    assert "Recent purchases" in window.peek.notes.text()


def test_open_asks_for_the_record(qtbot: QtBot, owner_window: MainWindow,
                                  demo_store: LocalStore) -> None:
    window = owner_window
    piece = inventory.list_pieces(demo_store, limit=5)[0]
    qtbot.keyClicks(window.search_box, piece.stock_id)
    with qtbot.waitSignal(window.peek.peek_shown, timeout=10_000):
        qtbot.keyClick(window.search_box, Qt.Key.Key_Return)
    with qtbot.waitSignal(window.context.events.open_record, timeout=5_000) as opened:
        qtbot.mouseClick(window.peek.open_button, Qt.MouseButton.LeftButton)
    assert opened.args == ["piece", piece.id]
    # The piece opens on its owner's page (Inventory), or the bar says no screen can yet.
    qtbot.waitUntil(lambda: window.current_page_key() == "inventory"
                    or "No screen can open" in window.status_widget.message_label.text())
    assert not window.peek.isVisible() or window.current_page_key() != "inventory"


def test_a_document_number_is_found(qtbot: QtBot, owner_window: MainWindow,
                                    demo_store: LocalStore) -> None:
    window = owner_window
    with demo_store.reader() as repo:
        number = repo.rows("SELECT number FROM work_orders ORDER BY number LIMIT 1")[0]["number"]
    qtbot.keyClicks(window.search_box, number)
    with qtbot.waitSignal(window.peek.peek_shown, timeout=10_000):
        qtbot.keyClick(window.search_box, Qt.Key.Key_Return)
    assert window.peek.heading.text() == f"Work order {number}"
    with demo_store.reader() as repo:
        rush = repo.rows("SELECT rush FROM work_orders WHERE number = ?", (number,))[0]["rush"]
    status = window.peek.row_values()["Status"]
    assert status.split(" · ")[0] in {"In shop", "In progress"}
    assert status.endswith(" · rush") == bool(rush)


def test_nothing_found_says_so(qtbot: QtBot, owner_window: MainWindow) -> None:
    window = owner_window
    with qtbot.waitSignal(window.search_box.results_shown, timeout=10_000):
        qtbot.keyClicks(window.search_box, "zzqxj")
    assert window.search_box.hits() == []
    assert window.search_box.results.item(0).text() == "Nothing matches “zzqxj”."
    qtbot.keyClick(window.search_box, Qt.Key.Key_Escape)
    assert not window.search_box.results.isVisible()
