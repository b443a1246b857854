"""Initial sync of an empty workstation from the real service: progress, interruption, resume."""

from __future__ import annotations

import random

import pytest
from sqlalchemy import Engine

from jeweltrak_core.inventory.entities import Piece
from jeweltrak_desktop.demo import make_pieces
from jeweltrak_desktop.services.inventory import search_pieces
from jeweltrak_desktop.services.local_store import LocalStore
from jeweltrak_desktop.sync.applier import read_cursor
from jeweltrak_desktop.sync.errors import Offline
from jeweltrak_desktop.sync.snapshot import FULL_TEXT_INDEXES
from sync_server.db.engine import tenant_transaction
from sync_server.sync.feed import write_entities
from tests.desktop.sync.conftest import (
    OpenStation,
    assert_equal_to_service,
    drop_request,
    local_entities,
)
from tests.desktop.sync.sales import new_piece
from tests.server.conftest import TenantFixture, make_tenant, rows

PIECES = 3000


def _seed(tenant: TenantFixture, count: int) -> None:
    """A store with ``count`` realistic pieces, written the way server-side changes are."""
    pieces = list(make_pieces(random.Random(7), tenant.store, count))
    with tenant_transaction(tenant.engine, tenant.ref) as conn:
        write_entities(conn, tenant.ref, pieces)


@pytest.fixture(scope="module")
def big_store(engine: Engine) -> TenantFixture:
    tenant = make_tenant(engine, "Big Store Jewelers")
    _seed(tenant, PIECES)
    return tenant


def test_initial_sync_interrupted_midway_resumes_and_ends_equal(
    big_store: TenantFixture, open_station: OpenStation
) -> None:
    station = open_station(big_store, "New counter", snapshot_page_size=500)
    station.sync.add_listener(
        lambda s: s.snapshot_progress and station.progress.append(s.snapshot_progress)
    )
    # The network goes away after the third page of pieces.
    pages_seen = 0

    def count_then_drop(request, inner):  # type: ignore[no-untyped-def]
        nonlocal pages_seen
        pages_seen += 1
        if pages_seen > 3:
            return drop_request(request, inner)
        return inner.handle_request(request)

    station.faults.add("/v1/sync/snapshot/pieces", count_then_drop, times=4)
    with pytest.raises(Offline):
        station.sync.sync_once()
    assert len(local_entities(station.local, "pieces")) == 1500
    assert read_cursor(station.local) == 0
    done_before = station.progress[-1]
    assert done_before[1] == PIECES + 1  # the store row counts too

    station.faults.requests.clear()
    station.sync.sync_once()

    # Resumed after the 1,500 stored rows: no table was fetched again from the start.
    piece_pages = [p for p in station.faults.requests if p == "/v1/sync/snapshot/pieces"]
    assert len(piece_pages) == 4  # 1,500 left in pages of 500, then the empty last page
    assert "/v1/sync/snapshot" not in station.faults.requests  # V0 kept from the first try
    assert station.progress[-1] == (PIECES + 1, PIECES + 1)
    done = [d for d, _ in station.progress]
    assert done == sorted(done)
    assert_equal_to_service(station.local, big_store)
    ((version,),) = rows(big_store.engine, big_store.ref, "SELECT version FROM sync_state")
    assert read_cursor(station.local) == version
    assert station.sync.status().snapshot_progress is None


def test_changes_made_during_the_download_arrive_through_the_feed(
    engine: Engine, open_station: OpenStation
) -> None:
    tenant = make_tenant(engine)
    _seed(tenant, 600)
    other = open_station(tenant, "Other")
    other.sync.sync_once()
    station = open_station(tenant, "New counter", snapshot_page_size=200)
    station.faults.add("/v1/sync/snapshot/pieces", drop_request, times=1)
    with pytest.raises(Offline):
        station.sync.sync_once()  # V0 recorded, nothing of pieces stored yet
    late = new_piece(other.local, description="Added during the download")
    other.sync.sync_once()

    station.sync.sync_once()

    assert str(late.id) in local_entities(station.local, "pieces")
    assert_equal_to_service(station.local, tenant)


def _fts_consistent(station_local: LocalStore) -> None:
    """FTS5's own check: every index matches its content table (raises if not)."""
    with station_local.engine.begin() as conn:
        for fts in FULL_TEXT_INDEXES:
            conn.exec_driver_sql(f"INSERT INTO {fts}({fts}) VALUES ('integrity-check')")


def test_search_finds_every_downloaded_piece_and_local_work_done_during_the_download(
    big_store: TenantFixture, open_station: OpenStation
) -> None:
    """The FTS indexes stand still during a download and are rebuilt when it completes."""
    station = open_station(big_store, "Search after sync", snapshot_page_size=1000)
    station.faults.add("/v1/sync/snapshot/pieces", drop_request, times=1)
    with station.local.reader() as repo:
        stock_ids = [p.stock_id for p in repo.list(Piece)]
    assert stock_ids == []
    with pytest.raises(Offline):
        station.sync.sync_once()  # the download has begun: the indexes stand still
    walk_in = new_piece(station.local, description="Walk-in pendant qx7731")
    assert search_pieces(station.local, "qx7731") == []  # not indexed yet

    station.sync.sync_once()

    assert [p.id for p in search_pieces(station.local, "qx7731")] == [walk_in.id]
    with station.local.reader() as repo:
        downloaded = [p for p in repo.list(Piece) if p.id != walk_in.id]
    assert len(downloaded) == PIECES
    for piece in random.Random(5).sample(downloaded, 25):
        assert piece.id in {p.id for p in search_pieces(station.local, piece.stock_id)}
    _fts_consistent(station.local)
    # After the download the triggers index local work at once again.
    later = new_piece(station.local, description="Later brooch zq4410")
    assert [p.id for p in search_pieces(station.local, "zq4410")] == [later.id]
    _fts_consistent(station.local)
