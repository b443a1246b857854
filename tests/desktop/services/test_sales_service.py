"""Selling at the counter through ``services.sales``: every step writes its rows and one
outbox operation; refused steps write nothing.

Florida (the demo store): 6% state tax plus a 1% surtax on at most $5,000 of each item, per
line, rounded half away from zero once per line.
"""

from __future__ import annotations

from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jeweltrak_core.contacts.entities import Contact
from jeweltrak_core.errors import IllegalTransition, JewelTrakError, NotFound, ValidationError
from jeweltrak_core.inventory.entities import Piece
from jeweltrak_core.payments.rules import Tender
from jeweltrak_core.sales.entities import Invoice
from jeweltrak_core.sales.invoice_state import InvoiceStatus
from jeweltrak_core.sales.operations import (
    DeleteInvoice,
    FinalizeInvoice,
    ReopenInvoice,
    SaveInvoice,
    VoidInvoice,
)
from jeweltrak_core.sales.tax import LineKind
from jeweltrak_desktop.services import contacts, payments, sales
from jeweltrak_desktop.services.local_store import LocalStore

from .helpers import assert_refused, query, records_one_op, scalar


def piece_status(store: LocalStore, piece: Piece) -> str:
    """The stored stock status of a piece, read from the file."""
    return str(scalar(store, "SELECT status FROM pieces WHERE id = ?", str(piece.id)))


def sell(
    store: LocalStore,
    pieces: list[Piece],
    customer: Contact | None = None,
    *,
    discount_cents: int = 0,
) -> Invoice:
    """A finalized sale of ``pieces`` (a discount on the first line), paid in full by check."""
    invoice = sales.new_invoice(store, contact_id=customer.id if customer else None)
    for piece in pieces:
        invoice = sales.add_piece(store, invoice.id, piece.stock_id)
    if discount_cents:
        invoice = sales.adjust_line(store, invoice.id, invoice.lines[0].id, discount_cents)
    invoice = sales.finalize_invoice(store, invoice.id)
    if invoice.total_cents > 0:
        payments.take_payment(
            store,
            invoice.id,
            tender=Tender.CHECK,
            amount_cents=invoice.total_cents,
            check_number="501",
        )
    return sales.get_invoice(store, invoice.id)


# --- building an invoice ---------------------------------------------------------------


def test_new_invoice_is_numbered_by_the_workstation_and_carries_the_store_tax_rule(
    store: LocalStore, customer: Contact
) -> None:
    with records_one_op(store, "save_invoice") as rec:
        invoice = sales.new_invoice(store, contact_id=customer.id)

    assert invoice.number == "DA-1001"
    assert invoice.status is InvoiceStatus.OPEN
    assert (invoice.tax_rate, invoice.surtax_rate, invoice.surtax_threshold_cents) == (
        Decimal("0.06"),
        Decimal("0.01"),
        500_000,
    )
    assert rec.touched == {f"invoices:{invoice.id}"}
    payload = rec.payload
    assert isinstance(payload, SaveInvoice)
    assert payload.invoice.id == invoice.id
    assert payload.invoice.number == "DA-1001"
    assert payload.invoice.contact_id == customer.id
    assert payload.invoice.lines == []
    row = query(store, "SELECT number, status, contact_id FROM invoices")[0]
    assert tuple(row) == ("DA-1001", "open", str(customer.id))


