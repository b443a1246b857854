"""Forms for the Sell screen's lines: adjustment, service/misc, trade-in, quantity, void."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import QCheckBox, QComboBox, QLabel, QSpinBox, QWidget

from jeweltrak_core.errors import ValidationError
from jeweltrak_core.money import format_money
from jeweltrak_core.sales.entities import InvoiceLine
from jeweltrak_core.sales.tax import LineKind
from jeweltrak_desktop.ui.pages.sell.form_dialog import FormDialog, money_text, read_money

DISCOUNT_NEEDS = "Discounts need the discount permission; ask a manager."
OVERRIDE_NEEDS = "Changing a price needs the override-price permission; ask a manager."


@dataclass(frozen=True)
class Adjustment:
    """What the clerk asked for: a new discount and/or a new unit price (None: unchanged)."""

    adjustment_cents: int | None
    unit_price_cents: int | None


def adjust_dialog(
    line: InvoiceLine, *, may_discount: bool, may_override: bool, parent: QWidget | None
) -> FormDialog:
    """Discount (dollars off the line) and price override, each only if allowed."""
    dialog = FormDialog("Adjust line", line.description, parent)
    discount = dialog.add_line("Discount $", money_text(line.adjustment_cents))
    price = dialog.add_line("Unit price $", money_text(line.unit_price_cents))
    discount.setObjectName("adjust-discount")
    price.setObjectName("adjust-price")
    discount.setEnabled(may_discount)
    price.setEnabled(may_override)
    if not may_discount:
        discount.setToolTip(DISCOUNT_NEEDS)
        dialog.form.addRow(QLabel(DISCOUNT_NEEDS))
    if not may_override:
        price.setToolTip(OVERRIDE_NEEDS)
        dialog.form.addRow(QLabel(OVERRIDE_NEEDS))

    def collect() -> Adjustment:
        new_discount = read_money(discount, "discount", blank=0) if may_discount else None
        new_price = read_money(price, "unit price") if may_override else None
        return Adjustment(
            None if new_discount == line.adjustment_cents else new_discount,
            None if new_price == line.unit_price_cents else new_price,
        )

    dialog.collect = collect
    (discount if may_discount else price).setFocus()
    (discount if may_discount else price).selectAll()
    return dialog


@dataclass(frozen=True)
class Charge:
    """A service or misc line to add."""

    kind: LineKind
    description: str
    price_cents: int
    quantity: int
    taxable: bool


def charge_dialog(parent: QWidget | None) -> FormDialog:
    """A service (sizing, engraving) or misc line."""
    dialog = FormDialog("Service or misc line", "", parent)
    kind = QComboBox()
    kind.addItem("Service", LineKind.SERVICE)
    kind.addItem("Misc", LineKind.MISC)
    dialog.add_row("Kind", kind)
    description = dialog.add_line("Description", placeholder="Ring sizing")
    price = dialog.add_line("Price $", placeholder="45.00")
    quantity = QSpinBox(minimum=1, maximum=999, value=1)
    dialog.add_row("Quantity", quantity)
    taxable = QCheckBox("Taxable")
    taxable.setChecked(True)
    dialog.add_row("", taxable)

    def collect() -> Charge:
        text = description.text().strip()
        if not text:
            raise ValidationError("Describe the service or item.")
        return Charge(LineKind(kind.currentData()), text, read_money(price, "price"),
                      quantity.value(), taxable.isChecked())

    dialog.collect = collect
    description.setFocus()
    return dialog


@dataclass(frozen=True)
class TradeIn:
    """A trade-in: what the customer is credited, and what it is really worth (hidden)."""

    description: str
    allowance_cents: int
    actual_value_cents: int | None


def trade_in_dialog(parent: QWidget | None, *, show_actual: bool) -> FormDialog:
    """A trade-in line (its actual value only for staff who see cost)."""
    dialog = FormDialog("Trade-in", "The allowance is credited to the customer.", parent)
    description = dialog.add_line("Description", placeholder="14K gold chain, 12 g")
    allowance = dialog.add_line("Allowance $")
    actual = dialog.add_line("Actual value $", placeholder="(hidden from the customer)")
    actual.setVisible(show_actual)
    label = dialog.form.labelForField(actual)
    if label is not None:
        label.setVisible(show_actual)

    def collect() -> TradeIn:
        text = description.text().strip()
        if not text:
            raise ValidationError("Describe the trade-in.")
        value = read_money(actual, "actual value", blank=-1) if show_actual else -1
        return TradeIn(text, read_money(allowance, "allowance"), None if value < 0 else value)

    dialog.collect = collect
    description.setFocus()
    return dialog


def quantity_dialog(line: InvoiceLine, parent: QWidget | None) -> FormDialog:
    """How many of a quantity item, service or misc line."""
    dialog = FormDialog("Quantity", line.description, parent)
    quantity = QSpinBox(minimum=1, maximum=9999, value=max(line.quantity, 1))
    quantity.setObjectName("quantity-spin")
    dialog.add_row("Quantity", quantity)
    dialog.collect = quantity.value
    quantity.setFocus()
    quantity.selectAll()
    return dialog


def void_dialog(number: str, total_cents: int, parent: QWidget | None) -> FormDialog:
    """The reason for voiding (a void is permanent)."""
    dialog = FormDialog(
        "Void invoice",
        f"Void invoice {number} ({format_money(total_cents)})? A void is permanent: pieces "
        "go back to stock and the customer's account is reversed.",
        parent,
    )
    reason = dialog.add_line("Reason", placeholder="Customer changed their mind")
    reason.setObjectName("void-reason")

    def collect() -> str:
        text = reason.text().strip()
        if not text:
            raise ValidationError("Say why the invoice is being voided.")
        return text

    dialog.collect = collect
    reason.setFocus()
    return dialog
