"""Saving an invoice reads all its pieces in one ``get_many`` and checks every line as before."""

from __future__ import annotations

from uuid import UUID

from jeweltrak_core.errors import IllegalTransition, NotFound, ValidationError
from jeweltrak_core.ids import new_id
from jeweltrak_core.inventory.entities import Piece
from jeweltrak_core.inventory.stock import PieceStatus
from jeweltrak_core.sales.operations import SaveInvoice
from jeweltrak_core.sales.tax import LineKind

from .builders import (
    create_chain,
    create_piece,
    draft,
    misc_line,
    piece_line,
    refuse,
    save_invoice,
    sell,
)
from .memory_repo import MemoryRepository


def test_a_long_sale_checks_and_costs_every_line_from_its_own_piece(
        repo: MemoryRepository) -> None:
    pieces = [create_piece(repo, cost_cents=1_000 * (n + 1)) for n in range(60)]
    chain = create_chain(repo, cost_cents=700)
    lines = [piece_line(p) for p in pieces] + [piece_line(chain, quantity=3), misc_line(500)]
    invoice = save_invoice(repo, lines)
    assert [ln.cost_cents for ln in invoice.lines] == (
        [1_000 * (n + 1) for n in range(60)] + [2_100, 0])
    assert [ln.kind for ln in invoice.lines[-2:]] == [LineKind.QUANTITY, LineKind.MISC]


def test_a_missing_piece_is_reported_as_before(repo: MemoryRepository) -> None:
    present = create_piece(repo)
    missing = piece_line(present, piece_id=new_id())
    error = refuse(repo, SaveInvoice(invoice=draft([piece_line(present), missing])), NotFound)
    assert error.message == "The piece was not found (it may not have synced yet)."
    assert error.details == {"id": str(missing.piece_id)}


def test_the_first_bad_line_decides_the_error_whatever_the_pieces(
        repo: MemoryRepository) -> None:
    sold = create_piece(repo)
    sell(repo, [piece_line(sold)])
    stored = repo.get(Piece, sold.id)
    assert stored is not None and stored.status is PieceStatus.SOLD
    blank = misc_line(500, description=" ")
    # The blank description comes first, so it is what the clerk is told (not the sold piece).
    refuse(repo, SaveInvoice(invoice=draft([blank, piece_line(sold)])), ValidationError,
           match="description")
    refuse(repo, SaveInvoice(invoice=draft([piece_line(sold), blank])), IllegalTransition,
           match="cannot be sold")


def test_get_many_of_the_memory_repository_hands_out_copies(repo: MemoryRepository) -> None:
    a, b = create_piece(repo), create_piece(repo)
    found = repo.get_many(Piece, [a.id, new_id(), b.id])
    assert found == {a.id: a, b.id: b}
    found[a.id].description = "changed and not put"
    assert repo.get(Piece, a.id) == a
    assert repo.get_many(Piece, list[UUID]()) == {}
