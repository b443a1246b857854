"""The app's background sync: two paired workstations converge while their windows run."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from jeweltrak_core.inventory.entities import Piece
from jeweltrak_desktop.services.local_store import LocalStore
from jeweltrak_desktop.store.schema import table_of
from jeweltrak_desktop.sync.session import start_background_sync
from jeweltrak_desktop.system import seed_demo_store

from .conftest import MemoryKeychain, Owner
from .test_pairing import _pair

pytestmark = pytest.mark.qt


def _pieces(store: LocalStore) -> int:
    table = table_of(Piece).table
    with store.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


def test_new_stock_on_one_workstation_reaches_the_other(
    qtbot: QtBot, service_url: str, owner: Owner, keychain: MemoryKeychain, data_dir: Path
) -> None:
    paths = [data_dir / "a" / "store.sqlite3", data_dir / "b" / "store.sqlite3"]
    for path in paths:
        path.parent.mkdir()
        _pair(service_url, owner, path)
    stores = [LocalStore(path) for path in paths]
    syncs = [start_background_sync(store, path) for store, path in zip(stores, paths,
                                                                        strict=True)]
    try:
        assert all(s is not None for s in syncs)
        seed_demo_store(stores[0], pieces=80, contacts=40)
        created = _pieces(stores[0])
        assert created >= 80
        qtbot.waitUntil(lambda: stores[0].pending_ops() == 0, timeout=20_000)
        qtbot.waitUntil(lambda: _pieces(stores[1]) == created, timeout=20_000)
    finally:
        for sync in syncs:
            if sync is not None:
                sync.stop()
        for store in stores:
            store.close()


def test_an_unpaired_store_does_not_sync(data_dir: Path) -> None:
    from jeweltrak_desktop.demo import open_demo_store

    path = data_dir / "demo.sqlite3"
    store = open_demo_store(path, pieces=80)
    try:
        assert start_background_sync(store, path) is None
    finally:
        store.close()
