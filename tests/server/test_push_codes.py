"""Unique codes inside one batch: StockIDs, barcodes and document numbers are checked against
the database and against the ops before them, whichever way the batch reaches them.

The push checks hundreds of codes per batch from an in-memory index (loaded for the whole
batch in one query), so these cases pin what that index must agree with: the rules'
``duplicate`` rejection (naming the field, not a database constraint), renames inside the
batch freeing a code, and rejected ops leaving nothing behind.
"""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from jeweltrak_core.inventory.operations import UpdatePiece

from .builders import create_piece, op, sale
from .conftest import TenantFixture, Workstation, rows


def _push(client: TestClient, ws: Workstation, ops: list[dict[str, Any]]) -> list[dict[str, Any]]:
    r = client.post("/v1/sync/push", json={"ops": ops}, headers=ws.headers)
    assert r.status_code == 200, r.text
    return r.json()["results"]  # type: ignore[no-any-return]


def _statuses(results: list[dict[str, Any]]) -> list[str]:
    return [r["status"] for r in results]


def _stock_ids(tenant: TenantFixture) -> list[str]:
    found = rows(tenant.engine, tenant.ref,
                 "SELECT doc ->> 'stock_id' FROM pieces ORDER BY doc ->> 'stock_id'")
    return [stock_id for (stock_id,) in found]


def test_same_stock_id_twice_in_one_batch_rejects_the_second(
    client: TestClient, tenant: TenantFixture
) -> None:
    ws = tenant.pair()
    _, first = create_piece(ws, stock_id="DUP-1")
    _, second = create_piece(ws, stock_id="dup-1")  # other case: still the same StockID
    _, third = create_piece(ws, stock_id="DUP-2")
    results = _push(client, ws, [first, second, third])
    assert _statuses(results) == ["applied", "rejected", "applied"]
    # The rules caught it (field named), not the database's unique index afterwards.
    assert results[1]["error"]["code"] == "duplicate"
    assert results[1]["error"]["details"] == {"field": "stock_id"}
    assert _stock_ids(tenant) == ["DUP-1", "DUP-2"]


def test_codes_already_stored_are_refused_in_a_later_batch(
    client: TestClient, tenant: TenantFixture
) -> None:
    a, b = tenant.pair("A"), tenant.pair("B")
    _, stored = create_piece(a, stock_id="HAVE-1", barcode="0001234")
    assert _statuses(_push(client, a, [stored])) == ["applied"]
    _, same_stock = create_piece(b, stock_id="have-1")
    _, same_barcode = create_piece(b, stock_id="HAVE-2", barcode="0001234")
    _, fine = create_piece(b, stock_id="HAVE-3", barcode="0009999")
    results = _push(client, b, [same_stock, same_barcode, fine])
    assert _statuses(results) == ["rejected", "rejected", "applied"]
    assert results[0]["error"]["details"] == {"field": "stock_id"}
    assert results[1]["error"]["details"] == {"field": "barcode"}
    assert _stock_ids(tenant) == ["HAVE-1", "HAVE-3"]


def test_a_rename_earlier_in_the_batch_frees_the_old_stock_id(
    client: TestClient, tenant: TenantFixture
) -> None:
    ws = tenant.pair()
    ring, create = create_piece(ws, stock_id="OLD-1")
    assert _statuses(_push(client, ws, [create])) == ["applied"]
    rename = op(ws, UpdatePiece(piece_id=ring.id, changes={"stock_id": "NEW-1"}))
    _, reuse = create_piece(ws, stock_id="old-1")
    _, clash = create_piece(ws, stock_id="NEW-1")  # the name the ring just took
    results = _push(client, ws, [rename, reuse, clash])
    assert _statuses(results) == ["applied", "applied", "rejected"]
    assert _stock_ids(tenant) == ["NEW-1", "old-1"]


def test_a_rename_back_and_forth_inside_one_batch(
    client: TestClient, tenant: TenantFixture
) -> None:
    ws = tenant.pair()
    ring, create = create_piece(ws, stock_id="SWAP-A")
    away = op(ws, UpdatePiece(piece_id=ring.id, changes={"stock_id": "SWAP-B"}))
    back = op(ws, UpdatePiece(piece_id=ring.id, changes={"stock_id": "SWAP-A"}))
    _, late = create_piece(ws, stock_id="SWAP-A")  # taken again by the ring
    _, free = create_piece(ws, stock_id="SWAP-B")  # released by the ring
    results = _push(client, ws, [create, away, back, late, free])
    assert _statuses(results) == ["applied", "applied", "applied", "rejected", "applied"]
    assert _stock_ids(tenant) == ["SWAP-A", "SWAP-B"]


def test_a_rejected_op_does_not_hold_its_code(
    client: TestClient, tenant: TenantFixture
) -> None:
    """The rename is refused (its barcode clashes), so its new StockID stays free."""
    ws = tenant.pair()
    _, create_ring = create_piece(ws, stock_id="KEEP-1", barcode="555")
    band, create_band = create_piece(ws, stock_id="KEEP-2", barcode="777")
    refused = op(ws, UpdatePiece(piece_id=band.id,
                                 changes={"stock_id": "WANTED-1", "barcode": "555"}))
    _, takes_it = create_piece(ws, stock_id="wanted-1")
    results = _push(client, ws, [create_ring, create_band, refused, takes_it])
    assert _statuses(results) == ["applied", "applied", "rejected", "applied"]
    assert results[2]["error"]["details"] == {"field": "barcode"}
    assert _stock_ids(tenant) == ["KEEP-1", "KEEP-2", "wanted-1"]


def test_same_document_number_twice_in_one_batch(
    client: TestClient, tenant: TenantFixture
) -> None:
    ws = tenant.pair()
    p, create_p = create_piece(ws)
    q, create_q = create_piece(ws)
    _, first = sale(ws, p, number="INV-7")
    _, second = sale(ws, q, number="inv-7")
    results = _push(client, ws, [create_p, create_q, *first, *second])
    assert _statuses(results) == ["applied", "applied", "applied", "applied", "rejected",
                                  "rejected"]
    assert results[4]["error"]["code"] == "duplicate"
    assert "constraint" not in results[4]["error"]["details"]
    (count,) = rows(tenant.engine, tenant.ref,
                    "SELECT count(*) FROM invoices WHERE lower(doc ->> 'number') = 'inv-7'")[0]
    assert count == 1
