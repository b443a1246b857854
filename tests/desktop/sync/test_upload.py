"""Uploading the outbox to the real service: exactly once, in order, results kept."""

from __future__ import annotations

import json

import httpx
import pytest
from sqlalchemy import Engine

from jeweltrak_desktop.sync.errors import Offline
from tests.desktop.sync.conftest import (
    OpenStation,
    PairedStation,
    assert_equal_to_service,
    drop_request,
    lose_response,
    server_error,
)
from tests.desktop.sync.sales import new_piece, sell
from tests.server.conftest import TenantFixture, make_tenant, rows


def _outbox(station: PairedStation) -> list[tuple[int, str, str]]:
    return [(e["seq"], e["op_id"], e["status"]) for e in station.local.outbox_entries()]


def _applied_on_service(tenant: TenantFixture, station: PairedStation) -> list[tuple[str, int]]:
    found = rows(
        tenant.engine, tenant.ref,
        "SELECT op_id::text, seq FROM applied_ops WHERE device_id = %s ORDER BY seq",
        station.device.ctx.device_id,
    )
    return [(op_id, seq) for op_id, seq in found]


def test_offline_sales_upload_exactly_once_despite_lost_responses(
    engine: Engine, open_station: OpenStation
) -> None:
    tenant = make_tenant(engine)
    a = open_station(tenant, "A", batch_size=3)
    a.sync.sync_once()
    # Offline: the counter keeps selling.
    a.faults.add("/v1/sync", drop_request, times=100)
    pieces = [new_piece(a.local, description=f"Ring {n}") for n in range(3)]
    for piece in pieces:
        sell(a.local, piece)
    with pytest.raises(Offline):
        a.sync.sync_once()
    assert a.sync.status().state == "offline"
    pending = a.local.pending_ops()
    assert pending == 3 + 3 * 4
    a.faults.clear()
    # Back online, but the answers to the first two batches are lost after the commit,
    # and the service then stumbles once (503).
    a.faults.add("/v1/sync/push", lose_response, times=2)
    a.faults.add("/v1/sync/push", server_error)
    for _ in range(3):
        with pytest.raises(Offline):
            a.sync.upload()
    a.sync.sync_once()

    local_ops = [(op_id, seq) for seq, op_id, _ in _outbox(a)]
    assert _applied_on_service(tenant, a) == local_ops  # each op once, none missing
    assert {status for *_, status in _outbox(a)} == {"applied"}
    results = [json.loads(e["result"]) for e in a.local.outbox_entries()]
    # The first batch was committed at its first send; its two resends were repeats.
    assert [r["repeat"] for r in results] == [True] * 3 + [False] * (pending - 3)
    assert_equal_to_service(a.local, tenant)
    sold = rows(tenant.engine, tenant.ref,
                "SELECT count(*) FROM invoices WHERE doc->>'finalized_at' IS NOT NULL")
    assert sold == [(3,)]


def test_the_same_batch_pushed_twice_applies_once(
    engine: Engine, open_station: OpenStation
) -> None:
    tenant = make_tenant(engine)
    a = open_station(tenant, "A")
    a.sync.sync_once()
    sell(a.local, new_piece(a.local))
    batch = [json.loads(e["envelope"]) for e in a.local.outbox_entries(status="pending")]

    first = a.transport.push(batch)
    second = a.transport.push(batch)

    assert [r.repeat for r in first.results] == [False] * len(batch)
    assert [r.repeat for r in second.results] == [True] * len(batch)
    assert [r.raw | {"repeat": False} for r in second.results] == [
        r.raw for r in first.results
    ]
    a.sync.sync_once()  # the uploader's own send is a third repeat
    assert len(_applied_on_service(tenant, a)) == len(batch)
    assert_equal_to_service(a.local, tenant)


def test_results_the_service_no_longer_keeps_are_acknowledged_by_sequence(
    engine: Engine, open_station: OpenStation
) -> None:
    """409 out_of_order with an expected seq past ours: those ops are done, carry on."""
    tenant = make_tenant(engine)
    a = open_station(tenant, "A")
    a.sync.sync_once()
    new_piece(a.local, description="First")
    a.sync.sync_once()
    # The service pruned the op records it keeps for repeats, and the acknowledgement
    # never reached this workstation.
    rows(tenant.engine, tenant.ref, "DELETE FROM applied_ops RETURNING 1")
    with a.local.transaction() as tx:
        tx.conn.exec_driver_sql("UPDATE outbox SET status = 'pending', result = NULL")
    new_piece(a.local, description="Second")

    a.sync.sync_once()

    entries = a.local.outbox_entries()
    assert [e["status"] for e in entries] == ["applied", "applied"]
    assert json.loads(entries[0]["result"])["detail"].startswith("Acknowledged")
    assert _applied_on_service(tenant, a) == [(entries[1]["op_id"], 2)]
    assert a.local.pending_ops() == 0
    assert_equal_to_service(a.local, tenant)


