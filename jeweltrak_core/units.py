"""Weight units, karat fineness, and strict parsing of the Decimal quantities a clerk types.

Weights, carats and rates are ``Decimal``; a ``float`` is refused everywhere because a
binary fraction cannot hold 0.1 g exactly.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from enum import StrEnum

from jeweltrak_core.errors import ValidationError


class WeightUnit(StrEnum):
    """The store's metal-weight unit setting."""

    GRAM = "g"
    DWT = "dwt"
    OUNCE = "ozt"


#: Exact grams per unit (pennyweight and troy ounce are defined in grams).
GRAMS_PER_UNIT: dict[WeightUnit, Decimal] = {
    WeightUnit.GRAM: Decimal(1),
    WeightUnit.DWT: Decimal("1.55517384"),
    WeightUnit.OUNCE: Decimal("31.1034768"),
}

WEIGHT_PLACES = 4
CARAT_PLACES = 3
_WEIGHT_QUANTUM = Decimal(1).scaleb(-WEIGHT_PLACES)

#: Conventional hallmark fineness (parts per thousand) for the common karats.
_KARAT_FINENESS: dict[int, int] = {24: 999, 22: 916, 18: 750, 14: 585, 10: 417, 9: 375}

_DECIMAL_TEXT = re.compile(r"^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)$")


def _require_unit(unit: str) -> WeightUnit:
    """Return ``unit`` as a WeightUnit or raise ValidationError."""
    try:
        return WeightUnit(unit)
    except ValueError as exc:
        raise ValidationError(f"“{unit}” is not a weight unit (use g, dwt or ozt).") from exc


def _require_finite_decimal(value: object, field: str) -> Decimal:
    """Return ``value`` if it is a finite Decimal, else raise ValidationError naming ``field``."""
    if not isinstance(value, Decimal) or not value.is_finite():
        raise ValidationError(
            f"{_capitalized(field)} must be an exact decimal number.", field=field
        )
    return value


def convert_weight(value: Decimal, from_unit: WeightUnit, to_unit: WeightUnit) -> Decimal:
    """Convert a weight between units, rounded half-up to 0.0001 of ``to_unit``."""
    amount = _require_finite_decimal(value, "weight")
    grams = amount * GRAMS_PER_UNIT[_require_unit(from_unit)]
    converted = grams / GRAMS_PER_UNIT[_require_unit(to_unit)]
    return converted.quantize(_WEIGHT_QUANTUM, rounding=ROUND_HALF_UP)


def to_grams(value: Decimal, unit: WeightUnit) -> Decimal:
    """Convert a weight in ``unit`` to grams (0.0001 g)."""
    return convert_weight(value, unit, WeightUnit.GRAM)


def _capitalized(field: str) -> str:
    """The field name with its first letter upper-cased, to start a sentence."""
    return field[:1].upper() + field[1:]


def _decimal_from_input(text: str | Decimal | int, field: str) -> Decimal:
    """Turn typed text, an int or a Decimal into a finite Decimal, refusing floats and NaN."""
    name = _capitalized(field)
    if isinstance(text, bool | float):
        raise ValidationError(f"{name} must be typed as an exact number, not a float.", field=field)
    if isinstance(text, int):
        return Decimal(text)
    if isinstance(text, Decimal):
        if not text.is_finite():
            raise ValidationError(f"{name} must be a finite number.", field=field)
        return text
    if not isinstance(text, str):
        raise ValidationError(f"{name} must be a number like 1.25.", field=field)
    cleaned = text.strip()
    if not cleaned:
        raise ValidationError(f"{name} is required.", field=field)
    if not _DECIMAL_TEXT.match(cleaned):
        raise ValidationError(f"{name} must be a number like 1.25, not “{text}”.", field=field)
    return Decimal(cleaned)


def parse_decimal(
    text: str | Decimal | int,
    field: str,
    *,
    places: int,
    minimum: Decimal | None = Decimal(0),
) -> Decimal:
    """Parse a quantity with at most ``places`` decimals, not below ``minimum`` (None: any)."""
    value = _decimal_from_input(text, field)
    quantum = Decimal(1).scaleb(-places)
    try:
        quantized = value.quantize(quantum)
    except InvalidOperation as exc:
        raise ValidationError(f"{_capitalized(field)} is too large.", field=field) from exc
    if quantized != value:
        raise ValidationError(
            f"{_capitalized(field)} can have at most {places} decimal places.", field=field
        )
    if minimum is not None and quantized < minimum:
        floor = "negative" if minimum == 0 else f"less than {minimum}"
        raise ValidationError(f"{_capitalized(field)} cannot be {floor}.", field=field)
    return abs(quantized) if quantized == 0 else quantized


def parse_weight(text: str | Decimal | int, field: str = "metal weight") -> Decimal:
    """Parse a metal weight: non-negative, at most 4 decimals."""
    return parse_decimal(text, field, places=WEIGHT_PLACES)


def parse_carats(text: str | Decimal | int, field: str = "carat weight") -> Decimal:
    """Parse a carat weight: non-negative, at most 3 decimals."""
    return parse_decimal(text, field, places=CARAT_PLACES)


def karat_to_fineness(karat: int) -> int:
    """Parts-per-thousand fineness of a gold karat (hallmark values for the common ones)."""
    if isinstance(karat, bool) or not isinstance(karat, int) or not 1 <= karat <= 24:
        raise ValidationError(f"Karat must be a whole number from 1 to 24, not {karat}.")
    if karat in _KARAT_FINENESS:
        return _KARAT_FINENESS[karat]
    exact = Decimal(karat) * 1000 / 24
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))
