"""The Contacts page: create a contact, find it by phone, see its history, merge a duplicate."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTableWidget, QWidget
from pytestqt.qtbot import QtBot

from jeweltrak_core.permissions import Permission
from jeweltrak_desktop.services import memos, sales
from jeweltrak_desktop.services.local_store import Actor
from jeweltrak_desktop.ui.context import CounterContext
from jeweltrak_desktop.ui.pages.contacts import ContactsPage
from jeweltrak_desktop.ui.pages.contacts.duplicates import DuplicatesDialog
from jeweltrak_desktop.ui.tasks import wait_for_idle

from .helpers import cell, click, press, row_texts, type_text


def _rows(table: QTableWidget) -> list[list[str]]:
    return [row_texts(table, r) for r in range(table.rowCount())]


def test_create_find_by_phone_and_history(
    qtbot: QtBot, context: CounterContext, show: Callable[[QWidget], QWidget]
) -> None:
    page = ContactsPage(context)
    show(page)
    page.activate()
    qtbot.waitUntil(lambda: page.results.rowCount() > 0)

    click(page.new_button)
    type_text(page.form.first_name, "Marisol")
    type_text(page.form.last_name, "Quintero-Vance")
    type_text(page.form.phones, "(941) 555-7788")
    type_text(page.form.emails, "marisol@example.com")
    type_text(page.form.ring_sizes, "L 6.5")
    type_text(page.form.birthday, "04/12/1988")
    click(page.save_button)
    qtbot.waitUntil(lambda: page.contact is not None and page.message.text() == "Saved.")
    created = page.contact
    assert created is not None
    assert created.phones == ["(941) 555-7788"] and created.ring_sizes == "L 6.5"
    assert created.birthday is not None and created.birthday.isoformat() == "1988-04-12"

    # She buys something and takes a memo: the history shows both.
    store = context.store
    with store.reader() as repo:
        from jeweltrak_core.inventory.entities import Piece
        from jeweltrak_core.inventory.stock import PieceStatus
        from jeweltrak_desktop.store.schema import table_of

        stock = repo.list(Piece, table_of(Piece).table.c.status == PieceStatus.IN_STOCK.value,
                          table_of(Piece).table.c.is_quantity_item.is_(False), limit=2)
    invoice = sales.new_invoice(store, contact_id=created.id)
    sales.add_piece(store, invoice.id, stock[0].stock_id)
    invoice = sales.finalize_invoice(store, invoice.id)
    memo = memos.issue_memo(store, contact_id=created.id, codes=[stock[1].stock_id])

    # A fresh search by the phone digits, typed differently, finds her.
    page.new_contact()
    page.search.clear()
    type_text(page.search, "941.555.7788")
    press(page.search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.results.rowCount() == 1
                    and cell(page.results, 0, 0) == "Quintero-Vance, Marisol")
    page.results.selectRow(0)
    qtbot.waitUntil(lambda: page.history.rowCount() == 2)
    kinds = {(row[0], row[1]) for row in _rows(page.history)}
    assert kinds == {("Purchase", invoice.number), ("Memo", memo.number)}
    assert page.tabs.tabText(1) == "History (2)"


def test_clerk_without_manage_contacts_cannot_edit(
    qtbot: QtBot, context: CounterContext, show: Callable[[QWidget], QWidget]
) -> None:
    page = ContactsPage(context)
    show(page)
    context.set_actor(Actor(user_id=None, name="Sam", permissions=frozenset({Permission.SELL})))
    page.apply_permissions(context.actor)
    assert not page.save_button.isEnabled()
    assert not page.duplicates_button.isEnabled()
    assert page.form.first_name.isReadOnly()
    wait_for_idle()


def test_duplicates_are_merged(
    qtbot: QtBot, context: CounterContext, show: Callable[[QWidget], QWidget]
) -> None:
    from jeweltrak_desktop.services import contacts

    keep = contacts.create_contact(context.store, first_name="Ada", last_name="Lindqvist",
                                   phones=["941-555-0101"])
    twin = contacts.create_contact(context.store, first_name="Ada", last_name="Lindqvist",
                                   phones=["(941) 555 0101"])
    page = ContactsPage(context)
    show(page)
    click(page.duplicates_button)
    dialog = page.findChild(DuplicatesDialog)
    assert isinstance(dialog, DuplicatesDialog)
    table = dialog.table
    qtbot.waitUntil(lambda: any("Lindqvist" in row[0] for row in _rows(table)))
    row = next(i for i, r in enumerate(_rows(table)) if "Lindqvist" in r[0])
    table.selectRow(row)
    click(dialog.merge_button)
    qtbot.waitUntil(lambda: not any("Lindqvist" in r[0] for r in _rows(table)))
    assert contacts.get_contact(context.store, twin.id).merged_into_id == keep.id
