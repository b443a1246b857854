"""Shopify payloads → JewelTrak values, by allow-list (PRIVACY_PROMISES P7).

Only a customer's name, e-mail, phone and shipping/billing address are read; every other
field Shopify sends (IP address, browser and client details, geolocation such as an
address's latitude/longitude, locale, marketing consent, notes, tags, note attributes,
landing sites …) is never read, so it cannot be stored. Money arrives as decimal text
and is parsed with ``Decimal`` into integer cents (the webhook body is decoded with
``parse_float=Decimal`` too, so a JSON number never becomes a float).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any
from uuid import UUID, uuid5

from jeweltrak_core.contacts.entities import phone_digits
from jeweltrak_core.money import MAX_CENTS
from jeweltrak_core.sales.entities import InvoiceLine
from jeweltrak_core.sales.tax import LineKind

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_ADDRESS_FIELDS = ("address1", "address2", "city", "province_code", "zip", "country_code")
MAX_TEXT = 200


class ShopifyPayloadError(ValueError):
    """A payload the importer cannot turn into JewelTrak records (a sentence for the owner)."""


def parse_body(body: bytes) -> dict[str, Any]:
    """The webhook's JSON object; numbers with a fraction become ``Decimal``, never float."""
    try:
        data = json.loads(body, parse_float=Decimal)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ShopifyPayloadError("The webhook body is not JSON.") from exc
    if not isinstance(data, dict):
        raise ShopifyPayloadError("The webhook body is not a JSON object.")
    return data


def cents(value: object, what: str) -> int:
    """``"1234.50"`` → 123450, exactly; sub-cent amounts and floats are refused."""
    if isinstance(value, bool | float) or value is None:
        raise ShopifyPayloadError(f"{what} is not a decimal amount.")
    try:
        amount = Decimal(str(value).strip()) * 100
    except InvalidOperation as exc:
        raise ShopifyPayloadError(f"{what} is not a decimal amount.") from exc
    if not amount.is_finite() or amount != amount.to_integral_value():
        raise ShopifyPayloadError(f"{what} is not a whole number of cents.")
    result = int(amount)
    if abs(result) > MAX_CENTS:
        raise ShopifyPayloadError(f"{what} is too large.")
    return result


def _text(value: object) -> str:
    if not isinstance(value, str | int) or isinstance(value, bool):
        return ""
    return " ".join(str(value).split())[:MAX_TEXT]


def remote_id(value: object, what: str) -> str:
    """A Shopify numeric ID as text."""
    if isinstance(value, bool) or not isinstance(value, int | str) or not str(value).isdigit():
        raise ShopifyPayloadError(f"The {what} has no Shopify ID.")
    return str(value)


def format_address(address: object) -> str:
    """One line: street, city, province, postcode, country (no coordinates, no phone)."""
    if not isinstance(address, dict):
        return ""
    parts = {name: _text(address.get(name)) for name in _ADDRESS_FIELDS}
    region = " ".join(p for p in (parts["province_code"], parts["zip"]) if p)
    return ", ".join(p for p in (parts["address1"], parts["address2"], parts["city"], region,
                                 parts["country_code"]) if p)


@dataclass
class CustomerFields:
    """Everything of a Shopify customer JewelTrak keeps (P7)."""

    first_name: str = ""
    last_name: str = ""
    emails: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    addresses: list[str] = field(default_factory=list)

    def contact_fields(self) -> dict[str, Any]:
        """A new contact's fields; a name is required, so the e-mail stands in for none."""
        first, last = self.first_name, self.last_name
        if not (first or last):
            last = self.emails[0] if self.emails else "Shopify customer"
        return {"first_name": first, "last_name": last, "emails": self.emails,
                "phones": self.phones, "addresses": self.addresses}


def _phone(value: object) -> list[str]:
    text = _text(value)
    return [text] if text and len(phone_digits(text)) >= 7 else []


def _email(value: object) -> list[str]:
    text = _text(value).lower()
    return [text] if _EMAIL.match(text) else []


def customer_fields(customer: dict[str, Any], *, shipping: object = None,
                    billing: object = None) -> CustomerFields:
    """The allowed fields of a customer, with an order's shipping/billing address if any."""
    default = customer.get("default_address")
    fields = CustomerFields(
        first_name=_text(customer.get("first_name")),
        last_name=_text(customer.get("last_name")),
        emails=_email(customer.get("email")),
        phones=_phone(customer.get("phone")) or _phone(
            default.get("phone") if isinstance(default, dict) else None),
    )
    ship, bill = format_address(shipping), format_address(billing)
    if ship and ship == bill:
        fields.addresses.append(f"Shipping and billing: {ship}")
    else:
        fields.addresses += [f"Shipping: {ship}"] if ship else []
        fields.addresses += [f"Billing: {bill}"] if bill else []
    if not fields.addresses and format_address(default):
        fields.addresses.append(format_address(default))
    return fields


