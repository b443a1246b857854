"""Shared pieces of the lifecycle tests (P14, P15): a business with data, its export, a
clock the tests move, catalog checks. No tests here; everything goes through the HTTP API
or reads the database to check what is stored."""

from __future__ import annotations

import io
import json
import re
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from jeweltrak_core.permissions import Permission
from sync_server.db.names import TenantRef
from sync_server.deps import DeviceContext
from tests.simulators.stripe.cards import find_card_numbers

from .accounts_helpers import (
    Login,
    bearer,
    make_staff_login,
    make_store,
    pair,
    signup,
    tenant_ref,
)
from .builders import create_piece, sale
from .conftest import Workstation

#: Generated IDs can hold a long digit run by chance; removed before the card scan.
_GENERATED_IDS = re.compile(
    r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
    r"|(?<![0-9A-Za-z])[0-9a-f]{32}(?![0-9A-Za-z])"
)


@dataclass
class MovableClock:
    """The lifecycle clock of one app: starts at the real time, moved by the test."""

    start: datetime = field(default_factory=lambda: datetime.now(UTC))
    offset: timedelta = timedelta(0)

    def __call__(self) -> datetime:
        return self.start + self.offset

    def day(self, n: float) -> None:
        """Move to ``n`` days after the start."""
        self.offset = timedelta(days=n)


def clock_of(client: TestClient) -> MovableClock:
    """Give the client's app a clock the test controls."""
    clock = MovableClock()
    client.app.state.lifecycle_clock = clock  # type: ignore[attr-defined]
    return clock


@dataclass
class Business:
    """A signed-up business: owner, a store, a paired workstation, a sale, a staff login."""

    owner: Login
    ref: TenantRef
    store_id: UUID
    workstation: Workstation
    piece_id: UUID
    invoice_id: UUID
    staff: Login
    name: str


def open_business(client: TestClient, engine: Engine, name: str = "Lifecycle Jewelers") -> Business:
    """Sign up, open a store, pair a workstation, sell a piece through sync, hire staff.

    The staff member has every permission (as the Owner group) and a PIN, so the tenant
    schema holds a PIN verifier and the platform a second password hash.
    """
    owner = signup(client, business_name=name)
    store = make_store(client, owner)
    paired = pair(client, owner, store["id"])
    ref = tenant_ref(engine, owner.tenant_id)
    ws = Workstation(
        ctx=DeviceContext(
            device_id=UUID(paired["device_id"]),
            store_id=UUID(store["id"]),
            workstation_code=paired["workstation_code"],
            tenant=ref,
        ),
        token=paired["device_token"],
    )
    piece, create = create_piece(ws)
    invoice_id, ops = sale(ws, piece)
    r = client.post("/v1/sync/push", json={"ops": [create, *ops]}, headers=ws.headers)
    assert r.status_code == 200, r.text
    assert [x["status"] for x in r.json()["results"]] == ["applied"] * 3, r.text
    staff = make_staff_login(client, owner, permissions=[p.value for p in Permission])
    return Business(
        owner=owner, ref=ref, store_id=UUID(store["id"]), workstation=ws, piece_id=piece.id,
        invoice_id=invoice_id, staff=staff, name=name,
    )


@dataclass
class Export:
    """A downloaded export: the raw zip, its manifest and each table's rows."""

    raw: bytes
    manifest: dict[str, Any]
    tables: dict[str, list[dict[str, Any]]]
    text: str

    def ids(self, table: str) -> set[str]:
        return {str(row["id"]) for row in self.tables[table]}


def download_export(client: TestClient, who: Login) -> Export:
    """``GET /v1/tenant/export`` as ``who`` (must succeed), unpacked."""
    r = client.get("/v1/tenant/export", headers=who.headers)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/zip"
    assert "attachment" in r.headers["content-disposition"]
    with zipfile.ZipFile(io.BytesIO(r.content)) as archive:
        assert archive.testzip() is None
        manifest = json.loads(archive.read("manifest.json"))
        tables: dict[str, list[dict[str, Any]]] = {}
        texts = [archive.read("manifest.json").decode()]
        for name, entry in manifest["tables"].items():
            body = archive.read(entry["file"]).decode()
            texts.append(body)
            tables[name] = [json.loads(line) for line in body.splitlines()]
    return Export(raw=r.content, manifest=manifest, tables=tables, text="\n".join(texts))


def schema_tables(engine: Engine, schema: str) -> set[str]:
    """Every table of a schema, from the catalog."""
    with engine.connect() as conn:
        return {
            str(r[0]) for r in conn.execute(
                text(
                    "SELECT c.relname FROM pg_class c "
                    "JOIN pg_namespace n ON n.oid = c.relnamespace "
                    "WHERE n.nspname = :schema AND c.relkind IN ('r', 'p')"
                ),
                {"schema": schema},
            )
        }


def schema_exists(engine: Engine, schema: str) -> bool:
    with engine.connect() as conn:
        return conn.execute(
            text("SELECT 1 FROM pg_namespace WHERE nspname = :s"), {"s": schema}
        ).first() is not None


def role_exists(engine: Engine, role: str) -> bool:
    with engine.connect() as conn:
        return conn.execute(
            text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}
        ).first() is not None


def platform_rows_naming(engine: Engine, tenant_id: UUID) -> dict[str, int]:
    """Rows of every platform table that name the tenant (``tenant_id`` or its ``id``)."""
    counts: dict[str, int] = {}
    with engine.connect() as conn:
        tables = [
            str(r[0]) for r in conn.execute(text(
                "SELECT table_name FROM information_schema.columns "
                "WHERE table_schema = 'platform' AND column_name = 'tenant_id'"
            ))
        ]
        for table in tables:
            counts[table] = int(conn.execute(
                text(f'SELECT count(*) FROM platform."{table}" WHERE tenant_id = :t'),
                {"t": tenant_id},
            ).scalar_one())
        counts["tenants"] = int(conn.execute(
            text("SELECT count(*) FROM platform.tenants WHERE id = :t"), {"t": tenant_id}
        ).scalar_one())
    return counts


def card_numbers_in(value: str) -> list[str]:
    """Luhn-valid 13–19 digit runs (P2), generated IDs set aside."""
    return find_card_numbers(_GENERATED_IDS.sub(" ", value))


def device_pull_status(client: TestClient, device_token: str) -> int:
    """The status a workstation gets when it pulls."""
    r = client.get("/v1/sync/pull", params={"cursor": 0}, headers=bearer(device_token))
    return int(r.status_code)
