"""The Sell page on its own, on a copy of the demo store."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot

from jeweltrak_desktop.services.local_store import LocalStore
from jeweltrak_desktop.ui.context import CounterContext
from jeweltrak_desktop.ui.pages.sell import SellPage
from jeweltrak_desktop.ui.tasks import wait_for_idle


@pytest.fixture
def context(demo_store: LocalStore) -> CounterContext:
    """The counter context the main window would hand the page."""
    return CounterContext(demo_store)


@pytest.fixture
def page(qtbot: QtBot, context: CounterContext) -> Iterator[SellPage]:
    """The Sell page, shown at a counter-screen size, with the scan field focused."""
    sell = SellPage(context)
    qtbot.addWidget(sell)
    sell.resize(1280, 760)
    sell.show()
    sell.activateWindow()
    sell.activate()
    qtbot.waitUntil(lambda: sell.salesperson.count() > 0)
    yield sell
    wait_for_idle()
