"""Weight units, karat fineness and strict Decimal parsing."""

from __future__ import annotations

from decimal import Decimal

import pytest

from jeweltrak_core.errors import ValidationError
from jeweltrak_core.units import (
    WeightUnit,
    convert_weight,
    karat_to_fineness,
    parse_carats,
    parse_decimal,
    parse_weight,
    to_grams,
)

G, DWT, OZT = WeightUnit.GRAM, WeightUnit.DWT, WeightUnit.OUNCE


def test_unit_values() -> None:
    assert [u.value for u in WeightUnit] == ["g", "dwt", "ozt"]


@pytest.mark.parametrize(
    ("value", "src", "dst", "expected"),
    [
        ("1", OZT, G, "31.1035"),
        ("1", OZT, DWT, "20.0000"),
        ("20", DWT, OZT, "1.0000"),
        ("1", DWT, G, "1.5552"),
        ("31.1034768", G, OZT, "1.0000"),
        ("1.55517384", G, DWT, "1.0000"),
        ("10", G, DWT, "6.4301"),
        ("2.5", G, G, "2.5000"),
        ("0.00005", G, G, "0.0001"),  # a tie rounds half-up
        ("-0.00005", G, G, "-0.0001"),  # ... and away from zero for negatives
    ],
)
def test_convert_weight(value: str, src: WeightUnit, dst: WeightUnit, expected: str) -> None:
    result = convert_weight(Decimal(value), src, dst)
    assert result == Decimal(expected)
    assert result.as_tuple().exponent == -4


def test_to_grams() -> None:
    assert to_grams(Decimal("3"), DWT) == Decimal("4.6655")
    assert to_grams(Decimal("0.5"), OZT) == Decimal("15.5517")


def test_convert_accepts_unit_strings() -> None:
    assert convert_weight(Decimal(1), "ozt", "g") == Decimal("31.1035")  # type: ignore[arg-type]


def test_convert_refuses_float_and_unknown_unit() -> None:
    with pytest.raises(ValidationError):
        convert_weight(1.0, G, DWT)  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        convert_weight(Decimal("NaN"), G, DWT)
    with pytest.raises(ValidationError, match="weight unit"):
        convert_weight(Decimal(1), "lb", G)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "places", "expected"),
    [
        ("1.25", 2, "1.25"),
        (" 3 ", 2, "3.00"),
        ("0.5", 4, "0.5000"),
        (".5", 3, "0.500"),
        ("7.", 1, "7.0"),
        ("1.2500", 2, "1.25"),  # trailing zeros are not extra precision
        (Decimal("2.125"), 3, "2.125"),
        (12, 0, "12"),
        ("-0", 2, "0.00"),
        ("+4.1", 1, "4.1"),
    ],
)
def test_parse_decimal_accepts(text: str | Decimal | int, places: int, expected: str) -> None:
    result = parse_decimal(text, "value", places=places)
    assert result == Decimal(expected)
    assert str(result) == expected


@pytest.mark.parametrize(
    "bad",
    ["", "   ", "abc", "NaN", "nan", "inf", "-Infinity", "1e3", "1,5", "1.2.3", "--1", "$4"],
)
def test_parse_decimal_refuses_text(bad: str) -> None:
    with pytest.raises(ValidationError) as exc:
        parse_decimal(bad, "carat weight", places=3)
    assert exc.value.details["field"] == "carat weight"


@pytest.mark.parametrize("bad", [1.5, True, Decimal("NaN"), Decimal("Infinity"), None, [1]])
def test_parse_decimal_refuses_non_numbers(bad: object) -> None:
    with pytest.raises(ValidationError):
        parse_decimal(bad, "metal weight", places=4)  # type: ignore[arg-type]


def test_parse_decimal_too_many_places_names_field() -> None:
    with pytest.raises(ValidationError, match=r"^Metal weight can have at most 4 decimal places"):
        parse_decimal("1.00001", "metal weight", places=4)


def test_parse_decimal_minimum() -> None:
    with pytest.raises(ValidationError, match="cannot be negative"):
        parse_decimal("-1", "metal weight", places=2)
    assert parse_decimal("-1", "adjustment", places=2, minimum=None) == Decimal("-1.00")
    with pytest.raises(ValidationError, match=r"less than 0\.5"):
        parse_decimal("0.4", "size", places=2, minimum=Decimal("0.5"))
    assert parse_decimal("0.5", "size", places=2, minimum=Decimal("0.5")) == Decimal("0.5")


def test_parse_decimal_too_large() -> None:
    with pytest.raises(ValidationError, match="too large"):
        parse_decimal("1" * 30, "metal weight", places=4)


def test_parse_weight_and_carats() -> None:
    assert parse_weight("12.3456") == Decimal("12.3456")
    assert parse_carats("1.015") == Decimal("1.015")
    with pytest.raises(ValidationError) as exc:
        parse_carats("1.0155")
    assert exc.value.details["field"] == "carat weight"
    with pytest.raises(ValidationError) as exc:
        parse_weight("-2")
    assert exc.value.details["field"] == "metal weight"
    assert "Metal weight" in str(exc.value)
    with pytest.raises(ValidationError, match="Band weight"):
        parse_weight("x", field="band weight")


@pytest.mark.parametrize(
    ("karat", "fineness"),
    [
        (24, 999),
        (22, 916),
        (18, 750),
        (14, 585),
        (10, 417),
        (9, 375),
        (20, 833),
        (21, 875),
        (19, 792),
        (12, 500),
        (8, 333),
        (1, 42),
        (23, 958),
    ],
)
def test_karat_to_fineness(karat: int, fineness: int) -> None:
    assert karat_to_fineness(karat) == fineness


@pytest.mark.parametrize("bad", [0, 25, -14, True])
def test_karat_out_of_range(bad: int) -> None:
    with pytest.raises(ValidationError, match="1 to 24"):
        karat_to_fineness(bad)
