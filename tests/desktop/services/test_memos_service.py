"""Customer memos (approval) and vendor memos (consignment) through ``services.memos``."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from jeweltrak_core.contacts.entities import Contact
from jeweltrak_core.errors import IllegalTransition, NotFound, ValidationError
from jeweltrak_core.inventory.entities import Piece
from jeweltrak_core.inventory.stock import Family
from jeweltrak_core.memos.operations import IssueMemo
from jeweltrak_core.memos.rules import AgingBucket, MemoLineStatus, MemoStatus, VendorMemoLineStatus
from jeweltrak_core.sales.invoice_state import InvoiceStatus
from jeweltrak_desktop.services import memos, sales
from jeweltrak_desktop.services.local_store import LocalStore

from .helpers import assert_refused, records_one_op, scalar


def status_of(store: LocalStore, piece_id: object) -> str:
    """A piece's stock status, read from the file."""
    return str(scalar(store, "SELECT status FROM pieces WHERE id = ?", str(piece_id)))


def memo_row(store: LocalStore, memo_id: object) -> tuple[str, str]:
    """(status, counts text) columns of a memo, read from the file."""
    rows = scalar(
        store, "SELECT status || ' | ' || counts_text FROM customer_memos WHERE id = ?",
        str(memo_id),
    )
    status, counts = str(rows).split(" | ")
    return status, counts


def test_issue_return_convert_and_reverse_a_customer_memo(
    store: LocalStore, three_pieces: list[Piece], customer: Contact
) -> None:
    first, second, third = three_pieces
    due = date.today() + timedelta(days=14)
    with records_one_op(store, "issue_memo") as rec:
        memo = memos.issue_memo(
            store, contact_id=customer.id, codes=[first.stock_id, "jt-77001", third.stock_id],
            due_date=due, terms="Net 14", prices_cents={third.stock_id: 250_000},
        )
    assert memo.number == "MDA-1"
    payload = rec.payload
    assert isinstance(payload, IssueMemo)
    assert (payload.memo_id, payload.number, payload.contact_id) == (memo.id, "MDA-1", customer.id)
    assert [ln.piece_id for ln in payload.lines] == [first.id, second.id, third.id]
    assert [ln.price_cents for ln in payload.lines] == [300_000, 300_000, 250_000]
    assert rec.touched == {f"customer_memos:{memo.id}"} | {f"pieces:{p.id}" for p in three_pieces}
    assert [status_of(store, p.id) for p in three_pieces] == ["on_memo"] * 3
    assert memo.status is MemoStatus.OPEN
    assert memo_row(store, memo.id) == ("open", "3 out")

    with records_one_op(store, "return_memo_lines") as rec:
        memo = memos.return_memo_lines(store, memo.id, [memo.lines[0].id])
    assert rec.touched == {f"customer_memos:{memo.id}", f"pieces:{first.id}"}
    assert status_of(store, first.id) == "in_stock"
    assert memo_row(store, memo.id) == ("partial", "2 out · 1 returned")

    with records_one_op(store, "convert_memo_to_invoice") as rec:
        invoice = memos.convert_memo_to_invoice(store, memo.id, [memo.lines[1].id])
    assert invoice.number == "DA-1001"
    assert invoice.contact_id == customer.id
    assert rec.touched == {f"customer_memos:{memo.id}", f"invoices:{invoice.id}"}
    (line,) = invoice.lines
    assert (line.piece_id, line.unit_price_cents, line.memo_id) == (second.id, 300_000, memo.id)
    assert status_of(store, second.id) == "on_memo"  # until the invoice is finalized
    invoice = sales.finalize_invoice(store, invoice.id)
    assert status_of(store, second.id) == "sold"
    memo = memos.get_memo(store, memo.id)
    assert memo is not None
    assert [ln.status for ln in memo.lines] == [
        MemoLineStatus.RETURNED,
        MemoLineStatus.INVOICED,
        MemoLineStatus.OUT,
    ]
    assert memo_row(store, memo.id) == ("partial", "1 out · 1 returned · 1 invoiced")

    # A mistaken return is reversed: the piece is out on memo again.
    with records_one_op(store, "reverse_memo_line") as rec:
        memo = memos.reverse_memo_line(store, memo.id, memo.lines[0].id)
    assert rec.touched == {f"customer_memos:{memo.id}", f"pieces:{first.id}"}
    assert status_of(store, first.id) == "on_memo"
    assert memo.lines[0].status is MemoLineStatus.OUT


