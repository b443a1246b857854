"""A paired counter on the live service (Stripe and Resend simulators), with its Sell page.

The service, simulators and shop come from ``tests/server/payments``; the workstation
(local store, sync engine, card payments client) from ``tests/desktop/payments``.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot

from jeweltrak_desktop.services.local_store import LocalStore
from jeweltrak_desktop.ui.context import CounterContext
from jeweltrak_desktop.ui.pages.sell import SellPage
from jeweltrak_desktop.ui.payments.network import wait_for_network
from jeweltrak_desktop.ui.tasks import wait_for_idle
from tests.desktop.payments.conftest import (
    Counter,
    counter,
    engine,
    log_capture,
    pg_url,
    resend_sim,
    service_url,
    settings,
    shop,
    sim,
    stripe_sim,
)

__all__ = ["counter", "engine", "log_capture", "pg_url", "resend_sim", "service_url",
           "settings", "shop", "sim", "stripe_sim"]


@pytest.fixture
def context(counter: Counter) -> CounterContext:
    """The counter context as the app builds it for a paired workstation."""
    ctx = CounterContext(counter.local)
    ctx.payments = counter.cards
    return ctx


@pytest.fixture
def sell(qtbot: QtBot, context: CounterContext) -> Iterator[SellPage]:
    """The Sell page of the paired counter, shown; cards known to be available."""
    page = SellPage(context)
    qtbot.addWidget(page)
    page.resize(1280, 760)
    page.show()
    page.activate()
    qtbot.waitUntil(lambda: page.sell_actions.cards.state.available, timeout=15_000)
    yield page
    dialog = page.sell_actions.dialog
    if dialog is not None:
        dialog.close()
    wait_for_network()
    wait_for_idle()


@pytest.fixture
def demo_sell(qtbot: QtBot, demo_store: LocalStore) -> Iterator[SellPage]:
    """The Sell page of the local demo store: no store server, so no client."""
    page = SellPage(CounterContext(demo_store))
    qtbot.addWidget(page)
    page.show()
    page.activate()
    yield page
    wait_for_network()
    wait_for_idle()
