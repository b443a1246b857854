"""The Work Orders page on a paired counter (live service, Resend simulator) or on the
unpaired demo store.

The service, simulators and shop come from ``tests/server/payments``; the workstation (local
store, sync engine, store-server client) from ``tests/desktop/payments``.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from jeweltrak_desktop.ui.context import CounterContext
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
def paired_context(counter: Counter) -> Iterator[CounterContext]:
    """The counter context as the app builds it for a paired workstation."""
    context = CounterContext(counter.local)
    context.payments = counter.cards
    yield context
    wait_for_network()
    wait_for_idle()
