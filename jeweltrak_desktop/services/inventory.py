"""Inventory at the counter: add and edit pieces, look them up, move stock."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, func, select

from jeweltrak_core.errors import NotFound, ValidationError
from jeweltrak_core.ids import new_id
from jeweltrak_core.inventory.entities import Piece, normalize_scan
from jeweltrak_core.inventory.operations import (
    AdjustStock,
    ChangePieceStatus,
    CountStock,
    CreatePiece,
    RepricePieces,
    UpdatePiece,
)
from jeweltrak_core.inventory.pricing import Multipliers, price_tiers_from_cost
from jeweltrak_core.inventory.stock import Family, QuantityLedger, StockAction
from jeweltrak_core.permissions import Permission
from jeweltrak_core.store.entities import Store
from jeweltrak_core.sync.wire import encode
from jeweltrak_desktop.documents.photos import prepare_photo
from jeweltrak_desktop.services.local_store import LocalStore
from jeweltrak_desktop.store.repository import SqliteRepository
from jeweltrak_desktop.store.schema import table_of

_PIECES = table_of(Piece).table
_TOKEN = re.compile(r"\w+", re.UNICODE)


def find_piece(repo: SqliteRepository, code: str) -> Piece:
    """Exact lookup by StockID, barcode, certificate # or serial #; NotFound otherwise."""
    piece = lookup_piece(repo, code)
    if piece is None:
        raise NotFound(
            f"No piece has StockID, barcode, certificate or serial “{code.strip()}”.", code=code
        )
    return piece


_BY_CODE = "SELECT * FROM pieces WHERE (stock_id = ? OR barcode = ?) AND deleted = 0 LIMIT 1"
# Certificate and serial numbers are matched as typed or upper-cased (they are stored as
# printed, usually upper case); both columns are indexed, NOCASE would scan.
_BY_CERT = (
    "SELECT * FROM pieces WHERE (certificate_no IN (?, ?) OR serial_no IN (?, ?)) "
    "AND deleted = 0 LIMIT 1"
)


def lookup_piece(repo: SqliteRepository, code: str) -> Piece | None:
    """The piece a scan or typed code names (StockID, barcode, certificate, serial), or None."""
    value = normalize_scan(code)
    found = repo.query(Piece, _BY_CODE, (value, value))
    if not found:
        raw = code.strip()
        found = repo.query(Piece, _BY_CERT, (raw, raw.upper(), raw, raw.upper()))
    return found[0] if found else None


def fts_query(words: str) -> str:
    """User words → an FTS5 query: every word must match; the last one, still being typed,
    as a prefix (two characters or more: a one-letter prefix would match half the index)."""
    tokens = _TOKEN.findall(words)[:12]
    if not tokens:
        raise ValidationError("Type something to search for.")
    *done, last = (t.replace('"', "") for t in tokens)
    parts = [f'"{t}"' for t in done]
    parts.append(f'"{last}"*' if len(last) >= 2 else f'"{last}"')
    return " ".join(parts)


#: Ranking (bm25) is computed for at most this many matches: a two-letter query over
#: 100,000 pieces would otherwise score every match before taking the best 50.
RANK_CANDIDATES = 500
SEARCH_PIECES_SQL = (
    "SELECT p.* FROM (SELECT rowid AS rid, bm25(pieces_fts) AS score FROM pieces_fts "
    "WHERE pieces_fts MATCH ? ORDER BY rowid DESC LIMIT ?) AS m "
    "JOIN pieces p ON p.rowid = m.rid WHERE p.deleted = 0 ORDER BY m.score, p.rowid DESC LIMIT ?"
)


def search_pieces(store: LocalStore, words: str, *, limit: int = 50) -> list[Piece]:
    """Free-text search across StockID, barcode, certificate, serial and descriptions.

    Best matches first among the newest ``RANK_CANDIDATES`` matching pieces.
    """
    query = fts_query(words)
    with store.reader() as repo:
        return repo.query(Piece, SEARCH_PIECES_SQL, (query, RANK_CANDIDATES, limit))


def get_piece(store: LocalStore, piece_id: UUID) -> Piece:
    """One piece."""
    with store.reader() as repo:
        piece = repo.get(Piece, piece_id)
    if piece is None:
        raise NotFound("That piece was not found.")
    return piece


