"""Memo operations: customer memos (issue, return, convert, reverse) and vendor memos."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from uuid import UUID

from jeweltrak_core.contacts.entities import Contact
from jeweltrak_core.errors import (
    Duplicate,
    IllegalTransition,
    InvalidMoney,
    NotFound,
    ValidationError,
)
from jeweltrak_core.ids import new_id
from jeweltrak_core.inventory.entities import Piece
from jeweltrak_core.inventory.stock import PieceStatus
from jeweltrak_core.memos.entities import CustomerMemo, VendorMemo
from jeweltrak_core.memos.operations import (
    ConvertMemoToInvoice,
    IssueMemo,
    MemoLineDraft,
    ReceiveVendorMemo,
    ReturnMemoLines,
    ReturnToVendor,
    ReverseMemoLine,
    SettleVendorMemoLines,
    VendorMemoLineDraft,
)
from jeweltrak_core.memos.rules import MemoLineStatus, MemoStatus, VendorMemoLineStatus
from jeweltrak_core.sales.invoice_state import InvoiceStatus
from jeweltrak_core.sales.operations import (
    DeleteInvoice,
    ReopenInvoice,
    SaveInvoice,
    VoidInvoice,
)

from .builders import (
    FLORIDA,
    create_chain,
    create_contact,
    create_piece,
    draft,
    finalize,
    get_invoice,
    misc_line,
    number,
    piece,
    piece_line,
    refuse,
    save_invoice,
    sell,
)
from .memory_repo import NOW, SERVER, MemoryRepository, run


def status(repo: MemoryRepository, piece_id: UUID) -> PieceStatus:
    p = repo.get(Piece, piece_id)
    assert p is not None
    return p.status


def memo(repo: MemoryRepository, memo_id: UUID) -> CustomerMemo:
    m = repo.get(CustomerMemo, memo_id)
    assert m is not None
    return m


def issue(repo: MemoryRepository, contact: Contact, pieces: list[Piece],
          price: int = 100_000, **kw: object) -> CustomerMemo:
    memo_id = new_id()
    run(repo, IssueMemo(memo_id=memo_id, number=number("M-"), contact_id=contact.id,
                        lines=[MemoLineDraft(line_id=new_id(), piece_id=p.id, price_cents=price)
                               for p in pieces]), **kw)  # type: ignore[arg-type]
    return memo(repo, memo_id)


def convert(repo: MemoryRepository, m: CustomerMemo, line_ids: list[UUID],
            invoice_id: UUID | None = None, **fields: object) -> UUID:
    invoice_id = invoice_id or new_id()
    run(repo, ConvertMemoToInvoice(memo_id=m.id, line_ids=line_ids, invoice_id=invoice_id,
                                   invoice_number=number(), new_line_ids=[new_id() for _ in
                                                                          line_ids],
                                   **fields))  # type: ignore[arg-type]
    return invoice_id


# --- issue_memo --------------------------------------------------------------------------


def test_issue_memo_puts_pieces_on_memo(repo: MemoryRepository) -> None:
    ada = create_contact(repo)
    a, b = create_piece(repo), create_piece(repo, consigned=True)
    chain = create_chain(repo, purchased=5)
    m = issue(repo, ada, [a, b, chain], version=4)
    assert m.status is MemoStatus.OPEN
    assert (m.issued_at, m.version, m.contact_id) == (NOW, 4, ada.id)
    assert status(repo, a.id) is status(repo, b.id) is PieceStatus.ON_MEMO
    c = repo.get(Piece, chain.id)
    assert c is not None and (c.qty_on_memo, c.ledger.expected_quantity) == (1, 4)


def test_issue_memo_refusals(repo: MemoryRepository) -> None:
    ada = create_contact(repo)
    vendor = create_contact(repo, company="Stuller", first_name="", last_name="",
                            is_customer=False, is_vendor=True)
    p = create_piece(repo)

    def memo_op(**kw: object) -> IssueMemo:
        fields: dict[str, object] = {
            "memo_id": new_id(), "number": number("M-"), "contact_id": ada.id,
            "lines": [MemoLineDraft(line_id=new_id(), piece_id=p.id, price_cents=1_000)]}
        fields.update(kw)
        return IssueMemo(**fields)  # type: ignore[arg-type]

    refuse(repo, memo_op(lines=[]), ValidationError)
    refuse(repo, memo_op(lines=[MemoLineDraft(line_id=new_id(), piece_id=p.id, price_cents=1),
                                MemoLineDraft(line_id=new_id(), piece_id=p.id, price_cents=1)]),
           ValidationError, match="twice")
    refuse(repo, memo_op(lines=[MemoLineDraft(line_id=new_id(), piece_id=p.id,
                                              price_cents=-1)]), InvalidMoney)
    refuse(repo, memo_op(contact_id=vendor.id), ValidationError, match="not marked as a customer")
    refuse(repo, memo_op(contact_id=new_id()), NotFound)
    refuse(repo, memo_op(lines=[MemoLineDraft(line_id=new_id(), piece_id=new_id(),
                                              price_cents=1)]), NotFound)
    first = memo_op()
    run(repo, first)
    refuse(repo, first, Duplicate)
    other = create_piece(repo)
    refuse(repo, memo_op(number=first.number,
                         lines=[MemoLineDraft(line_id=new_id(), piece_id=other.id,
                                              price_cents=1)]), Duplicate)
    # a piece already on memo cannot go out again — locally or on the server
    refuse(repo, memo_op(), IllegalTransition, match="on memo")
    refuse(repo, memo_op(), IllegalTransition, SERVER, match="on memo")
    sold = create_piece(repo)
    sell(repo, [piece_line(sold)])
    refuse(repo, memo_op(lines=[MemoLineDraft(line_id=new_id(), piece_id=sold.id,
                                              price_cents=1)]), IllegalTransition)


# --- return / reverse --------------------------------------------------------------------


def test_memo_return_and_reverse(repo: MemoryRepository) -> None:
    ada = create_contact(repo)
    a, b = create_piece(repo), create_piece(repo)
    m = issue(repo, ada, [a, b])
    la, lb = (ln.id for ln in m.lines)
    run(repo, ReturnMemoLines(memo_id=m.id, line_ids=[la]))
    m2 = memo(repo, m.id)
    assert m2.status is MemoStatus.PARTIAL
    assert m2.lines[0].status is MemoLineStatus.RETURNED
    assert m2.lines[0].resolved_at == NOW
    assert status(repo, a.id) is PieceStatus.IN_STOCK
    refuse(repo, ReturnMemoLines(memo_id=m.id, line_ids=[la]), IllegalTransition,
           match="already returned")
    # a mistaken return is reversed: the piece is out on memo again
    run(repo, ReverseMemoLine(memo_id=m.id, line_id=la))
    m3 = memo(repo, m.id)
    assert m3.lines[0].status is MemoLineStatus.OUT
    assert m3.lines[0].resolved_at is None
    assert status(repo, a.id) is PieceStatus.ON_MEMO
    run(repo, ReturnMemoLines(memo_id=m.id, line_ids=[la, lb]))
    assert memo(repo, m.id).status is MemoStatus.RETURNED
    assert status(repo, b.id) is PieceStatus.IN_STOCK


def test_memo_return_refusals(repo: MemoryRepository) -> None:
    ada = create_contact(repo)
    p = create_piece(repo)
    m = issue(repo, ada, [p])
    line_id = m.lines[0].id
    refuse(repo, ReturnMemoLines(memo_id=m.id, line_ids=[]), ValidationError)
    refuse(repo, ReturnMemoLines(memo_id=m.id, line_ids=[line_id, line_id]), ValidationError)
    refuse(repo, ReturnMemoLines(memo_id=m.id, line_ids=[new_id()]), ValidationError,
           match="not on memo")
    refuse(repo, ReturnMemoLines(memo_id=new_id(), line_ids=[line_id]), NotFound)
    refuse(repo, ReverseMemoLine(memo_id=m.id, line_id=line_id), IllegalTransition,
           match="nothing to reverse")


def test_reversing_a_return_of_a_piece_sold_since_is_refused(repo: MemoryRepository) -> None:
    ada = create_contact(repo)
    p = create_piece(repo)
    m = issue(repo, ada, [p])
    run(repo, ReturnMemoLines(memo_id=m.id, line_ids=[m.lines[0].id]))
    sell(repo, [piece_line(p)])
    refuse(repo, ReverseMemoLine(memo_id=m.id, line_id=m.lines[0].id), IllegalTransition)


def test_quantity_item_memo_return(repo: MemoryRepository) -> None:
    ada = create_contact(repo)
    chain = create_chain(repo, purchased=3)
    m = issue(repo, ada, [chain])
    run(repo, ReturnMemoLines(memo_id=m.id, line_ids=[m.lines[0].id]))
    c = repo.get(Piece, chain.id)
    assert c is not None and c.qty_on_memo == 0


# --- convert to invoice ------------------------------------------------------------------


def test_memo_issue_convert_finalize_sells_the_pieces(repo: MemoryRepository) -> None:
    ada = create_contact(repo)
    a, b, c = create_piece(repo), create_piece(repo), create_piece(repo)
    m = issue(repo, ada, [a, b, c], price=300_000)
    la, lb, lc = (ln.id for ln in m.lines)
    invoice_id = convert(repo, m, [la, lb], **FLORIDA)
    invoice = get_invoice(repo, invoice_id)
    assert invoice.contact_id == ada.id
    assert [ln.memo_line_id for ln in invoice.lines] == [la, lb]
    assert [ln.piece_id for ln in invoice.lines] == [a.id, b.id]
    assert invoice.tax_cents == 42_000  # $3,000 each at 6% + 1% surtax
    m2 = memo(repo, m.id)
    assert [ln.status for ln in m2.lines] == [MemoLineStatus.INVOICED, MemoLineStatus.INVOICED,
                                             MemoLineStatus.OUT]
    assert m2.lines[0].invoice_id == invoice_id
    # pieces stay on memo until the invoice is finalized
    assert status(repo, a.id) is PieceStatus.ON_MEMO
    finalize(repo, invoice_id)
    assert status(repo, a.id) is status(repo, b.id) is PieceStatus.SOLD
    assert status(repo, c.id) is PieceStatus.ON_MEMO
    run(repo, ReturnMemoLines(memo_id=m.id, line_ids=[lc]))
    assert memo(repo, m.id).status is MemoStatus.CLOSED


def test_void_puts_memo_lines_back_out(repo: MemoryRepository) -> None:
    ada = create_contact(repo)
    p = create_piece(repo)
    m = issue(repo, ada, [p])
    invoice_id = convert(repo, m, [m.lines[0].id])
    finalize(repo, invoice_id)
    run(repo, VoidInvoice(invoice_id=invoice_id, reason="Customer changed their mind"))
    assert status(repo, p.id) is PieceStatus.ON_MEMO
    line = memo(repo, m.id).lines[0]
    assert (line.status, line.invoice_id, line.resolved_at) == (MemoLineStatus.OUT, None, None)
    # and the piece can be returned from the memo as usual
    run(repo, ReturnMemoLines(memo_id=m.id, line_ids=[line.id]))
    assert status(repo, p.id) is PieceStatus.IN_STOCK


def test_reopen_of_a_memo_invoice_puts_the_piece_back_on_memo(repo: MemoryRepository) -> None:
    ada = create_contact(repo)
    p = create_piece(repo)
    m = issue(repo, ada, [p])
    invoice_id = convert(repo, m, [m.lines[0].id])
    finalize(repo, invoice_id)
    run(repo, ReopenInvoice(invoice_id=invoice_id, reason="price correction"))
    assert status(repo, p.id) is PieceStatus.ON_MEMO
    assert memo(repo, m.id).lines[0].status is MemoLineStatus.INVOICED
    finalize(repo, invoice_id)
    assert status(repo, p.id) is PieceStatus.SOLD


def test_delete_of_a_memo_invoice_puts_the_lines_back_out(repo: MemoryRepository) -> None:
    ada = create_contact(repo)
    p = create_piece(repo)
    m = issue(repo, ada, [p])
    invoice_id = convert(repo, m, [m.lines[0].id])
    run(repo, DeleteInvoice(invoice_id=invoice_id))
    assert memo(repo, m.id).lines[0].status is MemoLineStatus.OUT
    assert status(repo, p.id) is PieceStatus.ON_MEMO


def test_quantity_item_through_memo_and_invoice(repo: MemoryRepository) -> None:
    ada = create_contact(repo)
    chain = create_chain(repo, purchased=5)
    m = issue(repo, ada, [chain], price=20_000)
    invoice_id = convert(repo, m, [m.lines[0].id])
    finalize(repo, invoice_id)
    c = repo.get(Piece, chain.id)
    assert c is not None and (c.qty_on_memo, c.qty_invoiced, c.ledger.expected_quantity) == (
        0, 1, 4)
    run(repo, VoidInvoice(invoice_id=invoice_id, reason="mistake"))
    c = repo.get(Piece, chain.id)
    assert c is not None and (c.qty_on_memo, c.qty_invoiced) == (1, 0)


def test_convert_onto_an_existing_open_invoice(repo: MemoryRepository) -> None:
    ada, bob = create_contact(repo), create_contact(repo, first_name="Bob")
    a, b = create_piece(repo), create_piece(repo)
    m = issue(repo, ada, [a, b])
    invoice = save_invoice(repo, [misc_line(5_000)], contact_id=ada.id)
    convert(repo, m, [m.lines[0].id], invoice_id=invoice.id)
    after = get_invoice(repo, invoice.id)
    assert len(after.lines) == 2
    assert after.total_cents == 105_000
    bobs = save_invoice(repo, [misc_line(5_000)], contact_id=bob.id)
    refuse(repo, ConvertMemoToInvoice(memo_id=m.id, line_ids=[m.lines[1].id],
                                      invoice_id=bobs.id, invoice_number=bobs.number,
                                      new_line_ids=[new_id()]), ValidationError,
           match="different customer")
    done = sell(repo, [misc_line(5_000)], contact_id=ada.id)
    refuse(repo, ConvertMemoToInvoice(memo_id=m.id, line_ids=[m.lines[1].id],
                                      invoice_id=done.id, invoice_number=done.number,
                                      new_line_ids=[new_id()]), IllegalTransition)


def test_convert_refusals(repo: MemoryRepository) -> None:
    ada = create_contact(repo)
    p = create_piece(repo)
    m = issue(repo, ada, [p])
    line_id = m.lines[0].id
    refuse(repo, ConvertMemoToInvoice(memo_id=m.id, line_ids=[line_id], invoice_id=new_id(),
                                      invoice_number=number(), new_line_ids=[]),
           ValidationError, match="one invoice line ID")
    taken = save_invoice(repo, [misc_line(1)])
    refuse(repo, ConvertMemoToInvoice(memo_id=m.id, line_ids=[line_id], invoice_id=new_id(),
                                      invoice_number=taken.number, new_line_ids=[new_id()]),
           Duplicate)
    run(repo, ReturnMemoLines(memo_id=m.id, line_ids=[line_id]))
    refuse(repo, ConvertMemoToInvoice(memo_id=m.id, line_ids=[line_id], invoice_id=new_id(),
                                      invoice_number=number(), new_line_ids=[new_id()]),
           IllegalTransition, match="already returned")


def test_reverse_an_invoiced_line_of_an_open_invoice(repo: MemoryRepository) -> None:
    ada = create_contact(repo)
    a, b = create_piece(repo), create_piece(repo)
    m = issue(repo, ada, [a, b])
    invoice_id = convert(repo, m, [ln.id for ln in m.lines])
    run(repo, ReverseMemoLine(memo_id=m.id, line_id=m.lines[0].id))
    invoice = get_invoice(repo, invoice_id)
    assert [ln.memo_line_id for ln in invoice.lines] == [m.lines[1].id]
    assert invoice.total_cents == 100_000
    line = memo(repo, m.id).lines[0]
    assert (line.status, line.invoice_id) == (MemoLineStatus.OUT, None)
    assert status(repo, a.id) is PieceStatus.ON_MEMO
    # a converted line is removed by reversing it on the memo, not by editing the invoice
    refuse(repo, SaveInvoice(invoice=draft([], id=invoice_id, number=invoice.number)),
           ValidationError, match="reversing it on the memo")


def test_reversing_an_invoiced_line_of_a_finalized_invoice_is_refused(
        repo: MemoryRepository) -> None:
    ada = create_contact(repo)
    p = create_piece(repo)
    m = issue(repo, ada, [p])
    invoice_id = convert(repo, m, [m.lines[0].id])
    finalize(repo, invoice_id)
    err = refuse(repo, ReverseMemoLine(memo_id=m.id, line_id=m.lines[0].id), IllegalTransition)
    assert "reopen or void it first" in err.message
    assert status(repo, p.id) is PieceStatus.SOLD
    assert get_invoice(repo, invoice_id).status is InvoiceStatus.FINALIZED


def test_save_invoice_refuses_a_memo_line_that_was_not_converted(
        repo: MemoryRepository) -> None:
    ada, bob = create_contact(repo), create_contact(repo, first_name="Bob")
    p = create_piece(repo)
    m = issue(repo, ada, [p])
    # A line that claims Ada's memo line, on Bob's invoice; the memo line was never converted.
    forged = piece_line(p, 100_000, memo_id=m.id, memo_line_id=m.lines[0].id)
    refuse(repo, SaveInvoice(invoice=draft([forged], contact_id=bob.id)), ValidationError,
           match="Convert the memo")
    refuse(repo, SaveInvoice(invoice=draft([forged], contact_id=bob.id)), ValidationError,
           SERVER, match="Convert the memo")
    assert status(repo, p.id) is PieceStatus.ON_MEMO
    assert memo(repo, m.id).lines[0].status is MemoLineStatus.OUT


def test_a_converted_line_keeps_its_memo_link(repo: MemoryRepository) -> None:
    ada = create_contact(repo)
    a, b = create_piece(repo), create_piece(repo)
    m = issue(repo, ada, [a, b])
    invoice_id = convert(repo, m, [m.lines[0].id])
    invoice = get_invoice(repo, invoice_id)
    [line] = invoice.lines
    # re-saving the converted line unchanged (plus a discount) is fine
    run(repo, SaveInvoice(invoice=draft([replace(line, adjustment_cents=5_000)], id=invoice_id,
                                        number=invoice.number, contact_id=ada.id)))
    assert get_invoice(repo, invoice_id).total_cents == 95_000
    # stripping the memo link, or moving it to another piece, is refused
    refuse(repo, SaveInvoice(invoice=draft([replace(line, memo_id=None, memo_line_id=None)],
                                           id=invoice_id, number=invoice.number)),
           ValidationError, match="keeps its memo")
    refuse(repo, SaveInvoice(invoice=draft([replace(line, piece_id=b.id)], id=invoice_id,
                                           number=invoice.number)), ValidationError)


# --- vendor memos ------------------------------------------------------------------------


def receive(repo: MemoryRepository, vendor: Contact, count: int = 2) -> VendorMemo:
    memo_id = new_id()
    run(repo, ReceiveVendorMemo(
        vendor_memo_id=memo_id, vendor_id=vendor.id, vendor_memo_no="V-88812",
        memo_date=date(2025, 3, 1), terms="Net 30",
        lines=[VendorMemoLineDraft(line_id=new_id(), piece=piece(cost_cents=40_000 + i))
               for i in range(count)]))
    vm = repo.get(VendorMemo, memo_id)
    assert vm is not None
    return vm


def vendor(repo: MemoryRepository) -> Contact:
    return create_contact(repo, company="Consign Co", first_name="", last_name="",
                          is_customer=False, is_vendor=True)


def test_vendor_memo_receive_sell_settle(repo: MemoryRepository) -> None:
    v = vendor(repo)
    vm = receive(repo, v)
    assert (vm.vendor_memo_no, vm.terms) == ("V-88812", "Net 30")
    pieces = [repo.get(Piece, ln.piece_id) for ln in vm.lines]
    assert all(p is not None and p.consigned and p.status is PieceStatus.ON_VENDOR_MEMO
               and p.vendor_id == v.id and p.vendor_memo_id == vm.id for p in pieces)
    assert [ln.cost_cents for ln in vm.lines] == [40_000, 40_001]
    sold = pieces[0]
    assert sold is not None
    invoice = sell(repo, [piece_line(sold, 90_000)])
    vm2 = repo.get(VendorMemo, vm.id)
    assert vm2 is not None
    assert [ln.status for ln in vm2.lines] == [VendorMemoLineStatus.SOLD_UNPAID,
                                              VendorMemoLineStatus.ON_HAND]
    assert status(repo, sold.id) is PieceStatus.SOLD
    # the unsold line cannot be settled; the sold one can
    refuse(repo, SettleVendorMemoLines(vendor_memo_id=vm.id, line_ids=[vm.lines[1].id]),
           IllegalTransition)
    run(repo, SettleVendorMemoLines(vendor_memo_id=vm.id, line_ids=[vm.lines[0].id]))
    vm3 = repo.get(VendorMemo, vm.id)
    assert vm3 is not None
    assert (vm3.lines[0].status, vm3.lines[0].paid_cents) == (VendorMemoLineStatus.SETTLED,
                                                              40_000)
    refuse(repo, SettleVendorMemoLines(vendor_memo_id=vm.id, line_ids=[vm.lines[0].id]),
           IllegalTransition)
    # the settled sale can no longer be voided silently back onto the vendor memo
    refuse(repo, VoidInvoice(invoice_id=invoice.id, reason="x"), IllegalTransition)


def test_settle_with_a_negotiated_amount(repo: MemoryRepository) -> None:
    vm = receive(repo, vendor(repo), count=1)
    p = repo.get(Piece, vm.lines[0].piece_id)
    assert p is not None
    sell(repo, [piece_line(p, 90_000)])
    line_id = vm.lines[0].id
    refuse(repo, SettleVendorMemoLines(vendor_memo_id=vm.id, line_ids=[line_id],
                                       paid_cents={str(line_id): -1}), InvalidMoney)
    run(repo, SettleVendorMemoLines(vendor_memo_id=vm.id, line_ids=[line_id],
                                    paid_cents={str(line_id): 38_000}))
    vm2 = repo.get(VendorMemo, vm.id)
    assert vm2 is not None and vm2.lines[0].paid_cents == 38_000


def test_void_of_a_consigned_sale_puts_the_line_back_on_hand(repo: MemoryRepository) -> None:
    vm = receive(repo, vendor(repo), count=1)
    p = repo.get(Piece, vm.lines[0].piece_id)
    assert p is not None
    invoice = sell(repo, [piece_line(p, 90_000)])
    run(repo, VoidInvoice(invoice_id=invoice.id, reason="x"))
    vm2 = repo.get(VendorMemo, vm.id)
    assert vm2 is not None and vm2.lines[0].status is VendorMemoLineStatus.ON_HAND
    assert status(repo, p.id) is PieceStatus.ON_VENDOR_MEMO


def test_return_to_vendor(repo: MemoryRepository) -> None:
    vm = receive(repo, vendor(repo))
    keep_id, back_id = vm.lines[0].piece_id, vm.lines[1].piece_id
    run(repo, ReturnToVendor(vendor_memo_id=vm.id, line_ids=[vm.lines[1].id]))
    vm2 = repo.get(VendorMemo, vm.id)
    assert vm2 is not None
    assert vm2.lines[1].status is VendorMemoLineStatus.RETURNED
    assert status(repo, back_id) is PieceStatus.RETURNED_TO_VENDOR
    refuse(repo, ReturnToVendor(vendor_memo_id=vm.id, line_ids=[vm.lines[1].id]),
           IllegalTransition)
    keep = repo.get(Piece, keep_id)
    assert keep is not None
    sell(repo, [piece_line(keep)])
    refuse(repo, ReturnToVendor(vendor_memo_id=vm.id, line_ids=[vm.lines[0].id]),
           IllegalTransition)
    refuse(repo, ReturnToVendor(vendor_memo_id=vm.id, line_ids=[new_id()]), ValidationError)
    refuse(repo, ReturnToVendor(vendor_memo_id=new_id(), line_ids=[new_id()]), NotFound)
    refuse(repo, ReturnToVendor(vendor_memo_id=vm.id, line_ids=[]), ValidationError)


def test_receive_vendor_memo_refusals(repo: MemoryRepository) -> None:
    v = vendor(repo)
    customer = create_contact(repo)

    def op(**kw: object) -> ReceiveVendorMemo:
        fields: dict[str, object] = {
            "vendor_memo_id": new_id(), "vendor_id": v.id, "vendor_memo_no": "V-1",
            "memo_date": date(2025, 3, 1),
            "lines": [VendorMemoLineDraft(line_id=new_id(), piece=piece())]}
        fields.update(kw)
        return ReceiveVendorMemo(**fields)  # type: ignore[arg-type]

    refuse(repo, op(vendor_id=customer.id), ValidationError, match="not marked as a vendor")
    refuse(repo, op(vendor_id=new_id()), NotFound)
    refuse(repo, op(vendor_memo_no=" "), ValidationError)
    refuse(repo, op(lines=[]), ValidationError)
    refuse(repo, op(lines=[VendorMemoLineDraft(line_id=new_id(),
                                               piece=piece(description=""))]), ValidationError)
    existing = create_piece(repo)
    refuse(repo, op(lines=[VendorMemoLineDraft(line_id=new_id(), piece=piece()),
                           VendorMemoLineDraft(line_id=new_id(),
                                               piece=piece(stock_id=existing.stock_id))]),
           Duplicate)
    first = op()
    run(repo, first)
    refuse(repo, replace(first, lines=[VendorMemoLineDraft(line_id=new_id(), piece=piece())]),
           Duplicate)


def test_convert_refuses_a_line_id_already_on_the_invoice(repo: MemoryRepository) -> None:
    ada = create_contact(repo)
    p = create_piece(repo)
    m = issue(repo, ada, [p])
    invoice = save_invoice(repo, [misc_line(5_000)], contact_id=ada.id)
    taken = invoice.lines[0].id
    refuse(repo, ConvertMemoToInvoice(memo_id=m.id, line_ids=[m.lines[0].id],
                                      invoice_id=invoice.id, invoice_number=invoice.number,
                                      new_line_ids=[taken]), ValidationError)
