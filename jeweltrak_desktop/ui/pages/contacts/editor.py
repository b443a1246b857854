"""The contact form: every field a clerk keeps about a customer, vendor or partner."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from jeweltrak_core.contacts.entities import Contact
from jeweltrak_desktop.ui.widgets.money import DateEdit, money_text
from jeweltrak_desktop.ui.widgets.page_frame import named


def _lines(edit: QPlainTextEdit) -> list[str]:
    return [ln.strip() for ln in edit.toPlainText().splitlines() if ln.strip()]


def _optional(text: str) -> str | None:
    return text.strip() or None


class ContactForm(QWidget):
    """Edits one contact's fields; ``values()`` returns them as service keyword arguments."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.first_name = named(QLineEdit(self), "first-name")
        self.last_name = named(QLineEdit(self), "last-name")
        self.company = named(QLineEdit(self), "company")
        self.is_customer = QCheckBox("Customer", self)
        self.is_customer.setChecked(True)
        self.is_vendor = QCheckBox("Vendor", self)
        self.is_partner = QCheckBox("Partner", self)
        self.phones = named(QPlainTextEdit(self), "phones")
        self.emails = named(QPlainTextEdit(self), "emails")
        self.addresses = named(QPlainTextEdit(self), "addresses")
        for box, hint in ((self.phones, "one phone a line"), (self.emails, "one email a line"),
                          (self.addresses, "one address a line")):
            box.setPlaceholderText(hint)
            box.setTabChangesFocus(True)
            box.setFixedHeight(52)
        self.birthday = DateEdit(self)
        self.anniversary = DateEdit(self)
        self.spouse_name = QLineEdit(self)
        self.ring_sizes = QLineEdit(self)
        self.ring_sizes.setPlaceholderText("e.g. L 6½, R 7")
        self.tax_exempt_id = QLineEdit(self)
        self.notes = named(QPlainTextEdit(self), "notes")
        self.notes.setTabChangesFocus(True)
        self.notes.setFixedHeight(60)
        self.store_credit = QLabel("$0.00", self)
        roles = QHBoxLayout()
        for role in (self.is_customer, self.is_vendor, self.is_partner):
            roles.addWidget(role)
        roles.addStretch(1)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(8, 8, 8, 8)
        form = QFormLayout()
        outer.addLayout(form)
        outer.addStretch(1)
        form.addRow("First name", self.first_name)
        form.addRow("Last name", self.last_name)
        form.addRow("Company", self.company)
        form.addRow("Role", roles)
        form.addRow("Phones", self.phones)
        form.addRow("Emails", self.emails)
        form.addRow("Addresses", self.addresses)
        form.addRow("Birthday", self.birthday)
        form.addRow("Anniversary", self.anniversary)
        form.addRow("Spouse / partner", self.spouse_name)
        form.addRow("Ring sizes", self.ring_sizes)
        form.addRow("Tax-exempt ID", self.tax_exempt_id)
        form.addRow("Notes", self.notes)
        form.addRow("Store credit", self.store_credit)

    def load(self, contact: Contact | None) -> None:
        """Show a contact (None: an empty form for a new one)."""
        c = contact or Contact(id=None)  # type: ignore[arg-type]  # a blank form only
        self.first_name.setText(c.first_name)
        self.last_name.setText(c.last_name)
        self.company.setText(c.company)
        self.is_customer.setChecked(c.is_customer)
        self.is_vendor.setChecked(c.is_vendor)
        self.is_partner.setChecked(c.is_partner)
        self.phones.setPlainText("\n".join(c.phones))
        self.emails.setPlainText("\n".join(c.emails))
        self.addresses.setPlainText("\n".join(c.addresses))
        self.birthday.set_date(c.birthday)
        self.anniversary.set_date(c.anniversary)
        self.spouse_name.setText(c.spouse_name or "")
        self.ring_sizes.setText(c.ring_sizes or "")
        self.tax_exempt_id.setText(c.tax_exempt_id or "")
        self.notes.setPlainText(c.notes or "")
        self.store_credit.setText(money_text(c.store_credit_cents))

    def values(self) -> dict[str, Any]:
        """The form as contact fields (raises ValidationError for a badly typed date)."""
        return {
            "first_name": self.first_name.text().strip(),
            "last_name": self.last_name.text().strip(),
            "company": self.company.text().strip(),
            "is_customer": self.is_customer.isChecked(),
            "is_vendor": self.is_vendor.isChecked(),
            "is_partner": self.is_partner.isChecked(),
            "phones": _lines(self.phones),
            "emails": _lines(self.emails),
            "addresses": _lines(self.addresses),
            "birthday": self.birthday.date_value("the birthday"),
            "anniversary": self.anniversary.date_value("the anniversary"),
            "spouse_name": _optional(self.spouse_name.text()),
            "ring_sizes": _optional(self.ring_sizes.text()),
            "tax_exempt_id": _optional(self.tax_exempt_id.text()),
            "notes": _optional(self.notes.toPlainText()),
        }

    def set_read_only(self, read_only: bool) -> None:
        """Lock the form for a clerk who may not change contacts."""
        for w in (self.first_name, self.last_name, self.company, self.birthday,
                  self.anniversary, self.spouse_name, self.ring_sizes, self.tax_exempt_id):
            w.setReadOnly(read_only)
        for box in (self.phones, self.emails, self.addresses, self.notes):
            box.setReadOnly(read_only)
        for check in (self.is_customer, self.is_vendor, self.is_partner):
            check.setEnabled(not read_only)


def changed_fields(before: Contact, after: dict[str, Any]) -> dict[str, Any]:
    """Only what the clerk changed (patches are field by field)."""
    return {k: v for k, v in after.items() if getattr(before, k) != v}
