"""The service calls the Sell screen adds (``services.sell_screen``, no Qt): scan into a
sale, preview, quantity, invoice by number, salespeople, the screen's view of a sale."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from jeweltrak_core.contacts.entities import Contact
from jeweltrak_core.errors import NotFound, ValidationError
from jeweltrak_core.inventory.entities import Piece
from jeweltrak_core.sales.entities import Invoice
from jeweltrak_core.sales.tax import LineKind, invoice_totals
from jeweltrak_desktop.documents.claim_stub import claim_stub_code
from jeweltrak_desktop.services import sales, sell_screen, work_orders
from jeweltrak_desktop.services.local_store import LocalStore

MakePiece = Callable[..., Piece]


def _invoices(store: LocalStore) -> list[Invoice]:
    with store.reader() as repo:
        return repo.query(Invoice, "SELECT * FROM invoices")


def test_the_first_scan_starts_the_sale_for_the_customer(
    store: LocalStore, three_pieces: list[Piece], customer: Contact
) -> None:
    first, second, _ = three_pieces
    outcome = sell_screen.scan_into_sale(store, None, first.stock_id, contact_id=customer.id)
    assert outcome.sale is not None and outcome.work_order_id is None
    invoice_id = outcome.sale.invoice.id
    again = sell_screen.scan_into_sale(store, invoice_id, "JT-77001")  # the second piece's barcode
    assert again.sale is not None
    assert [v.stock_id for v in again.sale.lines] == [first.stock_id, second.stock_id]
    assert again.sale.customer is not None and again.sale.customer.id == customer.id
    assert [i.id for i in _invoices(store)] == [invoice_id]
    saved = sales.get_invoice(store, invoice_id)
    assert again.sale.totals == invoice_totals([ln.priced() for ln in saved.lines],
                                               saved.tax_rule)
    assert again.sale.totals.total_cents == saved.total_cents
    assert [v.cost_cents for v in again.sale.lines] == [first.cost_cents, second.cost_cents]


def test_an_unknown_scan_starts_nothing(store: LocalStore) -> None:
    with pytest.raises(NotFound, match="Nothing has the code"):
        sell_screen.scan_into_sale(store, None, "NOPE-1")
    assert _invoices(store) == []


def test_a_claim_stub_names_its_work_order_and_starts_nothing(
    store: LocalStore, customer: Contact
) -> None:
    order = work_orders.open_work_order(store, contact_id=customer.id,
                                        item_description="Size ring down 1")
    outcome = sell_screen.scan_into_sale(store, None, claim_stub_code(order.number))
    assert (outcome.work_order_id, outcome.sale) == (order.id, None)
    assert _invoices(store) == []


def test_quantity_scans_and_quantity_changes(store: LocalStore, make_piece: MakePiece) -> None:
    chain = make_piece(description="18in rope chain", cost_cents=4_000, is_quantity_item=True,
                       qty_purchased=10)
    outcome = sell_screen.scan_into_sale(store, None, f"3*{chain.stock_id}")
    assert outcome.sale is not None
    [line] = outcome.sale.lines
    assert (line.line.kind, line.line.quantity, line.cost_cents) == (
        LineKind.QUANTITY, 3, 3 * 4_000)
    invoice = sell_screen.set_quantity(store, outcome.sale.invoice.id, line.line.id, 5)
    assert invoice.lines[0].quantity == 5
    with pytest.raises(ValidationError, match="1 or more"):
        sell_screen.set_quantity(store, invoice.id, line.line.id, 0)


def test_a_piece_line_has_no_quantity_to_change(
    store: LocalStore, three_pieces: list[Piece]
) -> None:
    outcome = sell_screen.scan_into_sale(store, None, three_pieces[0].stock_id)
    assert outcome.sale is not None
    with pytest.raises(ValidationError, match="Only quantity items"):
        sell_screen.set_quantity(store, outcome.sale.invoice.id, outcome.sale.lines[0].line.id, 2)


def test_scan_preview_only_for_a_piece_that_can_be_sold(
    store: LocalStore, three_pieces: list[Piece], make_piece: MakePiece
) -> None:
    piece = three_pieces[0]
    preview = sell_screen.scan_preview(store, piece.stock_id)
    assert preview is not None
    assert (preview.stock_id, preview.line.unit_price_cents, preview.line.piece_id) == (
        piece.stock_id, piece.retail_cents, piece.id)
    chain = make_piece(description="chain", is_quantity_item=True, qty_purchased=5)
    assert sell_screen.scan_preview(store, chain.stock_id) is None
    assert sell_screen.scan_preview(store, "NOPE-1") is None
    assert sell_screen.scan_preview(store, f"2*{piece.stock_id}") is None
    outcome = sell_screen.scan_into_sale(store, None, piece.stock_id)
    assert outcome.sale is not None
    sales.finalize_invoice(store, outcome.sale.invoice.id)
    assert sell_screen.scan_preview(store, piece.stock_id) is None  # sold now


def test_invoice_by_number(store: LocalStore, three_pieces: list[Piece]) -> None:
    outcome = sell_screen.scan_into_sale(store, None, three_pieces[0].stock_id)
    assert outcome.sale is not None
    number = outcome.sale.invoice.number
    assert sell_screen.invoice_by_number(store, f" {number.lower()} ").id == outcome.sale.invoice.id
    with pytest.raises(NotFound, match="No invoice has number X-9"):
        sell_screen.invoice_by_number(store, "X-9")
    with pytest.raises(ValidationError):
        sell_screen.invoice_by_number(store, "  ")


def test_salespeople_include_the_signed_in_clerk(store: LocalStore) -> None:
    people = sell_screen.salespeople(store)
    assert (store.actor.user_id, store.actor.name) in [(p.user_id, p.name) for p in people]
