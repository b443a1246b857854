"""``get_many`` reads what ``get`` reads, for many IDs at once, and later writes stay minimal."""

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
                 description=f"Ring {stock_id}", cost_cents=10_000, retail_cents=25_000)


def test_get_many_equals_get_for_each_id_and_leaves_out_missing_ones(head_db: Path) -> None:
    engine = open_engine(head_db)
    pieces = [_piece(f"R-{n}") for n in range(1_234)]  # more IDs than one query binds
    with engine.begin() as conn:
        repo = SqliteRepository(conn)
        for piece in pieces:
            repo.put(piece)
    missing = uuid4()
    wanted = [p.id for p in reversed(pieces)] + [missing, pieces[0].id]
    with engine.connect() as conn, conn.begin():
        repo = SqliteRepository(conn)
        found = repo.get_many(Piece, wanted)
        assert set(found) == {p.id for p in pieces}
        for piece in pieces:
            assert found[piece.id] == repo.get(Piece, piece.id) == piece
        assert repo.get_many(Piece, []) == {}
        assert repo.get_many(Piece, [missing]) == {}
    engine.dispose()


def test_get_many_reads_child_lines_like_get(head_db: Path) -> None:
    engine = open_engine(head_db)
    invoices = [
        Invoice(id=uuid4(), store_id=uuid4(), number=f"DA-{n}", lines=[
            InvoiceLine(id=uuid4(), kind=LineKind.MISC, description=f"Line {n}.{i}",
                        unit_price_cents=100 * (i + 1)) for i in range(n)])
        for n in range(4)
    ]
    with engine.begin() as conn:
        for invoice in invoices:
            SqliteRepository(conn).put(invoice)
    with engine.connect() as conn, conn.begin():
        repo = SqliteRepository(conn)
        found = repo.get_many(Invoice, [i.id for i in invoices])
        assert [found[i.id] for i in invoices] == [repo.get(Invoice, i.id) for i in invoices]
        assert [len(found[i.id].lines) for i in invoices] == [0, 1, 2, 3]
    engine.dispose()


def test_a_piece_read_by_get_many_is_written_back_with_only_its_change(head_db: Path) -> None:
    engine = open_engine(head_db)
    pieces = [_piece("R-1"), _piece("R-2")]
    with engine.begin() as conn:
        for piece in pieces:
            SqliteRepository(conn).put(piece)
    with engine.connect().execution_options(immediate=True) as conn, conn.begin():
        repo = SqliteRepository(conn)
        found = repo.get_many(Piece, [p.id for p in pieces])
        before = repo.db.total_changes
        repo.put(found[pieces[0].id])
        assert repo.db.total_changes == before  # read through get_many: unchanged, no write
        repo.put(replace(found[pieces[1].id], status=PieceStatus.SOLD))
        assert repo.db.total_changes == before + 1
    engine.dispose()
    assert query(head_db, "SELECT stock_id, status FROM pieces ORDER BY stock_id") == [
        ("R-1", "in_stock"), ("R-2", "sold")]
