"""Invoice operations: save (tax), finalize, reopen, void, delete; oversells on the server."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from jeweltrak_core.errors import (
    Conflict,
    Duplicate,
    IllegalTransition,
    InvalidMoney,
    NotFound,
    ValidationError,
)
from jeweltrak_core.ids import new_id
from jeweltrak_core.inventory.entities import Piece
from jeweltrak_core.inventory.stock import PieceStatus
from jeweltrak_core.sales.invoice_state import InvoiceStatus
from jeweltrak_core.sales.operations import (
    DeleteInvoice,
    FinalizeInvoice,
    ReopenInvoice,
    SaveInvoice,
    VoidInvoice,
)
from jeweltrak_core.sales.tax import LineKind
from jeweltrak_core.store.entities import OversellException
from jeweltrak_core.store.operations import ResolveOversell

from .builders import (
    FLORIDA,
    create_chain,
    create_contact,
    create_piece,
    draft,
    finalize,
    get_invoice,
    misc_line,
    pay,
    piece_line,
    refuse,
    save_invoice,
    sell,
)
from .memory_repo import NOW, OTHER_DEVICE_ID, SERVER, USER_ID, MemoryRepository, run


def status(repo: MemoryRepository, piece_id: object) -> PieceStatus:
    p = repo.get(Piece, piece_id)  # type: ignore[arg-type]
    assert p is not None
    return p.status


# --- save_invoice: totals and Florida tax ------------------------------------------------


def test_florida_three_items_at_3000(repo: MemoryRepository) -> None:
    pieces = [create_piece(repo) for _ in range(3)]
    invoice = save_invoice(repo, [piece_line(p, 300_000) for p in pieces], **FLORIDA)
    # 6% of $9,000 = $540, plus 1% surtax on each item's first $5,000 (all of $3,000) = $90
    assert invoice.tax_cents == 63_000
    assert [ln.tax_cents for ln in invoice.lines] == [21_000, 21_000, 21_000]
    assert invoice.subtotal_cents == 900_000
    assert invoice.total_cents == 963_000
    assert [ln.position for ln in invoice.lines] == [0, 1, 2]
    assert [ln.cost_cents for ln in invoice.lines] == [100_000] * 3


def test_florida_three_units_on_one_quantity_line(repo: MemoryRepository) -> None:
    chain = create_chain(repo)
    invoice = save_invoice(repo, [piece_line(chain, 300_000, quantity=3)], **FLORIDA)
    assert invoice.tax_cents == 63_000
    assert invoice.lines[0].cost_cents == 300_000  # 3 × cost


def test_florida_one_item_at_8000_caps_the_surtax(repo: MemoryRepository) -> None:
    p = create_piece(repo)
    invoice = save_invoice(repo, [piece_line(p, 800_000)], **FLORIDA)
    assert invoice.tax_cents == 53_000  # $480 + 1% of $5,000
    assert invoice.total_cents == 853_000


def test_discount_trade_in_and_exempt_lines(repo: MemoryRepository) -> None:
    p = create_piece(repo)
    lines = [
        piece_line(p, 200_000, adjustment_cents=20_000),
        replace(misc_line(5_000), taxable=False),
        replace(misc_line(50_000), kind=LineKind.TRADE_IN, description="Old band",
                actual_trade_value_cents=30_000),
    ]
    invoice = save_invoice(repo, lines, tax_rate=Decimal("0.06"))
    assert [ln.amount_cents for ln in invoice.lines] == [180_000, 5_000, -50_000]
    # tax on 180,000 and on −50,000 (a trade-in reduces the taxable amount); none on the box
    assert [ln.tax_cents for ln in invoice.lines] == [10_800, 0, -3_000]
    assert invoice.total_cents == 135_000 + 7_800
    exempt = save_invoice(repo, [misc_line(10_000)], tax_exempt=True,
                          exempt_reason="Resale certificate", **FLORIDA)
    assert (exempt.tax_cents, exempt.total_cents) == (0, 10_000)


def test_saving_again_replaces_the_lines(repo: MemoryRepository) -> None:
    a, b = create_piece(repo), create_piece(repo)
    d = draft([piece_line(a, 100_000)])
    run(repo, SaveInvoice(invoice=d))
    run(repo, SaveInvoice(invoice=replace(d, lines=[piece_line(b, 70_000)],
                                          notes="swapped")), version=3)
    invoice = get_invoice(repo, d.id)
    assert [ln.piece_id for ln in invoice.lines] == [b.id]
    assert (invoice.total_cents, invoice.notes, invoice.version) == (70_000, "swapped", 3)
    assert invoice.created_at == NOW


def test_committed_flag_is_never_trusted_from_input(repo: MemoryRepository) -> None:
    p = create_piece(repo)
    invoice = save_invoice(repo, [piece_line(p, committed=True)])
    assert invoice.lines[0].committed is False
    finalize(repo, invoice.id)
    assert status(repo, p.id) is PieceStatus.SOLD  # not skipped as "already committed"


def test_invoice_numbers_are_unique_and_stable(repo: MemoryRepository) -> None:
    first = save_invoice(repo, [misc_line(1_000)], number="A1-7")
    refuse(repo, SaveInvoice(invoice=draft([misc_line(1_000)], number="A1-7")), Duplicate)
    refuse(repo, SaveInvoice(invoice=draft([misc_line(1_000)], id=first.id, number="A1-8")),
           ValidationError, match="keeps its number")
    refuse(repo, SaveInvoice(invoice=draft([misc_line(1_000)], number=" ")), ValidationError)


@pytest.mark.parametrize(
    ("make_lines", "fields", "error"),
    [
        (lambda p: [piece_line(p), piece_line(p)], {}, ValidationError),  # same piece twice
        (lambda p: [piece_line(p, piece_id=None)], {}, ValidationError),
        (lambda p: [misc_line(1, piece_id=p.id)], {}, ValidationError),
        (lambda p: [piece_line(p, description=" ")], {}, ValidationError),
        (lambda p: [piece_line(p, quantity=2)], {}, ValidationError),
        (lambda p: [piece_line(p, 1_000, adjustment_cents=2_000)], {}, InvalidMoney),
        (lambda p: [piece_line(p, -1)], {}, InvalidMoney),
        (lambda p: [piece_line(p, trade_concession_cents=-1)], {}, InvalidMoney),
        (lambda p: [piece_line(p, piece_id=new_id())], {}, NotFound),
        (lambda p: [piece_line(p)], {"contact_id": new_id()}, NotFound),
        (lambda p: [piece_line(p)], {"commission_split_pct": 101}, ValidationError),
        (lambda p: [piece_line(p)], {"tax_exempt": True}, ValidationError),
        (lambda p: [piece_line(p)], {"tax_rate": Decimal("1.5")}, ValidationError),
        (lambda p: [piece_line(p)], {"surtax_threshold_cents": -1}, InvalidMoney),
        (lambda p: [piece_line(p, kind=LineKind.RETURN, quantity=-1)], {}, ValidationError),
    ],
)
def test_save_invoice_refusals(repo: MemoryRepository, make_lines: object,
                               fields: dict[str, object], error: type[Exception]) -> None:
    p = create_piece(repo)
    lines = make_lines(p)  # type: ignore[operator]
    refuse(repo, SaveInvoice(invoice=draft(lines, **fields)), error)  # type: ignore[arg-type]


def test_quantity_and_piece_lines_must_match_the_item(repo: MemoryRepository) -> None:
    ring, chain = create_piece(repo), create_chain(repo)
    refuse(repo, SaveInvoice(invoice=draft([replace(piece_line(ring), kind=LineKind.QUANTITY)])),
           ValidationError, match="one of a kind")
    refuse(repo, SaveInvoice(invoice=draft([replace(piece_line(chain), kind=LineKind.PIECE)])),
           ValidationError, match="by quantity")


def test_saving_a_sold_piece_is_refused_locally_but_accepted_on_the_server(
        repo: MemoryRepository) -> None:
    p = create_piece(repo)
    sell(repo, [piece_line(p)])
    refuse(repo, SaveInvoice(invoice=draft([piece_line(p)])), IllegalTransition,
           match="sold")
    invoice = save_invoice(repo, [piece_line(p)], SERVER)
    assert invoice.status is InvoiceStatus.OPEN


def test_finalized_invoice_cannot_be_saved(repo: MemoryRepository) -> None:
    d = draft([misc_line(1_000)])
    run(repo, SaveInvoice(invoice=d))
    finalize(repo, d.id)
    refuse(repo, SaveInvoice(invoice=replace(d, notes="late edit")), IllegalTransition,
           match="reopen it")


# --- finalize_invoice --------------------------------------------------------------------


def test_finalize_sells_the_pieces(repo: MemoryRepository) -> None:
    a, b = create_piece(repo), create_piece(repo)
    chain = create_chain(repo, purchased=10)
    invoice = save_invoice(repo, [piece_line(a), piece_line(b), piece_line(chain, quantity=3)],
                           **FLORIDA)
    outcome = run(repo, FinalizeInvoice(invoice_id=invoice.id,
                                        expected_total_cents=invoice.total_cents), version=12)
    assert outcome.status == "applied"
    final = get_invoice(repo, invoice.id)
    assert final.status is InvoiceStatus.FINALIZED
    assert (final.finalized_at, final.version) == (NOW, 12)
    assert all(ln.committed for ln in final.lines)
    assert status(repo, a.id) is status(repo, b.id) is PieceStatus.SOLD
    c = repo.get(Piece, chain.id)
    assert c is not None and c.qty_invoiced == 3 and c.ledger.expected_quantity == 7


def test_finalize_with_a_different_total_is_a_conflict(repo: MemoryRepository) -> None:
    p = create_piece(repo)
    invoice = save_invoice(repo, [piece_line(p, 300_000)], **FLORIDA)
    err = refuse(repo, FinalizeInvoice(invoice_id=invoice.id,
                                       expected_total_cents=invoice.total_cents - 1), Conflict)
    assert "edited elsewhere" in err.message
    assert status(repo, p.id) is PieceStatus.IN_STOCK
    assert get_invoice(repo, invoice.id).status is InvoiceStatus.OPEN


def test_finalize_refusals(repo: MemoryRepository) -> None:
    empty = save_invoice(repo, [])
    refuse(repo, FinalizeInvoice(invoice_id=empty.id, expected_total_cents=0), ValidationError,
           match="at least one line")
    refuse(repo, FinalizeInvoice(invoice_id=new_id(), expected_total_cents=0), NotFound)
    done = sell(repo, [misc_line(1_000)])
    refuse(repo, FinalizeInvoice(invoice_id=done.id, expected_total_cents=done.total_cents),
           IllegalTransition, match="already finalized")


def test_local_finalize_of_a_piece_sold_meanwhile_is_refused(repo: MemoryRepository) -> None:
    p = create_piece(repo)
    first = save_invoice(repo, [piece_line(p)])
    second = save_invoice(repo, [piece_line(p)])  # both drafts made while it was in stock
    finalize(repo, first.id)
    before = repo.snapshot()
    with pytest.raises(IllegalTransition, match="cannot be sold"):
        finalize(repo, second.id)
    assert repo.snapshot() == before
    assert repo.all(OversellException) == []


def test_server_accepts_the_second_sale_and_raises_an_oversell(repo: MemoryRepository) -> None:
    p = create_piece(repo)
    other = create_piece(repo)
    winner = save_invoice(repo, [piece_line(p)], SERVER)
    loser = save_invoice(repo, [piece_line(p), piece_line(other)], SERVER,
                         device_id=OTHER_DEVICE_ID)
    assert finalize(repo, winner.id, SERVER, version=20).status == "applied"
    outcome = finalize(repo, loser.id, SERVER, version=21, device_id=OTHER_DEVICE_ID)
    assert outcome.status == "conflict"
    assert len(outcome.exceptions) == 1
    exc = repo.get(OversellException, outcome.exceptions[0])
    assert exc is not None
    assert (exc.piece_id, exc.losing_invoice_id, exc.resolved_at) == (p.id, loser.id, None)
    assert p.stock_id in exc.detail
    lost = get_invoice(repo, loser.id)
    assert lost.status is InvoiceStatus.FINALIZED  # the money was taken: the sale stands
    assert [ln.committed for ln in lost.lines] == [False, True]
    assert status(repo, other.id) is PieceStatus.SOLD

    # Voiding the losing invoice must not put the winner's piece back in stock.
    run(repo, VoidInvoice(invoice_id=loser.id, reason="Piece was sold at the other counter"),
        SERVER, version=22)
    assert status(repo, p.id) is PieceStatus.SOLD
    assert status(repo, other.id) is PieceStatus.IN_STOCK
    assert get_invoice(repo, winner.id).status is InvoiceStatus.FINALIZED

    # A manager resolves the exception once.
    run(repo, ResolveOversell(exception_id=exc.id, resolution="Refunded the customer"), SERVER)
    resolved = repo.get(OversellException, exc.id)
    assert resolved is not None
    assert (resolved.resolved_at, resolved.resolution) == (NOW, "Refunded the customer")
    refuse(repo, ResolveOversell(exception_id=exc.id, resolution="again"), ValidationError,
           SERVER)


def test_resolve_oversell_refusals(repo: MemoryRepository) -> None:
    refuse(repo, ResolveOversell(exception_id=new_id(), resolution="x"), NotFound)
    refuse(repo, ResolveOversell(exception_id=new_id(), resolution="  "), ValidationError)


# --- reopen_invoice ----------------------------------------------------------------------


def test_reopen_releases_stock_until_finalized_again(repo: MemoryRepository) -> None:
    p = create_piece(repo)
    chain = create_chain(repo, purchased=5)
    invoice = sell(repo, [piece_line(p), piece_line(chain, quantity=2)])
    run(repo, ReopenInvoice(invoice_id=invoice.id, reason="Customer adds a chain"))
    reopened = get_invoice(repo, invoice.id)
    assert reopened.status is InvoiceStatus.OPEN
    assert (reopened.reopen_count, reopened.finalized_at) == (1, None)
    assert not any(ln.committed for ln in reopened.lines)
    assert status(repo, p.id) is PieceStatus.IN_STOCK
    c = repo.get(Piece, chain.id)
    assert c is not None and c.qty_invoiced == 0
    # edit and finalize again
    run(repo, SaveInvoice(invoice=draft([piece_line(p), piece_line(chain, quantity=3)],
                                        id=invoice.id, number=invoice.number)))
    finalize(repo, invoice.id)
    c = repo.get(Piece, chain.id)
    assert c is not None and c.qty_invoiced == 3
    assert status(repo, p.id) is PieceStatus.SOLD


def test_reopen_refusals(repo: MemoryRepository) -> None:
    open_invoice = save_invoice(repo, [misc_line(100)])
    refuse(repo, ReopenInvoice(invoice_id=open_invoice.id, reason="x"), IllegalTransition,
           match="already open")
    done = sell(repo, [misc_line(100)])
    refuse(repo, ReopenInvoice(invoice_id=done.id, reason=" "), ValidationError)
    refuse(repo, ReopenInvoice(invoice_id=new_id(), reason="x"), NotFound)


# --- void_invoice ------------------------------------------------------------------------


def test_void_returns_pieces_to_stock(repo: MemoryRepository) -> None:
    p = create_piece(repo)
    chain = create_chain(repo, purchased=5)
    invoice = sell(repo, [piece_line(p), piece_line(chain, quantity=2)])
    pay(repo, invoice.id, 1_000)
    run(repo, VoidInvoice(invoice_id=invoice.id, reason="Rang up the wrong customer"),
        version=30)
    voided = get_invoice(repo, invoice.id)
    assert voided.status is InvoiceStatus.VOIDED
    assert (voided.voided_at, voided.voided_by, voided.void_reason) == (
        NOW, USER_ID, "Rang up the wrong customer")
    assert voided.paid_cents == 1_000  # payments stay on record; refunded separately
    assert status(repo, p.id) is PieceStatus.IN_STOCK
    c = repo.get(Piece, chain.id)
    assert c is not None and c.qty_invoiced == 0
    # a void is permanent
    refuse(repo, VoidInvoice(invoice_id=invoice.id, reason="again"), IllegalTransition,
           match="permanent")
    refuse(repo, ReopenInvoice(invoice_id=invoice.id, reason="undo"), IllegalTransition)
    refuse(repo, FinalizeInvoice(invoice_id=invoice.id, expected_total_cents=0),
           IllegalTransition)


def test_void_an_open_invoice_and_refusals(repo: MemoryRepository) -> None:
    p = create_piece(repo)
    invoice = save_invoice(repo, [piece_line(p)])
    run(repo, VoidInvoice(invoice_id=invoice.id, reason="Abandoned"))
    assert status(repo, p.id) is PieceStatus.IN_STOCK
    other = save_invoice(repo, [misc_line(100)])
    refuse(repo, VoidInvoice(invoice_id=other.id, reason=""), ValidationError)
    refuse(repo, VoidInvoice(invoice_id=new_id(), reason="x"), NotFound)


# --- returns -----------------------------------------------------------------------------


def test_return_line_puts_a_sold_piece_back(repo: MemoryRepository) -> None:
    contact = create_contact(repo)
    p = create_piece(repo)
    sell(repo, [piece_line(p, 100_000)], contact_id=contact.id, tax_rate=Decimal("0.06"))
    ret = piece_line(p, 100_000, kind=LineKind.RETURN, quantity=-1)
    exchange = sell(repo, [ret, misc_line(30_000)], contact_id=contact.id,
                    tax_rate=Decimal("0.06"))
    assert exchange.total_cents == -70_000 - 4_200
    assert status(repo, p.id) is PieceStatus.IN_STOCK
    # voiding the exchange sells the piece again
    run(repo, VoidInvoice(invoice_id=exchange.id, reason="mistake"))
    assert status(repo, p.id) is PieceStatus.SOLD


# --- delete_invoice ----------------------------------------------------------------------


def test_delete_open_invoice_leaves_a_tombstone(repo: MemoryRepository) -> None:
    invoice = save_invoice(repo, [misc_line(100)])
    assert run(repo, DeleteInvoice(invoice_id=invoice.id)).status == "applied"
    assert repo.get(type(invoice), invoice.id) is None
    assert repo.tombstones() == [("Invoice", invoice.id)]


def test_delete_refusals(repo: MemoryRepository) -> None:
    paid = save_invoice(repo, [misc_line(10_000)])
    pay(repo, paid.id, 5_000)
    refuse(repo, DeleteInvoice(invoice_id=paid.id), ValidationError, match="void it")
    done = sell(repo, [misc_line(100)])
    refuse(repo, DeleteInvoice(invoice_id=done.id), IllegalTransition)
    refuse(repo, DeleteInvoice(invoice_id=new_id()), NotFound)
    # once finalized, an invoice is a financial document: reopened, it is voided, not deleted
    run(repo, ReopenInvoice(invoice_id=done.id, reason="fix"))
    refuse(repo, DeleteInvoice(invoice_id=done.id), ValidationError, match="void it")


def test_selling_a_quantity_item_into_negative_stock_is_flagged(repo: MemoryRepository) -> None:
    chain = create_chain(repo, purchased=2)
    invoice = save_invoice(repo, [piece_line(chain, 5_000, quantity=3)])
    outcome = finalize(repo, invoice.id)
    c = repo.get(Piece, chain.id)
    assert c is not None and c.ledger.expected_quantity == -1  # applied, not refused
    assert get_invoice(repo, invoice.id).status is InvoiceStatus.FINALIZED
    assert outcome.status == "conflict"
