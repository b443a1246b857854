"""Fixtures of the record-screen tests: a counter context on the per-test demo store."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from jeweltrak_desktop.services.local_store import LocalStore
from jeweltrak_desktop.ui.context import CounterContext
from jeweltrak_desktop.ui.tasks import wait_for_idle


@pytest.fixture
def context(demo_store: LocalStore) -> Iterator[CounterContext]:
    """The demo store with its owner signed in (every permission)."""
    yield CounterContext(demo_store)
    wait_for_idle()


@pytest.fixture
def show(qtbot: QtBot) -> Callable[[QWidget], QWidget]:
    """Show a page at a counter-screen size, registered for cleanup."""

    def show_(page: QWidget) -> QWidget:
        qtbot.addWidget(page)
        page.resize(1280, 800)
        page.show()
        return page

    return show_
