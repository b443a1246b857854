"""The status bar, the offline banner, and the Sync problems page."""

from __future__ import annotations

import json
import shutil
import socket
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from jeweltrak_core.ids import new_id
from jeweltrak_core.inventory.stock import Family
from jeweltrak_core.store.entities import OversellException
from jeweltrak_desktop.demo import add_demo_staff, demo_store_settings
from jeweltrak_desktop.services import inventory
from jeweltrak_desktop.services.local_store import DeviceIdentity, LocalStore
from jeweltrak_desktop.store.repository import SqliteRepository
from jeweltrak_desktop.sync.credentials import save_device_token
from jeweltrak_desktop.sync.session import BackgroundSync, start_background_sync
from jeweltrak_desktop.ui.main_window import MainWindow
from jeweltrak_desktop.ui.pages.sync_problems import SyncProblemsPage
from jeweltrak_desktop.ui.shell.status_bar import READER_TEXT
from jeweltrak_desktop.ui.tasks import wait_for_idle
from tests.desktop.pairing.conftest import MemoryKeychain

from ..conftest import OWNER, sign_in

pytestmark = pytest.mark.qt

REFUSAL = "StockID D100001 is already used by another piece; give this piece another StockID."


def test_a_local_demo_store_says_it_is_not_syncing(owner_window: MainWindow) -> None:
    bar = owner_window.status_widget
    assert bar.sync_label.text() == "Local demo store — not syncing"
    assert bar.pending_label.text() == "Nothing waiting to sync"  # demo history never uploads
    assert bar.last_sync_label.text() == "Last sync: never"
    assert bar.problems_button.isHidden()  # shown only when there are problems
    assert bar.reader_label.text() == READER_TEXT
    assert not owner_window.offline_banner.isVisible()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def dead_server_store(tmp_path: Path, migrated_template: Path,
                      keychain: MemoryKeychain) -> Iterator[tuple[LocalStore, BackgroundSync]]:
    """A workstation paired with a loopback address nobody listens on, syncing."""
    path = tmp_path / "paired" / "store.sqlite3"
    path.parent.mkdir()
    shutil.copyfile(migrated_template, path)
    store = LocalStore(path)
    identity = DeviceIdentity(device_id=new_id(), store_id=new_id(), store_code="D",
                              workstation_code="B")
    store.set_up(identity, demo_store_settings(identity.store_id), paired=True,
                 server_url=f"http://127.0.0.1:{_free_port()}")
    add_demo_staff(store)  # as if synced from the service
    save_device_token(identity.device_id, "jtd_not-a-real-token", data_dir=path.parent)
    sync = start_background_sync(store, path)
    assert sync is not None
    yield store, sync
    sync.stop()
    wait_for_idle()
    store.close()


def test_the_offline_banner_says_what_works_and_what_waits(
        qtbot: QtBot, dead_server_store: tuple[LocalStore, BackgroundSync]) -> None:
    store, sync = dead_server_store
    inventory.create_piece(store, family=Family.PEARL, description="Akoya strand 7 mm",
                           cost_cents=45_000)
    inventory.create_piece(store, family=Family.PEARL, description="Tahitian drop earrings",
                           cost_cents=60_000)
    window = MainWindow(store, sync=sync.worker, refresh_interval_ms=200)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.is_ready, timeout=10_000)
    sign_in(qtbot, window, *OWNER)
    banner = window.offline_banner
    qtbot.waitUntil(banner.isVisible, timeout=20_000)
    assert banner.text() == (
        "Offline — selling, inventory, contacts, memos and work orders keep working; "
        "card payments, payment links and emails wait for the connection. "
        "2 changes will upload when it returns.")
    assert window.status_widget.sync_label.text() == "Offline — server not reachable"
    assert window.status_widget.pending_label.text() == "2 changes waiting to sync"
    inventory.create_piece(store, family=Family.PEARL, description="South Sea pearl pendant",
                           cost_cents=90_000)
    window.context.notify_changed()
    qtbot.waitUntil(lambda: "3 changes will upload" in banner.text(), timeout=10_000)
    window.close()


def _reject_last_op(store: LocalStore) -> None:
    """Mark the newest outbox entry as the service marks a refused one."""
    result = json.dumps({"error": {"code": "duplicate", "message": REFUSAL}})
    with store.engine.begin() as conn:
        conn.exec_driver_sql(
            "UPDATE outbox SET status = 'rejected', result = ? "
            "WHERE seq = (SELECT max(seq) FROM outbox)", (result,))


def test_a_rejected_change_is_listed_in_plain_words(qtbot: QtBot, owner_window: MainWindow,
                                                    demo_store: LocalStore) -> None:
    window = owner_window
    inventory.create_piece(demo_store, family=Family.JEWELRY, description="Gold hoops",
                           cost_cents=20_000)
    _reject_last_op(demo_store)
    with demo_store.engine.begin() as conn:
        SqliteRepository(conn).put(OversellException(
            id=new_id(), piece_id=new_id(), losing_invoice_id=new_id(),
            detail="D100007 was sold on invoice DA-1013 and again on DB-1002.",
            created_at=datetime.now(UTC)))
    window.context.notify_changed()
    link = window.status_widget.problems_button
    qtbot.waitUntil(lambda: link.text() == "2 sync problems — show", timeout=10_000)
    assert link.isVisible()
    with qtbot.waitSignal(window.page_shown, timeout=5_000):
        qtbot.mouseClick(link, Qt.MouseButton.LeftButton)
    page = window.page("sync_problems")
    assert isinstance(page, SyncProblemsPage)
    qtbot.waitUntil(lambda: len(page.problem_texts()) == 2, timeout=10_000)
    oversell, rejected = page.problem_texts()
    assert rejected.startswith("Adding a piece — refused by the store server")
    assert REFUSAL in rejected
    assert "What to do:" in rejected
    assert "sold twice" in oversell and "D100007" in oversell and "What to do:" in oversell
    assert page.summary.text().startswith("2 problems.")


def test_no_problems_says_so(qtbot: QtBot, owner_window: MainWindow) -> None:
    page = owner_window.show_page("sync_problems")
    assert isinstance(page, SyncProblemsPage)
    qtbot.waitUntil(lambda: page.summary.text().startswith("No sync problems"), timeout=10_000)
    assert page.problem_texts() == []
