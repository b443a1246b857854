"""Money typed by a clerk into a field: shown without the dollar sign, read as cents."""

from __future__ import annotations

from PySide6.QtWidgets import QLineEdit

from jeweltrak_core.errors import ValidationError
from jeweltrak_core.money import format_money, parse_money


def money_text(cents: int) -> str:
    """Cents as a clerk types them: 123456 → "1,234.56"."""
    return format_money(cents).replace("$", "")


def read_money(field: QLineEdit, label: str, *, blank: int | None = None) -> int:
    """What a money field holds, in cents; ``blank`` when it is empty (else an error)."""
    text = field.text().strip()
    if not text:
        if blank is None:
            raise ValidationError(f"Enter the {label}.")
        return blank
    return parse_money(text, label)
