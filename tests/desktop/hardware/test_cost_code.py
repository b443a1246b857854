"""The hidden cost code: ten different letters for 1234567890, whole dollars rounded up."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jeweltrak_core.errors import InvalidMoney, ValidationError
from jeweltrak_core.money import MAX_CENTS
from jeweltrak_desktop.hardware.cost_code import (
    check_cost_code_letters,
    cost_code,
    decode_cost_code,
)

LETTERS = "MAKEPROFIT"  # M=1 A=2 K=3 E=4 P=5 R=6 O=7 F=8 I=9 T=0


@pytest.mark.parametrize(
    ("cost_cents", "code"),
    [
        (125_000, "MAPT"),  # $1,250.00
        (124_901, "MAPT"),  # $1,249.01 rounds up to $1,250
        (100, "M"),
        (1, "M"),  # one cent still shows a cost of a dollar, never zero
        (0, "T"),
        (9_876_543_200, "IFORPEKA"),
    ],
)
def test_cost_code_of_whole_dollars_rounded_up(cost_cents: int, code: str) -> None:
    assert cost_code(cost_cents, LETTERS) == code


def test_letters_are_case_insensitive_and_decode_back() -> None:
    assert cost_code(125_000, "makeprofit") == "MAPT"
    assert decode_cost_code("mapt", LETTERS) == 125_000
    assert check_cost_code_letters(" blackhorse ") == "BLACKHORSE"


@given(st.integers(min_value=0, max_value=MAX_CENTS // 100))
def test_whole_dollar_costs_round_trip(dollars: int) -> None:
    assert decode_cost_code(cost_code(dollars * 100, LETTERS), LETTERS) == dollars * 100


@given(st.integers(min_value=0, max_value=MAX_CENTS))
def test_decoded_cost_is_never_below_the_real_cost(cents: int) -> None:
    decoded = decode_cost_code(cost_code(cents, LETTERS), LETTERS)
    assert decoded % 100 == 0
    assert cents <= decoded < cents + 100


@pytest.mark.parametrize(
    ("letters", "message"),
    [
        ("JEWELSTORX", "uses E more than once"),
        ("AABBCCDDEE", "uses A, B, C, D, E more than once"),
        ("MAKEPROFI", "exactly ten letters"),
        ("MAKEPROFITS", "exactly ten letters"),
        ("MAKEPR0FIT", "exactly ten letters"),  # a zero, not an O
        ("MAKÉPROFIT", "exactly ten letters"),
        ("", "exactly ten letters"),
    ],
)
def test_letter_sets_that_cannot_be_read_back_are_refused(letters: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message) as info:
        cost_code(100, letters)
    assert info.value.details["field"] == "cost_code"
    assert "Settings" in info.value.message


def test_bad_codes_and_costs_are_refused() -> None:
    with pytest.raises(ValidationError, match="not a cost code made of the letters MAKEPROFIT"):
        decode_cost_code("MAXZ", LETTERS)
    with pytest.raises(ValidationError, match="not a cost code"):
        decode_cost_code("", LETTERS)
    with pytest.raises(InvalidMoney):
        cost_code(-100, LETTERS)
    with pytest.raises(InvalidMoney):
        cost_code(12.5, LETTERS)  # type: ignore[arg-type]
