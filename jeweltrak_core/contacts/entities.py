"""Contacts: one list, with customer / vendor / partner role flags."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from uuid import UUID

from jeweltrak_core.errors import ValidationError

#: Fields a clerk may patch; each patch is field-level, last writer wins in server order.
PATCHABLE_CONTACT_FIELDS: frozenset[str] = frozenset(
    {"first_name", "last_name", "company", "is_customer", "is_vendor", "is_partner", "phones",
     "emails", "addresses", "birthday", "anniversary", "spouse_name", "ring_sizes", "notes",
     "tax_exempt_id"}
)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(kw_only=True, slots=True)
class Contact:
    """A customer, vendor or partner (any combination)."""

    id: UUID
    first_name: str = ""
    last_name: str = ""
    company: str = ""
    is_customer: bool = True
    is_vendor: bool = False
    is_partner: bool = False
    phones: list[str] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)
    addresses: list[str] = field(default_factory=list)
    birthday: date | None = None
    anniversary: date | None = None
    spouse_name: str | None = None
    ring_sizes: str | None = None
    notes: str | None = None
    tax_exempt_id: str | None = None
    store_credit_cents: int = 0
    merged_into_id: UUID | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    field_versions: dict[str, int] = field(default_factory=dict)
    version: int = 0

    @property
    def display_name(self) -> str:
        """“Last, First” or the company name."""
        name = ", ".join(p for p in (self.last_name.strip(), self.first_name.strip()) if p)
        return name or self.company.strip() or "(no name)"

    def validate(self) -> None:
        """A contact needs a name or company, a role, and well-formed phones/emails."""
        if not (self.first_name.strip() or self.last_name.strip() or self.company.strip()):
            raise ValidationError("A contact needs a name or a company.", field="last_name")
        if not (self.is_customer or self.is_vendor or self.is_partner):
            raise ValidationError(
                "A contact must be a customer, a vendor or a partner.", field="is_customer"
            )
        for email in self.emails:
            if not _EMAIL.match(email):
                raise ValidationError(f"“{email}” is not an email address.", field="emails")
        for phone in self.phones:
            if sum(c.isdigit() for c in phone) < 7:
                raise ValidationError(f"“{phone}” is not a phone number.", field="phones")


def phone_digits(phone: str) -> str:
    """Digits only, last 10 (US numbers with or without the leading 1)."""
    return "".join(c for c in phone if c.isdigit())[-10:]
