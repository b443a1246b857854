"""The Reports page: the Z report against the payments taken, sales tax by day against the
invoices (both counted independently from the database file), and the permission gate."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from contextlib import closing
from datetime import date, timedelta
from typing import Any

from PySide6.QtWidgets import QTableWidget, QWidget
from pytestqt.qtbot import QtBot

from jeweltrak_core.errors import PermissionDenied
from jeweltrak_core.inventory.entities import Piece
from jeweltrak_core.inventory.stock import PieceStatus
from jeweltrak_core.money import format_money
from jeweltrak_core.payments.rules import Tender
from jeweltrak_core.permissions import Permission
from jeweltrak_desktop.services import payments, reports, sales
from jeweltrak_desktop.services.local_store import Actor, LocalStore
from jeweltrak_desktop.store.schema import table_of
from jeweltrak_desktop.ui.context import CounterContext
from jeweltrak_desktop.ui.pages.reports import ReportsPage

from .helpers import click, row_texts, type_text


def _sql(store: LocalStore, sql: str, *params: object) -> list[tuple[Any, ...]]:
    with closing(sqlite3.connect(store.path)) as conn:
        return conn.execute(sql, params).fetchall()


def _sell(store: LocalStore, n: int) -> list[str]:
    pieces = table_of(Piece).table
    with store.reader() as repo:
        stock = repo.list(Piece, pieces.c.status == PieceStatus.IN_STOCK.value,
                          pieces.c.is_quantity_item.is_(False), limit=n)
    numbers = []
    for i, piece in enumerate(stock):
        invoice = sales.new_invoice(store)
        invoice = sales.add_piece(store, invoice.id, piece.stock_id)
        invoice = sales.finalize_invoice(store, invoice.id)
        if i == 0:
            payments.take_cash(store, invoice.id, invoice.balance_cents + 2_345)
        elif i == 1:
            payments.take_payment(store, invoice.id, tender=Tender.CHECK,
                                  amount_cents=invoice.balance_cents, check_number="5150")
        else:  # left owing: shows in AR aging
            payments.take_payment(store, invoice.id, tender=Tender.CASH, amount_cents=10_000)
        numbers.append(invoice.number)
    return numbers


def _cells(table: QTableWidget, row: int) -> list[str]:
    return row_texts(table, row)


def test_z_report_matches_the_payments_taken(
    qtbot: QtBot, context: CounterContext, show: Callable[[QWidget], QWidget]
) -> None:
    store = context.store
    _sell(store, 3)
    session_id, float_cents = _sql(
        store, "SELECT id, opening_float_cents FROM drawer_sessions WHERE closed_at IS NULL")[0]
    taken: dict[str, int] = dict(_sql(store, "SELECT tender, sum(amount_cents) FROM payments "
                             "WHERE drawer_session_id = ? GROUP BY tender", session_id))
    count = _sql(store, "SELECT count(*) FROM payments WHERE drawer_session_id = ?",
                 session_id)[0][0]
    expected_cash = float_cents + taken["cash"]
    expected_check = taken["check"]

    page = ReportsPage(context)
    show(page)
    page.activate()
    tab = page.drawer
    qtbot.waitUntil(lambda: tab.status is not None and tab.taken.rowCount() == 2)
    assert _cells(tab.taken, 0) == ["Cash", format_money(taken["cash"]),
                                    format_money(expected_cash)]
    assert f"{count} payment(s)" in tab.state.text()

    type_text(tab.counted["cash"], format_money(expected_cash - 300).replace("$", ""))
    type_text(tab.counted["check"], format_money(expected_check).replace("$", ""))
    click(tab.close_button)
    qtbot.waitUntil(lambda: tab.report is not None)
    assert _cells(tab.z_table, 0) == ["Cash", format_money(expected_cash),
                                      format_money(expected_cash - 300), "Short $3.00"]
    assert _cells(tab.z_table, 1) == ["Check", format_money(expected_check),
                                      format_money(expected_check), "Balanced"]
    assert tab.z_total.text() == (f"Opening float {format_money(float_cents)} · "
                                  f"{count} payment(s) · Short $3.00")
    closed = _sql(store, "SELECT closed_at FROM drawer_sessions WHERE id = ?", session_id)[0][0]
    assert closed is not None
    qtbot.waitUntil(lambda: tab.state.text() == "The drawer is closed. Its Z report is below.")
    assert tab.open_button.isVisible()


def test_sales_tax_by_day_matches_the_invoices(
    qtbot: QtBot, context: CounterContext, show: Callable[[QWidget], QWidget]
) -> None:
    store = context.store
    numbers = _sell(store, 3)
    page = ReportsPage(context)
    show(page)
    tab = page.sales
    today = date.today()
    tab.start.clear()
    type_text(tab.start, (today - timedelta(days=2)).strftime("%m/%d/%Y"))
    tab.end.clear()
    type_text(tab.end, (today + timedelta(days=1)).strftime("%m/%d/%Y"))
    click(tab.run_button)
    qtbot.waitUntil(lambda: len(tab.days) > 0)
    # Independently: every finalized invoice (all were made within the range).
    count, subtotal, tax, total = _sql(
        store, "SELECT count(*), sum(subtotal_cents), sum(tax_cents), sum(total_cents) "
               "FROM invoices WHERE status = 'finalized'")[0]
    assert sum(d.invoices for d in tab.days) == count
    assert sum(d.tax_cents for d in tab.days) == tax and tax > 0
    last = tab.table.rowCount() - 1
    assert _cells(tab.table, last) == ["Total", str(count), format_money(subtotal),
                                       format_money(tax), format_money(total)]
    # AR aging lists the invoice left owing.
    page.ar_aging.run()
    qtbot.waitUntil(lambda: bool(page.ar_aging.rows))
    owing = {r.number: r.balance_cents for r in page.ar_aging.rows}
    balance = _sql(store, "SELECT total_cents - paid_cents + refunded_cents FROM invoices "
                          "WHERE number = ?", numbers[2])[0][0]
    assert owing[numbers[2]] == balance > 0
    assert numbers[0] not in owing


def test_clerk_without_view_reports_cannot_run_reports(
    qtbot: QtBot, context: CounterContext, show: Callable[[QWidget], QWidget]
) -> None:
    clerk = Actor(user_id=None, name="Sam", permissions=frozenset({Permission.SELL}))
    context.set_actor(clerk)
    page = ReportsPage(context)
    show(page)
    page.activate()
    assert page.denied.isVisible() and not page.tabs.isVisible()
    assert page.sales.table.rowCount() == 0
    try:
        reports.sales_by_day(context.store, date.today(), date.today())
    except PermissionDenied as exc:
        assert "ask a manager" in exc.message
    else:
        raise AssertionError("sales_by_day ran without view_reports")
    # A manager signing in gets the reports.
    context.set_actor(Actor(user_id=None, name="Mia", permissions=frozenset(Permission)))
    page.apply_permissions(context.actor)
    page.activate()
    assert page.tabs.isVisible() and not page.denied.isVisible()
    qtbot.waitUntil(lambda: page.sales.table.rowCount() > 0)
