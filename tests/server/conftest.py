"""Server test fixtures: a throwaway database on a real PostgreSQL, tenants, devices, app."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from jeweltrak_core.ids import new_id
from jeweltrak_core.store.entities import Store
from sync_server.app import create_app
from sync_server.config import Settings
from sync_server.db.engine import make_engine, tenant_transaction
from sync_server.db.migrate import upgrade_platform
from sync_server.db.names import TenantRef
from sync_server.db.platform_tables import tenants
from sync_server.deps import DeviceContext
from sync_server.devices.service import pair_device
from sync_server.sync.feed import write_entities
from sync_server.tenancy import create_tenant
from tests.server.pg import throwaway_database

TEST_SECRET = "test-secret-" + "x" * 40


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """A fresh database for this test session, dropped (with its tenant roles) at the end."""
    with throwaway_database("jt_test") as url:
        yield url


@pytest.fixture(scope="session")
def engine(pg_url: str) -> Iterator[Engine]:
    """The service's engine on the session database, platform schema at head."""
    eng = make_engine(pg_url, pool_size=5)
    upgrade_platform(eng)
    yield eng
    eng.dispose()


@pytest.fixture(scope="session")
def settings(pg_url: str) -> Settings:
    """Test settings (never the development secret).

    The suite signs up hundreds of businesses into one session database, mostly from one
    client address, so the signup limits are out of the way here;
    ``test_signup_limits.py`` sets its own.
    """
    return Settings(environment="test", database_url=pg_url, secret_key=TEST_SECRET,
                    signup_max_per_ip=1_000_000, signup_max_tenants=1_000_000)


@dataclass
class Workstation:
    """A paired device of a test store, with its token and next op seq."""

    ctx: DeviceContext
    token: str
    seq: int = 0

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def next_seq(self) -> int:
        self.seq += 1
        return self.seq


@dataclass
class TenantFixture:
    """A tenant with one store and a way to pair workstations to it."""

    ref: TenantRef
    store: Store
    engine: Engine

    def pair(self, label: str = "Counter") -> Workstation:
        with self.engine.begin() as conn:
            paired = pair_device(
                conn,
                tenant_id=self.ref.id,
                store_id=self.store.id,
                paired_by=new_id(),
                label=label,
                secret_key=TEST_SECRET,
            )
        ctx = DeviceContext(
            device_id=paired.device_id,
            store_id=self.store.id,
            workstation_code=paired.workstation_code,
            tenant=self.ref,
        )
        return Workstation(ctx=ctx, token=paired.device_token)


def make_tenant(engine: Engine, name: str = "Test Jewelers") -> TenantFixture:
    """A new tenant with a store (code random, so numbers differ between tenants)."""
    with engine.begin() as conn:
        ref = create_tenant(conn, name)
    store = Store(id=new_id(), name=name, code="S" + uuid.uuid4().hex[:2].upper())
    with tenant_transaction(engine, ref) as conn:
        write_entities(conn, ref, [store])
    return TenantFixture(ref=ref, store=store, engine=engine)


@pytest.fixture
def tenant(engine: Engine) -> TenantFixture:
    """A fresh tenant with one store."""
    return make_tenant(engine)


@pytest.fixture
def client(settings: Settings, engine: Engine) -> Iterator[TestClient]:
    """The app over the session database, lifespan (change listener) running."""
    app = create_app(settings, engine=engine)
    with TestClient(app) as test_client:
        yield test_client


def tenant_count(engine: Engine) -> int:
    """How many tenants exist (for "nothing written" assertions)."""
    with engine.connect() as conn:
        return len(conn.execute(select(tenants.c.id)).all())


def rows(engine: Engine, ref: TenantRef, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    """Rows of a query run as the tenant."""
    with tenant_transaction(engine, ref) as conn:
        return [tuple(r) for r in conn.exec_driver_sql(sql, params).all()]
