"""The Memos page: a memo issued by the dialog, then converted to an invoice; aging shown."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QWidget
from pytestqt.qtbot import QtBot

from jeweltrak_core.contacts.entities import Contact
from jeweltrak_core.inventory.entities import Piece
from jeweltrak_core.inventory.stock import PieceStatus
from jeweltrak_core.memos.rules import MemoLineStatus, MemoStatus
from jeweltrak_core.permissions import Permission
from jeweltrak_core.sales.invoice_state import InvoiceStatus
from jeweltrak_desktop.services import memos, sales
from jeweltrak_desktop.services.local_store import Actor, LocalStore
from jeweltrak_desktop.store.schema import table_of
from jeweltrak_desktop.ui.context import CounterContext
from jeweltrak_desktop.ui.pages.memos import MemosPage
from jeweltrak_desktop.ui.pages.memos.issue_dialog import IssueMemoDialog

from .helpers import cell, click, edit_cell, press, type_text


def _in_stock(store: LocalStore, n: int) -> list[Piece]:
    pieces = table_of(Piece).table
    with store.reader() as repo:
        return repo.list(Piece, pieces.c.status == PieceStatus.IN_STOCK.value,
                         pieces.c.is_quantity_item.is_(False), limit=n)


def _customer(store: LocalStore) -> Contact:
    contacts = table_of(Contact).table
    with store.reader() as repo:
        found = repo.list(Contact, contacts.c.is_customer.is_(True),
                          contacts.c.is_vendor.is_(False), limit=20)
    return next(c for c in found if c.phones)


def _status(store: LocalStore, piece_id: object) -> str:
    with store.reader() as repo:
        piece = repo.get(Piece, piece_id)  # type: ignore[arg-type]
    assert piece is not None
    return str(piece.status)


def test_memo_issued_then_converted_to_invoice(
    qtbot: QtBot, context: CounterContext, show: Callable[[QWidget], QWidget]
) -> None:
    store = context.store
    stock = _in_stock(store, 3)
    customer = _customer(store)
    page = MemosPage(context)
    show(page)
    page.activate()
    tab = page.customer
    qtbot.waitUntil(lambda: tab.memos.rowCount() >= 1)  # the demo store's memo
    before = tab.memos.rowCount()

    dialog = tab.open_issue_dialog()
    assert isinstance(dialog, IssueMemoDialog)
    type_text(dialog.customer.search, customer.phones[0])
    qtbot.waitUntil(lambda: dialog.customer.results.count() > 0)
    press(dialog.customer.search, Qt.Key.Key_Return)
    assert dialog.customer.contact_id is not None
    for piece in stock:
        type_text(dialog.code, piece.stock_id)
        press(dialog.code, Qt.Key.Key_Return)
    assert dialog.codes.count() == 3
    click(dialog.issue_button)
    qtbot.waitUntil(lambda: not dialog.isVisible() or bool(dialog.error.text()))
    assert dialog.error.text() == ""
    qtbot.waitUntil(lambda: tab.memos.rowCount() == before + 1 and tab.current is not None
                    and tab.current.customer == customer.display_name)
    view = tab.current
    assert view is not None and [ln.stock_id for ln in view.lines] == [p.stock_id for p in stock]
    assert all(_status(store, p.id) == PieceStatus.ON_MEMO for p in stock)
    assert tab.lines.rowCount() == 3
    fresh = tab.aging_labels[next(iter(tab.aging_labels))].text()
    assert fresh.startswith("2 memo(s)")  # the demo memo and this one, both days old

    # The customer keeps two pieces and brings one back.
    tab.lines.selectRow(2)
    click(tab.return_button)
    qtbot.waitUntil(lambda: tab.current is not None and "1 returned" in tab.current.counts_text)
    tab.lines.clearSelection()
    tab.select_lines(MemoLineStatus.OUT)
    click(tab.convert_button)
    qtbot.waitUntil(lambda: tab.last_invoice is not None
                    and tab.current is not None and "2 invoiced" in tab.current.counts_text)
    invoice = sales.get_invoice(store, tab.last_invoice.id)  # type: ignore[union-attr]
    assert invoice.status == InvoiceStatus.OPEN and invoice.contact_id == customer.id
    assert sorted(ln.piece_id for ln in invoice.lines if ln.piece_id) == sorted(
        p.id for p in stock[:2])
    memo = memos.get_memo(store, view.memo.id)
    assert memo is not None and memo.status == MemoStatus.CLOSED
    assert _status(store, stock[2].id) == PieceStatus.IN_STOCK
    assert invoice.number in tab.result.text()
    row = next(r for r in range(tab.memos.rowCount())
               if cell(tab.memos, r, 0) == memo.number)
    assert cell(tab.memos, row, 4) == "1 returned · 2 invoiced"

    # The return was a mistake: Reverse puts that piece back out on the memo.
    tab.memos.selectRow(row)
    qtbot.waitUntil(lambda: tab.current is not None and tab.current.memo.id == memo.id)
    tab.select_lines(MemoLineStatus.RETURNED)
    click(tab.reverse_button)
    qtbot.waitUntil(lambda: tab.current is not None
                    and tab.current.counts_text == "1 out · 2 invoiced")
    assert _status(store, stock[2].id) == PieceStatus.ON_MEMO


def test_print_agreement_opens_the_preview(
    qtbot: QtBot, context: CounterContext, show: Callable[[QWidget], QWidget]
) -> None:
    page = MemosPage(context)
    show(page)
    page.activate()
    tab = page.customer
    qtbot.waitUntil(lambda: tab.memos.rowCount() >= 1)
    tab.memos.selectRow(0)
    qtbot.waitUntil(lambda: tab.current is not None)
    assert tab.current is not None
    number = tab.current.memo.number
    click(tab.print_button)
    qtbot.waitUntil(lambda: any(number in d.windowTitle() for d in tab.findChildren(QDialog)))
    dialog = next(d for d in tab.findChildren(QDialog) if number in d.windowTitle())
    assert getattr(dialog, "pdf", b"").startswith(b"%PDF")
    qtbot.waitUntil(lambda: bool(getattr(dialog, "pages", [])), timeout=20_000)  # rendered
    dialog.close()


def test_clerk_without_manage_memos_cannot_change_memos(
    qtbot: QtBot, context: CounterContext, show: Callable[[QWidget], QWidget]
) -> None:
    page = MemosPage(context)
    show(page)
    context.set_actor(Actor(user_id=None, name="Sam", permissions=frozenset({Permission.SELL})))
    page.apply_permissions(context.actor)
    assert not page.customer.issue_button.isEnabled()
    assert not page.customer.return_button.isEnabled()
    assert page.customer.convert_button.isEnabled()
    assert page.vendor.lines.isColumnHidden(1)


def test_vendor_memo_received_then_piece_returned_to_vendor(
    qtbot: QtBot, context: CounterContext, show: Callable[[QWidget], QWidget]
) -> None:
    store = context.store
    contacts = table_of(Contact).table
    with store.reader() as repo:
        vendor = repo.list(Contact, contacts.c.is_vendor.is_(True), limit=1)[0]
    page = MemosPage(context)
    show(page)
    page.tabs.setCurrentWidget(page.vendor)
    page.activate()
    tab = page.vendor
    dialog = tab.open_receive()
    type_text(dialog.vendor.search, vendor.company or vendor.last_name)
    qtbot.waitUntil(lambda: dialog.vendor.results.count() > 0)
    press(dialog.vendor.search, Qt.Key.Key_Return)
    assert dialog.vendor.contact_id == vendor.id
    type_text(dialog.memo_no, "C-7781")
    edit_cell(qtbot, dialog.pieces, 0, 0, "Consigned ruby pendant")
    edit_cell(qtbot, dialog.pieces, 0, 1, "1,200.00")
    edit_cell(qtbot, dialog.pieces, 0, 2, "2,950")
    edit_cell(qtbot, dialog.pieces, 1, 0, "Consigned onyx cufflinks")
    edit_cell(qtbot, dialog.pieces, 1, 1, "150")
    click(dialog.receive_button)
    qtbot.waitUntil(lambda: tab.memos.rowCount() == 1)
    tab.memos.selectRow(0)
    qtbot.waitUntil(lambda: tab.lines.rowCount() == 2)
    assert [cell(tab.lines, r, 1) for r in range(2)] == ["$1,200.00", "$150.00"]
    assert cell(tab.memos, 0, 1) == "C-7781"
    tab.lines.selectRow(1)
    click(tab.return_button)
    qtbot.waitUntil(lambda: cell(tab.lines, 1, 2) == "Returned to vendor")
    assert cell(tab.lines, 0, 2) == "On hand"
    with store.reader() as repo:
        pieces = repo.list(Piece, table_of(Piece).table.c.vendor_id == str(vendor.id))
    statuses = sorted(str(p.status) for p in pieces if p.description.startswith("Consigned "))
    assert statuses == ["on_vendor_memo", "returned_to_vendor"]
