"""The audit log (PRODUCT.md: "before/after of every change to money, stock and settings").

Changes arrive through every write path — pushed ops, the admin API — and the log keeps the
fields that changed with their values before and after, who made them (op, workstation,
staff member) and nothing else; it is append-only, readable by owners only, per tenant.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError

from jeweltrak_core.contacts.entities import Contact
from jeweltrak_core.contacts.operations import CreateContact, PatchContact
from jeweltrak_core.ids import new_id
from jeweltrak_core.inventory.operations import UpdatePiece
from jeweltrak_core.store.entities import User
from sync_server.db.engine import tenant_transaction
from sync_server.db.names import TenantRef
from sync_server.deps import DeviceContext
from sync_server.sync.feed import write_entities

from .accounts_helpers import (
    make_staff_login,
    make_store,
    own_address_client,  # noqa: F401  (the "client" fixture)
    pair,
    signup,
)
from .builders import create_piece, op, sale
from .conftest import TenantFixture, Workstation


def _push(client: TestClient, ws: Workstation, ops: list[dict[str, Any]]) -> list[str]:
    r = client.post("/v1/sync/push", json={"ops": ops}, headers=ws.headers)
    assert r.status_code == 200, r.text
    return [x["status"] for x in r.json()["results"]]


def _log(tenant: TenantFixture, entity_id: UUID) -> list[dict[str, Any]]:
    with tenant_transaction(tenant.engine, tenant.ref) as conn:
        rows = conn.exec_driver_sql(
            "SELECT entity, action, categories, changes, op_type, device_id, user_id "
            "FROM audit_log WHERE entity_id = %s ORDER BY id", (entity_id,)
        ).all()
    keys = ("entity", "action", "categories", "changes", "op_type", "device_id", "user_id")
    return [dict(zip(keys, row, strict=True)) for row in rows]


def test_a_sale_records_money_and_stock_with_before_and_after(
    client: TestClient, tenant: TenantFixture
) -> None:
    ws = tenant.pair()
    ring, create = create_piece(ws)
    invoice_id, sell = sale(ws, ring)
    assert _push(client, ws, [create, *sell]) == ["applied"] * 3
    piece_log = _log(tenant, ring.id)
    created, sold = piece_log
    assert created["action"] == "created" and created["op_type"] == "create_piece"
    assert created["changes"]["retail_cents"] == [None, 250_000]
    assert created["changes"]["status"] == [None, "in_stock"]
    assert "description" not in created["changes"]  # not money, stock or settings
    assert sold["op_type"] == "finalize_invoice" and sold["categories"] == ["stock"]
    assert sold["changes"]["status"] == ["in_stock", "sold"]
    assert all(k == "status" or k.startswith("qty_") for k in sold["changes"])
    assert sold["device_id"] == ws.ctx.device_id
    invoice_log = _log(tenant, invoice_id)
    assert [e["op_type"] for e in invoice_log] == ["save_invoice", "finalize_invoice"]
    assert all(e["categories"] == ["money"] for e in invoice_log)
    assert invoice_log[1]["changes"]["status"][1] == "finalized"


def test_a_price_change_is_audited_a_description_change_is_not(
    client: TestClient, tenant: TenantFixture
) -> None:
    ws = tenant.pair()
    ring, create = create_piece(ws)
    reprice = op(ws, UpdatePiece(piece_id=ring.id, changes={"retail_cents": 275_000}))
    rename = op(ws, UpdatePiece(piece_id=ring.id, changes={"description": "18K ring"}))
    assert _push(client, ws, [create, reprice, rename]) == ["applied"] * 3
    log = _log(tenant, ring.id)
    assert [e["action"] for e in log] == ["created", "changed"]
    assert log[1]["changes"] == {"retail_cents": [250_000, 275_000]}
    assert log[1]["categories"] == ["money"]


def test_contact_details_and_rejected_ops_leave_no_entry(
    client: TestClient, tenant: TenantFixture
) -> None:
    ws = tenant.pair()
    contact = Contact(id=new_id(), first_name="Ana", last_name="Ruiz")
    create_contact = op(ws, CreateContact(contact=contact))
    patch = op(ws, PatchContact(contact_id=contact.id, changes={"phones": ["305-555-0101"]}))
    assert _push(client, ws, [create_contact, patch]) == ["applied"] * 2
    assert _log(tenant, contact.id) == []
    ring, create = create_piece(ws)
    _, clash = create_piece(ws, stock_id=ring.stock_id)
    assert _push(client, ws, [create, clash]) == ["applied", "rejected"]
    with tenant_transaction(tenant.engine, tenant.ref) as conn:
        (count,) = conn.exec_driver_sql(
            "SELECT count(*) FROM audit_log WHERE op_type = 'create_piece'").one()
    assert count == 1


def test_staff_pin_changes_are_recorded_without_the_verifier(
    engine: Engine, tenant: TenantFixture
) -> None:
    user = User(id=new_id(), name="Sam Clerk", pin_verifier="$argon2id$v=19$secret-one")
    with tenant_transaction(engine, tenant.ref) as conn:
        write_entities(conn, tenant.ref, [user])
    user.pin_verifier = "$argon2id$v=19$secret-two"
    with tenant_transaction(engine, tenant.ref) as conn:
        write_entities(conn, tenant.ref, [user])
    log = _log(tenant, user.id)
    assert [e["action"] for e in log] == ["created", "changed"]
    assert log[1]["changes"] == {"pin_verifier": ["(changed)", "(changed)"]}
    assert "argon2" not in str(log)


def test_the_log_is_append_only(client: TestClient, tenant: TenantFixture) -> None:
    ws = tenant.pair()
    _, create = create_piece(ws)
    _push(client, ws, [create])
    for statement in ("UPDATE audit_log SET action = 'x'", "DELETE FROM audit_log",
                      "TRUNCATE audit_log"):
        with (pytest.raises(DBAPIError, match="append-only"),
              tenant_transaction(tenant.engine, tenant.ref) as conn):
            conn.exec_driver_sql(statement)


def _workstation(paired: dict[str, Any], tenant_id: str) -> Workstation:
    ctx = DeviceContext(
        device_id=UUID(paired["device_id"]), store_id=UUID(paired["store"]["id"]),
        workstation_code=paired["workstation_code"], tenant=TenantRef.for_id(UUID(tenant_id)),
    )
    return Workstation(ctx=ctx, token=paired["device_token"])


def test_owners_read_the_log_of_their_own_business_only(client: TestClient) -> None:
    owner = signup(client)
    store = make_store(client, owner)
    r = client.patch(f"/v1/stores/{store['id']}", json={"tax_rate": "0.0825"},
                     headers=owner.headers)
    assert r.status_code == 200, r.text
    ws = _workstation(pair(client, owner, store["id"]), str(owner.tenant_id))
    ring, create = create_piece(ws)
    _push(client, ws, [create])

    page = client.get("/v1/audit", params={"category": "settings"}, headers=owner.headers)
    assert page.status_code == 200, page.text
    changed = [e for e in page.json()["entries"]
               if e["entity_id"] == store["id"] and e["action"] == "changed"]
    assert changed and changed[0]["changes"]["tax_rate"][1] == "0.0825"
    assert changed[0]["user_id"] == str(owner.user_id)  # the admin API names its caller
    by_piece = client.get("/v1/audit", params={"entity_id": str(ring.id)},
                          headers=owner.headers).json()["entries"]
    assert [e["op_type"] for e in by_piece] == ["create_piece"]
    # Keyset pages, newest first.
    first = client.get("/v1/audit", params={"limit": 1}, headers=owner.headers).json()
    assert len(first["entries"]) == 1 and first["next_before_id"] is not None
    older = client.get("/v1/audit", params={"limit": 1, "before_id": first["next_before_id"]},
                       headers=owner.headers).json()
    assert older["entries"][0]["id"] < first["entries"][0]["id"]

    clerk = make_staff_login(client, owner, permissions=["sell"])
    assert client.get("/v1/audit", headers=clerk.headers).status_code == 403
    assert client.get("/v1/audit", headers={"Authorization": f"Bearer {ws.token}"}
                      ).status_code == 401
    other = signup(client)
    theirs = client.get("/v1/audit", params={"entity_id": str(ring.id)},
                        headers=other.headers).json()["entries"]
    assert theirs == []