def lookup(store: LocalStore, code: str) -> Piece | None:
    """Exact lookup for the scan field and global search."""
    with store.reader() as repo:
        return lookup_piece(repo, code)


def create_piece(
    store: LocalStore,
    *,
    family: Family,
    description: str,
    cost_cents: int,
    stock_id: str | None = None,
    **fields: Any,
) -> Piece:
    """Add a piece; price tiers not given are filled from cost with the store multipliers."""
    store.actor.require(Permission.MANAGE_INVENTORY)
    with store.transaction() as tx:
        settings = tx.store_settings()
        tiers = price_tiers_from_cost(cost_cents, settings.multipliers)
        prices: dict[str, Any] = {
            "price1_cents": tiers.price1_cents,
            "price2_cents": tiers.price2_cents,
            "price3_cents": tiers.price3_cents,
            "retail_cents": tiers.retail_cents,
        }
        prices.update({k: v for k, v in fields.items() if k in prices})
        other = {k: v for k, v in fields.items() if k not in prices}
        piece = Piece(
            id=new_id(),
            store_id=store.identity.store_id,
            stock_id=stock_id or tx.next_number("stock"),
            family=family,
            description=description,
            cost_cents=cost_cents,
            **prices,
            **other,
        )
        tx.apply(CreatePiece(piece=piece))
        return tx.fetch(Piece, piece.id)


def update_piece(store: LocalStore, piece_id: UUID, **changes: Any) -> Piece:
    """Edit fields of a piece (a cost edit does not re-price)."""
    store.actor.require(Permission.MANAGE_INVENTORY)
    with store.transaction() as tx:
        tx.apply(UpdatePiece(piece_id=piece_id, changes=encode(changes)))
        return tx.fetch(Piece, piece_id)


def adjust_stock(
    store: LocalStore, piece_id: UUID, delta: int, *, reason: str, purchase: bool = False
) -> Piece:
    """Quantity items: received, damaged, found ... (negative stock is flagged, not refused)."""
    store.actor.require(Permission.MANAGE_INVENTORY)
    with store.transaction() as tx:
        tx.apply(AdjustStock(piece_id=piece_id, delta=delta, reason=reason, purchase=purchase))
        return tx.fetch(Piece, piece_id)


def count_stock(store: LocalStore, piece_id: UUID, observed: int) -> Piece:
    """Record a physical count of a quantity item against what the screen showed."""
    with store.transaction() as tx:
        piece = tx.repo.get(Piece, piece_id)
        if piece is None:
            raise NotFound("That piece was not found.")
        tx.apply(
            CountStock(
                piece_id=piece_id,
                observed=observed,
                expected_seen=piece.ledger.expected_quantity,
                as_of_version=piece.version,
            )
        )
        return tx.fetch(Piece, piece_id)


def change_status(store: LocalStore, piece_id: UUID, action: StockAction, note: str = "") -> Piece:
    """Scrap, send out for service, or take back from service."""
    store.actor.require(Permission.MANAGE_INVENTORY)
    with store.transaction() as tx:
        tx.apply(ChangePieceStatus(piece_id=piece_id, action=action, note=note))
        return tx.fetch(Piece, piece_id)


def reprice(store: LocalStore, piece_ids: list[UUID]) -> None:
    """Bulk re-price from cost with the store's current multipliers."""
    store.actor.require(Permission.MANAGE_INVENTORY)
    with store.transaction() as tx:
        m = tx.store_settings().multipliers
        tx.apply(
            RepricePieces(
                piece_ids=piece_ids,
                multiplier_price1=m.price1,
                multiplier_price2=m.price2,
                multiplier_price3=m.price3,
                multiplier_retail=m.retail,
                mode=m.mode,
            )
        )


def list_pieces(
    store: LocalStore, *, family: Family | None = None, limit: int = 200
) -> list[Piece]:
    """Pieces for a list view (newest first)."""
    conditions: list[ColumnElement[bool]] = [_PIECES.c.deleted.is_(False)]
    if family is not None:
        conditions.append(_PIECES.c.family == family.value)
    with store.reader() as repo:
        return repo.list(Piece, *conditions, order_by=_PIECES.c.created_at.desc(), limit=limit)


def count_by_status(store: LocalStore) -> dict[str, int]:
    """How many pieces (not deleted) are in each stock status, as the overview counts them."""
    with store.reader() as repo:
        rows = repo.conn.execute(
            select(_PIECES.c.status, func.count())
            .where(_PIECES.c.deleted.is_(False))
            .group_by(_PIECES.c.status)
        ).all()
    return {status: count for status, count in rows}


