"""Fill Price 1, Price 2, Price 3 and Retail from cost with the store's multipliers.

Rounding: every level is rounded to a whole cent with ``round_cents`` (half away from
zero) as it is computed. In stacked mode the next level multiplies the *rounded* cents of
the level before, so each printed price is exactly the previous printed price × its
multiplier, rounded once.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from jeweltrak_core.errors import ValidationError
from jeweltrak_core.money import multiply_cents, require_cents


class MultiplierMode(StrEnum):
    """Whether each level is cost × its multiplier or the previous level × its multiplier."""

    EACH_FROM_COST = "each_from_cost"
    STACKED = "stacked"


@dataclass(frozen=True)
class Multipliers:
    """A store's price-level multipliers (Decimal, each greater than zero)."""

    price1: Decimal
    price2: Decimal
    price3: Decimal
    retail: Decimal
    mode: MultiplierMode = MultiplierMode.EACH_FROM_COST

    def __post_init__(self) -> None:
        """Refuse floats, non-finite, zero or negative multipliers and unknown modes."""
        for name in ("price1", "price2", "price3", "retail"):
            value = getattr(self, name)
            if not isinstance(value, Decimal) or not value.is_finite() or value <= 0:
                raise ValidationError(
                    f"The {name} multiplier must be an exact number greater than zero.",
                    field=name,
                )
        try:
            MultiplierMode(self.mode)
        except ValueError as exc:
            raise ValidationError(
                f"“{self.mode}” is not a multiplier mode (each from cost or stacked).",
                field="mode",
            ) from exc


@dataclass(frozen=True)
class PriceTiers:
    """The four selling prices of an item, in cents."""

    price1_cents: int
    price2_cents: int
    price3_cents: int
    retail_cents: int


def _level(base_cents: int, factor: Decimal, name: str) -> int:
    """One price level: ``base × factor`` rounded once, refused if beyond the money limit."""
    return require_cents(multiply_cents(base_cents, factor), name)


def price_tiers_from_cost(cost_cents: int, multipliers: Multipliers) -> PriceTiers:
    """Compute the four price levels from cost; see the module docstring for rounding."""
    cost = require_cents(cost_cents, "Cost", allow_negative=False)
    m = multipliers
    if m.mode == MultiplierMode.STACKED:
        price1 = _level(cost, m.price1, "Price 1")
        price2 = _level(price1, m.price2, "Price 2")
        price3 = _level(price2, m.price3, "Price 3")
        retail = _level(price3, m.retail, "Retail")
    else:
        price1 = _level(cost, m.price1, "Price 1")
        price2 = _level(cost, m.price2, "Price 2")
        price3 = _level(cost, m.price3, "Price 3")
        retail = _level(cost, m.retail, "Retail")
    return PriceTiers(price1, price2, price3, retail)