def test_complete_sale_scans_adds_lines_taxes_florida_exactly_and_takes_cash_with_change(
    store: LocalStore, three_pieces: list[Piece], customer: Contact
) -> None:
    first, second, third = three_pieces
    assert [p.retail_cents for p in three_pieces] == [300_000] * 3
    invoice = sales.new_invoice(store, contact_id=customer.id)

    # Typed StockID, then a keyboard-wedge scan of the barcode: lower case, Enter at the end.
    invoice = sales.add_piece(store, invoice.id, first.stock_id)
    with records_one_op(store, "save_invoice") as rec:
        invoice = sales.add_piece(store, invoice.id, "jt-77001\n")
    assert rec.touched == {f"invoices:{invoice.id}"}
    assert [ln.piece_id for ln in rec.payload.invoice.lines] == [first.id, second.id]
    invoice = sales.add_piece(store, invoice.id, f"  {third.stock_id.lower()}\r\n")

    assert [ln.piece_id for ln in invoice.lines] == [first.id, second.id, third.id]
    assert {ln.kind for ln in invoice.lines} == {LineKind.PIECE}
    # Each $3,000.00 line: 6% = $180.00, plus 1% surtax on $3,000 (under the $5,000 cap)
    # = $30.00 → $210.00; three lines → $630.00.
    assert [ln.tax_cents for ln in invoice.lines] == [21_000, 21_000, 21_000]
    assert invoice.tax_cents == 63_000
    assert invoice.subtotal_cents == 900_000
    assert invoice.total_cents == 963_000

    invoice = sales.add_charge(
        store, invoice.id, kind=LineKind.SERVICE, description="Ring sizing", price_cents=4_500
    )
    invoice = sales.add_trade_in(
        store,
        invoice.id,
        description="Customer's 10K class ring",
        allowance_cents=50_000,
        actual_value_cents=35_000,
    )
    with records_one_op(store, "save_invoice") as rec:
        invoice = sales.adjust_line(store, invoice.id, invoice.lines[0].id, 10_000)
    assert rec.payload.invoice.lines[0].adjustment_cents == 10_000

    first_line, _, _, service, trade_in = invoice.lines
    assert (service.kind, trade_in.kind) == (LineKind.SERVICE, LineKind.TRADE_IN)
    assert first_line.unit_price_cents == 300_000  # the discount leaves the unit price alone
    assert first_line.adjustment_cents == 10_000
    assert trade_in.actual_trade_value_cents == 35_000
    # (amount, tax) per line:
    #   $2,900.00 discounted piece: 6% 174.00 + 1% 29.00        = 203.00
    #   $3,000.00 pieces:           6% 180.00 + 1% 30.00        = 210.00 each
    #   $45.00 sizing:              6%   2.70 + 1%  0.45        =   3.15
    #   −$500.00 trade-in:          6% −30.00 + 1% −5.00        = −35.00
    assert [(ln.amount_cents, ln.tax_cents) for ln in invoice.lines] == [
        (290_000, 20_300),
        (300_000, 21_000),
        (300_000, 21_000),
        (4_500, 315),
        (-50_000, -3_500),
    ]
    assert invoice.subtotal_cents == 844_500
    assert invoice.tax_cents == 59_115
    assert invoice.total_cents == 903_615

    with records_one_op(store, "finalize_invoice") as rec:
        invoice = sales.finalize_invoice(store, invoice.id)
    assert rec.payload == FinalizeInvoice(invoice_id=invoice.id, expected_total_cents=903_615)
    assert rec.touched == {f"invoices:{invoice.id}"} | {f"pieces:{p.id}" for p in three_pieces}
    assert invoice.status is InvoiceStatus.FINALIZED
    assert invoice.finalized_at is not None
    assert [piece_status(store, p) for p in three_pieces] == ["sold"] * 3
    assert [ln.committed for ln in invoice.lines] == [True, True, True, False, False]

    with records_one_op(store, "add_payment") as rec:
        payment = payments.take_cash(store, invoice.id, 910_000)
    assert payment.tender is Tender.CASH
    assert payment.amount_cents == 903_615
    assert payment.change_given_cents == 6_385
    assert rec.payload.amount_cents == 910_000
    assert rec.payload.handed_cents == 910_000
    assert rec.touched == {f"invoices:{invoice.id}", f"payments:{payment.id}"}
    invoice = sales.get_invoice(store, invoice.id)
    assert (invoice.paid_cents, invoice.balance_cents) == (903_615, 0)
    stored = query(store, "SELECT amount_cents, change_given_cents, tender FROM payments")
    assert [tuple(r) for r in stored] == [(903_615, 6_385, "cash")]


def test_an_item_over_the_surtax_cap_pays_surtax_on_5000_only(store, make_piece) -> None:
    piece = make_piece(description="Diamond riviera necklace", cost_cents=320_000)
    assert piece.retail_cents == 800_000
    invoice = sales.new_invoice(store)
    invoice = sales.add_piece(store, invoice.id, piece.stock_id)
    # 6% of $8,000 = $480 plus 1% of the $5,000 cap = $50 → $530 (PRODUCT.md's example).
    assert invoice.tax_cents == 53_000
    assert invoice.total_cents == 853_000


def test_tax_exempt_invoice_has_no_tax(store: LocalStore, three_pieces: list[Piece]) -> None:
    invoice = sales.new_invoice(store)
    invoice = sales.add_piece(store, invoice.id, three_pieces[0].stock_id)
    with records_one_op(store, "save_invoice") as rec:
        invoice = sales.set_tax_exempt(store, invoice.id, exempt=True, reason="Out of state")
    assert rec.payload.invoice.tax_exempt is True
    assert (invoice.tax_cents, invoice.total_cents) == (0, 300_000)


