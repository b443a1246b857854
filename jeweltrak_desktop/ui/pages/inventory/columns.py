"""The columns of the inventory list: which families show them, and how a cell reads."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from jeweltrak_core.inventory.stock import Family
from jeweltrak_core.money import format_money
from jeweltrak_desktop.services.inventory import PieceListRow
from jeweltrak_desktop.ui.labels import status_name


def _value(key: str) -> Callable[[PieceListRow], str]:
    def text(row: PieceListRow) -> str:
        value = row.values.get(key)
        return "" if value is None else str(value)

    return text


def _decimal(key: str, unit: str) -> Callable[[PieceListRow], str]:
    def text(row: PieceListRow) -> str:
        value = row.values.get(key)
        if value in (None, ""):
            return ""
        try:
            return f"{Decimal(str(value)).normalize():f} {unit}"
        except InvalidOperation:
            return str(value)

    return text


def _karat(row: PieceListRow) -> str:
    karat = row.values.get("karat")
    return f"{karat}K" if karat else ""


def _added(row: PieceListRow) -> str:
    return str(row.values.get("created_at") or "")[:10]


def _quantity(row: PieceListRow) -> str:
    return "" if row.quantity is None else f"{row.quantity:,}"


@dataclass(frozen=True)
class ListColumn:
    """One list column; ``key`` names it in settings and (when sortable) in the service."""

    key: str
    header: str
    text: Callable[[PieceListRow], str]
    families: frozenset[Family] | None = None
    cost: bool = False
    numeric: bool = False
    sortable: bool = True

    def applies_to(self, family: Family) -> bool:
        """Whether pieces of ``family`` have this column."""
        return self.families is None or family in self.families


_J, _W, _D, _C, _P = (Family.JEWELRY, Family.WATCH, Family.DIAMOND, Family.COLORED_STONE,
                      Family.PEARL)
_STONES = frozenset({_D, _C, _P})

COLUMNS: tuple[ListColumn, ...] = (
    ListColumn("stock_id", "StockID", lambda r: r.stock_id),
    ListColumn("description", "Description", lambda r: r.description),
    ListColumn("category", "Category", _value("category"), frozenset({_J})),
    ListColumn("metal", "Metal", _value("metal_type"), frozenset({_J})),
    ListColumn("karat", "Karat", _karat, frozenset({_J}), numeric=True),
    ListColumn("weight", "Weight", _decimal("metal_weight_g", "g"), frozenset({_J}),
               numeric=True),
    ListColumn("brand", "Brand", _value("brand"), frozenset({_W})),
    ListColumn("model", "Model", _value("model"), frozenset({_W})),
    ListColumn("reference", "Reference", _value("reference"), frozenset({_W})),
    ListColumn("shape", "Shape", _value("shape"), _STONES),
    ListColumn("carat", "Carat", _decimal("carat_weight", "ct"), frozenset({_D, _C}),
               numeric=True),
    ListColumn("color", "Color", _value("color"), _STONES),
    ListColumn("clarity", "Clarity", _value("clarity"), frozenset({_D, _C})),
    ListColumn("pearl_size", "Size", _decimal("pearl_size_mm", "mm"), frozenset({_P}),
               numeric=True),
    ListColumn("stones", "Stones", _value("stone_count"), frozenset({_C, _P}), numeric=True),
    ListColumn("lab", "Lab", _value("lab"), _STONES),
    ListColumn("certificate", "Certificate", _value("certificate_no"), _STONES),
    ListColumn("status", "Status", lambda r: status_name(r.status)),
    ListColumn("location", "Location", lambda r: r.location or ""),
    ListColumn("quantity", "Qty", _quantity, numeric=True, sortable=False),
    ListColumn("cost", "Cost", lambda r: format_money(r.cost_cents), cost=True, numeric=True),
    ListColumn("price1", "Price 1", lambda r: format_money(r.price1_cents), numeric=True),
    ListColumn("retail", "Retail", lambda r: format_money(r.retail_cents), numeric=True),
    ListColumn("margin", "Margin", lambda r: format_money(r.margin_cents), cost=True,
               numeric=True),
    ListColumn("added", "Added", _added),
)

#: Shown until the clerk chooses otherwise (columns the family lacks are skipped).
DEFAULT_VISIBLE: frozenset[str] = frozenset({
    "stock_id", "description", "category", "metal", "karat", "brand", "model", "shape",
    "carat", "color", "clarity", "pearl_size", "status", "cost", "retail",
})


def columns_for(family: Family, *, show_cost: bool) -> list[ListColumn]:
    """The columns a list of ``family`` has (cost and margin only for who may see cost)."""
    return [c for c in COLUMNS if c.applies_to(family) and (show_cost or not c.cost)]