def merged_changes(current: dict[str, Any], incoming: CustomerFields) -> dict[str, Any]:
    """The patch that brings Shopify's values in without losing what the store typed:
    names follow Shopify; e-mails, phones and addresses are added if missing."""
    changes: dict[str, Any] = {}
    for name in ("first_name", "last_name"):
        value = getattr(incoming, name)
        if value and value != current.get(name):
            changes[name] = value
    for name in ("emails", "phones", "addresses"):
        have = list(current.get(name) or [])
        lowered = {v.lower() for v in have}
        added = [v for v in getattr(incoming, name) if v.lower() not in lowered]
        if added:
            changes[name] = added + have
    return changes


@dataclass
class OrderImport:
    """An order as JewelTrak will book it."""

    order_id: str
    number: str
    name: str
    lines: list[InvoiceLine]
    total_cents: int
    paid_cents: int
    gateway: str


def _discount(item: dict[str, Any]) -> int:
    allocations = item.get("discount_allocations")
    if isinstance(allocations, list) and allocations:
        return sum(cents(a.get("amount"), "A discount") for a in allocations
                   if isinstance(a, dict))
    return cents(item.get("total_discount") or "0", "A discount")


def _line(order_id: str, key: str, kind: LineKind, description: str, quantity: int,
          unit_cents: int, discount_cents: int = 0) -> InvoiceLine:
    return InvoiceLine(
        id=uuid5(UUID(int=int(order_id)), key), kind=kind,
        description=(description or "Shopify item")[:MAX_TEXT], quantity=quantity,
        unit_price_cents=unit_cents, adjustment_cents=discount_cents, taxable=False,
    )


def order_import(order: dict[str, Any]) -> OrderImport:
    """Lines (items, shipping, tax) in cents, the total and what was paid on Shopify.

    Tax comes as lines of the amounts Shopify charged (the lines themselves are not taxed
    again), so the invoice totals exactly what the customer paid.
    """
    order_id = remote_id(order.get("id"), "order")
    number = _text(order.get("order_number")) or _text(order.get("number")) or order_id
    lines: list[InvoiceLine] = []
    for index, item in enumerate(order.get("line_items") or []):
        if not isinstance(item, dict):
            continue
        quantity = item.get("quantity")
        if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 1:
            raise ShopifyPayloadError("A line item has no whole quantity.")
        lines.append(_line(order_id, f"item:{index}", LineKind.MISC,
                           _text(item.get("name")) or _text(item.get("title")), quantity,
                           cents(item.get("price"), "A line item's price"), _discount(item)))
    for index, ship in enumerate(order.get("shipping_lines") or []):
        if not isinstance(ship, dict):
            continue
        price = cents(ship.get("price"), "A shipping price")
        paid = cents(ship.get("discounted_price", ship.get("price")), "A shipping price")
        lines.append(_line(order_id, f"shipping:{index}", LineKind.SERVICE,
                           f"Shipping: {_text(ship.get('title')) or 'Shopify'}", 1, price,
                           max(price - paid, 0)))
    if not order.get("taxes_included"):
        for index, tax in enumerate(order.get("tax_lines") or []):
            if isinstance(tax, dict) and cents(tax.get("price"), "A tax amount"):
                lines.append(_line(order_id, f"tax:{index}", LineKind.MISC,
                                   f"Tax: {_text(tax.get('title')) or 'Sales tax'}", 1,
                                   cents(tax.get("price"), "A tax amount")))
    if not lines:
        raise ShopifyPayloadError("The order has no line items.")
    total = cents(order.get("total_price"), "The order total")
    status = order.get("financial_status")
    if status == "paid":
        paid = total
    elif status == "partially_paid":
        paid = total - cents(order.get("total_outstanding") or "0", "The amount outstanding")
    else:
        paid = 0
    names = order.get("payment_gateway_names")
    gateway = _text(names[0]) if isinstance(names, list) and names else ""
    return OrderImport(order_id=order_id, number=f"SH-{number}"[:32],
                       name=_text(order.get("name")) or f"#{number}", lines=lines,
                       total_cents=total, paid_cents=max(paid, 0), gateway=gateway)
