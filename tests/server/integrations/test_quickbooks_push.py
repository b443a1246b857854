"""Finalized sales pushed to QuickBooks exactly once, with exact money, per tenant."""

from __future__ import annotations

from decimal import Decimal
from uuid import UUID

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from jeweltrak_core.contacts.entities import Contact
from jeweltrak_core.contacts.operations import CreateContact
from jeweltrak_core.ids import new_id
from jeweltrak_core.payments.operations import AddPayment, TenderDetails
from jeweltrak_core.payments.rules import Tender
from jeweltrak_core.sales.entities import InvoiceLine
from jeweltrak_core.sales.operations import (
    FinalizeInvoice,
    InvoiceDraft,
    SaveInvoice,
    VoidInvoice,
)
from jeweltrak_core.sales.tax import LineKind
from sync_server.config import Settings
from sync_server.deps import DeviceContext
from sync_server.integrations.quickbooks.errors import NotConnected
from sync_server.integrations.quickbooks.push import push_pending_sales
from sync_server.integrations.quickbooks.settings import QuickBooksSettings
from sync_server.integrations.vault import TokenVault
from tests.server.accounts_helpers import (
    bearer,
    client_at,
    make_store,
    pair,
    signup,
    tenant_ref,
    unique_ip,
)
from tests.server.builders import create_piece, op
from tests.server.conftest import Workstation, rows
from tests.server.integrations.test_quickbooks import (
    BASE,
    Owner,
    connect,
    every_token,
    logs,
    owner,
    qbo,
    vault_key,
)
from tests.simulators.quickbooks import QuickBooksSimulator, quickbooks_sim

__all__ = ["logs", "owner", "qbo", "quickbooks_sim", "vault_key"]
DOLLARS_1234_56_SUBTOTAL = 116_468  # + 6 % tax (6,988.08 → 6,988 cents) = 123,456 cents


def workstation(client: TestClient, who: Owner) -> Workstation:
    store = make_store(client, who.login, timezone="America/New_York")
    paired = pair(client, who.login, store["id"])
    ctx = DeviceContext(device_id=UUID(paired["device_id"]), store_id=UUID(store["id"]),
                        workstation_code=paired["workstation_code"], tenant=who.ref)
    return Workstation(ctx=ctx, token=paired["device_token"])


def push_ops(client: TestClient, ws: Workstation, ops: list[dict[str, object]]) -> None:
    r = client.post("/v1/sync/push", json={"ops": ops}, headers=bearer(ws.token))
    assert r.status_code == 200, r.text
    assert all(x["status"] == "applied" for x in r.json()["results"]), [
        x.get("error") for x in r.json()["results"]]


def sell(client: TestClient, ws: Workstation, *, price: int, paid: bool,
         contact: UUID | None = None, tax_rate: Decimal = Decimal(0)) -> UUID:
    """Create a piece, sell it (taxed at ``tax_rate``), pay it in cash if ``paid``."""
    ring, create = create_piece(ws, retail_cents=price)
    invoice_id = new_id()
    line = InvoiceLine(id=new_id(), kind=LineKind.PIECE, description="18K diamond ring",
                       unit_price_cents=price, piece_id=ring.id)
    draft = InvoiceDraft(id=invoice_id, number=f"{ws.ctx.workstation_code}-{new_id().hex[-10:]}",
                         lines=[line], contact_id=contact, tax_rate=tax_rate)
    total = price + int((Decimal(price) * tax_rate).quantize(Decimal(1), "ROUND_HALF_UP"))
    ops = [create, op(ws, SaveInvoice(invoice=draft))]
    if paid:
        ops.append(op(ws, AddPayment(payment_id=new_id(), invoice_id=invoice_id,
                                     details=TenderDetails(tender=Tender.CASH),
                                     amount_cents=total)))
    ops.append(op(ws, FinalizeInvoice(invoice_id=invoice_id, expected_total_cents=total)))
    push_ops(client, ws, ops)
    return invoice_id


def customer(client: TestClient, ws: Workstation, email: str = "pat@example.com") -> UUID:
    contact = Contact(id=new_id(), first_name="Pat", last_name="Customer", emails=[email])
    push_ops(client, ws, [op(ws, CreateContact(contact=contact))])
    return contact.id


def sync(client: TestClient, who: Owner) -> dict[str, object]:
    r = client.post(f"{BASE}/sync", headers=who.login.headers)
    assert r.status_code == 200, r.text
    return dict(r.json())


def linked(engine: Engine, who: Owner) -> dict[UUID, str]:
    return {row[0]: row[1] for row in rows(
        engine, who.ref, "SELECT local_id, remote_id FROM integration_links "
        "WHERE provider = 'quickbooks' AND entity = 'invoice'")}


