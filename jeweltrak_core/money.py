"""Money is an ``int`` of US cents everywhere; this module is the only place that rounds.

The rounding rule: half-up, where a tie rounds away from zero (``ROUND_HALF_UP`` in
``decimal``), applied once per computed line amount. Away-from-zero makes a return line's
tax the exact mirror of the sale line's tax, so a full return refunds exactly what was
charged.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from jeweltrak_core.errors import InvalidMoney

#: Largest amount the product accepts for one value: $100,000,000.00.
MAX_CENTS = 10_000_000_000

_MONEY_TEXT = re.compile(r"^\s*(-)?\s*\$?\s*(-)?\s*([0-9][0-9,]*)?(?:\.([0-9]{0,2}))?\s*$")


def round_cents(value: Decimal) -> int:
    """Round a Decimal number of cents to a whole cent, half away from zero."""
    if not isinstance(value, Decimal):
        raise InvalidMoney(f"Expected a Decimal amount of cents, got {type(value).__name__}.")
    if not value.is_finite():
        raise InvalidMoney("An amount must be a finite number.")
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def multiply_cents(cents: int, factor: Decimal) -> int:
    """``cents × factor`` rounded by the one rule (factor is a Decimal, never a float)."""
    require_cents(cents)
    if not isinstance(factor, Decimal):
        raise InvalidMoney(f"A money factor must be a Decimal, got {type(factor).__name__}.")
    return round_cents(Decimal(cents) * factor)


def require_cents(value: object, field: str = "amount", *, allow_negative: bool = True) -> int:
    """Return ``value`` if it is a valid integer amount of cents, else raise InvalidMoney."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidMoney(
            f"{field} must be a whole number of cents, not {type(value).__name__}.", field=field
        )
    if abs(value) > MAX_CENTS:
        raise InvalidMoney(f"{field} is larger than the largest amount allowed.", field=field)
    if not allow_negative and value < 0:
        raise InvalidMoney(f"{field} cannot be negative.", field=field)
    return value


def parse_money(text: str, field: str = "amount") -> int:
    """Parse what a clerk types ("$1,234.50", "-12", "0.5") into cents."""
    if not isinstance(text, str):
        raise InvalidMoney(f"{field} must be text like 1,234.50.", field=field)
    match = _MONEY_TEXT.match(text)
    if not match or (match.group(3) is None and not match.group(4)):
        raise InvalidMoney(f"“{text}” is not an amount of money (try 1,234.50).", field=field)
    neg_a, neg_b, whole, frac = match.groups()
    if neg_a and neg_b:
        raise InvalidMoney(f"“{text}” is not an amount of money (try 1,234.50).", field=field)
    whole_digits = (whole or "0").replace(",", "")
    if whole and "," in whole and not re.fullmatch(r"[0-9]{1,3}(,[0-9]{3})*", whole):
        raise InvalidMoney(f"“{text}” has misplaced thousands separators.", field=field)
    try:
        cents = int(whole_digits) * 100 + int((frac or "").ljust(2, "0") or "0")
    except (ValueError, InvalidOperation) as exc:  # pragma: no cover - regex guards this
        raise InvalidMoney(f"“{text}” is not an amount of money.", field=field) from exc
    if neg_a or neg_b:
        cents = -cents
    return require_cents(cents, field)


def format_money(cents: int) -> str:
    """Format cents for display: 123456 → "$1,234.56", -500 → "-$5.00"."""
    require_cents(cents)
    sign = "-" if cents < 0 else ""
    whole, frac = divmod(abs(cents), 100)
    return f"{sign}${whole:,}.{frac:02d}"
