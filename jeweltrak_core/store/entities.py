"""The store, its settings, staff, and the exceptions a manager must resolve."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from uuid import UUID

from jeweltrak_core.inventory.pricing import MultiplierMode, Multipliers
from jeweltrak_core.sales.tax import TaxRule
from jeweltrak_core.units import WeightUnit


@dataclass(kw_only=True, slots=True)
class Store:
    """A store of the tenant, with the settings the rules need."""

    id: UUID
    name: str
    code: str
    address: str = ""
    phone: str = ""
    tax_number: str = ""
    timezone: str = "America/New_York"
    tax_rate: Decimal = Decimal(0)
    surtax_rate: Decimal = Decimal(0)
    surtax_threshold_cents: int | None = None
    trade_in_reduces_tax: bool = True
    multiplier_price1: Decimal = Decimal("1.5")
    multiplier_price2: Decimal = Decimal("1.8")
    multiplier_price3: Decimal = Decimal("2.0")
    multiplier_retail: Decimal = Decimal("2.5")
    multiplier_mode: MultiplierMode = MultiplierMode.EACH_FROM_COST
    weight_unit: WeightUnit = WeightUnit.GRAM
    #: Ten letters standing for 1234567890 on tags (“hidden cost code”).
    cost_code: str = "MAKEPROFIT"
    disclaimer: str = ""
    version: int = 0

    @property
    def tax_rule(self) -> TaxRule:
        """The store's sales tax rule."""
        return TaxRule(
            rate=self.tax_rate,
            surtax_rate=self.surtax_rate,
            surtax_threshold_cents=self.surtax_threshold_cents,
        )

    @property
    def multipliers(self) -> Multipliers:
        """The store's price-tier multipliers."""
        return Multipliers(
            price1=self.multiplier_price1,
            price2=self.multiplier_price2,
            price3=self.multiplier_price3,
            retail=self.multiplier_retail,
            mode=self.multiplier_mode,
        )


@dataclass(kw_only=True, slots=True)
class PermissionGroup:
    """A named set of permissions (synced from the service)."""

    id: UUID
    name: str
    permissions: list[str] = field(default_factory=list)
    version: int = 0


@dataclass(kw_only=True, slots=True)
class User:
    """A staff member; the PIN verifier (argon2) is synced so sign-in works offline."""

    id: UUID
    name: str
    email: str = ""
    pin_verifier: str | None = None
    group_ids: list[UUID] = field(default_factory=list)
    granted: list[str] = field(default_factory=list)
    revoked: list[str] = field(default_factory=list)
    active: bool = True
    version: int = 0


@dataclass(kw_only=True, slots=True)
class OversellException:
    """A one-of-a-kind piece sold twice (two offline workstations): a manager resolves it."""

    id: UUID
    piece_id: UUID
    losing_invoice_id: UUID
    detail: str
    created_at: datetime
    resolved_at: datetime | None = None
    resolution: str | None = None
    version: int = 0
