"""Sync client fixtures: the REAL sync service on loopback, paired local workstations.

The service (``sync_server.app.create_app``) runs under uvicorn in a background thread on
a free port, over the session database on the real PostgreSQL of ``tests/server`` (same
fixtures: ``pg_url``, ``engine``, ``settings``, ``make_tenant``). Each workstation is a
fresh local SQLite store (a copy of the migrated template) set up with the identity the
service gave its device, and talks to the service through ``SyncTransport`` over an httpx
client whose transport can inject faults (``FaultInjector``): dropped requests, responses
lost after the service committed, 5xx, replaced bodies. Nothing of the project is patched.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from sqlalchemy import Engine

from jeweltrak_core.clock import utc_now
from jeweltrak_core.sync.wire import decode
from jeweltrak_desktop.services.local_store import DeviceIdentity, LocalStore
from jeweltrak_desktop.store.schema import ENTITY_TABLES
from jeweltrak_desktop.sync.engine import SyncEngine
from jeweltrak_desktop.sync.transport import SyncTransport
from sync_server.app import create_app
from sync_server.config import Settings
from tests.desktop.conftest import _copy_database
from tests.server import conftest as server_fixtures
from tests.server.conftest import TenantFixture, Workstation, rows

# The service's fixtures, shared with tests/server: one database per session.
pg_url = server_fixtures.pg_url
engine = server_fixtures.engine
settings = server_fixtures.settings

# --- the service --------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def service_url(settings: Settings, engine: Engine) -> Iterator[str]:
    """Base URL of the sync service running on loopback for the whole session."""
    app = create_app(settings.model_copy(update={"long_poll_max_seconds": 5.0}), engine=engine)
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    thread = threading.Thread(target=server.run, name="sync-service", daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the sync service did not start")
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)


# --- fault injection ----------------------------------------------------------------------

#: ``action(request, inner)`` → a response, or raises an httpx error.
FaultAction = Callable[[httpx.Request, httpx.BaseTransport], httpx.Response]


@dataclass
class _Fault:
    path: str
    action: FaultAction
    times: int


class FaultInjector(httpx.BaseTransport):
    """An httpx transport in front of the real one; faults apply to matching paths in turn."""

    def __init__(self) -> None:
        self.inner = httpx.HTTPTransport()
        self.faults: list[_Fault] = []
        self.requests: list[str] = []
        self.lock = threading.Lock()

    def add(self, path: str, action: FaultAction, *, times: int = 1) -> None:
        """Apply ``action`` to the next ``times`` requests whose path starts with ``path``."""
        with self.lock:
            self.faults.append(_Fault(path, action, times))

    def clear(self) -> None:
        with self.lock:
            self.faults.clear()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        with self.lock:
            self.requests.append(request.url.path)
            fault = next((f for f in self.faults if request.url.path.startswith(f.path)), None)
            if fault is not None:
                fault.times -= 1
                if fault.times <= 0:
                    self.faults.remove(fault)
        if fault is None:
            return self.inner.handle_request(request)
        return fault.action(request, self.inner)

    def close(self) -> None:
        self.inner.close()


def drop_request(request: httpx.Request, _inner: httpx.BaseTransport) -> httpx.Response:
    """The request never reaches the service."""
    raise httpx.ConnectError("injected: connection refused", request=request)


def lose_response(request: httpx.Request, inner: httpx.BaseTransport) -> httpx.Response:
    """The service handles (and commits) the request; its answer is lost on the way back."""
    response = inner.handle_request(request)
    response.read()
    response.close()
    raise httpx.ReadTimeout("injected: response lost", request=request)


def server_error(request: httpx.Request, _inner: httpx.BaseTransport) -> httpx.Response:
    """A 503 from a proxy in front of the service."""
    return httpx.Response(503, content=b"<html>Service Unavailable</html>", request=request)


def replace_body(rewrite: Callable[[bytes], bytes]) -> FaultAction:
    """The service answers, but the body the client reads is ``rewrite(body)``."""

    def action(request: httpx.Request, inner: httpx.BaseTransport) -> httpx.Response:
        response = inner.handle_request(request)
        body = response.read()
        response.close()
        return httpx.Response(
            response.status_code,
            content=rewrite(body),
            headers={"content-type": "application/json"},
            request=request,
        )

    return action


# --- workstations -------------------------------------------------------------------------


@dataclass
class PairedStation:
    """A local workstation paired with the service: its store, transport, engine, faults."""

    local: LocalStore
    device: Workstation
    faults: FaultInjector
    transport: SyncTransport
    sync: SyncEngine
    progress: list[tuple[int, int]] = field(default_factory=list)


#: ``open_station(tenant, label=..., **engine_options)`` → a PairedStation.
OpenStation = Callable[..., PairedStation]


@pytest.fixture
def open_station(
    service_url: str, migrated_template: Path, tmp_path: Path
) -> Iterator[OpenStation]:
    """Factory: pair a device of the tenant's store and set up a fresh local store for it."""
    opened: list[PairedStation] = []

    def open_(
        tenant: TenantFixture,
        label: str = "Counter",
        *,
        clock: Callable[[], datetime] = utc_now,
        url: str | None = None,
        **options: Any,
    ) -> PairedStation:
        """``url``: another service process on the same database (default: the session's)."""
        base = url or service_url
        device = tenant.pair(label)
        path = tmp_path / f"station-{len(opened)}" / "jeweltrak.sqlite3"
        _copy_database(migrated_template, path)
        local = LocalStore(path, clock=clock)
        local.set_up(
            DeviceIdentity(
                device_id=device.ctx.device_id,
                store_id=tenant.store.id,
                store_code=tenant.store.code,
                workstation_code=device.ctx.workstation_code,
            ),
            tenant.store,
            paired=True,
            server_url=base,
        )
        faults = FaultInjector()
        client = httpx.Client(transport=faults, timeout=httpx.Timeout(10.0, read=30.0))
        transport = SyncTransport(base, lambda: device.token, client=client)
        options.setdefault("backoff_base", 0.05)
        options.setdefault("backoff_cap", 0.5)
        options.setdefault("long_poll_seconds", 2.0)
        station = PairedStation(local, device, faults, transport, SyncEngine(
            local, transport, **options))
        opened.append(station)
        return station

    yield open_
    for station in opened:
        station.transport.close()
        station.faults.close()
        station.local.close()


# --- comparing replicas -------------------------------------------------------------------


def local_entities(local: LocalStore, table: str) -> dict[str, Any]:
    """Every entity of a local table, by ID."""
    et = next(et for et in ENTITY_TABLES.values() if et.table.name == table)
    with local.reader() as repo:
        return {str(e.id): e for e in repo.list(et.entity)}


def server_entities(tenant: TenantFixture, table: str) -> dict[str, Any]:
    """Every live entity of a tenant table on the service, decoded, by ID."""
    et = next(et for et in ENTITY_TABLES.values() if et.table.name == table)
    found = rows(tenant.engine, tenant.ref, f"SELECT id::text, doc FROM {table} WHERE NOT deleted")
    return {row_id: decode(et.entity, doc) for row_id, doc in found}


SYNCED_TABLES = tuple(et.table.name for et in ENTITY_TABLES.values())


def assert_equal_to_service(local: LocalStore, tenant: TenantFixture) -> None:
    """Every synced table of the workstation holds exactly the service's live rows."""
    for table in SYNCED_TABLES:
        assert local_entities(local, table) == server_entities(tenant, table), table
