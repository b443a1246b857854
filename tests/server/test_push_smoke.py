"""First light: a piece created and sold through the HTTP push, seen in the pull."""

from __future__ import annotations

from fastapi.testclient import TestClient

from .builders import create_piece, sale
from .conftest import TenantFixture


def test_create_and_sell_through_push_then_pull(client: TestClient, tenant: TenantFixture) -> None:
    ws = tenant.pair()
    p, create = create_piece(ws)
    invoice_id, ops = sale(ws, p)
    r = client.post("/v1/sync/push", json={"ops": [create, *ops]}, headers=ws.headers)
    assert r.status_code == 200, r.text
    statuses = [x["status"] for x in r.json()["results"]]
    assert statuses == ["applied", "applied", "applied"], r.json()
    r = client.get("/v1/sync/pull", params={"cursor": 0}, headers=ws.headers)
    assert r.status_code == 200, r.text
    body = r.json()
    pieces = [c for c in body["changes"] if c["entity"] == "pieces"]
    assert pieces[-1]["doc"]["status"] == "sold"
    invoices = [c for c in body["changes"] if c["entity"] == "invoices"]
    assert invoices[-1]["id"] == str(invoice_id)
