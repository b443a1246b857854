"""A scan into a long sale does the same screen work as a scan into a short one: only the new
line is formatted and measured; the column widths still match a full measurement."""

from __future__ import annotations

from uuid import UUID

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from jeweltrak_core.sales.tax import LineKind
from jeweltrak_desktop.services import sales, sell_screen
from jeweltrak_desktop.services.local_store import LocalStore
from jeweltrak_desktop.ui.pages.sell import SellPage
from jeweltrak_desktop.ui.pages.sell.column_fit import ColumnFitter
from jeweltrak_desktop.ui.pages.sell.lines_model import COLUMNS, DISCOUNT_COLUMN

from .helpers import in_stock, key, settle, type_text


def _sale_of(store: LocalStore, codes: list[str]) -> UUID:
    """An open sale of ``codes``, made through the same service call a scan makes."""
    invoice_id = None
    for code in codes:
        outcome = sell_screen.scan_into_sale(store, invoice_id, code)
        assert outcome.sale is not None
        invoice_id = outcome.sale.invoice.id
    assert invoice_id is not None
    return invoice_id


def _show(qtbot: QtBot, page: SellPage, invoice_id: UUID, lines: int) -> None:
    page.show_record("invoice", invoice_id)
    qtbot.waitUntil(lambda: page.sale is not None and page.sale.invoice.id == invoice_id
                    and page.lines_model.rowCount() == lines)


def _scan_cost(qtbot: QtBot, page: SellPage, code: str) -> tuple[int, int]:
    """Scan like the scanner does; how many lines the screen formatted and measured for it."""
    model, fitter = page.lines_model, page.column_fitter
    rows = model.rowCount()
    formatted, measured = model.cells_formatted, fitter.rows_measured
    type_text(qtbot, page.scan_field, code)
    key(qtbot, page.scan_field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: model.rowCount() == rows + 1 and not model.is_pending(rows))
    settle()
    return model.cells_formatted - formatted, fitter.rows_measured - measured


def _widths_from_scratch(page: SellPage) -> dict[int, int]:
    fresh = ColumnFitter(page.lines_view, page.lines_model, COLUMNS,
                         discount_column=DISCOUNT_COLUMN)
    try:
        return fresh.widths()
    finally:
        fresh.deleteLater()


def test_a_scan_into_a_40_line_sale_formats_and_measures_only_its_line(
    qtbot: QtBot, page: SellPage, demo_store: LocalStore
) -> None:
    pieces = in_stock(demo_store, 42)
    short_sale = _sale_of(demo_store, [pieces[0].stock_id])
    _show(qtbot, page, short_sale, 1)
    short = _scan_cost(qtbot, page, pieces[1].stock_id)

    long_sale = _sale_of(demo_store, [p.stock_id for p in pieces[2:41]])
    _show(qtbot, page, long_sale, 39)
    long = _scan_cost(qtbot, page, pieces[41].stock_id)

    # The grey line shown at once, then the saved line: two, whatever the sale's length.
    assert long == short == (2, 2)
    assert page.lines_model.rowCount() == 40
    assert page.lines_model.index(39, 1).data() == pieces[41].stock_id
    expected = _widths_from_scratch(page)
    assert page.column_fitter.widths() == expected
    for column, width in expected.items():
        if not page.lines_view.isColumnHidden(column):
            assert page.lines_view.columnWidth(column) == width


def test_columns_follow_wider_lines_and_shrink_back_when_they_go(
    qtbot: QtBot, page: SellPage, demo_store: LocalStore
) -> None:
    invoice_id = sales.new_invoice(demo_store).id
    sales.add_charge(demo_store, invoice_id, kind=LineKind.SERVICE, description="Engraving",
                     price_cents=4_500)
    _show(qtbot, page, invoice_id, 1)
    price_width = page.lines_view.columnWidth(3)
    assert page.lines_view.isColumnHidden(DISCOUNT_COLUMN)  # no discount anywhere yet

    big = sales.add_charge(demo_store, invoice_id, kind=LineKind.MISC,
                           description="Estate collection", price_cents=123_456_789)
    sales.adjust_line(demo_store, invoice_id, big.lines[1].id, 1_000)
    page.reload()
    qtbot.waitUntil(lambda: page.lines_model.rowCount() == 2)
    assert page.lines_view.columnWidth(3) > price_width
    assert not page.lines_view.isColumnHidden(DISCOUNT_COLUMN)
    assert page.column_fitter.widths() == _widths_from_scratch(page)

    sales.remove_line(demo_store, invoice_id, big.lines[1].id)
    page.reload()
    qtbot.waitUntil(lambda: page.lines_model.rowCount() == 1)
    assert page.lines_view.columnWidth(3) == price_width
    assert page.lines_view.isColumnHidden(DISCOUNT_COLUMN)
    assert page.column_fitter.widths() == _widths_from_scratch(page)


def test_unchanged_lines_keep_their_texts_when_the_sale_is_read_again(
    qtbot: QtBot, page: SellPage, demo_store: LocalStore
) -> None:
    pieces = in_stock(demo_store, 12)
    invoice_id = _sale_of(demo_store, [p.stock_id for p in pieces])
    _show(qtbot, page, invoice_id, 12)
    formatted = page.lines_model.cells_formatted
    first = page.lines_model.line_at(0)
    assert first is not None
    sales.adjust_line(demo_store, invoice_id, first.line.id, 2_500)
    page.reload()
    qtbot.waitUntil(lambda: page.lines_model.index(0, DISCOUNT_COLUMN).data() == "−$25.00")
    assert page.lines_model.cells_formatted == formatted + 1  # only the discounted line
