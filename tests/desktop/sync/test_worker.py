"""The background worker: the engine on a QThread, its status as a Qt signal."""

from __future__ import annotations

import time

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import Engine

from jeweltrak_desktop.sync.status import SyncState, SyncStatus
from jeweltrak_desktop.sync.worker import SyncWorker
from tests.desktop.sync.conftest import OpenStation, drop_request
from tests.desktop.sync.sales import new_piece, sell
from tests.server.conftest import make_tenant

pytestmark = pytest.mark.qt


def test_worker_syncs_in_the_background_and_reports_its_status(
    qtbot: QtBot, engine: Engine, open_station: OpenStation
) -> None:
    tenant = make_tenant(engine)
    a = open_station(tenant, "A", long_poll_seconds=1.0, upload_poll_seconds=0.2)
    worker = SyncWorker(a.sync)
    seen: list[SyncStatus] = []
    worker.status_changed.connect(seen.append)

    with qtbot.waitSignal(
        worker.status_changed,
        timeout=10_000,
        check_params_cb=lambda s: s.state is SyncState.ONLINE and s.last_sync_at is not None,
    ):
        worker.start()
    assert worker.running

    sell(a.local, new_piece(a.local))
    with qtbot.waitSignal(
        worker.status_changed,
        timeout=10_000,
        check_params_cb=lambda s: s.pending_ops == 0 and s.state is SyncState.ONLINE,
    ):
        worker.notify_local_change()
    assert any(s.state is SyncState.SYNCING for s in seen)

    started = time.monotonic()
    assert worker.stop()
    assert time.monotonic() - started < 5
    assert not worker.running


def test_worker_goes_offline_and_recovers_with_backoff(
    qtbot: QtBot, engine: Engine, open_station: OpenStation
) -> None:
    tenant = make_tenant(engine)
    a = open_station(tenant, "A", long_poll_seconds=1.0, upload_poll_seconds=0.2)
    a.sync.sync_once()
    a.faults.add("/v1/sync", drop_request, times=6)
    worker = SyncWorker(a.sync)
    new_piece(a.local, description="Sold while the network was down")
    try:
        with qtbot.waitSignal(
            worker.status_changed, timeout=10_000,
            check_params_cb=lambda s: s.state is SyncState.OFFLINE and s.pending_ops == 1,
        ):
            worker.start()
        with qtbot.waitSignal(
            worker.status_changed, timeout=10_000,
            check_params_cb=lambda s: s.state is SyncState.ONLINE and s.pending_ops == 0,
        ):
            pass
        assert worker.current_status().error is None
    finally:
        assert worker.stop()
