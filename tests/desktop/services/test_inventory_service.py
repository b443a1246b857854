"""Inventory through ``services.inventory``: pieces of the five families, edits, quantity
items, status moves and re-pricing; every refused change writes nothing."""

from __future__ import annotations

from decimal import Decimal

from jeweltrak_core.errors import Duplicate, IllegalTransition, NotFound, ValidationError
from jeweltrak_core.ids import new_id
from jeweltrak_core.inventory.entities import Piece
from jeweltrak_core.inventory.operations import AdjustStock, CreatePiece
from jeweltrak_core.inventory.stock import Family, PieceStatus, StockAction
from jeweltrak_desktop.services import inventory, sales
from jeweltrak_desktop.services.local_store import LocalStore

from .helpers import assert_refused, query, records_one_op, scalar

FAMILY_EXAMPLES: dict[Family, dict] = {
    Family.JEWELRY: {
        "description": "14K yellow gold diamond solitaire",
        "category": "engagement ring",
        "metal_type": "yellow gold",
        "karat": 14,
        "metal_weight_g": Decimal("3.25"),
        "size": "6.5",
    },
    Family.WATCH: {
        "description": "Rolex Submariner Date",
        "brand": "Rolex",
        "model": "Submariner",
        "reference": "126610LN",
        "serial_no": "7Z4411X9",
        "box_papers": True,
    },
    Family.DIAMOND: {
        "description": "1.01 ct round brilliant G VS1",
        "shape": "round",
        "carat_weight": Decimal("1.01"),
        "color": "G",
        "clarity": "VS1",
        "lab": "GIA",
        "certificate_no": "2141438167",
    },
    Family.COLORED_STONE: {
        "description": "2.30 ct oval blue sapphire",
        "shape": "oval",
        "carat_weight": Decimal("2.30"),
        "color": "blue",
        "treatments": "heated",
    },
    Family.PEARL: {
        "description": "Akoya pearl strand 7.5 mm",
        "pearl_size_mm": Decimal("7.5"),
        "stone_count": 60,
        "color": "white",
    },
}


def test_create_piece_fills_price_tiers_from_cost_and_writes_one_op(store: LocalStore) -> None:
    with records_one_op(store, "create_piece") as rec:
        piece = inventory.create_piece(
            store, family=Family.JEWELRY, description="14K rope chain bracelet",
            cost_cents=120_000, location="Case 2",
        )
    assert piece.stock_id == "DA-1001"
    assert piece.status is PieceStatus.IN_STOCK
    # Store multipliers, each from cost: 1.5 / 1.8 / 2.0 / 2.5.
    assert (piece.price1_cents, piece.price2_cents, piece.price3_cents, piece.retail_cents) == (
        180_000,
        216_000,
        240_000,
        300_000,
    )
    assert rec.touched == {f"pieces:{piece.id}"}
    payload = rec.payload
    assert isinstance(payload, CreatePiece)
    assert payload.piece.id == piece.id
    assert payload.piece.stock_id == "DA-1001"
    assert payload.piece.retail_cents == 300_000
    assert payload.piece.location == "Case 2"
    row = query(store, "SELECT stock_id, family, status, cost_cents FROM pieces")[0]
    assert tuple(row) == ("DA-1001", "jewelry", "in_stock", 120_000)


def test_pieces_of_all_five_families(store: LocalStore) -> None:
    created: dict[Family, Piece] = {}
    for family, fields in FAMILY_EXAMPLES.items():
        with records_one_op(store, "create_piece"):
            created[family] = inventory.create_piece(
                store, family=family, cost_cents=50_000, **fields
            )
    rows = query(store, "SELECT family, count(*) FROM pieces GROUP BY family")
    assert {r[0]: r[1] for r in rows} == {f.value: 1 for f in Family}
    assert created[Family.DIAMOND].carat_weight == Decimal("1.01")
    assert created[Family.PEARL].stone_count == 60
    assert created[Family.WATCH].box_papers is True
    assert created[Family.JEWELRY].metal_weight_g == Decimal("3.25")
    # Decimals are stored as exact text, never as floats.
    assert scalar(store, "SELECT typeof(carat_weight) FROM pieces WHERE family = 'diamond'") == (
        "text"
    )
    price_override = inventory.create_piece(
        store, family=Family.JEWELRY, description="Estate brooch", cost_cents=10_000,
        retail_cents=99_500,
    )
    assert (price_override.price1_cents, price_override.retail_cents) == (15_000, 99_500)