def test_a_rejected_op_stays_visible_and_its_rows_follow_the_service(
    engine: Engine, open_station: OpenStation
) -> None:
    tenant = make_tenant(engine)
    a, b = open_station(tenant, "A"), open_station(tenant, "B")
    a.sync.sync_once()
    b.sync.sync_once()
    new_piece(a.local, stock_id="DUP-1", description="A's ring")
    a.sync.sync_once()
    ghost = new_piece(b.local, stock_id="DUP-1", description="B's ring")  # B has not pulled

    status = b.sync.sync_once()

    (problem,) = status.problems
    assert problem.status == "rejected"
    assert problem.op_type == "create_piece"
    assert "DUP-1" in problem.sentence or "StockID" in problem.sentence
    (entry,) = b.local.outbox_entries()
    assert entry["status"] == "rejected"
    assert json.loads(entry["result"])["error"]["code"] == "duplicate"
    # B's local copy of the rejected piece is gone; the service's DUP-1 arrived instead.
    assert_equal_to_service(b.local, tenant)
    with b.local.reader() as repo:
        assert repo.piece_by_stock_id("DUP-1").description == "A's ring"  # type: ignore[union-attr]
        assert repo.get(type(ghost), ghost.id) is None
    # Never retried: another round sends nothing and the problem stays.
    attempts = entry["attempts"]
    again = b.sync.sync_once()
    assert again.problems == status.problems
    assert b.local.outbox_entries()[0]["attempts"] == attempts


def test_a_service_restored_from_backup_gets_the_lost_ops_again(
    engine: Engine, open_station: OpenStation
) -> None:
    """409 out_of_order with an expected seq below ours: resend from there, in order."""
    tenant = make_tenant(engine)
    a = open_station(tenant, "A")
    a.sync.sync_once()
    new_piece(a.local, description="Kept by the backup")
    a.sync.sync_once()
    lost = new_piece(a.local, description="Lost with the service's last hour")
    a.sync.sync_once()
    # The service comes back from a backup taken between the two uploads.
    device = a.device.ctx.device_id
    rows(tenant.engine, tenant.ref, "DELETE FROM pieces WHERE id = %s RETURNING 1", lost.id)
    rows(tenant.engine, tenant.ref,
         "DELETE FROM applied_ops WHERE device_id = %s AND seq >= 2 RETURNING 1", device)
    rows(tenant.engine, tenant.ref,
         "UPDATE device_seqs SET last_seq = 1 WHERE device_id = %s RETURNING 1", device)
    new_piece(a.local, description="Made after the restore")

    a.sync.sync_once()

    local_ops = [(op_id, seq) for seq, op_id, _ in _outbox(a)]
    assert _applied_on_service(tenant, a) == local_ops
    assert {status for *_, status in _outbox(a)} == {"applied"}
    assert_equal_to_service(a.local, tenant)


def test_a_service_that_takes_smaller_batches_gets_them(
    engine: Engine, open_station: OpenStation
) -> None:
    """A service configured with a smaller batch limit answers 413; the batch is halved."""
    tenant = make_tenant(engine)
    a = open_station(tenant, "A")
    a.sync.sync_once()
    for n in range(120):
        new_piece(a.local, description=f"Ring {n}")
    sizes: list[int] = []

    def at_most_50(request: httpx.Request, inner: httpx.BaseTransport) -> httpx.Response:
        count = len(json.loads(request.content)["ops"])
        sizes.append(count)
        if count > 50:
            body = {"error": {"code": "batch_too_large", "message": "At most 50 operations.",
                              "details": {"max_ops": 50}}}
            return httpx.Response(413, json=body, request=request)
        return inner.handle_request(request)

    a.faults.add("/v1/sync/push", at_most_50, times=100)
    report = a.sync.upload()

    assert sizes[:3] == [120, 60, 30]  # halved until the service takes it
    assert set(sizes[2:]) == {30}
    assert report.applied == 120 and a.local.pending_ops() == 0
    assert [seq for _, seq in _applied_on_service(tenant, a)] == list(range(1, 121))
    a.sync.pull()
    assert_equal_to_service(a.local, tenant)