# --- the inventory list: one window of rows at a time, sorted and filtered in SQL ---------

#: What each sortable list column orders by (a fixed list: never SQL from the caller).
SORT_KEYS: dict[str, str] = {
    "stock_id": "p.stock_id", "description": "p.description COLLATE NOCASE", "status": "p.status",
    "location": "p.location COLLATE NOCASE", "cost": "p.cost_cents", "retail": "p.retail_cents",
    "price1": "p.price1_cents", "margin": "p.retail_cents - p.cost_cents",
    "category": "p.category COLLATE NOCASE", "metal": "p.metal_type COLLATE NOCASE",
    "karat": "p.karat", "weight": "CAST(p.metal_weight_g AS REAL)",
    "brand": "p.brand COLLATE NOCASE", "model": "p.model COLLATE NOCASE",
    "reference": "p.reference", "shape": "p.shape COLLATE NOCASE",
    "carat": "CAST(p.carat_weight AS REAL)", "color": "p.color COLLATE NOCASE",
    "clarity": "p.clarity", "lab": "p.lab", "certificate": "p.certificate_no",
    "stones": "p.stone_count", "pearl_size": "CAST(p.pearl_size_mm AS REAL)",
    "added": "p.created_at",
}
#: Largest window one call returns.
MAX_WINDOW = 1000
_LIST_COLUMNS = (
    "id, stock_id, family, description, status, location, cost_cents, retail_cents, "
    "price1_cents, category, metal_type, karat, metal_weight_g, brand, model, reference, "
    "shape, carat_weight, color, clarity, lab, certificate_no, stone_count, pearl_size_mm, "
    "created_at, is_quantity_item, qty_purchased, qty_adjustments, qty_invoiced, "
    "qty_on_memo, qty_returned_to_vendor, qty_scrapped"
)


@dataclass(frozen=True)
class PieceListRow:
    """What the inventory list shows of one piece (plain values, as stored)."""

    piece_id: UUID
    stock_id: str
    family: str
    description: str
    status: str
    location: str | None
    cost_cents: int
    retail_cents: int
    price1_cents: int
    values: dict[str, Any]
    quantity: int | None

    @property
    def margin_cents(self) -> int:
        """Retail less cost."""
        return self.retail_cents - self.cost_cents


@dataclass(frozen=True)
class PieceWindow:
    """``rows`` from ``offset`` of the sorted, filtered list; ``total`` when it was asked for."""

    offset: int
    rows: list[PieceListRow]
    total: int | None


def list_filter_query(text: str) -> str | None:
    """Filter words → an FTS5 query where every word is a prefix; None when there are none."""
    tokens = [t.replace('"', "") for t in _TOKEN.findall(text)[:12]]
    return " ".join(f'"{t}"*' for t in tokens) or None


def _list_row(row: dict[str, Any]) -> PieceListRow:
    quantity = None
    if row["is_quantity_item"]:
        quantity = QuantityLedger(
            purchased=row["qty_purchased"], adjustments=row["qty_adjustments"],
            invoiced=row["qty_invoiced"], on_open_memos=row["qty_on_memo"],
            returned_to_vendor=row["qty_returned_to_vendor"], scrapped=row["qty_scrapped"],
        ).expected_quantity
    return PieceListRow(
        piece_id=UUID(row["id"]), stock_id=row["stock_id"], family=row["family"],
        description=row["description"], status=row["status"], location=row["location"],
        cost_cents=row["cost_cents"], retail_cents=row["retail_cents"],
        price1_cents=row["price1_cents"], values=row, quantity=quantity,
    )


