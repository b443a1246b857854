"""Shopify customers and orders into the tenant's books, as the service's own operations.

Each record is written with the core rules (``CreateContact``/``PatchContact``,
``SaveInvoice``, ``AddPayment``, ``FinalizeInvoice``) under ``Authority.SERVER`` through
``payments.ledger.apply_server_op``: the rows and their change-log entries take the next
feed version under the ``sync_state`` lock exactly like a push, so every workstation
receives them like hand-entered data (P8). Each import runs in the caller's tenant
transaction, together with the webhook's delivery record and the ID link, so a failure
leaves nothing half-imported and a replay finds the link.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from uuid import UUID, uuid5

from sqlalchemy import Connection

from jeweltrak_core.contacts.entities import Contact
from jeweltrak_core.contacts.operations import CreateContact, PatchContact
from jeweltrak_core.ids import new_id
from jeweltrak_core.money import format_money
from jeweltrak_core.payments.operations import AddPayment, TenderDetails
from jeweltrak_core.payments.rules import Tender
from jeweltrak_core.sales.entities import Invoice
from jeweltrak_core.sales.operations import FinalizeInvoice, InvoiceDraft, SaveInvoice
from jeweltrak_core.sales.tax import TaxRule, invoice_totals
from jeweltrak_core.sync.ops import OpPayload
from sync_server.db.names import TenantRef
from sync_server.integrations import connections
from sync_server.integrations.shopify import mapping
from sync_server.kit import entity_docs
from sync_server.payments.ledger import apply_server_op

PROVIDER = "shopify"
#: The core rules have no "paid on a sales channel" tender yet; Wire/ACH is the existing
#: non-drawer, non-card tender with a reference (see docs/integrations.md, Shopify).
EXTERNAL_TENDER = Tender.WIRE


def _lock_feed(conn: Connection) -> None:
    """Take the version lock first: concurrent deliveries of one record queue here."""
    conn.exec_driver_sql("SELECT version FROM sync_state WHERE id = 1 FOR UPDATE")


def _apply(conn: Connection, tenant: TenantRef, store_id: UUID, key: str,
           payload: OpPayload) -> None:
    apply_server_op(conn, tenant, op_key=f"shopify:{key}", store_id=store_id, device_id=None,
                    payload=payload)


def _contact_by_email(conn: Connection, emails: list[str]) -> UUID | None:
    if not emails:
        return None
    row = conn.exec_driver_sql(
        "SELECT id FROM contacts WHERE NOT deleted AND doc->>'merged_into_id' IS NULL AND "
        "EXISTS (SELECT 1 FROM jsonb_array_elements_text(doc->'emails') e "
        "WHERE lower(e) = %s) ORDER BY id LIMIT 1", (emails[0],),
    ).first()
    return None if row is None else UUID(str(row[0]))


def _live_contact(conn: Connection, contact_id: UUID) -> Contact | None:
    contact = entity_docs.load(conn, Contact, contact_id)
    seen: set[UUID] = set()
    while contact is not None and contact.merged_into_id is not None and contact.id not in seen:
        seen.add(contact.id)
        contact = entity_docs.load(conn, Contact, contact.merged_into_id)
    return contact


def import_customer(conn: Connection, tenant: TenantRef, store_id: UUID,
                    customer: dict[str, Any], *, shipping: object = None,
                    billing: object = None) -> UUID:
    """The contact of a Shopify customer: matched by link, then e-mail; created or patched."""
    remote = mapping.remote_id(customer.get("id"), "customer")
    fields = mapping.customer_fields(customer, shipping=shipping, billing=billing)
    _lock_feed(conn)
    linked = connections.local_id(conn, PROVIDER, "contact", remote)
    contact_id = linked or _contact_by_email(conn, fields.emails)
    contact = _live_contact(conn, contact_id) if contact_id is not None else None
    if contact is None:
        contact = Contact(id=new_id(), **fields.contact_fields())
        _apply(conn, tenant, store_id, f"customer:{remote}:create:{contact.id}",
               CreateContact(contact=contact))
    else:
        current = {"first_name": contact.first_name, "last_name": contact.last_name,
                   "emails": contact.emails, "phones": contact.phones,
                   "addresses": contact.addresses}
        changes = mapping.merged_changes(current, fields)
        if changes:
            _apply(conn, tenant, store_id, f"customer:{remote}:patch:{new_id()}",
                   PatchContact(contact_id=contact.id, changes=changes))
    if linked is None:
        connections.link(conn, PROVIDER, "contact", remote, contact.id)
    return contact.id


def _check_total(order: mapping.OrderImport) -> None:
    totals = invoice_totals([line.priced() for line in order.lines], TaxRule(rate=Decimal(0)))
    if totals.total_cents != order.total_cents:
        raise mapping.ShopifyPayloadError(
            f"Shopify order {order.name} totals {format_money(order.total_cents)} but its lines "
            f"come to {format_money(totals.total_cents)}; it was not imported. Enter it by "
            "hand."
        )


def import_order(conn: Connection, tenant: TenantRef, store_id: UUID,
                 order: dict[str, Any]) -> UUID | None:
    """The invoice of a Shopify order; None when it was imported before (idempotent)."""
    parsed = mapping.order_import(order)
    _check_total(parsed)
    _lock_feed(conn)
    if connections.local_id(conn, PROVIDER, "invoice", parsed.order_id) is not None:
        return None
    customer = order.get("customer")
    contact_id = None
    if isinstance(customer, dict) and customer.get("id") is not None:
        contact_id = import_customer(conn, tenant, store_id, customer,
                                     shipping=order.get("shipping_address"),
                                     billing=order.get("billing_address"))
    invoice_id = uuid5(tenant.id, f"shopify:order:{parsed.order_id}")
    key = f"order:{parsed.order_id}"
    _apply(conn, tenant, store_id, f"{key}:save", SaveInvoice(invoice=InvoiceDraft(
        id=invoice_id, number=parsed.number, lines=parsed.lines, contact_id=contact_id,
        notes=f"Shopify order {parsed.name}")))
    if parsed.paid_cents > 0:
        reference = f"Shopify order {parsed.name}" + (
            f" ({parsed.gateway})" if parsed.gateway else "")
        _apply(conn, tenant, store_id, f"{key}:payment", AddPayment(
            payment_id=uuid5(invoice_id, "shopify-payment"), invoice_id=invoice_id,
            details=TenderDetails(tender=EXTERNAL_TENDER, reference=reference[:100]),
            amount_cents=parsed.paid_cents))
    if parsed.paid_cents >= parsed.total_cents:
        _apply(conn, tenant, store_id, f"{key}:finalize", FinalizeInvoice(
            invoice_id=invoice_id, expected_total_cents=parsed.total_cents))
    connections.link(conn, PROVIDER, "invoice", parsed.order_id, invoice_id)
    return invoice_id


def imported_invoice(conn: Connection, order_id: str) -> Invoice | None:
    """The invoice an order became, if it was imported."""
    local = connections.local_id(conn, PROVIDER, "invoice", order_id)
    return None if local is None else entity_docs.load(conn, Invoice, local)
