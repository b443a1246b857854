"""The scan field, quantity items, service/misc and trade-in lines, and the live totals."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QWidget
from pytestqt.qtbot import QtBot

from jeweltrak_core.ids import new_id
from jeweltrak_core.money import format_money
from jeweltrak_core.sales.tax import LineKind, invoice_totals
from jeweltrak_core.work_orders.entities import WorkOrder
from jeweltrak_desktop.documents.claim_stub import claim_stub_code
from jeweltrak_desktop.services import sales, sell_screen
from jeweltrak_desktop.services.local_store import Actor, LocalStore
from jeweltrak_desktop.ui.context import CounterContext
from jeweltrak_desktop.ui.pages.sell import SellPage

from .helpers import dialog_of, in_stock, key, make_chain, press, scan, settle, type_text


def _invoice_count(store: LocalStore) -> int:
    with store.reader() as repo:
        return int(repo.rows("SELECT count(*) AS n FROM invoices")[0]["n"])


def test_an_unknown_scan_says_so_and_adds_nothing(
    qtbot: QtBot, page: SellPage, demo_store: LocalStore
) -> None:
    before = _invoice_count(demo_store)
    scan(qtbot, page, "NOPE-4242")
    assert page.message.text() == "Nothing has the code “NOPE-4242”."
    assert page.message.property("error") is True
    assert page.lines_model.rowCount() == 0 and page.current.invoice_id is None
    assert _invoice_count(demo_store) == before
    assert page.scan_field.hasFocus() and page.scan_field.text() == ""


def test_a_refused_scan_leaves_no_line(
    qtbot: QtBot, page: SellPage, context: CounterContext, demo_store: LocalStore
) -> None:
    context.set_actor(Actor(user_id=new_id(), name="Visitor", permissions=frozenset()))
    [piece] = in_stock(demo_store, 1)
    scan(qtbot, page, piece.stock_id)
    settle()
    assert page.message.text() == "Visitor is not allowed to sell; ask a manager."
    assert page.lines_model.rowCount() == 0 and page.current.invoice_id is None


def test_a_scanned_line_is_shown_then_saved(
    qtbot: QtBot, page: SellPage, demo_store: LocalStore
) -> None:
    first, second = in_stock(demo_store, 2)
    type_text(qtbot, page.scan_field, first.stock_id)
    key(qtbot, page.scan_field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.lines_model.rowCount() == 1)
    assert page.lines_model.index(0, 1).data() == first.stock_id
    qtbot.waitUntil(lambda: page.sale is not None)
    scan(qtbot, page, second.stock_id)
    settle()
    assert page.lines_model.rowCount() == 2
    assert not page.lines_model.is_pending(0) and not page.lines_model.is_pending(1)
    assert page.sale is not None
    assert [v.line.id for v in page.sale.lines] == [
        page.lines_model.index(r, 0).data(Qt.ItemDataRole.UserRole) for r in range(2)]


def test_a_quantity_item_counts_up_and_takes_a_quantity(
    qtbot: QtBot, page: SellPage, demo_store: LocalStore
) -> None:
    chain = make_chain(demo_store)
    scan(qtbot, page, f"3*{chain.stock_id}")
    assert page.lines_model.rowCount() == 1
    assert page.lines_model.index(0, 2).data() == "3"
    scan(qtbot, page, chain.stock_id)  # one more of the same: the line counts up
    assert page.lines_model.rowCount() == 1
    assert page.lines_model.index(0, 2).data() == "4"

    press(qtbot, page, "Alt+Q")
    spin = dialog_of(page).findChild(QWidget, "quantity-spin")
    assert spin is not None
    qtbot.waitUntil(spin.hasFocus)
    key(qtbot, spin, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    type_text(qtbot, spin, "2")
    key(qtbot, spin, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.lines_model.index(0, 2).data() == "2")
    assert page.sale is not None
    [line] = sales.get_invoice(demo_store, page.sale.invoice.id).lines
    assert (line.kind, line.quantity, line.unit_price_cents) == (
        LineKind.QUANTITY, 2, chain.retail_cents)
    assert page.lines_model.index(0, 5).data() == format_money(2 * chain.retail_cents)


def _fill(qtbot: QtBot, dialog: QWidget, values: list[str]) -> None:
    """Type into the form's text fields in order (Tab between them), then Enter."""
    fields = [f for f in dialog.findChildren(QLineEdit) if f.isVisible()]
    for field, value in zip(fields, values, strict=False):
        field.setFocus()
        field.selectAll()
        type_text(qtbot, field, value)
    key(qtbot, fields[0], Qt.Key.Key_Return)


