"""Our finalized invoice → a QuickBooks SalesReceipt or Invoice body; cents → decimals.

Amounts are integer cents in our data; QuickBooks takes decimal currency amounts. The one
conversion is ``cents_to_decimal`` (exact: ``Decimal(cents).scaleb(-2)``), never a float.
Our own computed tax is sent as the transaction's ``TxnTaxDetail.TotalTax`` so the books
show exactly what the register charged; each line says ``TAX`` or ``NON``.
"""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from jeweltrak_core.contacts.entities import Contact
from jeweltrak_core.sales.entities import Invoice, InvoiceLine

SALES_RECEIPT = "SalesReceipt"
INVOICE = "Invoice"
#: QuickBooks' limits: DocNumber 21 characters, DisplayName 500, Description 4000.
_DOC_NUMBER_MAX = 21
_NOT_IN_NAMES = re.compile(r"[:\t\n\r\"]")


def cents_to_decimal(cents: int) -> Decimal:
    """Exact dollars-and-cents decimal of an integer amount of cents."""
    if isinstance(cents, bool) or not isinstance(cents, int):
        raise TypeError("cents must be an int")
    return Decimal(cents).scaleb(-2)


def request_id(kind: str, local_id: uuid.UUID, attempt: int = 0) -> str:
    """Intuit ``requestid`` (≤ 50 characters) derived from our ID: a retry sends the same one.

    ``attempt`` grows only after QuickBooks *refused* a request (nothing was created), so a
    corrected retry is not answered with the stored refusal.
    """
    base = f"jt-{kind}-{local_id.hex}"
    return base if attempt == 0 else f"{base}-{attempt}"


def document_kind(invoice: Invoice) -> str:
    """Paid at the counter → SalesReceipt; a balance still due → Invoice."""
    return SALES_RECEIPT if invoice.balance_cents <= 0 else INVOICE


def display_name(contact: Contact, suffix: str | None = None) -> str:
    """The contact's QuickBooks DisplayName (no colons: QuickBooks reserves them)."""
    name = _NOT_IN_NAMES.sub(" ", contact.display_name).strip() or "Customer"
    return f"{name} ({suffix})" if suffix else name[:480]


def customer_body(contact: Contact, name: str) -> dict[str, Any]:
    """A Customer create body: name, e-mail and phone only."""
    body: dict[str, Any] = {"DisplayName": name}
    if contact.first_name.strip():
        body["GivenName"] = contact.first_name.strip()[:100]
    if contact.last_name.strip():
        body["FamilyName"] = contact.last_name.strip()[:100]
    if contact.company.strip():
        body["CompanyName"] = contact.company.strip()[:100]
    if contact.emails:
        body["PrimaryEmailAddr"] = {"Address": contact.emails[0]}
    if contact.phones:
        body["PrimaryPhone"] = {"FreeFormNumber": contact.phones[0][:30]}
    return body


def _line(line: InvoiceLine, number: int, item_ref: str, exempt: bool) -> dict[str, Any]:
    detail: dict[str, Any] = {
        "ItemRef": {"value": item_ref},
        "TaxCodeRef": {"value": "TAX" if line.taxable and not exempt else "NON"},
    }
    if line.quantity and line.amount_cents % line.quantity == 0:
        # QuickBooks checks Amount = Qty × UnitPrice; send both only when that is exact.
        detail["Qty"] = line.quantity
        detail["UnitPrice"] = cents_to_decimal(line.amount_cents // line.quantity)
    return {
        "LineNum": number,
        "DetailType": "SalesItemLineDetail",
        "Amount": cents_to_decimal(line.amount_cents),
        "Description": line.description[:4000],
        "SalesItemLineDetail": detail,
    }


def transaction_body(invoice: Invoice, *, customer_ref: str | None, item_ref: str,
                     timezone: str) -> dict[str, Any]:
    """The SalesReceipt/Invoice body of a finalized invoice."""
    lines = sorted(invoice.lines, key=lambda ln: ln.position)
    body: dict[str, Any] = {
        "Line": [_line(ln, i + 1, item_ref, invoice.tax_exempt) for i, ln in enumerate(lines)],
        "TxnTaxDetail": {"TotalTax": cents_to_decimal(invoice.tax_cents)},
        "PrivateNote": f"JewelTrak invoice {invoice.number} ({invoice.id})",
    }
    if len(invoice.number) <= _DOC_NUMBER_MAX:
        body["DocNumber"] = invoice.number
    if invoice.finalized_at is not None:
        body["TxnDate"] = _local_date(invoice.finalized_at, timezone)
    if customer_ref is not None:
        body["CustomerRef"] = {"value": customer_ref}
    return body


def _local_date(moment: datetime, timezone: str) -> str:
    """The sale's date where the store is (a 9 pm sale in Miami is not tomorrow's)."""
    try:
        zone = ZoneInfo(timezone)
    except (KeyError, ValueError):
        zone = ZoneInfo("UTC")
    return moment.astimezone(zone).date().isoformat()


def remote_ref(kind: str, remote: str) -> str:
    """What ``integration_links.remote_id`` holds for a pushed sale: ``Kind:Id``."""
    return f"{kind}:{remote}"


def parse_remote_ref(value: str) -> tuple[str, str]:
    """(kind, QuickBooks ID) of a stored ``remote_ref``."""
    kind, _, remote = value.partition(":")
    return kind, remote