def test_return_exchange_mirrors_amount_and_tax_and_pays_the_difference_as_store_credit(
    store: LocalStore, three_pieces: list[Piece], customer: Contact, make_piece
) -> None:
    first, second, _ = three_pieces
    sale = sell(store, [first, second], customer, discount_cents=10_000)
    sold_line = sale.lines[0]
    assert (sold_line.amount_cents, sold_line.tax_cents) == (290_000, 20_300)
    cheaper = make_piece(description="Sterling silver charm bracelet", cost_cents=40_000)

    exchange = sales.new_invoice(store)  # no customer yet: the return brings the sale's
    with records_one_op(store, "save_invoice") as rec:
        exchange = sales.add_return(store, exchange.id, sold_line.id)
    assert rec.touched == {f"invoices:{exchange.id}"}
    (returned,) = exchange.lines
    assert returned.kind is LineKind.RETURN
    assert returned.quantity == -1
    assert returned.piece_id == first.id
    assert returned.returned_line_id == sold_line.id
    assert returned.amount_cents == -sold_line.amount_cents == -290_000
    assert returned.tax_cents == -sold_line.tax_cents == -20_300
    assert exchange.contact_id == customer.id

    exchange = sales.add_piece(store, exchange.id, cheaper.stock_id)
    # −$2,900.00 − $203.00 tax + $1,000.00 + $70.00 tax
    assert exchange.total_cents == -290_000 - 20_300 + 100_000 + 7_000 == -203_300
    with records_one_op(store, "finalize_invoice") as rec:
        exchange = sales.finalize_invoice(store, exchange.id)
    assert rec.touched == {f"invoices:{exchange.id}", f"pieces:{first.id}", f"pieces:{cheaper.id}"}
    assert piece_status(store, first) == "in_stock"
    assert piece_status(store, cheaper) == "sold"
    assert piece_status(store, second) == "sold"
    assert exchange.balance_cents == -203_300

    with records_one_op(store, "add_payment") as rec:
        payout = payments.pay_out(store, exchange.id, 203_300, tender=Tender.STORE_CREDIT)
    assert (payout.amount_cents, payout.tender) == (-203_300, Tender.STORE_CREDIT)
    entry_id = scalar(store, "SELECT id FROM store_credit_entries")
    assert rec.touched == {
        f"invoices:{exchange.id}",
        f"payments:{payout.id}",
        f"contacts:{customer.id}",
        f"store_credit_entries:{entry_id}",
    }
    assert sales.get_invoice(store, exchange.id).balance_cents == 0
    assert contacts.get_contact(store, customer.id).store_credit_cents == 203_300
    assert [tuple(r) for r in query(store, "SELECT amount_cents FROM store_credit_entries")] == [
        (203_300,)
    ]

    # The same sold line cannot be returned a second time.
    again = sales.new_invoice(store)
    assert_refused(store, ValidationError, sales.add_return, store, again.id, sold_line.id)


def test_void_returns_pieces_to_stock(
    store: LocalStore, three_pieces: list[Piece], customer: Contact
) -> None:
    sale = sell(store, three_pieces[:2], customer)
    with records_one_op(store, "void_invoice") as rec:
        voided = sales.void_invoice(store, sale.id, "Customer changed her mind")
    assert rec.payload == VoidInvoice(invoice_id=sale.id, reason="Customer changed her mind")
    assert rec.touched == {f"invoices:{sale.id}"} | {f"pieces:{p.id}" for p in three_pieces[:2]}
    assert voided.status is InvoiceStatus.VOIDED
    assert voided.voided_at is not None
    assert voided.void_reason == "Customer changed her mind"
    assert [piece_status(store, p) for p in three_pieces[:2]] == ["in_stock", "in_stock"]
    # A void is permanent.
    assert_refused(store, IllegalTransition, sales.reopen_invoice, store, sale.id, "oops")
    assert_refused(store, IllegalTransition, sales.void_invoice, store, sale.id, "again")
    assert_refused(store, IllegalTransition, sales.delete_invoice, store, sale.id)