def test_service_and_trade_in_lines_and_totals_match_the_core(
    qtbot: QtBot, page: SellPage, demo_store: LocalStore
) -> None:
    piece, other = in_stock(demo_store, 2)
    scan(qtbot, page, piece.stock_id)
    scan(qtbot, page, other.stock_id)

    press(qtbot, page, "Alt+M")
    _fill(qtbot, dialog_of(page), ["Ring sizing", "45"])
    qtbot.waitUntil(lambda: page.lines_model.rowCount() == 3)
    press(qtbot, page, "Alt+T")
    _fill(qtbot, dialog_of(page), ["14K gold chain, 12 g", "300", "250"])
    qtbot.waitUntil(lambda: page.lines_model.rowCount() == 4)
    assert page.lines_model.index(2, 0).data() == "Service: Ring sizing"
    assert page.lines_model.index(3, 0).data() == "Trade-in: 14K gold chain, 12 g"
    assert page.lines_model.index(3, 5).data() == "-$300.00"

    assert page.sale is not None
    invoice = sales.get_invoice(demo_store, page.sale.invoice.id)
    core = invoice_totals([ln.priced() for ln in invoice.lines], invoice.tax_rule)
    shown = {key: label.text() for key, label in page.side.totals.values.items()}
    assert shown["subtotal"] == format_money(core.merchandise_cents)
    assert shown["trade_ins"] == format_money(core.trade_in_cents) == "-$300.00"
    assert shown["base_tax"] == format_money(core.base_tax_cents)
    assert shown["surtax"] == format_money(core.surtax_cents)
    assert shown["total"] == format_money(core.total_cents) == format_money(invoice.total_cents)
    assert shown["balance"] == format_money(invoice.balance_cents)
    assert invoice.lines[3].actual_trade_value_cents == 25_000


def test_a_claim_stub_opens_its_work_order(
    qtbot: QtBot, page: SellPage, context: CounterContext, demo_store: LocalStore
) -> None:
    with demo_store.reader() as repo:
        order = repo.query(WorkOrder, "SELECT * FROM work_orders LIMIT 1")[0]
    with qtbot.waitSignal(context.events.open_record) as opened:
        type_text(qtbot, page.scan_field, claim_stub_code(order.number))
        key(qtbot, page.scan_field, Qt.Key.Key_Return)
    assert opened.args == ["work_order", order.id]
    settle()
    assert page.lines_model.rowCount() == 0 and page.current.invoice_id is None


def test_remove_a_line_by_keyboard(qtbot: QtBot, page: SellPage, demo_store: LocalStore) -> None:
    first, second = in_stock(demo_store, 2)
    scan(qtbot, page, first.stock_id)
    scan(qtbot, page, second.stock_id)
    key(qtbot, page.scan_field, Qt.Key.Key_Up)  # from the newest line to the first
    assert page.selected_line() is not None
    press(qtbot, page, "Ctrl+Del")
    qtbot.waitUntil(lambda: page.lines_model.rowCount() == 1)
    assert page.lines_model.index(0, 1).data() == second.stock_id


def test_the_keys_work_only_while_the_sell_page_has_the_keyboard(
    qtbot: QtBot, context: CounterContext
) -> None:
    window = QWidget()
    qtbot.addWidget(window)
    other = QLineEdit(window)
    sell = SellPage(context, window)
    sell.move(0, 40)
    window.resize(1280, 800)
    window.show()
    window.activateWindow()
    other.setFocus()
    qtbot.waitUntil(other.hasFocus)
    key(qtbot, other, Qt.Key.Key_C, Qt.KeyboardModifier.AltModifier)
    assert sell.sell_actions.dialog is None
    sell.activate()
    qtbot.waitUntil(sell.scan_field.hasFocus)
    key(qtbot, sell.scan_field, Qt.Key.Key_C, Qt.KeyboardModifier.AltModifier)
    assert sell.sell_actions.dialog is not None
    sell.sell_actions.dialog.reject()


def test_a_scan_after_finalizing_starts_the_next_sale(
    qtbot: QtBot, page: SellPage, demo_store: LocalStore
) -> None:
    first, second = in_stock(demo_store, 2)
    scan(qtbot, page, first.stock_id)
    assert page.sale is not None
    finished = page.sale.invoice
    press(qtbot, page, "F10")
    key(qtbot, dialog_of(page).findChildren(QLineEdit)[0], Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.sale is not None and page.sale.invoice.balance_cents == 0)
    press(qtbot, page, "F12")
    qtbot.waitUntil(lambda: page.sale is not None and page.sale.invoice.finalized_at is not None)
    scan(qtbot, page, second.stock_id)
    qtbot.waitUntil(lambda: page.sale is not None and page.sale.invoice.id != finished.id)
    assert page.lines_model.rowCount() == 1
    assert page.lines_model.index(0, 1).data() == second.stock_id
    assert page.sale.invoice.number != finished.number


def test_the_salesperson_is_chosen_by_keyboard(
    qtbot: QtBot, page: SellPage, demo_store: LocalStore
) -> None:
    people = sell_screen.salespeople(demo_store)
    assert len(people) >= 2  # the demo's staff and whoever is signed in
    [piece] = in_stock(demo_store, 1)
    scan(qtbot, page, piece.stock_id)
    press(qtbot, page, "Alt+S")
    combo = page.salesperson
    view = combo.view()
    qtbot.waitUntil(view.isVisible)
    start = combo.currentIndex()
    target = (start + 1) % combo.count()
    key(qtbot, view, Qt.Key.Key_Down if target > start else Qt.Key.Key_Home)
    key(qtbot, view, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.sale is not None
                    and page.sale.invoice.salesperson_id == people[target].user_id)
    qtbot.waitUntil(page.scan_field.hasFocus)
    assert page.sale is not None
    assert sales.get_invoice(demo_store, page.sale.invoice.id).salesperson_id == \
        people[target].user_id