def test_finalized_sales_are_pushed_exactly_once(
    client: TestClient, owner: Owner, qbo: QuickBooksSimulator, engine: Engine,
    logs: pytest.LogCaptureFixture,
) -> None:
    realm = connect(client, owner.login, qbo)
    ws = workstation(client, owner)
    pat = customer(client, ws)
    receipt = sell(client, ws, price=250_000, paid=True)
    due = sell(client, ws, price=99_900, paid=False, contact=pat)
    due_again = sell(client, ws, price=10_000, paid=False, contact=pat)

    assert sync(client, owner) == {"pushed": 3, "voided": 0, "problems": 0, "skipped": 0,
                                   "stopped": None}
    assert sync(client, owner)["pushed"] == 0  # run twice: nothing new
    docs = qbo.documents(realm)
    assert sorted(d["_amounts"]["TotalAmt"] for d in docs) == ["100.00", "2500.00", "999.00"]
    links = linked(engine, owner)
    assert links[receipt].startswith("SalesReceipt:")
    assert links[due].startswith("Invoice:") and links[due_again].startswith("Invoice:")
    (pat_qbo,) = qbo.customers(realm)  # found once, linked, reused
    assert pat_qbo["DisplayName"] == "Customer, Pat"
    assert pat_qbo["PrimaryEmailAddr"] == {"Address": "pat@example.com"}
    invoices = qbo.documents(realm, "Invoice")
    assert {d["CustomerRef"]["value"] for d in invoices} == {pat_qbo["Id"]}
    (sr,) = qbo.documents(realm, "SalesReceipt")
    assert "CustomerRef" not in sr  # a walk-in sale paid at the counter
    for token in every_token(qbo):
        assert token not in logs.text


def test_a_lost_answer_is_retried_harmlessly_thanks_to_the_request_id(
    client: TestClient, owner: Owner, qbo: QuickBooksSimulator, engine: Engine,
) -> None:
    realm = connect(client, owner.login, qbo)
    ws = workstation(client, owner)
    sale = sell(client, ws, price=42_000, paid=True)
    qbo.drop_next_answer("salesreceipt")
    first = sync(client, owner)
    assert first["pushed"] == 0 and first["stopped"]  # QuickBooks created it; we never heard
    assert len(qbo.documents(realm)) == 1 and linked(engine, owner) == {}
    second = sync(client, owner)
    assert second["pushed"] == 1 and second["stopped"] is None
    (doc,) = qbo.documents(realm)  # still one: the same requestid replayed the answer
    assert linked(engine, owner) == {sale: f"SalesReceipt:{doc['Id']}"}
    creates = [r for r in qbo.requests if r[0] == "POST" and r[1].endswith("/salesreceipt")]
    assert len(creates) == 2


def test_money_is_exact_with_tax(client: TestClient, owner: Owner, qbo: QuickBooksSimulator
                                 ) -> None:
    realm = connect(client, owner.login, qbo)
    ws = workstation(client, owner)
    sell(client, ws, price=DOLLARS_1234_56_SUBTOTAL, paid=True, tax_rate=Decimal("0.06"))
    assert sync(client, owner)["pushed"] == 1
    (doc,) = qbo.documents(realm, "SalesReceipt")
    assert doc["_amounts"] == {"TotalAmt": "1234.56", "TotalTax": "69.88",
                               "Lines": "1164.68"}
    line = doc["Line"][0]["SalesItemLineDetail"]
    assert line["TaxCodeRef"] == {"value": "TAX"} and line["Qty"] == 1
    assert doc["DocNumber"].startswith(ws.ctx.workstation_code + "-")


def test_a_sale_voided_after_its_push_is_voided_in_quickbooks_once(
    client: TestClient, owner: Owner, qbo: QuickBooksSimulator, engine: Engine,
) -> None:
    realm = connect(client, owner.login, qbo)
    ws = workstation(client, owner)
    sale = sell(client, ws, price=5_000, paid=False, contact=customer(client, ws))
    never_pushed = sell(client, ws, price=7_000, paid=True)
    push_ops(client, ws, [op(ws, VoidInvoice(invoice_id=never_pushed, reason="mistake"))])
    assert sync(client, owner)["pushed"] == 1
    push_ops(client, ws, [op(ws, VoidInvoice(invoice_id=sale, reason="changed mind"))])
    assert sync(client, owner)["voided"] == 1
    assert sync(client, owner)["voided"] == 0
    (doc,) = qbo.documents(realm)
    assert doc["Voided"] is True and doc["_amounts"]["TotalAmt"] == "0"
    assert never_pushed not in linked(engine, owner)


def test_another_tenants_sales_are_never_pushed(
    client: TestClient, owner: Owner, qbo: QuickBooksSimulator, engine: Engine,
    vault_key: bytes, settings: Settings,
) -> None:
    realm = connect(client, owner.login, qbo)
    mine = sell(client, workstation(client, owner), price=30_000, paid=True)
    with client_at(settings, engine, unique_ip()) as elsewhere:  # sign-up limits are per IP
        other_login = signup(elsewhere, business_name="Other Jewelers")
    other = Owner(login=other_login, ref=tenant_ref(engine, other_login.tenant_id))
    theirs = sell(client, workstation(client, other), price=77_700, paid=True)

    assert sync(client, owner)["pushed"] == 1
    assert list(linked(engine, owner)) == [mine]
    assert [d["_amounts"]["TotalAmt"] for d in qbo.documents(realm)] == ["300.00"]
    r = client.post(f"{BASE}/sync", headers=other.login.headers)  # not connected
    assert r.status_code == 409 and r.json()["error"]["code"] == "quickbooks_not_connected"
    # The job function itself, for the other tenant.
    with httpx.Client() as http, pytest.raises(NotConnected, match="not connected"):
        push_pending_sales(engine, other.ref, vault=TokenVault([vault_key]),
                           qbo=QuickBooksSettings(), http=http)
    # Connected to its own company, it pushes its own sale there, and only that.
    qbo.next_realm = "9130354000002"
    other_realm = connect(client, other.login, qbo)
    assert sync(client, other)["pushed"] == 1
    assert [d["_amounts"]["TotalAmt"] for d in qbo.documents(other_realm)] == ["777.00"]
    assert [d["_amounts"]["TotalAmt"] for d in qbo.documents(realm)] == ["300.00"]
    assert list(linked(engine, other)) == [theirs]
