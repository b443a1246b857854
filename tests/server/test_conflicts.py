"""Conflict rules of DESIGN.md on the real service: oversell, contact fields, state machines,
unique document numbers."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from jeweltrak_core.contacts.entities import Contact
from jeweltrak_core.contacts.operations import CreateContact, PatchContact
from jeweltrak_core.ids import new_id
from jeweltrak_core.sales.operations import VoidInvoice

from .builders import create_piece, op, sale
from .conftest import TenantFixture, Workstation, rows


def _push(client: TestClient, ws: Workstation, ops: list[dict[str, Any]]) -> list[dict[str, Any]]:
    r = client.post("/v1/sync/push", json={"ops": ops}, headers=ws.headers)
    assert r.status_code == 200, r.text
    return r.json()["results"]  # type: ignore[no-any-return]


def _doc(tenant: TenantFixture, table: str, entity_id: Any) -> dict[str, Any]:
    ((doc,),) = rows(tenant.engine, tenant.ref, f"SELECT doc FROM {table} WHERE id = %s",
                     entity_id)
    return doc  # type: ignore[no-any-return]


def test_one_of_a_kind_sold_on_two_offline_workstations(
    client: TestClient, tenant: TenantFixture
) -> None:
    """Both sales stand (the money was taken); the later one raises an oversell exception."""
    front, back = tenant.pair("Front"), tenant.pair("Back")
    p, create = create_piece(front)
    _push(client, front, [create])
    # Both workstations sell the ring while offline, then reconnect: front first.
    first_id, first_sale = sale(front, p)
    second_id, second_sale = sale(back, p)
    assert [r["status"] for r in _push(client, front, first_sale)] == ["applied", "applied"]
    results = _push(client, back, second_sale)
    assert [r["status"] for r in results] == ["applied", "conflict"]
    assert len(results[1]["exceptions"]) == 1
    exception = _doc(tenant, "oversell_exceptions", results[1]["exceptions"][0])
    assert exception["piece_id"] == str(p.id)
    assert exception["losing_invoice_id"] == str(second_id)
    assert exception["resolved_at"] is None
    assert _doc(tenant, "invoices", second_id)["status"] == "finalized"
    assert _doc(tenant, "invoices", first_id)["status"] == "finalized"
    assert _doc(tenant, "pieces", p.id)["status"] == "sold"
    # Both workstations learn about it from the feed.
    feed = client.get("/v1/sync/pull", params={"cursor": 0}, headers=front.headers).json()
    assert any(c["entity"] == "oversell_exceptions" for c in feed["changes"])
    problems = client.get("/v1/sync/problems", headers=back.headers).json()["problems"]
    assert [p["status"] for p in problems] == ["conflict"]


def test_stale_contact_edit_is_applied_and_flagged(client: TestClient, tenant: TenantFixture
                                                   ) -> None:
    a, b = tenant.pair("A"), tenant.pair("B")
    contact = Contact(id=new_id(), first_name="Ana", last_name="Ruiz", phones=["305-555-0101"])
    (created,) = _push(client, a, [op(a, CreateContact(contact=contact))])
    base = created["version"]
    # A changes the phone; B, having seen only the created version, changes phone and notes.
    _push(client, a, [op(a, PatchContact(contact_id=contact.id,
                                         changes={"phones": ["305-555-0199"]}),
                         base_version=base)])
    (result,) = _push(client, b, [op(b, PatchContact(
        contact_id=contact.id, changes={"phones": ["786-555-0123"], "notes": "Size 6"}),
        base_version=base)])
    assert result["status"] == "conflict"
    assert "phones" in result["detail"] and "notes" not in result["detail"]
    doc = _doc(tenant, "contacts", contact.id)
    assert doc["phones"] == ["786-555-0123"]  # last writer in server order wins
    assert doc["notes"] == "Size 6"


def test_illegal_transition_is_rejected_with_a_reason(
    client: TestClient, tenant: TenantFixture
) -> None:
    ws = tenant.pair()
    p, create = create_piece(ws)
    invoice_id, sell = sale(ws, p)
    _push(client, ws, [create, *sell])
    void = op(ws, VoidInvoice(invoice_id=invoice_id, reason="Customer changed her mind"))
    again = op(ws, VoidInvoice(invoice_id=invoice_id, reason="twice"))
    results = _push(client, ws, [void, again])
    assert [r["status"] for r in results] == ["applied", "rejected"]
    assert results[1]["error"]["code"] == "illegal_transition"
    assert "void" in results[1]["error"]["message"].lower()
    assert _doc(tenant, "pieces", p.id)["status"] == "in_stock"


def test_document_numbers_are_unique_across_workstations(
    client: TestClient, tenant: TenantFixture
) -> None:
    a, b = tenant.pair("A"), tenant.pair("B")
    p, create = create_piece(a)
    q, create_q = create_piece(a)
    _push(client, a, [create, create_q])
    _, first = sale(a, p, number="X-100")
    _, second = sale(b, q, number="x-100")  # same number, other case, other workstation
    assert [r["status"] for r in _push(client, a, first)] == ["applied", "applied"]
    results = _push(client, b, second)
    assert results[0]["status"] == "rejected"
    assert results[0]["error"]["code"] == "duplicate"
    assert results[1]["status"] == "rejected"  # finalizing an invoice that was never saved
    (count,) = rows(tenant.engine, tenant.ref,
                    "SELECT count(*) FROM invoices WHERE lower(doc->>'number') = 'x-100'")[0]
    assert count == 1


def test_a_constraint_the_rules_cannot_see_rejects_only_that_op(
    client: TestClient, tenant: TenantFixture
) -> None:
    """A deleted invoice still holds its number: the batch is redone op by op."""
    ws = tenant.pair()
    p, create = create_piece(ws)
    ghost = new_id()
    rows(tenant.engine, tenant.ref,
         "INSERT INTO invoices (id, version, deleted, doc) VALUES (%s, 0, true, %s::jsonb) "
         "RETURNING id", ghost, '{"number": "GHOST-1"}')
    _invoice_id, sell = sale(ws, p, number="GHOST-1")
    _, other = create_piece(ws)
    results = _push(client, ws, [create, *sell, other])
    assert [r["status"] for r in results] == ["applied", "rejected", "rejected", "applied"]
    assert results[1]["error"]["code"] == "duplicate"
    assert results[1]["error"]["details"]["constraint"] == "ux_invoices_number"
    (count,) = rows(tenant.engine, tenant.ref, "SELECT count(*) FROM pieces")[0]
    assert count == 2
    (logged,) = rows(tenant.engine, tenant.ref,
                     "SELECT count(*) FROM applied_ops WHERE status = 'rejected'")[0]
    assert logged == 2
