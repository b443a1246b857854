"""``demo.build_demo_store``: the requested inventory across the five families, valid
StockIDs, history made through the real services, and demo ops that never upload."""

from __future__ import annotations

import json
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest

from jeweltrak_core.errors import Duplicate, ValidationError
from jeweltrak_core.inventory.entities import Piece, validate_barcode, validate_stock_id
from jeweltrak_core.inventory.stock import Family
from jeweltrak_core.sync.ops import Operation
from jeweltrak_desktop.demo import build_demo_store
from jeweltrak_desktop.services import inventory
from jeweltrak_desktop.services.local_store import LocalStore

from .helpers import outbox_rows, query, scalar


def test_demo_store_has_the_requested_pieces_across_all_five_families(
    demo_store: LocalStore,
) -> None:
    assert scalar(demo_store, "SELECT count(*) FROM pieces") == 300
    assert scalar(demo_store, "SELECT count(*) FROM contacts") == 40
    families = {r[0] for r in query(demo_store, "SELECT DISTINCT family FROM pieces")}
    assert families == {f.value for f in Family}

    rows = query(demo_store, "SELECT stock_id, barcode FROM pieces")
    stock_ids = [r["stock_id"] for r in rows]
    for stock_id, barcode in rows:
        validate_stock_id(stock_id)
        if barcode is not None:
            validate_barcode(barcode)
    assert len({s.upper() for s in stock_ids}) == 300

    with demo_store.reader() as repo:
        pieces = repo.list(Piece)
    assert len(pieces) == 300
    for piece in pieces:
        piece.validate()  # every family's own field rules
    assert all(p.store_id == demo_store.identity.store_id for p in pieces)


def test_demo_history_ops_are_marked_demo_and_never_pending(demo_store: LocalStore) -> None:
    rows = outbox_rows(demo_store)
    assert rows, "the demo history is made through the services"
    assert demo_store.pending_ops() == 0
    assert {r["status"] for r in rows} == {"demo"}
    assert [r["seq"] for r in rows] == list(range(1, len(rows) + 1))
    assert scalar(demo_store, "SELECT last_seq FROM device") == len(rows)
    op_types = [Operation.from_wire(json.loads(r["envelope"])).op_type for r in rows]
    assert op_types.count("finalize_invoice") == 12
    assert op_types.count("issue_memo") == 1
    assert op_types.count("open_work_order") == 6
    assert op_types.count("finalize_appraisal") == 1
    assert "create_piece" not in op_types  # inventory is seeded as starting state


def test_demo_sales_are_taxed_by_the_florida_rule(demo_store: LocalStore) -> None:
    """Every demo invoice line's tax, recomputed by hand: 6% of the amount plus 1% of at most
    $5,000 per unit, rounded half away from zero once per line."""
    lines = query(
        demo_store,
        "SELECT l.amount_cents, l.quantity, l.tax_cents, l.taxable FROM invoice_lines l "
        "JOIN invoices i ON i.id = l.invoice_id WHERE i.status = 'finalized'",
    )
    assert len(lines) == 16  # 12 pieces and 4 sizing charges
    for amount, quantity, tax, taxable in lines:
        assert taxable
        exact = Decimal(amount) * Decimal("0.06") + Decimal(
            min(amount, quantity * 500_000)
        ) * Decimal("0.01")
        assert tax == int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    invoices = query(
        demo_store,
        "SELECT i.tax_cents, i.total_cents, i.paid_cents, "
        "(SELECT sum(tax_cents) FROM invoice_lines WHERE invoice_id = i.id), "
        "(SELECT sum(amount_cents) FROM invoice_lines WHERE invoice_id = i.id) "
        "FROM invoices i",
    )
    for tax, total, paid, line_tax, line_amount in invoices:
        assert tax == line_tax
        assert total == line_amount + line_tax
        assert paid == total  # every demo sale is paid in full


def test_build_demo_store_without_history_and_over_an_existing_file(tmp_path: Path) -> None:
    path = tmp_path / "small" / "demo.sqlite3"
    store = build_demo_store(path, pieces=40, contacts=5, history=False)
    try:
        assert scalar(store, "SELECT count(*) FROM pieces") == 40
        assert outbox_rows(store) == []
        assert store.pending_ops() == 0
    finally:
        store.close()
    with pytest.raises(FileExistsError):
        build_demo_store(path, pieces=10, contacts=5)


def test_demo_stock_ids_are_refused_when_reused(demo_store: LocalStore) -> None:
    """The seeded StockIDs are real: a new piece cannot take one, whatever the case."""
    stock_id = scalar(demo_store, "SELECT stock_id FROM pieces LIMIT 1")
    with pytest.raises(Duplicate):
        inventory.create_piece(
            demo_store, family=Family.JEWELRY, description="Ring", cost_cents=100,
            stock_id=stock_id.lower(),
        )
    with pytest.raises(ValidationError):
        validate_stock_id("D 100001")
