"""Money and date fields: what a clerk types, checked and turned into cents or dates."""

from __future__ import annotations

from datetime import date, datetime

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QWidget

from jeweltrak_core.errors import ValidationError
from jeweltrak_core.money import format_money, parse_money

_DATE_FORMATS = ("%m/%d/%Y", "%Y-%m-%d", "%m/%d/%y")


def money_text(cents: int | None) -> str:
    """“$1,234.50”; empty for None."""
    return "" if cents is None else format_money(cents)


def date_text(day: date | None) -> str:
    """“03/05/2025”; empty for None."""
    return day.strftime("%m/%d/%Y") if day else ""


class MoneyEdit(QLineEdit):
    """A line edit for an amount; ``cents()`` raises a clerk-readable error if it is wrong."""

    def __init__(self, parent: QWidget | None = None, *, placeholder: str = "0.00") -> None:
        super().__init__(parent)
        self.setPlaceholderText(placeholder)
        self.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

    def cents(self, field: str = "amount") -> int:
        """The typed amount in cents (0 when empty)."""
        text = self.text().strip()
        return parse_money(text, field) if text else 0

    def set_cents(self, cents: int | None) -> None:
        """Show an amount (“1,234.50”, no dollar sign so it can be edited as typed)."""
        self.setText("" if cents is None else format_money(cents).replace("$", ""))


class DateEdit(QLineEdit):
    """An optional date typed as MM/DD/YYYY (or YYYY-MM-DD); empty means no date."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setPlaceholderText("MM/DD/YYYY")

    def date_value(self, field: str = "date") -> date | None:
        """The typed date, None when empty; a ValidationError names the field otherwise."""
        text = self.text().strip()
        if not text:
            return None
        for fmt in _DATE_FORMATS:
            try:
                return datetime.strptime(text, fmt).date()
            except ValueError:
                continue
        raise ValidationError(f"“{text}” is not a date for {field} (use MM/DD/YYYY).", field=field)

    def set_date(self, day: date | None) -> None:
        """Show a date (empty for None)."""
        self.setText(date_text(day))
