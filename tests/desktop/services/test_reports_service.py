"""``reports.store_overview`` against counts computed independently with raw sqlite3."""

from __future__ import annotations

from jeweltrak_core.contacts.entities import Contact
from jeweltrak_core.inventory.entities import Piece
from jeweltrak_desktop.services import memos, reports, sales
from jeweltrak_desktop.services.local_store import LocalStore

from .helpers import query, scalar


def independent_overview(store: LocalStore) -> dict[str, object]:
    """The overview's figures, counted straight from the file."""

    def grouped(column: str) -> dict[str, int]:
        rows = query(
            store, f"SELECT {column}, count(*) FROM pieces WHERE deleted = 0 GROUP BY {column}"
        )
        return {r[0]: r[1] for r in rows}

    device = query(store, "SELECT * FROM device")[0]
    return {
        "store_name": scalar(store, "SELECT name FROM stores WHERE id = ?", device["store_id"]),
        "store_code": device["store_code"],
        "workstation_code": device["workstation_code"],
        "pieces_by_family": grouped("family"),
        "pieces_by_status": grouped("status"),
        "contacts": scalar(store, "SELECT count(*) FROM contacts WHERE merged_into_id IS NULL"),
        "open_invoices": scalar(store, "SELECT count(*) FROM invoices WHERE status = 'open'"),
        "finalized_invoices": scalar(
            store, "SELECT count(*) FROM invoices WHERE status = 'finalized'"
        ),
        # A memo is open while any of its lines is still out (counted from the lines).
        "open_memos": scalar(
            store, "SELECT count(DISTINCT customer_memo_id) FROM memo_lines WHERE status = 'out'"
        ),
        "open_work_orders": scalar(
            store,
            "SELECT count(*) FROM work_orders WHERE status NOT IN ('picked_up', 'cancelled')",
        ),
        "appraisals": scalar(store, "SELECT count(*) FROM appraisals"),
        "pending_ops": scalar(store, "SELECT count(*) FROM outbox WHERE status = 'pending'"),
        "last_sync_at": None,
        "sync_state": "local only",
    }


def overview_dict(store: LocalStore) -> dict[str, object]:
    """The service's overview as a dict."""
    overview = reports.store_overview(store)
    return {name: getattr(overview, name) for name in independent_overview(store)}


def test_store_overview_of_the_demo_store_matches_raw_counts(demo_store: LocalStore) -> None:
    assert overview_dict(demo_store) == independent_overview(demo_store)
    overview = reports.store_overview(demo_store)
    # What the demo history made: 12 sales, a memo (3 out, 1 back), 6 repairs, 1 appraisal.
    assert overview.store_name == "Demo Fine Jewelers"
    assert (overview.store_code, overview.workstation_code) == ("D", "A")
    assert sum(overview.pieces_by_family.values()) == 300
    assert overview.pieces_by_status == {"in_stock": 286, "on_memo": 2, "sold": 12}
    assert overview.contacts == 40
    assert (overview.open_invoices, overview.finalized_invoices) == (0, 12)
    assert (overview.open_memos, overview.open_work_orders, overview.appraisals) == (1, 6, 1)
    assert overview.pending_ops == 0


def test_store_overview_follows_the_counter(
    store: LocalStore, three_pieces: list[Piece], customer: Contact
) -> None:
    assert overview_dict(store) == independent_overview(store)
    invoice = sales.new_invoice(store, contact_id=customer.id)
    invoice = sales.add_piece(store, invoice.id, three_pieces[0].stock_id)
    memo = memos.issue_memo(store, contact_id=customer.id, codes=[three_pieces[1].stock_id])
    overview = reports.store_overview(store)
    assert (overview.open_invoices, overview.open_memos) == (1, 1)
    assert overview.pieces_by_status == {"in_stock": 2, "on_memo": 1}
    assert overview_dict(store) == independent_overview(store)

    sales.finalize_invoice(store, invoice.id)
    memos.return_memo_lines(store, memo.id, [memo.lines[0].id])
    overview = reports.store_overview(store)
    assert (overview.open_invoices, overview.finalized_invoices, overview.open_memos) == (0, 1, 0)
    assert overview.pieces_by_status == {"in_stock": 2, "sold": 1}
    assert overview.pending_ops == scalar(store, "SELECT count(*) FROM outbox") == 9
    assert overview_dict(store) == independent_overview(store)
