"""Exactly-once delivery: repeats, concurrent duplicates, lost responses, ordering, atomic ops."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from jeweltrak_core.ids import new_id
from jeweltrak_core.sales.operations import FinalizeInvoice
from jeweltrak_core.sync.ops import Operation
from sync_server.sync.push import push_batch

from .builders import create_piece, op, sale
from .conftest import TenantFixture, rows


def _counts(tenant: TenantFixture) -> tuple[int, int, int]:
    (log,) = rows(tenant.engine, tenant.ref, "SELECT count(*) FROM change_log")[0]
    (ops,) = rows(tenant.engine, tenant.ref, "SELECT count(*) FROM applied_ops")[0]
    (pieces,) = rows(tenant.engine, tenant.ref, "SELECT count(*) FROM pieces")[0]
    return log, ops, pieces


def _push(client: TestClient, ws: Any, ops: list[dict[str, Any]]) -> dict[str, Any]:
    r = client.post("/v1/sync/push", json={"ops": ops}, headers=ws.headers)
    assert r.status_code == 200, r.text
    return r.json()  # type: ignore[no-any-return]


def test_same_batch_twice_applies_once(client: TestClient, tenant: TenantFixture) -> None:
    ws = tenant.pair()
    p, create = create_piece(ws)
    _, sell = sale(ws, p)
    batch = [create, *sell]
    first = _push(client, ws, batch)
    after_first = _counts(tenant)
    second = _push(client, ws, batch)
    assert _counts(tenant) == after_first
    assert [r["status"] for r in second["results"]] == [r["status"] for r in first["results"]]
    assert all(r["repeat"] for r in second["results"])
    assert [r["version"] for r in second["results"]] == [r["version"] for r in first["results"]]


def test_lost_response_then_retry_with_more_ops(client: TestClient, tenant: TenantFixture) -> None:
    """The client never saw the answer; it resends the batch plus newer ops."""
    ws = tenant.pair()
    p, create = create_piece(ws)
    _push(client, ws, [create])  # response "lost"
    _, sell = sale(ws, p)
    again = _push(client, ws, [create, *sell])
    assert [r["repeat"] for r in again["results"]] == [True, False, False]
    assert [r["status"] for r in again["results"]] == ["applied"] * 3
    assert _counts(tenant)[1] == 3


def test_concurrent_duplicate_batches_apply_once(engine: Engine, tenant: TenantFixture) -> None:
    ws = tenant.pair()
    batch: list[dict[str, Any]] = []
    for _ in range(20):
        _, create = create_piece(ws)
        batch.append(create)
    ops = [Operation.from_wire(raw) for raw in batch]
    barrier = threading.Barrier(4)

    def go() -> list[str]:
        barrier.wait()
        outcome = push_batch(engine, tenant.ref, ws.ctx.device_id, ops, batch)
        return [r.status for r in outcome.results]

    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda _: go(), range(4)))
    assert all(r == ["applied"] * 20 for r in results)
    log, applied, pieces = _counts(tenant)
    assert (applied, pieces) == (20, 20)
    assert log == 21  # the store row written by the fixture, plus one per piece


def test_out_of_order_seq_is_refused_without_applying(
    client: TestClient, tenant: TenantFixture
) -> None:
    ws = tenant.pair()
    _, first = create_piece(ws)  # seq 1
    _, second = create_piece(ws)  # seq 2
    before = _counts(tenant)
    r = client.post("/v1/sync/push", json={"ops": [second]}, headers=ws.headers)
    assert r.status_code == 409
    error = r.json()["error"]
    assert error["code"] == "out_of_order"
    assert error["details"]["expected_seq"] == 1
    assert _counts(tenant) == before
    r = client.post("/v1/sync/push", json={"ops": [second, first]}, headers=ws.headers)
    assert r.status_code == 422 and "increasing seq" in r.json()["error"]["message"]
    assert _counts(tenant) == before
    assert [x["status"] for x in _push(client, ws, [first, second])["results"]] == ["applied"] * 2


def test_a_rejected_op_does_not_take_its_neighbours_down(
    client: TestClient, tenant: TenantFixture
) -> None:
    ws = tenant.pair()
    _, a = create_piece(ws)
    bad = op(ws, FinalizeInvoice(invoice_id=new_id(), expected_total_cents=100))
    _, b = create_piece(ws)
    body = _push(client, ws, [a, bad, b])
    assert [r["status"] for r in body["results"]] == ["applied", "rejected", "applied"]
    rejected = body["results"][1]
    assert rejected["error"]["code"] == "not_found"
    assert "invoice was not found" in rejected["error"]["message"]
    assert _counts(tenant)[2] == 2
    problems = client.get("/v1/sync/problems", headers=ws.headers).json()["problems"]
    assert [p["op_id"] for p in problems] == [bad["op_id"]]
    assert problems[0]["result"]["status"] == "rejected"
    # The rejected op consumed its seq: the device goes on with the next one.
    _, c = create_piece(ws)
    assert _push(client, ws, [c])["results"][0]["status"] == "applied"


def test_reader_sees_every_version_once_while_pushes_run(
    engine: Engine, client: TestClient, tenant: TenantFixture
) -> None:
    devices = [tenant.pair(f"Counter {i}") for i in range(3)]
    done = threading.Event()
    seen: list[tuple[int, str]] = []

    def writer(ws: Any) -> None:
        for _ in range(15):
            batch = [create_piece(ws)[1] for _ in range(4)]
            push_batch(
                engine, tenant.ref, ws.ctx.device_id,
                [Operation.from_wire(raw) for raw in batch], batch,
            )

    def reader() -> None:
        cursor = 0
        while True:
            finished = done.is_set()
            r = client.get(
                "/v1/sync/pull", params={"cursor": cursor, "limit": 7}, headers=devices[0].headers
            )
            assert r.status_code == 200, r.text
            page = r.json()
            seen.extend((c["version"], c["id"]) for c in page["changes"])
            cursor = page["next_cursor"]
            if finished and not page["has_more"]:
                return

    read = threading.Thread(target=reader)
    read.start()
    with ThreadPoolExecutor(3) as pool:
        list(pool.map(writer, devices))
    done.set()
    read.join(60)
    assert not read.is_alive()
    expected = rows(engine, tenant.ref, "SELECT version, entity_id::text FROM change_log")
    assert len(seen) == len(set(seen)), "a change was delivered twice"
    assert sorted(seen) == sorted(expected)
    assert len(expected) == 1 + 3 * 15 * 4
