"""Inventory operations: create/update pieces, stock deltas and counts, status moves, re-price."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from jeweltrak_core.errors import (
    Duplicate,
    IllegalTransition,
    InvalidMoney,
    NotFound,
    ValidationError,
)
from jeweltrak_core.ids import new_id
from jeweltrak_core.inventory.entities import Piece
from jeweltrak_core.inventory.operations import (
    AdjustStock,
    ChangePieceStatus,
    CountStock,
    CreatePiece,
    RepricePieces,
    UpdatePiece,
)
from jeweltrak_core.inventory.pricing import MultiplierMode
from jeweltrak_core.inventory.stock import Family, PieceStatus, StockAction

from .builders import create_chain, create_piece, piece, piece_line, refuse, sell
from .memory_repo import NOW, SERVER, MemoryRepository, run


def stored(repo: MemoryRepository, piece_id: object) -> Piece:
    p = repo.get(Piece, piece_id)  # type: ignore[arg-type]
    assert p is not None
    return p


# --- create_piece ------------------------------------------------------------------------


def test_create_piece_stores_it_in_stock_with_the_op_time(repo: MemoryRepository) -> None:
    p = piece(status=PieceStatus.SOLD)  # a status sent by the client is not trusted
    outcome = run(repo, CreatePiece(piece=p), version=7)
    assert outcome.status == "applied"
    s = stored(repo, p.id)
    assert s.status is PieceStatus.IN_STOCK
    assert s.created_at == s.updated_at == NOW
    assert s.version == 7
    assert (s.stock_id, s.retail_cents, s.cost_cents) == (p.stock_id, 250_000, 100_000)
    assert repo.piece_by_stock_id(p.stock_id.lower()) is not None


def test_create_consigned_piece_is_on_vendor_memo(repo: MemoryRepository) -> None:
    p = create_piece(repo, consigned=True)
    assert p.status is PieceStatus.ON_VENDOR_MEMO


def test_create_stone_with_its_family_fields(repo: MemoryRepository) -> None:
    p = create_piece(repo, family=Family.DIAMOND, description="Round brilliant 1.01ct",
                     carat_weight=Decimal("1.01"), color="G", clarity="VS1", lab="GIA",
                     certificate_no="2141234567")
    assert p.carat_weight == Decimal("1.01")
    assert p.certificate_no == "2141234567"


def test_create_piece_twice_is_a_duplicate(repo: MemoryRepository) -> None:
    p = create_piece(repo)
    run_again = CreatePiece(piece=replace(p, stock_id="OTHER1"))
    refuse(repo, run_again, Duplicate)


def test_stock_id_is_unique_case_insensitively(repo: MemoryRepository) -> None:
    create_piece(repo, stock_id="AB-100")
    err = refuse(repo, CreatePiece(piece=piece(stock_id="ab-100")), Duplicate)
    assert err.details["field"] == "stock_id"


def test_barcode_is_unique(repo: MemoryRepository) -> None:
    create_piece(repo, barcode="0123456789")
    err = refuse(repo, CreatePiece(piece=piece(barcode="0123456789")), Duplicate)
    assert err.details["field"] == "barcode"


@pytest.mark.parametrize(
    ("fields", "error", "field"),
    [
        ({"stock_id": "bad id!"}, ValidationError, "stock_id"),
        ({"description": "  "}, ValidationError, "description"),
        ({"carat_weight": Decimal("1.0")}, ValidationError, "carat_weight"),  # not jewelry
        ({"karat": 30}, ValidationError, "karat"),
        ({"cost_cents": -1}, InvalidMoney, "cost_cents"),
        ({"retail_cents": 10_000_000_001}, InvalidMoney, "retail_cents"),
        ({"qty_purchased": 3}, ValidationError, "qty_purchased"),  # one of a kind
        ({"barcode": "ÄÖ"}, ValidationError, "barcode"),
    ],
)
def test_create_piece_refuses_bad_fields(repo: MemoryRepository, fields: dict[str, object],
                                         error: type[Exception], field: str) -> None:
    err = refuse(repo, CreatePiece(piece=piece(**fields)), error)  # type: ignore[arg-type]
    assert err.details["field"] == field


def test_create_piece_for_another_store_is_refused(repo: MemoryRepository) -> None:
    refuse(repo, CreatePiece(piece=piece(store_id=new_id())), ValidationError,
           match="another store")


def test_create_piece_does_not_trust_stock_counters_from_the_client(
        repo: MemoryRepository) -> None:
    # A new chain that claims units already invoiced, on memo, adjusted ... Counters move
    # only by operations (as status does): a new piece starts with its purchase alone.
    p = piece(is_quantity_item=True, qty_purchased=10, qty_invoiced=4, qty_on_memo=2,
              qty_adjustments=-1, qty_returned_to_vendor=1, qty_scrapped=1,
              description="18in rope chain")
    run(repo, CreatePiece(piece=p))
    s = stored(repo, p.id)
    assert (s.qty_purchased, s.qty_adjustments, s.qty_invoiced, s.qty_on_memo,
            s.qty_returned_to_vendor, s.qty_scrapped) == (10, 0, 0, 0, 0, 0)
    assert s.ledger.expected_quantity == 10


# --- update_piece ------------------------------------------------------------------------


def test_update_piece_cost_edit_does_not_reprice(repo: MemoryRepository) -> None:
    p = create_piece(repo)
    outcome = run(repo, UpdatePiece(piece_id=p.id, changes={
        "cost_cents": 120_000, "location": "Case 3",
    }), version=3)
    assert outcome.status == "applied"
    s = stored(repo, p.id)
    assert s.cost_cents == 120_000
    assert s.location == "Case 3"
    assert (s.price1_cents, s.retail_cents) == (150_000, 250_000)
    assert s.version == 3


def test_update_piece_can_clear_an_optional_field(repo: MemoryRepository) -> None:
    p = create_piece(repo, location="Case 3", notes="Estate piece")
    run(repo, UpdatePiece(piece_id=p.id, changes={"location": None, "notes": None}))
    s = stored(repo, p.id)
    assert (s.location, s.notes) == (None, None)


def test_update_piece_decodes_values_by_type(repo: MemoryRepository) -> None:
    p = create_piece(repo, family=Family.DIAMOND, description="Oval 0.70ct")
    run(repo, UpdatePiece(piece_id=p.id, changes={"carat_weight": "0.71"}))
    assert stored(repo, p.id).carat_weight == Decimal("0.71")


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({}, ValidationError),
        ({"status": "sold"}, ValidationError),  # status moves only through operations
        ({"qty_invoiced": 3}, ValidationError),
        ({"retail_cents": -5}, InvalidMoney),
        ({"retail_cents": "100"}, InvalidMoney),
        ({"retail_cents": 1.5}, InvalidMoney),
        ({"description": ""}, ValidationError),
        ({"stock_id": "no spaces"}, ValidationError),
    ],
)
def test_update_piece_refusals(repo: MemoryRepository, changes: dict[str, object],
                               error: type[Exception]) -> None:
    p = create_piece(repo)
    refuse(repo, UpdatePiece(piece_id=p.id, changes=changes), error)  # type: ignore[arg-type]


def test_update_piece_to_a_taken_stock_id_is_a_duplicate(repo: MemoryRepository) -> None:
    create_piece(repo, stock_id="TAKEN")
    p = create_piece(repo)
    refuse(repo, UpdatePiece(piece_id=p.id, changes={"stock_id": "taken"}), Duplicate)
    # changing the case of its own StockID is fine
    run(repo, UpdatePiece(piece_id=p.id, changes={"stock_id": p.stock_id.lower()}))
    assert stored(repo, p.id).stock_id == p.stock_id.lower()


def test_update_unknown_piece_is_not_found(repo: MemoryRepository) -> None:
    refuse(repo, UpdatePiece(piece_id=new_id(), changes={"location": "x"}), NotFound)


# --- adjust_stock ------------------------------------------------------------------------


def test_adjust_stock_purchase_and_adjustment(repo: MemoryRepository) -> None:
    chain = create_chain(repo, purchased=10)
    assert run(repo, AdjustStock(piece_id=chain.id, delta=5, purchase=True)).status == "applied"
    assert run(repo, AdjustStock(piece_id=chain.id, delta=-2, reason="damaged")).status \
        == "applied"
    s = stored(repo, chain.id)
    assert (s.qty_purchased, s.qty_adjustments) == (15, -2)
    assert s.ledger.expected_quantity == 13


def test_negative_stock_is_flagged_not_refused(repo: MemoryRepository) -> None:
    chain = create_chain(repo, purchased=2)
    outcome = run(repo, AdjustStock(piece_id=chain.id, delta=-5, reason="lost"))
    assert outcome.status == "conflict"
    assert chain.stock_id in (outcome.detail or "")
    assert stored(repo, chain.id).ledger.expected_quantity == -3  # the change was kept


def test_adjust_stock_refusals(repo: MemoryRepository) -> None:
    ring = create_piece(repo)
    refuse(repo, AdjustStock(piece_id=ring.id, delta=1), ValidationError,
           match="one-of-a-kind")
    refuse(repo, AdjustStock(piece_id=new_id(), delta=1), NotFound)
    chain = create_chain(repo)
    refuse(repo, AdjustStock(piece_id=chain.id, delta=0), ValidationError, match="non-zero")


# --- count_stock -------------------------------------------------------------------------


def test_count_is_applied_as_a_delta(repo: MemoryRepository) -> None:
    chain = create_chain(repo, purchased=10)
    assert run(repo, CountStock(piece_id=chain.id, observed=8, expected_seen=10)).status \
        == "applied"
    assert stored(repo, chain.id).ledger.expected_quantity == 8


def test_count_taken_while_another_sale_happened_still_nets(repo: MemoryRepository) -> None:
    chain = create_chain(repo, purchased=10)
    # The counter is shown 10 and finds 9 on the shelf; meanwhile another workstation sells 2.
    count = CountStock(piece_id=chain.id, observed=9, expected_seen=10, as_of_version=4)
    sell(repo, [piece_line(chain, 5_000, quantity=2)])
    run(repo, count, SERVER, version=6)
    s = stored(repo, chain.id)
    assert s.qty_invoiced == 2
    assert s.ledger.expected_quantity == 7  # 9 counted, then the 2 sold left the shelf


def test_count_refusals(repo: MemoryRepository) -> None:
    chain = create_chain(repo)
    refuse(repo, CountStock(piece_id=chain.id, observed=-1, expected_seen=10), ValidationError)
    ring = create_piece(repo)
    refuse(repo, CountStock(piece_id=ring.id, observed=1, expected_seen=1), ValidationError)
    refuse(repo, CountStock(piece_id=new_id(), observed=1, expected_seen=1), NotFound)


def test_count_that_leaves_negative_stock_is_flagged(repo: MemoryRepository) -> None:
    chain = create_chain(repo, purchased=5)
    count = CountStock(piece_id=chain.id, observed=0, expected_seen=5)
    sell(repo, [piece_line(chain, 5_000, quantity=2)])  # sold elsewhere meanwhile
    outcome = run(repo, count, SERVER, version=9)
    assert stored(repo, chain.id).ledger.expected_quantity == -2
    assert outcome.status == "conflict"  # as adjust_stock does: flagged, not refused


# --- change_piece_status -----------------------------------------------------------------


def test_send_for_service_and_back(repo: MemoryRepository) -> None:
    p = create_piece(repo)
    run(repo, ChangePieceStatus(piece_id=p.id, action=StockAction.SEND_FOR_SERVICE))
    assert stored(repo, p.id).status is PieceStatus.OUT_FOR_SERVICE
    run(repo, ChangePieceStatus(piece_id=p.id, action=StockAction.BACK_FROM_SERVICE))
    assert stored(repo, p.id).status is PieceStatus.IN_STOCK
    consigned = create_piece(repo, consigned=True)
    run(repo, ChangePieceStatus(piece_id=consigned.id, action=StockAction.SEND_FOR_SERVICE))
    run(repo, ChangePieceStatus(piece_id=consigned.id, action=StockAction.BACK_FROM_SERVICE))
    assert stored(repo, consigned.id).status is PieceStatus.ON_VENDOR_MEMO


def test_scrap(repo: MemoryRepository) -> None:
    p = create_piece(repo)
    run(repo, ChangePieceStatus(piece_id=p.id, action=StockAction.SCRAP, note="broken"))
    assert stored(repo, p.id).status is PieceStatus.SCRAPPED


def test_change_piece_status_refusals(repo: MemoryRepository) -> None:
    p = create_piece(repo)
    refuse(repo, ChangePieceStatus(piece_id=p.id, action=StockAction.SELL), ValidationError)
    refuse(repo, ChangePieceStatus(piece_id=p.id, action=StockAction.BACK_FROM_SERVICE),
           IllegalTransition)
    consigned = create_piece(repo, consigned=True)
    refuse(repo, ChangePieceStatus(piece_id=consigned.id, action=StockAction.SCRAP),
           IllegalTransition, match="vendor")
    chain = create_chain(repo)
    refuse(repo, ChangePieceStatus(piece_id=chain.id, action=StockAction.SCRAP), ValidationError)
    refuse(repo, ChangePieceStatus(piece_id=new_id(), action=StockAction.SCRAP), NotFound)
    sold = create_piece(repo)
    sell(repo, [piece_line(sold)])
    refuse(repo, ChangePieceStatus(piece_id=sold.id, action=StockAction.SEND_FOR_SERVICE),
           IllegalTransition, match="already sold")


# --- reprice_pieces ----------------------------------------------------------------------


def test_reprice_each_from_cost_and_stacked(repo: MemoryRepository) -> None:
    a = create_piece(repo, cost_cents=10_001)
    b = create_piece(repo, cost_cents=20_000)
    run(repo, RepricePieces(piece_ids=[a.id, b.id], multiplier_price1=Decimal("1.5"),
                            multiplier_price2=Decimal("2"), multiplier_price3=Decimal("2.5"),
                            multiplier_retail=Decimal("3")))
    s = stored(repo, a.id)
    # 10,001 × 1.5 = 15,001.5 → 15,002 (half up, once)
    assert (s.price1_cents, s.price2_cents, s.price3_cents, s.retail_cents) == (
        15_002, 20_002, 25_003, 30_003)
    assert stored(repo, b.id).retail_cents == 60_000
    run(repo, RepricePieces(piece_ids=[b.id], multiplier_price1=Decimal("1.5"),
                            multiplier_price2=Decimal("2"), multiplier_price3=Decimal("1.1"),
                            multiplier_retail=Decimal("1.5"), mode=MultiplierMode.STACKED))
    s = stored(repo, b.id)
    assert (s.price1_cents, s.price2_cents, s.price3_cents, s.retail_cents) == (
        30_000, 60_000, 66_000, 99_000)


def test_reprice_refusals_leave_every_piece_unchanged(repo: MemoryRepository) -> None:
    a = create_piece(repo)
    ok = {"multiplier_price1": Decimal("1.5"), "multiplier_price2": Decimal("2"),
          "multiplier_price3": Decimal("2.5"), "multiplier_retail": Decimal("3")}
    refuse(repo, RepricePieces(piece_ids=[], **ok), ValidationError)
    refuse(repo, RepricePieces(piece_ids=[a.id], **{**ok, "multiplier_price2": Decimal(0)}),
           ValidationError)
    # the first piece is re-priced before the second is found missing: all rolled back
    refuse(repo, RepricePieces(piece_ids=[a.id, new_id()], **ok), NotFound)
    assert stored(repo, a.id).retail_cents == 250_000
