"""A piece of inventory: one record for all five families (family-specific fields are optional)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from uuid import UUID

from jeweltrak_core.errors import ValidationError
from jeweltrak_core.inventory.stock import Family, PieceStatus, QuantityLedger
from jeweltrak_core.money import require_cents

#: Fields that only make sense for some families; others must leave them empty.
FAMILY_FIELDS: dict[Family, frozenset[str]] = {
    Family.JEWELRY: frozenset(
        {"category", "metal_type", "karat", "metal_weight_g", "set_stones", "size", "style_no"}
    ),
    Family.WATCH: frozenset(
        {"brand", "model", "reference", "case_desc", "band", "dial", "box_papers"}
    ),
    Family.DIAMOND: frozenset(
        {
            "shape",
            "carat_weight",
            "color",
            "clarity",
            "cut",
            "measurements",
            "lab",
            "certificate_no",
            "fluorescence",
            "treatments",
            "is_lot",
        }
    ),
    Family.COLORED_STONE: frozenset(
        {
            "shape",
            "carat_weight",
            "color",
            "clarity",
            "cut",
            "measurements",
            "lab",
            "certificate_no",
            "treatments",
            "stone_count",
            "is_lot",
        }
    ),
    Family.PEARL: frozenset(
        {
            "shape",
            "color",
            "pearl_size_mm",
            "stone_count",
            "lab",
            "certificate_no",
            "treatments",
            "is_lot",
        }
    ),
}
OPTIONAL_FAMILY_FIELDS: frozenset[str] = frozenset().union(*FAMILY_FIELDS.values())

#: Fields a clerk may change with ``update_piece`` (status and stock counts move by operations).
EDITABLE_PIECE_FIELDS: frozenset[str] = OPTIONAL_FAMILY_FIELDS | {
    "stock_id",
    "barcode",
    "description",
    "cost_cents",
    "price1_cents",
    "price2_cents",
    "price3_cents",
    "retail_cents",
    "vendor_id",
    "serial_no",
    "location",
    "notes",
    "photos",
}

_BARCODE_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._/+ ")


@dataclass(kw_only=True, slots=True)
class Piece:
    """A stock item; ``is_quantity_item`` pieces (chains by the unit) carry a quantity ledger."""

    id: UUID
    store_id: UUID
    stock_id: str
    family: Family
    description: str
    barcode: str | None = None
    status: PieceStatus = PieceStatus.IN_STOCK
    consigned: bool = False
    vendor_id: UUID | None = None
    vendor_memo_id: UUID | None = None
    cost_cents: int = 0
    price1_cents: int = 0
    price2_cents: int = 0
    price3_cents: int = 0
    retail_cents: int = 0
    serial_no: str | None = None
    location: str | None = None
    notes: str | None = None
    photos: list[str] = field(default_factory=list)
    # Jewelry
    category: str | None = None
    metal_type: str | None = None
    karat: int | None = None
    metal_weight_g: Decimal | None = None
    set_stones: str | None = None
    size: str | None = None
    style_no: str | None = None
    # Watches
    brand: str | None = None
    model: str | None = None
    reference: str | None = None
    case_desc: str | None = None
    band: str | None = None
    dial: str | None = None
    box_papers: bool | None = None
    # Stones and pearls
    shape: str | None = None
    carat_weight: Decimal | None = None
    color: str | None = None
    clarity: str | None = None
    cut: str | None = None
    measurements: str | None = None
    lab: str | None = None
    certificate_no: str | None = None
    fluorescence: str | None = None
    treatments: str | None = None
    stone_count: int | None = None
    pearl_size_mm: Decimal | None = None
    is_lot: bool = False
    # Quantity items
    is_quantity_item: bool = False
    qty_purchased: int = 0
    qty_adjustments: int = 0
    qty_invoiced: int = 0
    qty_on_memo: int = 0
    qty_returned_to_vendor: int = 0
    qty_scrapped: int = 0
    created_at: datetime | None = None
    updated_at: datetime | None = None
    deleted: bool = False
    version: int = 0

    @property
    def ledger(self) -> QuantityLedger:
        """The quantity ledger (meaningful for quantity items)."""
        return QuantityLedger(
            purchased=self.qty_purchased,
            adjustments=self.qty_adjustments,
            invoiced=self.qty_invoiced,
            on_open_memos=self.qty_on_memo,
            returned_to_vendor=self.qty_returned_to_vendor,
            scrapped=self.qty_scrapped,
        )

    def validate(self) -> None:
        """Check the piece's own fields; raises ValidationError naming the first problem."""
        validate_stock_id(self.stock_id)
        if self.barcode is not None:
            validate_barcode(self.barcode)
        if not self.description.strip():
            raise ValidationError("A piece needs a description.", field="description")
        for name in ("cost_cents", "price1_cents", "price2_cents", "price3_cents", "retail_cents"):
            require_cents(getattr(self, name), name, allow_negative=False)
        allowed = FAMILY_FIELDS[self.family]
        for name in OPTIONAL_FAMILY_FIELDS - allowed:
            value = getattr(self, name)
            if value not in (None, False):
                raise ValidationError(
                    f"{name.replace('_', ' ')} does not apply to {self.family.value} pieces.",
                    field=name,
                )
        for name in ("metal_weight_g", "carat_weight", "pearl_size_mm"):
            value = getattr(self, name)
            if value is not None and (not isinstance(value, Decimal) or value <= 0):
                raise ValidationError(f"{name.replace('_', ' ')} must be positive.", field=name)
        if self.karat is not None and not 1 <= self.karat <= 24:
            raise ValidationError("Karat must be between 1 and 24.", field="karat")
        if self.stone_count is not None and self.stone_count < 1:
            raise ValidationError("Number of stones must be at least 1.", field="stone_count")
        if self.is_quantity_item and self.qty_purchased < 0:
            raise ValidationError("Purchased quantity cannot be negative.", field="qty_purchased")
        if not self.is_quantity_item and self.qty_purchased not in (0, 1):
            raise ValidationError(
                "A one-of-a-kind piece has no quantity; mark it as a quantity item.",
                field="qty_purchased",
            )


def validate_stock_id(stock_id: str) -> None:
    """A StockID is 1–32 letters, digits, dashes or dots."""
    if not isinstance(stock_id, str) or not 1 <= len(stock_id) <= 32:
        raise ValidationError("A StockID must be 1 to 32 characters.", field="stock_id")
    if not all((c.isalnum() and c.isascii()) or c in "-." for c in stock_id):
        raise ValidationError(
            f"StockID “{stock_id}” may only contain letters, digits, '-' and '.'.",
            field="stock_id",
        )


def validate_barcode(barcode: str) -> None:
    """A scannable barcode: 1–48 printable Code128-safe characters."""
    if not isinstance(barcode, str) or not 1 <= len(barcode) <= 48:
        raise ValidationError("A barcode must be 1 to 48 characters.", field="barcode")
    if any(c.upper() not in _BARCODE_CHARS for c in barcode):
        raise ValidationError(
            f"“{barcode}” is not a valid barcode (letters, digits and - . _ / + only).",
            field="barcode",
        )


def normalize_scan(raw: str) -> str:
    """What a keyboard-wedge scanner typed, without its prefix/suffix noise; raises if malformed."""
    text = raw.strip().strip("\r\n\t")
    if not text:
        raise ValidationError("The scan was empty.", field="barcode")
    validate_barcode(text)
    return text.upper()
