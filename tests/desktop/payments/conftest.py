"""Desktop card payments against the live service and the Stripe simulator.

The service, simulators and shops come from ``tests/server/payments`` (one session database,
one service on loopback); here a workstation's local store is set up with the identity the
service gave its device, syncs through the real ``SyncEngine``, and takes cards through
``jeweltrak_desktop.services.card_payments``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from jeweltrak_core.store.entities import Store
from jeweltrak_core.sync.wire import decode
from jeweltrak_desktop.services.card_payments import CardPayments
from jeweltrak_desktop.services.local_store import DeviceIdentity, LocalStore
from jeweltrak_desktop.sync.engine import SyncEngine
from jeweltrak_desktop.sync.transport import SyncTransport
from tests.desktop.conftest import _copy_database
from tests.server.payments.conftest import (
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
from tests.server.payments.harness import Shop, ok

__all__ = ["engine", "log_capture", "pg_url", "resend_sim", "service_url", "settings", "shop",
           "sim", "stripe_sim"]


@dataclass
class Counter:
    """A paired workstation: its local store, sync engine and card payments client."""

    shop: Shop
    local: LocalStore
    sync: SyncEngine
    cards: CardPayments


@pytest.fixture
def counter(shop: Shop, migrated_template: Path, tmp_path: Path) -> Iterator[Counter]:
    """The shop's workstation, set up locally and synced once."""
    me = ok(shop.get("/v1/devices/me"))
    store = decode(Store, shop.feed_docs("stores")[str(shop.store_id)])
    path = tmp_path / "counter" / "jeweltrak.sqlite3"
    _copy_database(migrated_template, path)
    local = LocalStore(path)
    local.set_up(DeviceIdentity(device_id=shop.device_id, store_id=shop.store_id,
                                store_code=store.code,
                                workstation_code=me["workstation_code"]),
                 store, paired=True, server_url=shop.url)
    transport = SyncTransport(shop.url, lambda: shop.device_token)
    engine_ = SyncEngine(local, transport, long_poll_seconds=1.0)
    engine_.sync_once()
    yield Counter(shop, local, engine_, CardPayments(transport))
    transport.close()
    local.close()
