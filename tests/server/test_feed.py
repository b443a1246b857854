"""The read path: pages cut on version boundaries, long-poll, retention (410), snapshots, 426."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from jeweltrak_core.sync.ops import Operation
from sync_server.app import create_app
from sync_server.config import Settings
from sync_server.sync.feed import prune_change_log
from sync_server.sync.push import push_batch

from .builders import create_piece, sale
from .conftest import TenantFixture, Workstation, rows


def _push(client: TestClient, ws: Workstation, ops: list[dict[str, Any]]) -> dict[str, Any]:
    r = client.post("/v1/sync/push", json={"ops": ops}, headers=ws.headers)
    assert r.status_code == 200, r.text
    return r.json()  # type: ignore[no-any-return]


def _pull(client: TestClient, ws: Workstation, **params: Any) -> Any:
    return client.get("/v1/sync/pull", params=params, headers=ws.headers)


def test_pages_end_on_version_boundaries(client: TestClient, tenant: TenantFixture) -> None:
    ws = tenant.pair()
    p, create = create_piece(ws)
    _, sell = sale(ws, p)
    body = _push(client, ws, [create, *sell])
    finalize_version = body["results"][2]["version"]
    # Finalizing writes the invoice and the piece: two rows at one version.
    cursor, pages = 0, []
    while True:
        page = _pull(client, ws, cursor=cursor, limit=1).json()
        pages.append(page)
        cursor = page["next_cursor"]
        if not page["has_more"]:
            break
    sizes = {tuple(sorted({c["version"] for c in pg["changes"]})): len(pg["changes"])
             for pg in pages}
    assert sizes[(finalize_version,)] == 2
    assert all(len(versions) == 1 for versions in sizes)
    assert cursor == body["version"]
    empty = _pull(client, ws, cursor=cursor).json()
    assert empty == {"store_id": str(tenant.store.id), "changes": [], "next_cursor": cursor,
                     "has_more": False, "version": cursor}


def test_long_poll_wakes_within_two_seconds(
    engine: Engine, client: TestClient, tenant: TenantFixture
) -> None:
    """Another workstation's sale shows up on a waiting workstation at once."""
    waiting, selling = tenant.pair("Waiting"), tenant.pair("Selling")
    cursor = _pull(client, waiting, cursor=0).json()["next_cursor"]
    p, create = create_piece(selling)
    pushed_at: list[float] = []

    def push_later() -> None:
        time.sleep(0.4)
        push_batch(engine, tenant.ref, selling.ctx.device_id, [Operation.from_wire(create)],
                   [create])
        pushed_at.append(time.monotonic())

    thread = threading.Thread(target=push_later)
    started = time.monotonic()
    thread.start()
    r = _pull(client, waiting, cursor=cursor, wait=10)
    received = time.monotonic()
    thread.join()
    assert r.status_code == 200
    assert [c["id"] for c in r.json()["changes"]] == [str(p.id)]
    assert received - started < 5
    assert received - pushed_at[0] < 2.0


def test_long_poll_times_out_empty(client: TestClient, tenant: TenantFixture) -> None:
    ws = tenant.pair()
    cursor = _pull(client, ws, cursor=0).json()["next_cursor"]
    started = time.monotonic()
    r = _pull(client, ws, cursor=cursor, wait=0.5)
    assert r.status_code == 200 and r.json()["changes"] == []
    assert 0.4 < time.monotonic() - started < 5


def test_cursor_past_retention_gets_410(client: TestClient, tenant: TenantFixture) -> None:
    ws = tenant.pair()
    _push(client, ws, [create_piece(ws)[1] for _ in range(3)])
    pruned = prune_change_log(tenant.engine, tenant.ref, datetime.now(UTC) + timedelta(seconds=1))
    assert pruned == 4
    r = _pull(client, ws, cursor=0)
    assert r.status_code == 410
    assert r.json()["error"]["code"] == "cursor_expired"
    assert "fresh copy" in r.json()["error"]["message"]
    # A cursor at the retained version is still fine; so is a cursor beyond it.
    ((retained,),) = rows(tenant.engine, tenant.ref, "SELECT retained_from FROM sync_state")
    assert _pull(client, ws, cursor=retained).status_code == 200
    ahead = _pull(client, ws, cursor=retained + 100)
    assert ahead.status_code == 410 and ahead.json()["error"]["code"] == "cursor_unknown"


def test_snapshot_keyset_pages_cover_every_row_once(
    client: TestClient, tenant: TenantFixture
) -> None:
    ws = tenant.pair()
    _push(client, ws, [create_piece(ws)[1] for _ in range(25)])
    manifest = client.get("/v1/sync/snapshot", headers=ws.headers).json()
    assert {t["entity"]: t["rows"] for t in manifest["tables"]}["pieces"] == 25
    seen: list[str] = []
    after: str | None = None
    while True:
        params = {"limit": 10, **({"after": after} if after else {})}
        r = client.get("/v1/sync/snapshot/pieces", params=params,
                       headers={**ws.headers, "Accept-Encoding": "gzip"})
        assert r.status_code == 200
        page = r.json()
        seen.extend(row["id"] for row in page["rows"])
        after = page["next_after"]
        if after is None:
            break
    assert len(seen) == len(set(seen)) == 25
    big = client.get("/v1/sync/snapshot/pieces", params={"limit": 100},
                     headers={**ws.headers, "Accept-Encoding": "gzip"})
    assert big.headers.get("content-encoding") == "gzip"
    r = client.get("/v1/sync/snapshot/secrets", headers=ws.headers)
    assert r.status_code == 422


def test_old_clients_get_426(settings: Settings, engine: Engine, tenant: TenantFixture) -> None:
    strict = settings.model_copy(update={"min_client_schema_version": 2})
    ws = tenant.pair()
    with TestClient(create_app(strict, engine=engine)) as client:
        r = client.post("/v1/sync/push", json={"ops": [create_piece(ws)[1]]}, headers=ws.headers)
        assert r.status_code == 426
        assert "too old" in r.json()["error"]["message"]
        r = client.get("/v1/sync/pull", params={"cursor": 0},
                       headers={**ws.headers, "X-JewelTrak-Schema-Version": "1"})
        assert r.status_code == 426
    assert rows(engine, tenant.ref, "SELECT count(*) FROM pieces") == [(0,)]