def piece_window(
    store: LocalStore,
    *,
    family: Family | None,
    text: str = "",
    sort: str = "stock_id",
    descending: bool = False,
    offset: int = 0,
    limit: int = 200,
    with_total: bool = True,
) -> PieceWindow:
    """One window of the inventory list, sorted and filtered by SQLite (only its rows are read)."""
    if sort not in SORT_KEYS:
        raise ValidationError(f"The list cannot be sorted by “{sort}”.", field="sort")
    if offset < 0 or not 0 < limit <= MAX_WINDOW:
        raise ValidationError("Ask for between 1 and 1,000 rows from row 0 on.", field="limit")
    where: list[str] = ["p.deleted = 0"]
    params: list[Any] = []
    if family is not None:
        where.append("p.family = ?")
        params.append(Family(family).value)
    order = f"ORDER BY {SORT_KEYS[sort]} {'DESC' if descending else 'ASC'}, p.rowid " + (
        "DESC" if descending else "ASC")
    match = list_filter_query(text)
    with store.reader() as repo:
        if match is not None:
            return _matched_window(repo, match, where, params, order,
                                   offset=offset, limit=limit, with_total=with_total,
                                   by_index=sort == "stock_id" and family is not None)
        total = None
        if with_total:
            total = repo.db.execute(
                f"SELECT count(*) FROM pieces p WHERE {' AND '.join(where)}", params
            ).fetchone()[0]
        # Sort only rowids, then read the window's rows: the sorter never carries whole rows.
        ids = [r[0] for r in repo.db.execute(
            f"SELECT p.rowid FROM pieces p WHERE {' AND '.join(where)} {order} LIMIT ? OFFSET ?",
            (*params, limit, offset))]
        rows = _rows_by_id(repo, ids)
    return PieceWindow(offset=offset, rows=rows, total=total)


#: Above this many matches, a StockID-ordered window walks the list index (and stops after
#: the window) rather than sorting every match.
_SORT_MATCHES_UP_TO = 1000


def _matched_window(repo: SqliteRepository, match: str, where: list[str], params: list[Any],
                    order: str, *, offset: int, limit: int, with_total: bool,
                    by_index: bool) -> PieceWindow:
    """A window of the pieces matching the filter (each word a prefix, via the text index).

    The count joins the matches to their rows once. Few matches are sorted whole; many, in
    StockID order, are read by walking ``ix_pieces_list`` in order, keeping matching rowids.
    """
    conditions = " AND ".join(where)
    joined = f"pieces_fts CROSS JOIN pieces p ON p.rowid = pieces_fts.rowid " \
             f"WHERE pieces_fts MATCH ? AND {conditions}"
    total = None
    if with_total:
        total = repo.db.execute(f"SELECT count(*) FROM {joined}", (match, *params)).fetchone()[0]
        if total <= offset:
            return PieceWindow(offset=offset, rows=[], total=total)
    if by_index and (total is None or total > _SORT_MATCHES_UP_TO):
        sql = (f"SELECT p.rowid FROM pieces p WHERE {conditions} AND p.rowid IN "
               f"(SELECT rowid FROM pieces_fts WHERE pieces_fts MATCH ?) {order} LIMIT ? OFFSET ?")
        args: tuple[Any, ...] = (*params, match, limit, offset)
    else:
        sql = f"SELECT p.rowid FROM {joined} {order} LIMIT ? OFFSET ?"
        args = (match, *params, limit, offset)
    ids = [r[0] for r in repo.db.execute(sql, args)]
    return PieceWindow(offset=offset, rows=_rows_by_id(repo, ids), total=total)


def _rows_by_id(repo: SqliteRepository, ids: list[int]) -> list[PieceListRow]:
    """The list rows of these pieces (by SQLite rowid), in the order given."""
    if not ids:
        return []
    found = {r["rowid"]: r for r in repo.rows(
        f"SELECT rowid, {_LIST_COLUMNS} FROM pieces WHERE rowid IN "
        f"({', '.join('?' * len(ids))})", ids)}
    return [_list_row(found[i]) for i in ids if i in found]


def store_multipliers(store: LocalStore) -> Multipliers:
    """The store's price-tier multipliers (the item editor fills prices from cost with them)."""
    with store.reader() as repo:
        settings = repo.get(Store, store.identity.store_id)
    if settings is None:
        raise NotFound("This workstation has no store settings yet.")
    return settings.multipliers


#: Piece photos are kept beside the database, in this folder; pieces refer to them by name.
PHOTO_FOLDER = "photos"


def save_piece_photo(store: LocalStore, source: Path) -> str:
    """Keep a downscaled copy (≈1200 px JPEG) of a photo; returns the reference to store."""
    saved = prepare_photo(Path(source), store.path.parent / PHOTO_FOLDER)
    return f"{PHOTO_FOLDER}/{saved.name}"


def photo_path(store: LocalStore, ref: str) -> Path:
    """Where a piece photo reference points (absolute references as they are)."""
    path = Path(ref)
    return path if path.is_absolute() else store.path.parent / path