def test_deleting_the_invoice_made_from_a_memo_puts_the_line_back_out(
    store: LocalStore, three_pieces: list[Piece], customer: Contact
) -> None:
    memo = memos.issue_memo(store, contact_id=customer.id, codes=[three_pieces[0].stock_id])
    invoice = memos.convert_memo_to_invoice(store, memo.id, [memo.lines[0].id])
    with records_one_op(store, "delete_invoice") as rec:
        sales.delete_invoice(store, invoice.id)
    assert rec.touched == {f"invoices:{invoice.id}", f"customer_memos:{memo.id}"}
    memo = memos.get_memo(store, memo.id)
    assert memo is not None and memo.lines[0].status is MemoLineStatus.OUT
    assert status_of(store, three_pieces[0].id) == "on_memo"


def test_memo_aging_buckets(
    store: LocalStore, three_pieces: list[Piece], customer: Contact
) -> None:
    memo = memos.issue_memo(store, contact_id=customer.id, codes=[three_pieces[0].stock_id])
    today = date.today()
    assert [m.id for m in memos.memo_aging(store, today)[AgingBucket.D0_30]] == [memo.id]
    aged = memos.memo_aging(store, today + timedelta(days=45))
    assert [m.id for m in aged[AgingBucket.D31_60]] == [memo.id]
    assert aged[AgingBucket.D0_30] == []


def test_vendor_memo_receive_sell_settle_and_return(
    store: LocalStore, make_contact, customer: Contact
) -> None:
    vendor = make_contact(
        first_name="", last_name="", company="Rossi Gems Wholesale", is_customer=False,
        is_vendor=True, phones=["212-555-0100"], emails=["sales@rossi.example.com"],
    )
    pieces = [
        {"family": Family.DIAMOND, "description": "0.90 ct oval diamond F VS2",
         "cost_cents": 400_000, "retail_cents": 800_000, "carat_weight": Decimal("0.90")},
        {"family": Family.COLORED_STONE, "description": "3.10 ct emerald",
         "cost_cents": 150_000, "retail_cents": 350_000},
    ]
    with records_one_op(store, "receive_vendor_memo") as rec:
        vmemo = memos.receive_vendor_memo(
            store, vendor_id=vendor.id, vendor_memo_no="R-5531", memo_date=date(2026, 2, 1),
            pieces=pieces, terms="60 days",
        )
    piece_ids = [ln.piece_id for ln in vmemo.lines]
    assert rec.touched == {f"vendor_memos:{vmemo.id}"} | {f"pieces:{p}" for p in piece_ids}
    assert [status_of(store, p) for p in piece_ids] == ["on_vendor_memo"] * 2
    diamond_stock = scalar(store, "SELECT stock_id FROM pieces WHERE id = ?", str(piece_ids[0]))

    invoice = sales.new_invoice(store, contact_id=customer.id)
    invoice = sales.add_piece(store, invoice.id, diamond_stock)
    with records_one_op(store, "finalize_invoice") as rec:
        sales.finalize_invoice(store, invoice.id)
    assert rec.touched == {
        f"invoices:{invoice.id}",
        f"pieces:{piece_ids[0]}",
        f"vendor_memos:{vmemo.id}",
    }
    assert status_of(store, piece_ids[0]) == "sold"

    with records_one_op(store, "settle_vendor_memo_lines"):
        vmemo = memos.settle_vendor_memo(store, vmemo.id, [vmemo.lines[0].id])
    assert (vmemo.lines[0].status, vmemo.lines[0].paid_cents) == (
        VendorMemoLineStatus.SETTLED,
        400_000,
    )
    with records_one_op(store, "return_to_vendor") as rec:
        vmemo = memos.return_to_vendor(store, vmemo.id, [vmemo.lines[1].id])
    assert rec.touched == {f"vendor_memos:{vmemo.id}", f"pieces:{piece_ids[1]}"}
    assert status_of(store, piece_ids[1]) == "returned_to_vendor"
    assert_refused(
        store, IllegalTransition, memos.return_to_vendor, store, vmemo.id, [vmemo.lines[0].id]
    )