def test_reopen_releases_stock_and_the_invoice_can_be_edited_and_finalized_again(
    store: LocalStore, three_pieces: list[Piece]
) -> None:
    first, second, _ = three_pieces
    sale = sell(store, [first, second])
    with records_one_op(store, "reopen_invoice") as rec:
        reopened = sales.reopen_invoice(store, sale.id, "Wrong ring size sold")
    assert rec.payload == ReopenInvoice(invoice_id=sale.id, reason="Wrong ring size sold")
    assert rec.touched == {f"invoices:{sale.id}", f"pieces:{first.id}", f"pieces:{second.id}"}
    assert reopened.status is InvoiceStatus.OPEN
    assert reopened.reopen_count == 1
    assert reopened.finalized_at is None
    assert [piece_status(store, p) for p in (first, second)] == ["in_stock", "in_stock"]

    edited = sales.remove_line(store, sale.id, reopened.lines[1].id)
    assert [ln.piece_id for ln in edited.lines] == [first.id]
    final = sales.finalize_invoice(store, sale.id)
    assert final.status is InvoiceStatus.FINALIZED
    assert (piece_status(store, first), piece_status(store, second)) == ("sold", "in_stock")


def test_delete_open_invoice_removes_it_and_its_lines(
    store: LocalStore, three_pieces: list[Piece]
) -> None:
    invoice = sales.new_invoice(store)
    invoice = sales.add_piece(store, invoice.id, three_pieces[0].stock_id)
    with records_one_op(store, "delete_invoice") as rec:
        sales.delete_invoice(store, invoice.id)
    assert rec.payload == DeleteInvoice(invoice_id=invoice.id)
    assert rec.touched == {f"invoices:{invoice.id}"}
    assert scalar(store, "SELECT count(*) FROM invoices") == 0
    assert scalar(store, "SELECT count(*) FROM invoice_lines") == 0
    assert piece_status(store, three_pieces[0]) == "in_stock"
    assert_refused(store, NotFound, sales.delete_invoice, store, invoice.id)


# --- refused: nothing written ----------------------------------------------------------


def test_finalize_refused_when_a_piece_was_sold_meanwhile(
    store: LocalStore, three_pieces: list[Piece]
) -> None:
    first, second, _ = three_pieces
    early = sales.new_invoice(store)
    early = sales.add_piece(store, early.id, first.stock_id)
    late = sales.new_invoice(store)
    late = sales.add_piece(store, late.id, second.stock_id)
    late = sales.add_piece(store, late.id, first.stock_id)  # first is still in stock here
    sales.finalize_invoice(store, early.id)

    error = assert_refused(store, IllegalTransition, sales.finalize_invoice, store, late.id)
    assert first.stock_id in error.message
    assert sales.get_invoice(store, late.id).status is InvoiceStatus.OPEN
    assert piece_status(store, second) == "in_stock"  # not committed by the refused finalize


def test_refused_invoice_edits_write_nothing(
    store: LocalStore, three_pieces: list[Piece]
) -> None:
    first, second, third = three_pieces
    sold = sell(store, [third])
    invoice = sales.new_invoice(store)
    invoice = sales.add_piece(store, invoice.id, first.stock_id)

    assert_refused(store, IllegalTransition, sales.add_piece, store, invoice.id, third.stock_id)
    assert_refused(store, ValidationError, sales.add_piece, store, invoice.id, first.stock_id)
    assert_refused(store, NotFound, sales.add_piece, store, invoice.id, "NOSUCH1")
    assert_refused(store, ValidationError, sales.add_piece, store, sold.id, second.stock_id)
    assert_refused(store, IllegalTransition, sales.delete_invoice, store, sold.id)
    assert_refused(store, IllegalTransition, sales.finalize_invoice, store, sold.id)
    assert_refused(store, IllegalTransition, sales.reopen_invoice, store, invoice.id, "why")
    assert_refused(store, ValidationError, sales.reopen_invoice, store, sold.id, "  ")
    assert_refused(store, ValidationError, sales.void_invoice, store, sold.id, "")
    assert_refused(
        store,
        ValidationError,
        sales.set_tax_exempt,
        store,
        invoice.id,
        exempt=True,
        reason=" ",
    )
    assert_refused(
        store, ValidationError, sales.adjust_line, store, invoice.id, invoice.lines[0].id, 300_001
    )
    empty = sales.new_invoice(store)
    assert_refused(store, ValidationError, sales.finalize_invoice, store, empty.id)
    # An open invoice that has taken money is voided, never deleted.
    payments.take_cash(store, invoice.id, 10_000)
    assert_refused(store, ValidationError, sales.delete_invoice, store, invoice.id)


