"""The item editor's input fields: one widget per Piece field, read back as Piece values."""

from __future__ import annotations

import dataclasses
from decimal import Decimal, InvalidOperation
from typing import Any

from PySide6.QtWidgets import QCheckBox, QLineEdit, QPlainTextEdit, QWidget

from jeweltrak_core.errors import ValidationError
from jeweltrak_core.inventory.entities import FAMILY_FIELDS, Piece
from jeweltrak_core.inventory.stock import Family
from jeweltrak_core.money import format_money, parse_money

LABELS: dict[str, str] = {
    "stock_id": "StockID", "barcode": "Barcode", "description": "Description",
    "location": "Location", "serial_no": "Serial #", "notes": "Notes",
    "category": "Category", "metal_type": "Metal", "karat": "Karat",
    "metal_weight_g": "Metal weight (g)", "set_stones": "Set stones", "size": "Size",
    "style_no": "Style #", "brand": "Brand", "model": "Model", "reference": "Reference",
    "case_desc": "Case", "band": "Band", "dial": "Dial", "box_papers": "Box and papers",
    "shape": "Shape", "carat_weight": "Carat weight", "color": "Color", "clarity": "Clarity",
    "cut": "Cut", "measurements": "Measurements", "lab": "Lab",
    "certificate_no": "Certificate #", "fluorescence": "Fluorescence",
    "treatments": "Treatments", "stone_count": "Number of stones",
    "pearl_size_mm": "Pearl size (mm)", "is_lot": "Sold as a lot",
    "cost_cents": "Cost", "price1_cents": "Price 1", "price2_cents": "Price 2",
    "price3_cents": "Price 3", "retail_cents": "Retail",
}
PLACEHOLDERS: dict[str, str] = {
    "stock_id": "given when saved", "karat": "e.g. 14", "metal_weight_g": "e.g. 4.25",
    "carat_weight": "e.g. 1.02", "pearl_size_mm": "e.g. 7.5", "category": "e.g. ring",
    "metal_type": "e.g. yellow gold",
}
COMMON_FIELDS = ("stock_id", "barcode", "description", "location", "serial_no")
PRICE_FIELDS = ("cost_cents", "price1_cents", "price2_cents", "price3_cents", "retail_cents")
_TYPES = {f.name: str(f.type) for f in dataclasses.fields(Piece)}


def family_fields(family: Family) -> list[str]:
    """The family's own fields, in the order the Piece record lists them."""
    allowed = FAMILY_FIELDS[family]
    return [f.name for f in dataclasses.fields(Piece) if f.name in allowed]


def make_widget(name: str) -> QWidget:
    """The input for one Piece field."""
    kind = _TYPES.get(name, "str")
    widget: QWidget
    if kind.startswith("bool"):
        widget = QCheckBox(LABELS.get(name, name))
    elif name == "notes":
        widget = QPlainTextEdit()
        widget.setFixedHeight(56)
    else:
        widget = QLineEdit()
        widget.setPlaceholderText(PLACEHOLDERS.get(name, ""))
    widget.setObjectName(f"field-{name}")
    return widget


def show_value(widget: QWidget, name: str, value: Any) -> None:
    """Put a Piece value into its input."""
    if isinstance(widget, QCheckBox):
        widget.setChecked(bool(value))
    elif isinstance(widget, QPlainTextEdit):
        widget.setPlainText(value or "")
    elif isinstance(widget, QLineEdit):
        if name in PRICE_FIELDS:
            widget.setText(format_money(value or 0).replace("$", ""))
        else:
            widget.setText("" if value is None else str(value))


def read_value(widget: QWidget, name: str) -> Any:
    """The Piece value an input holds (None when empty); ValidationError naming the field."""
    if isinstance(widget, QCheckBox):
        return widget.isChecked()
    text = (widget.toPlainText() if isinstance(widget, QPlainTextEdit)
            else widget.text() if isinstance(widget, QLineEdit) else "").strip()
    label = LABELS.get(name, name)
    if name in PRICE_FIELDS:
        try:
            return parse_money(text or "0", label)
        except ValidationError as exc:
            raise ValidationError(f"{label}: {exc.message}", field=name) from exc
    if not text:
        return "" if name == "description" else None  # "a piece needs a description"
    kind = _TYPES.get(name, "str")
    if kind.startswith("int"):
        if not text.isdigit():
            raise ValidationError(f"{label} must be a whole number.", field=name)
        return int(text)
    if kind.startswith("Decimal"):
        try:
            value = Decimal(text.replace(",", "."))
        except InvalidOperation as exc:
            raise ValidationError(f"{label} must be a number like 1.25.", field=name) from exc
        if not value.is_finite() or value <= 0:
            raise ValidationError(f"{label} must be a number above zero.", field=name)
        return value
    return text
