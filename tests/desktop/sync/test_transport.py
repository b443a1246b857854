"""The transport's reading of the service: typed failures and strict answers."""

from __future__ import annotations

import json
from uuid import UUID

import httpx
import pytest
from sqlalchemy import Engine

from jeweltrak_core.ids import new_id
from jeweltrak_desktop.sync.errors import (
    BadResponse,
    CursorExpired,
    Offline,
    Unauthorized,
    UpgradeRequired,
)
from jeweltrak_desktop.sync.responses import parse_push, parse_snapshot_page
from sync_server.devices.service import revoke_device
from tests.desktop.sync.conftest import OpenStation, PairedStation
from tests.server.conftest import make_tenant


@pytest.fixture
def station(engine: Engine, open_station: OpenStation) -> PairedStation:
    return open_station(make_tenant(engine), "A")


def _answer(status: int, body: bytes = b"{}") -> object:
    def action(request: httpx.Request, _inner: httpx.BaseTransport) -> httpx.Response:
        return httpx.Response(status, content=body, request=request)

    return action


@pytest.mark.parametrize(
    ("status", "error"),
    [(410, CursorExpired), (426, UpgradeRequired), (500, Offline), (502, Offline),
     (429, Offline), (403, Unauthorized)],
)
def test_statuses_map_to_what_the_engine_does_next(
    station: PairedStation, status: int, error: type[Exception]
) -> None:
    station.faults.add("/v1/sync/pull", _answer(status))  # type: ignore[arg-type]
    with pytest.raises(error):
        station.transport.pull(0)


def test_a_revoked_workstation_is_unauthorized(engine: Engine, station: PairedStation) -> None:
    with engine.begin() as conn:
        revoke_device(conn, tenant_id=station.device.ctx.tenant.id,
                      device_id=station.device.ctx.device_id)
    with pytest.raises(Unauthorized):
        station.sync.sync_once()
    assert station.sync.status().error


def test_every_request_names_the_data_format(station: PairedStation) -> None:
    seen: list[httpx.Request] = []

    def record(request: httpx.Request, inner: httpx.BaseTransport) -> httpx.Response:
        seen.append(request)
        return inner.handle_request(request)

    station.faults.add("/v1/sync", record, times=3)
    station.sync.sync_once()
    assert seen
    assert all(r.headers["X-JewelTrak-Schema-Version"] == "1" for r in seen)


def _result(op_id: UUID, seq: int, **changes: object) -> dict[str, object]:
    return {"op_id": str(op_id), "seq": seq, "status": "applied", "version": 3, "detail": None,
            "error": None, "exceptions": [], "repeat": False} | changes


def test_push_answers_must_match_the_batch_sent() -> None:
    a, b = new_id(), new_id()
    good = {"results": [_result(a, 1), _result(b, 2)], "version": 3}
    assert [r.seq for r in parse_push(good, [(a, 1), (b, 2)]).results] == [1, 2]
    for bad in (
        {"results": [_result(b, 2), _result(a, 1)], "version": 3},  # reordered
        {"results": [_result(a, 1)], "version": 3},  # one missing
        {"results": [_result(a, 1, status="ok"), _result(b, 2)], "version": 3},
        {"results": [_result(a, 1, status="rejected"), _result(b, 2)], "version": 3},
        {"results": [_result(a, 1, version=True), _result(b, 2)], "version": 3},
        {"results": [_result(a, 1, extra=1), _result(b, 2)], "version": 3},
        {"results": [_result(a, 1), _result(b, 2)], "version": -1},
        json.loads('{"results": null, "version": 3}'),
    ):
        with pytest.raises(BadResponse):
            parse_push(bad, [(a, 1), (b, 2)])


def test_snapshot_pages_must_be_in_key_order_after_the_position() -> None:
    ids = sorted((new_id() for _ in range(3)), key=lambda u: u.int)
    rows = [{"id": str(i), "version": 1, "deleted": False, "doc": {}} for i in ids]
    page = {"store_id": str(new_id()), "entity": "pieces", "rows": rows,
            "next_after": str(ids[-1])}
    assert parse_snapshot_page(page, entity="pieces", after=None, limit=3).next_after == ids[-1]
    for bad, after, limit in (
        (page | {"rows": rows[::-1]}, None, 3),
        (page, ids[1], 3),  # rows at or before the position asked for
        (page, None, 2),  # more rows than asked for
        (page | {"entity": "contacts"}, None, 3),
        (page | {"next_after": str(ids[0])}, None, 3),
        (page | {"store_id": "not a store"}, None, 3),
        ({k: v for k, v in page.items() if k != "store_id"}, None, 3),
    ):
        with pytest.raises(BadResponse):
            parse_snapshot_page(bad, entity="pieces", after=after, limit=limit)
