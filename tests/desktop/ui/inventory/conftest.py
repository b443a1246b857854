"""Fixtures of the inventory UI tests: a 2,000-piece store, UI settings, loopback printers."""

from __future__ import annotations

import shutil
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from jeweltrak_desktop.demo import build_demo_store
from jeweltrak_desktop.services.local_store import LocalStore
from jeweltrak_desktop.ui.context import CounterContext
from jeweltrak_desktop.ui.pages.inventory import InventoryPage
from jeweltrak_desktop.ui.tasks import wait_for_idle

PIECES = 2000
WAIT_S = 5.0


@pytest.fixture(scope="session")
def inventory_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 2,000-piece demo store (no history) built once per session."""
    path = tmp_path_factory.mktemp("inventory-template") / "store.sqlite3"
    build_demo_store(path, pieces=PIECES, contacts=20, history=False).close()
    return path


@pytest.fixture
def big_store(inventory_template: Path, tmp_path: Path) -> Iterator[LocalStore]:
    """This test's own copy of the 2,000-piece store."""
    path = tmp_path / "data" / inventory_template.name
    path.parent.mkdir()
    for suffix in ("", "-wal"):
        source = inventory_template.with_name(inventory_template.name + suffix)
        if source.exists():
            shutil.copyfile(source, path.with_name(path.name + suffix))
    store = LocalStore(path)
    yield store
    wait_for_idle()
    store.close()


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    """UI settings in a file of this test (never the user's settings)."""
    return QSettings(str(tmp_path / "ui-settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def context(big_store: LocalStore) -> CounterContext:
    return CounterContext(big_store)


@pytest.fixture
def page(qtbot: QtBot, context: CounterContext, settings: QSettings) -> Iterator[InventoryPage]:
    """The Inventory page, shown, with its first window of jewelry on screen."""
    inventory_page = InventoryPage(context, settings)
    qtbot.addWidget(inventory_page)
    inventory_page.resize(1200, 700)
    inventory_page.show()
    inventory_page.activate()
    qtbot.waitUntil(lambda: inventory_page.model.is_current, timeout=10_000)
    yield inventory_page
    wait_for_idle()


class LoopbackPrinter:
    """A thread on 127.0.0.1 acting as a port-9100 tag printer: reads one whole job."""

    def __init__(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(WAIT_S)
        self.port: int = self._listener.getsockname()[1]
        self.received = bytearray()
        self.done = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        try:
            conn, _ = self._listener.accept()
            with conn:
                conn.settimeout(WAIT_S)
                while chunk := conn.recv(65536):
                    self.received += chunk
        finally:
            self._listener.close()
            self.done.set()


@pytest.fixture
def tag_printer() -> Iterator[LoopbackPrinter]:
    printer = LoopbackPrinter()
    yield printer
    printer.done.wait(WAIT_S)


@pytest.fixture
def closed_port() -> int:
    """A loopback port nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
