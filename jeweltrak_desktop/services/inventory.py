"""Inventory at the counter: add and edit pieces, look them up, move stock."""

from __future__ import annotations

import re
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
from jeweltrak_core.inventory.pricing import price_tiers_from_cost
from jeweltrak_core.inventory.stock import Family, StockAction
from jeweltrak_core.permissions import Permission
from jeweltrak_core.sync.wire import encode
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
