"""The test double itself: copies on get/put, lookups, merge re-pointing, transactional run."""

from __future__ import annotations

from decimal import Decimal

import pytest

from jeweltrak_core.errors import NotFound
from jeweltrak_core.ids import new_id
from jeweltrak_core.inventory.entities import Piece
from jeweltrak_core.inventory.operations import RepricePieces
from jeweltrak_core.payments.entities import DrawerSession, Payment
from jeweltrak_core.payments.rules import Tender
from jeweltrak_core.sales.entities import Invoice
from jeweltrak_core.sync.ops import apply_operation

from .builders import create_piece, piece
from .memory_repo import (
    DEVICE_ID,
    LOCAL,
    NOW,
    OTHER_DEVICE_ID,
    STORE_ID,
    MemoryRepository,
    make_op,
    run,
)


def test_get_and_put_copy(repo: MemoryRepository) -> None:
    p = piece()
    repo.put(p)
    p.description = "changed after put"
    got = repo.get(Piece, p.id)
    assert got is not None and got.description == "14K yellow gold ring"
    got.description = "changed without put"
    again = repo.get(Piece, p.id)
    assert again is not None and again.description == "14K yellow gold ring"
    assert repo.get(Invoice, p.id) is None  # keyed by class and id


def test_delete_leaves_a_tombstone(repo: MemoryRepository) -> None:
    p = piece()
    repo.put(p)
    repo.delete(Piece, p.id)
    assert repo.get(Piece, p.id) is None
    assert repo.tombstones() == [("Piece", p.id)]
    assert repo.snapshot()["tombstones"] == [("Piece", p.id)]


def test_lookups(repo: MemoryRepository) -> None:
    p = piece(stock_id="Ab-12", barcode="JT0001")
    repo.put(p)
    found = repo.piece_by_stock_id("aB-12")
    assert found is not None and found.id == p.id
    assert repo.piece_by_stock_id("Ab-13") is None
    assert repo.piece_by_barcode("jt0001") is not None
    inv = Invoice(id=new_id(), store_id=STORE_ID, number="A1-1")
    repo.put(inv)
    assert repo.number_taken(Invoice, "A1-1", new_id())
    assert not repo.number_taken(Invoice, "A1-1", inv.id)
    assert not repo.number_taken(Invoice, "A1-2", new_id())


def test_payments_for_and_open_drawer(repo: MemoryRepository) -> None:
    inv_id, session_id = new_id(), new_id()
    taken = Payment(id=new_id(), store_id=STORE_ID, tender=Tender.CASH, amount_cents=100,
                    invoice_id=inv_id, drawer_session_id=session_id)
    refund = Payment(id=new_id(), store_id=STORE_ID, tender=Tender.CASH, amount_cents=-50,
                     invoice_id=inv_id, refund_of_id=taken.id)
    repo.put(taken)
    repo.put(refund)
    assert {p.id for p in repo.payments_for(invoice_id=inv_id)} == {taken.id, refund.id}
    assert [p.id for p in repo.payments_for(refund_of_id=taken.id)] == [refund.id]
    assert [p.id for p in repo.payments_for(drawer_session_id=session_id)] == [taken.id]
    assert repo.payments_for() == []
    closed = DrawerSession(id=new_id(), store_id=STORE_ID, device_id=DEVICE_ID, opened_at=NOW,
                           opening_float_cents=0, closed_at=NOW)
    repo.put(closed)
    assert repo.open_drawer_for(DEVICE_ID) is None
    open_ = DrawerSession(id=new_id(), store_id=STORE_ID, device_id=DEVICE_ID, opened_at=NOW,
                          opening_float_cents=0)
    repo.put(open_)
    found = repo.open_drawer_for(DEVICE_ID)
    assert found is not None and found.id == open_.id
    assert repo.open_drawer_for(OTHER_DEVICE_ID) is None


def test_repoint_contact(repo: MemoryRepository) -> None:
    old, new = new_id(), new_id()
    inv = Invoice(id=new_id(), store_id=STORE_ID, number="A1-1", contact_id=old)
    p = piece(vendor_id=old)
    repo.put(inv)
    repo.put(p)
    repo.repoint_contact(old, new)
    moved_inv, moved_piece = repo.get(Invoice, inv.id), repo.get(Piece, p.id)
    assert moved_inv is not None and moved_inv.contact_id == new
    assert moved_piece is not None and moved_piece.vendor_id == new


def test_run_rolls_back_a_refused_op(repo: MemoryRepository) -> None:
    a = create_piece(repo)
    multipliers = {"multiplier_price1": Decimal(2), "multiplier_price2": Decimal(2),
                   "multiplier_price3": Decimal(2), "multiplier_retail": Decimal(3)}
    payload = RepricePieces(piece_ids=[a.id, new_id()], **multipliers)
    # Without a transaction the handler's first write would stay (it re-prices ``a`` and
    # only then finds the second piece missing) ...
    bare = MemoryRepository()
    bare.put(a)
    with pytest.raises(NotFound):
        apply_operation(make_op(payload, seq=1, device_id=DEVICE_ID, store_id=STORE_ID), bare,
                        authority=LOCAL)
    written = bare.get(Piece, a.id)
    assert written is not None and written.retail_cents == 300_000
    # ... run() applies it in an emulated transaction and rolls it back.
    before = repo.snapshot()
    with pytest.raises(NotFound):
        run(repo, payload)
    assert repo.snapshot() == before
