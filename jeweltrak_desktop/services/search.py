"""The global search box: StockID/scan, certificate, names, phones, document numbers, words."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from jeweltrak_core.errors import NotFound, ValidationError
from jeweltrak_core.inventory.entities import Piece
from jeweltrak_core.money import format_money
from jeweltrak_core.work_orders.entities import WorkOrder
from jeweltrak_desktop.documents.claim_stub import parse_claim_stub
from jeweltrak_desktop.services import contacts, inventory
from jeweltrak_desktop.services.local_store import LocalStore

#: Document tables searched by number prefix (their ``number`` columns are NOCASE-indexed,
#: so ``LIKE 'prefix%'`` is an index range scan).
_DOCUMENTS = (
    ("invoice", "invoices"),
    ("memo", "customer_memos"),
    ("work_order", "work_orders"),
    ("appraisal", "appraisals"),
)


@dataclass(frozen=True)
class SearchHit:
    """One result line: what it is, its ID, and two lines of text for the quick peek."""

    kind: str
    id: UUID
    title: str
    subtitle: str


def global_search(store: LocalStore, text: str, *, limit: int = 20) -> list[SearchHit]:
    """Exact piece first, then document numbers, contacts and pieces by words."""
    query = text.strip()
    if not query:
        raise ValidationError("Type something to search for.")
    hits: list[SearchHit] = []
    exact = _exact_piece(store, query)
    if exact is not None:
        hits.append(exact)
    hits += _documents(store, query, limit)
    if any(c.isalnum() for c in query):
        hits += [
            SearchHit("contact", c.id, c.display_name, " · ".join(c.phones + c.emails))
            for c in contacts.search_contacts(store, query, limit=limit)
        ]
        hits += [
            SearchHit(
                "piece",
                p.id,
                f"{p.stock_id} {p.description}",
                f"{p.status.value.replace('_', ' ')} · {format_money(p.retail_cents)}",
            )
            for p in inventory.search_pieces(store, query, limit=limit)
            if exact is None or p.id != exact.id
        ]
    return hits[:limit]


def _exact_piece(store: LocalStore, query: str) -> SearchHit | None:
    try:
        piece = inventory.lookup(store, query)
    except ValidationError:  # not something a scanner could have typed
        return None
    if piece is None:
        return None
    return SearchHit(
        "piece",
        piece.id,
        f"{piece.stock_id} {piece.description}",
        f"{piece.status.value.replace('_', ' ')} · {format_money(piece.retail_cents)}",
    )


def _documents(store: LocalStore, query: str, limit: int) -> list[SearchHit]:
    if len(query) < 2 or "%" in query or "_" in query:
        return []
    hits = []
    with store.reader() as repo:
        for kind, table in _DOCUMENTS:
            for row in repo.rows(
                f"SELECT id, number FROM {table} WHERE number LIKE ? ORDER BY number LIMIT ?",
                (f"{query}%", limit),
            ):
                hits.append(SearchHit(kind, UUID(row["id"]), row["number"], kind.replace("_", " ")))
    return hits


@dataclass(frozen=True)
class ScanResult:
    """What the Sell screen's scan field read: a piece to sell or a job to hand back."""

    piece: Piece | None = None
    work_order: WorkOrder | None = None


def resolve_scan(store: LocalStore, raw: str) -> ScanResult:
    """A keyboard-wedge scan: a work-order claim stub (``WO/<number>``) or a piece code."""
    number = parse_claim_stub(raw)
    if number is not None:
        with store.reader() as repo:
            found = repo.query(WorkOrder, "SELECT * FROM work_orders WHERE number = ? LIMIT 1",
                               (number,))
        if not found:
            raise NotFound(f"No work order has number {number}.")
        return ScanResult(work_order=found[0])
    piece = inventory.lookup(store, raw)
    if piece is None:
        raise NotFound(f"Nothing has the code “{raw.strip()}”.")
    return ScanResult(piece=piece)
