"""Price levels filled from cost, each from cost or stacked."""

from __future__ import annotations

from decimal import Decimal

import pytest

from jeweltrak_core.errors import InvalidMoney, ValidationError
from jeweltrak_core.inventory.pricing import (
    MultiplierMode,
    Multipliers,
    PriceTiers,
    price_tiers_from_cost,
)

D = Decimal


def _m(p1: str, p2: str, p3: str, retail: str, mode: MultiplierMode) -> Multipliers:
    return Multipliers(D(p1), D(p2), D(p3), D(retail), mode)


def test_mode_values() -> None:
    assert [m.value for m in MultiplierMode] == ["each_from_cost", "stacked"]
    assert Multipliers(D(1), D(2), D(3), D(4)).mode is MultiplierMode.EACH_FROM_COST


def test_each_from_cost() -> None:
    tiers = price_tiers_from_cost(10_000, _m("1.5", "2", "2.5", "3", MultiplierMode.EACH_FROM_COST))
    assert tiers == PriceTiers(15_000, 20_000, 25_000, 30_000)


def test_stacked_multiplies_previous_level() -> None:
    tiers = price_tiers_from_cost(10_000, _m("1.5", "2", "1.1", "1.2", MultiplierMode.STACKED))
    assert tiers == PriceTiers(15_000, 30_000, 33_000, 39_600)


def test_stacked_rounds_each_level_before_the_next() -> None:
    # 1001 × 1.5 = 1501.5 → 1502; then 1502 × 1.5 = 2253 (unrounded chain would give 2252).
    tiers = price_tiers_from_cost(1_001, _m("1.5", "1.5", "1", "1", MultiplierMode.STACKED))
    assert tiers == PriceTiers(1_502, 2_253, 2_253, 2_253)


def test_each_from_cost_rounds_half_away_from_zero() -> None:
    tiers = price_tiers_from_cost(1, _m("0.5", "1.5", "2.5", "0.49", MultiplierMode.EACH_FROM_COST))
    assert tiers == PriceTiers(1, 2, 3, 0)


def test_zero_cost() -> None:
    assert price_tiers_from_cost(0, _m("2", "2", "2", "2", MultiplierMode.STACKED)) == PriceTiers(
        0, 0, 0, 0
    )


def test_negative_or_non_int_cost_refused() -> None:
    m = _m("2", "2", "2", "2", MultiplierMode.EACH_FROM_COST)
    with pytest.raises(InvalidMoney):
        price_tiers_from_cost(-1, m)
    with pytest.raises(InvalidMoney):
        price_tiers_from_cost(10.0, m)  # type: ignore[arg-type]


def test_price_beyond_money_limit_refused() -> None:
    # $100k × 10 × 10 × 10 = $100M (the largest amount allowed); × 10 again is too much.
    m = _m("10", "10", "10", "10", MultiplierMode.STACKED)
    with pytest.raises(InvalidMoney, match=r"^Retail is larger"):
        price_tiers_from_cost(10_000_000, m)
    m = _m("1", "1", "20000", "1", MultiplierMode.EACH_FROM_COST)
    with pytest.raises(InvalidMoney, match=r"^Price 3 is larger"):
        price_tiers_from_cost(1_000_000, m)


@pytest.mark.parametrize("bad", [D(0), D("-1.5"), D("NaN"), D("Infinity"), 2.0, 2])
def test_bad_multiplier_refused(bad: object) -> None:
    with pytest.raises(ValidationError, match="retail multiplier"):
        Multipliers(D(1), D(1), D(1), bad)  # type: ignore[arg-type]


def test_bad_mode_refused() -> None:
    with pytest.raises(ValidationError, match="multiplier mode"):
        Multipliers(D(1), D(1), D(1), D(1), "sideways")  # type: ignore[arg-type]
