"""Pytest fixtures: ``stripe_sim`` and the ``stripe_client`` helper.

Use them from a conftest.py with ``from tests.simulators.stripe.fixtures import stripe_sim``.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import stripe

from .simulator import StripeSimulator


@pytest.fixture
def stripe_sim() -> Iterator[StripeSimulator]:
    """A fresh, started simulator per test (no webhook target until set_webhook)."""
    sim = StripeSimulator().start()
    try:
        yield sim
    finally:
        sim.stop()


def stripe_client(sim: StripeSimulator, api_key: str | None = None) -> stripe.StripeClient:
    """The real stripe-python client pointed at ``sim`` for every base address, no retries."""
    return stripe.StripeClient(
        api_key or sim.secret_key,
        base_addresses={
            "api": sim.base_url,
            "connect": sim.base_url,
            "files": sim.base_url,
            "meter_events": sim.base_url,
        },
        max_network_retries=0,
    )
