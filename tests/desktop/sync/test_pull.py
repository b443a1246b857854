"""Pulling the change feed from the real service: convergence, pending rows, 410, long-poll."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

from sqlalchemy import Engine

from jeweltrak_core.clock import utc_now
from jeweltrak_core.inventory.entities import Piece, PieceStatus
from jeweltrak_core.sales.entities import Invoice
from jeweltrak_desktop.services import contacts, inventory, sales
from jeweltrak_desktop.services.local_store import LocalStore
from jeweltrak_desktop.sync.applier import read_cursor
from jeweltrak_desktop.sync.repair import stale_rows
from sync_server.sync.feed import prune_change_log
from tests.desktop.sync.conftest import (
    OpenStation,
    assert_equal_to_service,
    local_entities,
)
from tests.desktop.sync.sales import new_piece, sell
from tests.server.conftest import make_tenant, rows


def _stale(local: LocalStore) -> list[tuple[str, str]]:
    return stale_rows(local, limit=100)


def test_two_workstations_converge(engine: Engine, open_station: OpenStation) -> None:
    tenant = make_tenant(engine)
    a, b = open_station(tenant, "A"), open_station(tenant, "B")
    a.sync.sync_once()
    b.sync.sync_once()
    ring = new_piece(a.local, description="Emerald ring")
    chain = new_piece(b.local, description="Rope chain")
    customer = contacts.create_contact(b.local, first_name="Ana", last_name="García")
    invoice = sell(a.local, ring)
    a.sync.sync_once()
    b.sync.sync_once()
    a.sync.sync_once()

    for station in (a, b):
        assert_equal_to_service(station.local, tenant)
    for table in ("pieces", "invoices", "payments", "contacts"):
        assert local_entities(a.local, table) == local_entities(b.local, table), table
    with b.local.reader() as repo:
        assert repo.get(Piece, ring.id).status is PieceStatus.SOLD  # type: ignore[union-attr]
        assert repo.get(Invoice, invoice.id).total_cents == invoice.total_cents  # type: ignore[union-attr]
    assert str(chain.id) in local_entities(a.local, "pieces")
    assert str(customer.id) in local_entities(a.local, "contacts")
    assert read_cursor(a.local) == read_cursor(b.local)


def test_a_pull_never_clobbers_rows_with_pending_ops(
    engine: Engine, open_station: OpenStation
) -> None:
    tenant = make_tenant(engine)
    a, b = open_station(tenant, "A"), open_station(tenant, "B")
    a.sync.sync_once()
    piece = new_piece(a.local, description="Sapphire pendant")
    a.sync.sync_once()
    b.sync.sync_once()
    inventory.update_piece(b.local, piece.id, location="Safe")  # pending on B
    inventory.update_piece(a.local, piece.id, description="Sapphire pendant, 18K")
    a.sync.sync_once()

    b.sync.pull()  # pull only: B's edit is still waiting for upload

    with b.local.reader() as repo:
        mine = repo.get(Piece, piece.id)
    assert mine is not None
    assert (mine.location, mine.description) == ("Safe", "Sapphire pendant")
    assert _stale(b.local) == [("pieces", str(piece.id))]
    assert read_cursor(b.local) == read_cursor(a.local)  # the rest of the page was applied

    b.sync.sync_once()  # upload, then the service's row (both edits) comes back
    a.sync.sync_once()
    with b.local.reader() as repo:
        merged = repo.get(Piece, piece.id)
    assert merged is not None
    assert (merged.location, merged.description) == ("Safe", "Sapphire pendant, 18K")
    assert _stale(b.local) == []
    for station in (a, b):
        assert_equal_to_service(station.local, tenant)


def test_an_expired_cursor_downloads_a_fresh_copy(
    engine: Engine, open_station: OpenStation
) -> None:
    tenant = make_tenant(engine)
    a, b = open_station(tenant, "A"), open_station(tenant, "B")
    a.sync.sync_once()
    b.sync.sync_once()
    draft = sales.new_invoice(b.local)
    kept = new_piece(b.local, description="Kept")
    b.sync.sync_once()
    a.sync.sync_once()
    assert str(draft.id) in local_entities(a.local, "invoices")
    # A is away; meanwhile B deletes the draft and adds a piece, and the history is pruned.
    sales.delete_invoice(b.local, draft.id)
    added = new_piece(b.local, description="Added while A was away")
    b.sync.sync_once()
    prune_change_log(engine, tenant.ref, utc_now() + timedelta(seconds=1))
    sent_before = len(a.faults.requests)

    a.sync.sync_once()

    assert "/v1/sync/snapshot" in a.faults.requests[sent_before:]
    invoices = local_entities(a.local, "invoices")
    assert str(draft.id) not in invoices  # the re-snapshot removed what the service deleted
    assert {str(kept.id), str(added.id)} <= set(local_entities(a.local, "pieces"))
    assert_equal_to_service(a.local, tenant)
    ((version,),) = rows(tenant.engine, tenant.ref, "SELECT version FROM sync_state")
    assert read_cursor(a.local) == version


def test_a_sale_on_one_workstation_reaches_another_within_seconds(
    engine: Engine, open_station: OpenStation
) -> None:
    tenant = make_tenant(engine)
    a = open_station(tenant, "A", long_poll_seconds=3.0, upload_poll_seconds=0.2)
    b = open_station(tenant, "B", long_poll_seconds=3.0)
    piece = new_piece(a.local)
    a.sync.sync_once()
    b.sync.sync_once()
    stop = threading.Event()
    threads = [threading.Thread(target=s.sync.run_forever, args=(stop,)) for s in (a, b)]
    for thread in threads:
        thread.start()
    try:
        time.sleep(0.5)  # both are long-polling now
        started = time.monotonic()
        sell(a.local, piece)
        a.sync.notify_local_change()
        while time.monotonic() - started < 5:
            with b.local.reader() as repo:
                seen = repo.get(Piece, piece.id)
            if seen is not None and seen.status is PieceStatus.SOLD:
                break
            time.sleep(0.02)
        elapsed = time.monotonic() - started
    finally:
        stop.set()
        for thread in threads:
            thread.join(10)
    assert not any(t.is_alive() for t in threads)
    assert elapsed < 2.0
    assert b.sync.status().state == "online"