def test_update_piece_patches_fields_and_a_cost_edit_does_not_reprice(
    store: LocalStore, make_piece
) -> None:
    piece = make_piece(description="14K white gold band")
    with records_one_op(store, "update_piece") as rec:
        updated = inventory.update_piece(
            store, piece.id, description="14K white gold comfort-fit band", cost_cents=150_000
        )
    assert rec.payload.piece_id == piece.id
    assert rec.payload.changes == {
        "description": "14K white gold comfort-fit band",
        "cost_cents": 150_000,
    }
    assert rec.touched == {f"pieces:{piece.id}"}
    assert updated.description == "14K white gold comfort-fit band"
    assert updated.cost_cents == 150_000
    assert updated.retail_cents == 300_000  # not re-priced

    with records_one_op(store, "reprice_pieces") as rec:
        inventory.reprice(store, [piece.id])
    assert rec.payload.piece_ids == [piece.id]
    assert rec.payload.multiplier_retail == Decimal("2.5")
    assert inventory.get_piece(store, piece.id).retail_cents == 375_000


def test_quantity_item_adjust_and_count(store: LocalStore, make_piece) -> None:
    chain = make_piece(
        description="18in sterling rope chain", cost_cents=2_000, is_quantity_item=True,
        qty_purchased=10,
    )
    with records_one_op(store, "adjust_stock") as rec:
        chain = inventory.adjust_stock(store, chain.id, -2, reason="Damaged clasp")
    assert rec.payload == AdjustStock(piece_id=chain.id, delta=-2, reason="Damaged clasp")
    assert rec.touched == {f"pieces:{chain.id}"}
    assert chain.ledger.expected_quantity == 8

    with records_one_op(store, "adjust_stock"):
        chain = inventory.adjust_stock(store, chain.id, 5, reason="Received PO 77", purchase=True)
    assert (chain.qty_purchased, chain.ledger.expected_quantity) == (15, 13)

    with records_one_op(store, "count_stock") as rec:
        chain = inventory.count_stock(store, chain.id, 11)
    assert (rec.payload.observed, rec.payload.expected_seen) == (11, 13)
    assert chain.ledger.expected_quantity == 11

    # Negative stock is flagged (an outcome to review), never refused.
    with records_one_op(store, "adjust_stock"):
        chain = inventory.adjust_stock(store, chain.id, -20, reason="Count correction")
    assert chain.ledger.expected_quantity == -9

    invoice = sales.new_invoice(store)
    invoice = sales.add_quantity(store, invoice.id, chain.stock_id, 2)
    sales.finalize_invoice(store, invoice.id)
    assert inventory.get_piece(store, chain.id).qty_invoiced == 2


def test_status_moves_scrap_and_service(store: LocalStore, make_piece) -> None:
    piece = make_piece()
    with records_one_op(store, "change_piece_status") as rec:
        piece = inventory.change_status(store, piece.id, StockAction.SEND_FOR_SERVICE, "Polish")
    assert rec.payload.action is StockAction.SEND_FOR_SERVICE
    assert piece.status is PieceStatus.OUT_FOR_SERVICE
    piece = inventory.change_status(store, piece.id, StockAction.BACK_FROM_SERVICE)
    assert piece.status is PieceStatus.IN_STOCK
    piece = inventory.change_status(store, piece.id, StockAction.SCRAP, "Broken beyond repair")
    assert piece.status is PieceStatus.SCRAPPED
    assert inventory.count_by_status(store) == {"scrapped": 1}


def test_refused_inventory_changes_write_nothing(store: LocalStore, make_piece) -> None:
    ring = make_piece(stock_id="R-100")
    other = make_piece(stock_id="R-200")
    chain = make_piece(
        description="Box chain", cost_cents=900, is_quantity_item=True, qty_purchased=4
    )
    invoice = sales.new_invoice(store)
    invoice = sales.add_piece(store, invoice.id, other.stock_id)
    sales.finalize_invoice(store, invoice.id)

    assert_refused(
        store, IllegalTransition, inventory.change_status, store, other.id, StockAction.SCRAP
    )
    assert_refused(
        store, ValidationError, inventory.change_status, store, ring.id, StockAction.SELL
    )
    assert_refused(store, ValidationError, inventory.adjust_stock, store, ring.id, 1, reason="x")
    assert_refused(store, ValidationError, inventory.adjust_stock, store, chain.id, 0, reason="x")
    assert_refused(store, ValidationError, inventory.count_stock, store, chain.id, -1)
    assert_refused(store, ValidationError, inventory.update_piece, store, ring.id, status="sold")
    assert_refused(store, ValidationError, inventory.update_piece, store, ring.id)
    assert_refused(store, ValidationError, inventory.update_piece, store, ring.id, description=" ")
    assert_refused(store, Duplicate, inventory.update_piece, store, ring.id, stock_id="r-200")
    assert_refused(store, NotFound, inventory.update_piece, store, new_id(), notes="x")
    assert_refused(store, ValidationError, inventory.reprice, store, [])