def test_refused_memo_actions_write_nothing(
    store: LocalStore, three_pieces: list[Piece], customer: Contact, make_contact
) -> None:
    first, second, third = three_pieces
    sold = sales.new_invoice(store)
    sold = sales.add_piece(store, sold.id, third.stock_id)
    sales.finalize_invoice(store, sold.id)
    vendor_only = make_contact(
        first_name="", last_name="", company="Chen Castings", is_customer=False, is_vendor=True,
        phones=[], emails=[],
    )

    # The first piece would move to on-memo before the sold one is refused: all or nothing.
    error = assert_refused(
        store, IllegalTransition, memos.issue_memo, store, contact_id=customer.id,
        codes=[first.stock_id, third.stock_id],
    )
    assert "sold" in error.message
    assert status_of(store, first.id) == "in_stock"
    assert_refused(
        store, ValidationError, memos.issue_memo, store, contact_id=vendor_only.id,
        codes=[first.stock_id],
    )
    assert_refused(
        store, ValidationError, memos.issue_memo, store, contact_id=customer.id,
        codes=[first.stock_id, first.stock_id.lower()],
    )
    assert_refused(
        store, ValidationError, memos.issue_memo, store, contact_id=customer.id, codes=[]
    )
    assert_refused(
        store, NotFound, memos.issue_memo, store, contact_id=customer.id, codes=["NOPE-1"]
    )

    memo = memos.issue_memo(store, contact_id=customer.id, codes=[first.stock_id])
    other_customer_invoice = sales.new_invoice(store, contact_id=vendor_only.id)
    assert_refused(
        store, ValidationError, memos.convert_memo_to_invoice, store, memo.id,
        [memo.lines[0].id], invoice_id=other_customer_invoice.id,
    )
    assert_refused(store, IllegalTransition, memos.reverse_memo_line, store, memo.id,
                   memo.lines[0].id)
    memos.return_memo_lines(store, memo.id, [memo.lines[0].id])
    assert_refused(
        store, IllegalTransition, memos.return_memo_lines, store, memo.id, [memo.lines[0].id]
    )
    assert_refused(
        store, IllegalTransition, memos.convert_memo_to_invoice, store, memo.id,
        [memo.lines[0].id],
    )
    assert status_of(store, second.id) == "in_stock"
    invoices = scalar(store, "SELECT count(*) FROM invoices WHERE status = ?", "open")
    assert invoices == 1
    assert sales.get_invoice(store, other_customer_invoice.id).status is InvoiceStatus.OPEN


def test_a_consigned_piece_can_be_returned_after_the_vendor_was_paid(
    store: LocalStore, make_contact, customer: Contact
) -> None:
    vendor = make_contact(
        first_name="", last_name="", company="Rossi Gems Wholesale", is_customer=False,
        is_vendor=True, phones=[], emails=[],
    )
    vmemo = memos.receive_vendor_memo(
        store, vendor_id=vendor.id, vendor_memo_no="R-77", memo_date=date(2026, 1, 5),
        pieces=[{"family": Family.JEWELRY, "description": "Consigned emerald ring",
                 "cost_cents": 100_000, "retail_cents": 250_000}],
    )
    piece_id = vmemo.lines[0].piece_id
    stock_id = scalar(store, "SELECT stock_id FROM pieces WHERE id = ?", str(piece_id))
    sale = sales.new_invoice(store, contact_id=customer.id)
    sale = sales.add_piece(store, sale.id, stock_id)
    sale = sales.finalize_invoice(store, sale.id)
    memos.settle_vendor_memo(store, vmemo.id, [vmemo.lines[0].id])

    refund = sales.new_invoice(store)
    refund = sales.add_return(store, refund.id, sale.lines[0].id)
    refund = sales.finalize_invoice(store, refund.id)
    assert refund.status is InvoiceStatus.FINALIZED
    assert status_of(store, piece_id) in ("in_stock", "on_vendor_memo")
