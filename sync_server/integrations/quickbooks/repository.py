"""Queries of the QuickBooks push in the tenant's schema (inside ``tenant_transaction``)."""

from __future__ import annotations

import json
from typing import Any
from uuid import UUID

from sqlalchemy import Connection

from jeweltrak_core.sales.entities import Invoice
from jeweltrak_core.sync.wire import decode

PROVIDER = "quickbooks"
SALE = "invoice"  # link entity of a pushed sale (remote: "SalesReceipt:12" / "Invoice:7")
VOID = "invoice_void"  # link entity of a void sent to QuickBooks
CONTACT = "contact"


def finalized_not_pushed(conn: Connection, limit: int) -> list[Invoice]:
    """Finalized invoices with no QuickBooks link yet, oldest sale first."""
    rows = conn.exec_driver_sql(
        "SELECT i.doc FROM invoices i WHERE NOT i.deleted AND i.doc->>'status' = 'finalized' "
        "AND NOT EXISTS (SELECT 1 FROM integration_links l WHERE l.provider = %s "
        "AND l.entity = %s AND l.local_id = i.id) "
        "ORDER BY i.doc->>'finalized_at', i.id LIMIT %s",
        (PROVIDER, SALE, limit),
    ).all()
    return [decode(Invoice, row[0]) for row in rows]


def voided_after_push(conn: Connection, limit: int) -> list[tuple[Invoice, str]]:
    """Voided invoices that were pushed and whose void was not sent yet, with the link."""
    rows = conn.exec_driver_sql(
        "SELECT i.doc, l.remote_id FROM invoices i JOIN integration_links l "
        "ON l.provider = %s AND l.entity = %s AND l.local_id = i.id "
        "WHERE i.doc->>'status' = 'voided' AND NOT EXISTS (SELECT 1 FROM integration_links v "
        "WHERE v.provider = %s AND v.entity = %s AND v.local_id = i.id) "
        "ORDER BY i.doc->>'voided_at', i.id LIMIT %s",
        (PROVIDER, SALE, PROVIDER, VOID, limit),
    ).all()
    return [(decode(Invoice, row[0]), str(row[1])) for row in rows]


def problems(conn: Connection) -> dict[str, dict[str, Any]]:
    """Sales QuickBooks refused, by invoice ID (kept in the connection's settings)."""
    row = conn.exec_driver_sql(
        "SELECT settings->'problems' FROM integration_connections WHERE provider = %s",
        (PROVIDER,),
    ).first()
    return dict(row[0] or {}) if row is not None else {}


def record_problem(conn: Connection, invoice: Invoice, message: str, attempt: int) -> None:
    """Remember why QuickBooks refused this sale (shown in the status) and the attempt."""
    entry = {"number": invoice.number, "message": message[:300], "attempt": attempt}
    conn.exec_driver_sql(
        "UPDATE integration_connections SET settings = jsonb_set(settings, '{problems}', "
        "coalesce(settings->'problems', '{}'::jsonb) || jsonb_build_object(%s::text, "
        "%s::jsonb)), updated_at = now() WHERE provider = %s",
        (str(invoice.id), json.dumps(entry), PROVIDER),
    )


def clear_problem(conn: Connection, invoice_id: UUID) -> None:
    """The sale went through: forget its earlier refusal."""
    conn.exec_driver_sql(
        "UPDATE integration_connections SET settings = settings #- ARRAY['problems', %s] "
        "WHERE provider = %s AND settings->'problems' ? %s",
        (str(invoice_id), PROVIDER, str(invoice_id)),
    )
