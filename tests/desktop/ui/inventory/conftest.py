"""Fixtures of the inventory UI tests: a 2,000-piece store, UI settings, loopback printers."""

from __future__ import annotations

import shutil
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
from tests.desktop.hardware import conftest as hardware_fixtures

PIECES = 2000


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


# The port-9100 printer and the refused port of the hardware tests (one job, read whole).
closed_port = hardware_fixtures.closed_port
tag_printer = hardware_fixtures.loopback_printer
