"""Payment fixtures: simulators and the live service for the session, a fresh shop per test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from sync_server.config import Settings
from tests.server.conftest import engine, pg_url, settings
from tests.server.live import LogCapture, capturing_logs
from tests.server.payments.harness import Shop, live_service, open_shop
from tests.simulators.resend import ResendSimulator
from tests.simulators.stripe import StripeSimulator

__all__ = ["engine", "pg_url", "settings"]


@pytest.fixture(scope="session")
def log_capture() -> Iterator[LogCapture]:
    """Every log line written while the payment tests run (scanned for card numbers)."""
    with capturing_logs() as handler:
        yield handler


@pytest.fixture(scope="session")
def stripe_sim() -> Iterator[StripeSimulator]:
    sim = StripeSimulator().start()
    yield sim
    sim.stop()


@pytest.fixture(scope="session")
def resend_sim() -> Iterator[ResendSimulator]:
    sim = ResendSimulator().start()
    yield sim
    sim.stop()


@pytest.fixture(scope="session")
def service_url(settings: Settings, engine: Engine, stripe_sim: StripeSimulator,
                resend_sim: ResendSimulator, log_capture: LogCapture) -> Iterator[str]:
    with live_service(settings, engine, stripe_sim, resend_sim) as url:
        stripe_sim.set_webhook(url + "/v1/stripe/webhooks", stripe_sim.webhook_secret)
        yield url


@pytest.fixture
def sim(stripe_sim: StripeSimulator, service_url: str) -> Iterator[StripeSimulator]:
    """The simulator, delivering to the service; settings a test changes are put back."""
    stripe_sim.auto_deliver = True
    stripe_sim.set_webhook(service_url + "/v1/stripe/webhooks", stripe_sim.webhook_secret)
    yield stripe_sim
    stripe_sim.wait_idle()
    stripe_sim.auto_deliver = True
    stripe_sim.set_webhook(service_url + "/v1/stripe/webhooks", stripe_sim.webhook_secret)


@pytest.fixture
def shop(service_url: str, sim: StripeSimulator) -> Shop:
    """A fresh business: connected store, workstation, simulated S710 reader."""
    return open_shop(service_url, sim)
