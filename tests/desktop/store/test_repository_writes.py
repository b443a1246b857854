"""The repository writes only what changed on rows it read, and nothing is lost by that."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from uuid import uuid4

from jeweltrak_core.inventory.entities import Piece
from jeweltrak_core.inventory.stock import Family, PieceStatus
from jeweltrak_core.sales.entities import Invoice, InvoiceLine
from jeweltrak_core.sales.tax import LineKind
from jeweltrak_desktop.store.db import open_engine
from jeweltrak_desktop.store.repository import SqliteRepository

from .conftest import query


def _piece(stock_id: str) -> Piece:
    return Piece(id=uuid4(), store_id=uuid4(), stock_id=stock_id, family=Family.JEWELRY,
                 description="14K gold ring", cost_cents=10_000, retail_cents=25_000)


def test_an_unchanged_put_writes_nothing_and_a_change_writes_only_it(head_db: Path) -> None:
    engine = open_engine(head_db)
    piece = _piece("R-1")
    with engine.begin() as conn:
        SqliteRepository(conn).put(piece)
    with engine.connect().execution_options(immediate=True) as conn, conn.begin():
        repo = SqliteRepository(conn)
        loaded = repo.get(Piece, piece.id)
        assert loaded is not None
        before = repo.db.total_changes
        repo.put(loaded)
        assert repo.db.total_changes == before  # same values: no UPDATE at all
        repo.put(replace(loaded, status=PieceStatus.SOLD))
        assert repo.db.total_changes == before + 1  # one row; the search index untouched
        repo.put(replace(loaded, status=PieceStatus.SOLD, description="14K gold ring, sized"))
    engine.dispose()
    assert query(head_db, "SELECT status, description, stock_id FROM pieces") == [
        ("sold", "14K gold ring, sized", "R-1")]
    # the search index follows the changed description
    assert query(head_db, "SELECT count(*) FROM pieces_fts WHERE pieces_fts MATCH 'sized'") == [
        (1,)]


def test_child_lines_update_in_place_or_are_replaced_when_the_lines_change(
        head_db: Path) -> None:
    engine = open_engine(head_db)
    lines = [InvoiceLine(id=uuid4(), kind=LineKind.MISC, description=f"Line {i}",
                         unit_price_cents=1_000 * (i + 1)) for i in range(3)]
    invoice = Invoice(id=uuid4(), store_id=uuid4(), number="DA-1", lines=lines)
    with engine.begin() as conn:
        SqliteRepository(conn).put(invoice)
    with engine.connect().execution_options(immediate=True) as conn, conn.begin():
        repo = SqliteRepository(conn)
        loaded = repo.get(Invoice, invoice.id)
        assert loaded is not None
        loaded.lines[1].committed = True
        repo.put(loaded)  # same lines: one row updated in place
        loaded.lines.pop(0)
        repo.put(loaded)  # a line removed: rows replaced
        assert repo.get(Invoice, invoice.id) == loaded
    engine.dispose()
    assert query(head_db, "SELECT description, committed, seq FROM invoice_lines ORDER BY seq") \
        == [("Line 1", 1, 0), ("Line 2", 0, 1)]


def test_a_deleted_row_put_again_is_inserted_again(head_db: Path) -> None:
    engine = open_engine(head_db)
    invoice = Invoice(id=uuid4(), store_id=uuid4(), number="DA-2", lines=[
        InvoiceLine(id=uuid4(), kind=LineKind.MISC, description="Engraving",
                    unit_price_cents=2_500)])
    with engine.connect().execution_options(immediate=True) as conn, conn.begin():
        repo = SqliteRepository(conn)
        repo.put(invoice)
        assert repo.get(Invoice, invoice.id) is not None
        repo.delete(Invoice, invoice.id)
        assert repo.get(Invoice, invoice.id) is None
        repo.put(invoice)
    engine.dispose()
    assert query(head_db, "SELECT number FROM invoices") == [("DA-2",)]
    assert query(head_db, "SELECT description FROM invoice_lines") == [("Engraving",)]
