"""Fixtures of the UI tests: a small demo store per test and the main window on it.

The demo store has two staff members: Dana Owner (PIN 1111, every permission) and Sam
Clerk (PIN 2222, the Sales group: no cost, void, price override or discount).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from jeweltrak_desktop.demo import open_demo_store
from jeweltrak_desktop.services.local_store import LocalStore
from jeweltrak_desktop.ui.main_window import MainWindow
from jeweltrak_desktop.ui.tasks import wait_for_idle

DEMO_PIECES = 300


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small demo store built once; each test gets its own copy."""
    path = tmp_path_factory.mktemp("demo-template") / "demo.sqlite3"
    store = open_demo_store(path, pieces=DEMO_PIECES)
    store.close()  # the last connection closing checkpoints the WAL into the file
    return path


@pytest.fixture
def demo_db(demo_template: Path, tmp_path: Path) -> Path:
    """This test's copy of the demo database file."""
    path = tmp_path / "data" / demo_template.name
    path.parent.mkdir()
    for suffix in ("", "-wal"):  # a WAL left behind holds committed pages too
        source = demo_template.with_name(demo_template.name + suffix)
        if source.exists():
            shutil.copyfile(source, path.with_name(path.name + suffix))
    return path


@pytest.fixture
def demo_store(demo_db: Path) -> Iterator[LocalStore]:
    """The demo store, opened the way the app opens it."""
    store = open_demo_store(demo_db, pieces=DEMO_PIECES)
    yield store
    wait_for_idle()
    store.close()


OWNER = ("Dana Owner", "1111")
CLERK = ("Sam Clerk", "2222")


def sign_in(qtbot: QtBot, window: MainWindow, name: str, pin: str) -> None:
    """Choose ``name`` on the sign-in screen, type the PIN and press Enter, as a clerk does."""
    screen = window.sign_in_screen
    assert screen.select_staff(name), f"{name} is not listed"
    qtbot.keyClicks(screen.pin_field, pin)
    qtbot.keyClick(screen.pin_field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.signed_in, timeout=10_000)
    assert window.context.actor.name == name


@pytest.fixture
def window(qtbot: QtBot, demo_store: LocalStore) -> Iterator[MainWindow]:
    """The main window on the demo store, shown, its sign-in screen ready."""
    main_window = MainWindow(demo_store, refresh_interval_ms=200)
    qtbot.addWidget(main_window)
    main_window.show()
    qtbot.waitUntil(lambda: main_window.is_ready, timeout=10_000)
    yield main_window
    main_window.close()
    wait_for_idle()


@pytest.fixture
def owner_window(qtbot: QtBot, window: MainWindow) -> MainWindow:
    """The main window with Dana Owner signed in."""
    sign_in(qtbot, window, *OWNER)
    return window


@pytest.fixture
def clerk_window(qtbot: QtBot, window: MainWindow) -> MainWindow:
    """The main window with Sam Clerk signed in."""
    sign_in(qtbot, window, *CLERK)
    return window
