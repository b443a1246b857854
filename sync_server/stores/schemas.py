"""Request and response bodies of stores.

Rates and multipliers travel as exact decimal text (``"0.06"``), money as whole cents
(``500000``); a JSON number with a fraction is refused wherever money or a rate is meant.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Annotated, ClassVar
from uuid import UUID
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, BaseModel, Strict, StringConstraints

from jeweltrak_core.inventory.pricing import MultiplierMode
from jeweltrak_core.store.entities import Store
from jeweltrak_core.units import WeightUnit
from sync_server.kit.fields import (
    Address,
    Cents,
    DecimalText,
    Disclaimer,
    Flag,
    Name,
    PatchModel,
    ShortText,
    invalid_value,
)


def _store_code(value: str) -> str:
    if not re.fullmatch(r"[A-Z0-9]{1,4}", value):
        raise invalid_value("must be 1 to 4 capital letters or digits, e.g. MAIN or S2")
    return value


def _time_zone(value: str) -> str:
    problem = "must be a time zone name such as America/New_York"
    if not re.fullmatch(r"[A-Za-z0-9_+\-]+(/[A-Za-z0-9_+\-]+)*", value):
        raise invalid_value(problem)
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise invalid_value(problem) from None
    return value


def _cost_code(value: str) -> str:
    word = value.upper()
    if not re.fullmatch(r"[A-Z]{10}", word):
        raise invalid_value("must be exactly ten letters A-Z, one per digit 1234567890")
    if len(set(word)) != 10:
        raise invalid_value("must use ten different letters so tags can be read back")
    return word


def _rate(value: Decimal) -> Decimal:
    if not Decimal(0) <= value < Decimal(1):
        raise invalid_value('must be from 0 up to (not including) 1, e.g. "0.06" for 6%')
    return value


def _multiplier(value: Decimal) -> Decimal:
    if not Decimal(0) < value <= Decimal(100):
        raise invalid_value('must be greater than 0 and at most 100, e.g. "2.5"')
    return value


StoreCode = Annotated[
    str, Strict(), StringConstraints(strip_whitespace=True, max_length=4),
    AfterValidator(_store_code),
]
TimeZoneName = Annotated[
    str, Strict(), StringConstraints(strip_whitespace=True, max_length=64),
    AfterValidator(_time_zone),
]
CostCode = Annotated[
    str, Strict(), StringConstraints(strip_whitespace=True, max_length=10),
    AfterValidator(_cost_code),
]
Rate = Annotated[DecimalText, AfterValidator(_rate)]
Multiplier = Annotated[DecimalText, AfterValidator(_multiplier)]


class StoreSettingsPatch(PatchModel):
    """Store settings to change; absent ones keep their value (on creation: the default).

    ``surtax_threshold_cents: null`` means the surtax has no per-item cap.
    """

    nullable: ClassVar[frozenset[str]] = frozenset({"surtax_threshold_cents"})

    name: Name | None = None
    code: StoreCode | None = None
    address: Address | None = None
    phone: ShortText | None = None
    tax_number: ShortText | None = None
    timezone: TimeZoneName | None = None
    tax_rate: Rate | None = None
    surtax_rate: Rate | None = None
    surtax_threshold_cents: Cents | None = None
    trade_in_reduces_tax: Flag | None = None
    multiplier_price1: Multiplier | None = None
    multiplier_price2: Multiplier | None = None
    multiplier_price3: Multiplier | None = None
    multiplier_retail: Multiplier | None = None
    multiplier_mode: MultiplierMode | None = None
    weight_unit: WeightUnit | None = None
    cost_code: CostCode | None = None
    disclaimer: Disclaimer | None = None


class NewStoreRequest(StoreSettingsPatch):
    """A new store: a name and a short code are required, the rest has defaults."""

    name: Name
    code: StoreCode


class StoreResponse(BaseModel):
    """A store with all its settings (decimals as exact text)."""

    id: UUID
    name: str
    code: str
    address: str
    phone: str
    tax_number: str
    timezone: str
    tax_rate: str
    surtax_rate: str
    surtax_threshold_cents: int | None
    trade_in_reduces_tax: bool
    multiplier_price1: str
    multiplier_price2: str
    multiplier_price3: str
    multiplier_retail: str
    multiplier_mode: str
    weight_unit: str
    cost_code: str
    disclaimer: str
    version: int

    @classmethod
    def of(cls, store: Store) -> StoreResponse:
        """From the core store."""
        return cls(
            id=store.id,
            name=store.name,
            code=store.code,
            address=store.address,
            phone=store.phone,
            tax_number=store.tax_number,
            timezone=store.timezone,
            tax_rate=str(store.tax_rate),
            surtax_rate=str(store.surtax_rate),
            surtax_threshold_cents=store.surtax_threshold_cents,
            trade_in_reduces_tax=store.trade_in_reduces_tax,
            multiplier_price1=str(store.multiplier_price1),
            multiplier_price2=str(store.multiplier_price2),
            multiplier_price3=str(store.multiplier_price3),
            multiplier_retail=str(store.multiplier_retail),
            multiplier_mode=store.multiplier_mode.value,
            weight_unit=store.weight_unit.value,
            cost_code=store.cost_code,
            disclaimer=store.disclaimer,
            version=store.version,
        )
