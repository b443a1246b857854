"""Regressions for bad input that once broke the sync service (found by the fuzz and
bad-input work): NUL characters and lone surrogates in op text, a date-time whose UTC
instant leaves years 1..9999, and a chunked body over the limit. Each once answered 5xx
(or the wrong 4xx); a 5xx on push would make the desktop retry the op forever, so the
store's sync queue would be stuck behind it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from .builders import create_piece
from .conftest import TenantFixture, Workstation, rows

PUSH = "/v1/sync/push"


def _written(tenant: TenantFixture) -> tuple[Any, ...]:
    return rows(
        tenant.engine,
        tenant.ref,
        "SELECT (SELECT count(*) FROM applied_ops), (SELECT count(*) FROM change_log), "
        "(SELECT count(*) FROM device_seqs), (SELECT version FROM sync_state WHERE id = 1)",
    )[0]


def _push_raw(client: TestClient, ws: Workstation, op: dict[str, Any]) -> Any:
    """Send the op as ASCII JSON (``\\u0000``, ``\\ud800`` escapes), the way any client may."""
    body = json.dumps({"ops": [op]}, ensure_ascii=True).encode("ascii")
    headers = {**ws.headers, "content-type": "application/json"}
    return client.post(PUSH, content=body, headers=headers)


def _assert_refused_or_rejected_and_queue_moves(
    client: TestClient, tenant: TenantFixture, ws: Workstation, r: Any, before: tuple[Any, ...]
) -> None:
    """No 5xx: either a 4xx with nothing written, or a 200 rejecting the op; the device's
    next op then goes through either way."""
    assert r.status_code < 500, r.text
    if r.status_code == 200:
        assert [x["status"] for x in r.json()["results"]] == ["rejected"], r.text
    else:
        assert 400 <= r.status_code < 500, r.text
        assert _written(tenant) == before
        ws.seq -= 1  # the refused op did not take its seq
    _, follow_up = create_piece(ws)
    r = client.post(PUSH, json={"ops": [follow_up]}, headers=ws.headers)
    assert r.status_code == 200, r.text
    assert [x["status"] for x in r.json()["results"]] == ["applied"]


@pytest.fixture
def shop(client: TestClient, tenant: TenantFixture) -> Iterator[Workstation]:
    """A paired workstation (the client fixture's app is running)."""
    yield tenant.pair()


# description: the op is applied and its row write fails; stock_id: the op is rejected
# (the StockID is checked) and writing its result, which quotes the StockID, fails.
@pytest.mark.parametrize("field", ["description", "stock_id"])
def test_nul_character_in_op_text_is_not_a_server_error(
    client: TestClient, tenant: TenantFixture, shop: Workstation, field: str
) -> None:
    before = _written(tenant)
    _, op = create_piece(shop)
    op["payload"]["piece"][field] = "14K ring\x00"
    r = _push_raw(client, shop, op)
    _assert_refused_or_rejected_and_queue_moves(client, tenant, shop, r, before)


def test_lone_surrogate_in_op_text_is_not_a_server_error(
    client: TestClient, tenant: TenantFixture, shop: Workstation
) -> None:
    before = _written(tenant)
    _, op = create_piece(shop)
    op["payload"]["piece"]["description"] = "ring \ud800"
    r = _push_raw(client, shop, op)
    _assert_refused_or_rejected_and_queue_moves(client, tenant, shop, r, before)


@pytest.mark.parametrize(
    "client_ts", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00"]
)
def test_client_ts_out_of_range_in_utc_is_422_naming_the_field(
    client: TestClient, tenant: TenantFixture, shop: Workstation, client_ts: str
) -> None:
    before = _written(tenant)
    _, op = create_piece(shop)
    op["client_ts"] = client_ts
    r = _push_raw(client, shop, op)
    assert r.status_code == 422, r.text
    assert "client_ts" in r.json()["error"]["message"], r.text
    assert _written(tenant) == before