# --- bugs these tests found (the fixed ones stay as regression tests) ------------------


def test_return_from_a_tax_exempt_sale_refunds_no_tax(
    store: LocalStore, three_pieces: list[Piece], customer: Contact
) -> None:
    invoice = sales.new_invoice(store, contact_id=customer.id)
    invoice = sales.add_piece(store, invoice.id, three_pieces[0].stock_id)
    invoice = sales.set_tax_exempt(store, invoice.id, exempt=True, reason="Out of state")
    invoice = sales.finalize_invoice(store, invoice.id)
    assert (invoice.tax_cents, invoice.total_cents) == (0, 300_000)

    refund = sales.new_invoice(store)
    refund = sales.add_return(store, refund.id, invoice.lines[0].id)
    # The customer paid $3,000.00 and no tax; the return must give back exactly that.
    assert refund.tax_cents == 0
    assert refund.total_cents == -300_000


def return_quantity_line(
    store: LocalStore, make_piece, cost_cents: int, quantity: int, discount_cents: int
) -> tuple[Invoice, Invoice]:
    """Sell ``quantity`` units of a chain with a line discount, then return the whole line."""
    chain = make_piece(
        description="18in rope chain", cost_cents=cost_cents, is_quantity_item=True,
        qty_purchased=10,
    )
    invoice = sales.new_invoice(store)
    invoice = sales.add_quantity(store, invoice.id, chain.stock_id, quantity)
    invoice = sales.adjust_line(store, invoice.id, invoice.lines[0].id, discount_cents)
    invoice = sales.finalize_invoice(store, invoice.id)
    refund = sales.new_invoice(store)
    refund = sales.add_return(store, refund.id, invoice.lines[0].id)
    assert {ln.kind for ln in refund.lines} == {LineKind.RETURN}
    assert sum(ln.quantity for ln in refund.lines) == -quantity
    return invoice, refund


def test_return_of_a_discounted_quantity_line_refunds_exactly_what_was_charged(
    store: LocalStore, make_piece
) -> None:
    # 3 × $10.00 − $1.00: the discount does not divide by the quantity.
    sale, refund = return_quantity_line(store, make_piece, 400, 3, 100)
    assert (sale.lines[0].amount_cents, sale.lines[0].tax_cents) == (2_900, 203)
    assert sum(ln.amount_cents for ln in refund.lines) == -2_900
    assert sum(ln.tax_cents for ln in refund.lines) == -203
    assert refund.total_cents == -sale.total_cents


def test_return_of_a_discounted_quantity_line_refunds_exactly_the_tax_charged(
    store: LocalStore, make_piece
) -> None:
    sale, refund = return_quantity_line(store, make_piece, 40, 2, 9)
    assert (sale.lines[0].amount_cents, sale.lines[0].tax_cents) == (191, 13)
    assert sum(ln.amount_cents for ln in refund.lines) == -191
    assert sum(ln.tax_cents for ln in refund.lines) == -13
    assert refund.total_cents == -sale.total_cents


def test_a_reopened_invoice_cannot_be_deleted(
    store: LocalStore, three_pieces: list[Piece]
) -> None:
    invoice = sales.new_invoice(store)
    invoice = sales.add_piece(store, invoice.id, three_pieces[0].stock_id)
    sales.finalize_invoice(store, invoice.id)  # on account: no payment taken yet
    sales.reopen_invoice(store, invoice.id, "Wrong customer")
    assert_refused(store, JewelTrakError, sales.delete_invoice, store, invoice.id)


# --- property: a full return mirrors the sale exactly ----------------------------------


@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    cost=st.integers(min_value=1, max_value=600_000),
    discount_pct=st.integers(min_value=0, max_value=100),
)
def test_returning_a_sold_piece_mirrors_its_amount_and_tax(
    store: LocalStore, make_piece, cost: int, discount_pct: int
) -> None:
    piece = make_piece(cost_cents=cost)
    discount = piece.retail_cents * discount_pct // 100
    sale = sell(store, [piece], discount_cents=discount)
    refund = sales.new_invoice(store)
    refund = sales.add_return(store, refund.id, sale.lines[0].id)
    assert refund.lines[0].amount_cents == -sale.lines[0].amount_cents
    assert refund.lines[0].tax_cents == -sale.lines[0].tax_cents
    assert refund.total_cents == -sale.total_cents
