"""The live totals: subtotal, adjustments, trade-ins, returns, tax breakdown, total, paid."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QWidget

from jeweltrak_core.money import format_money
from jeweltrak_desktop.services.sell_screen import SaleView

#: (key, label) of every row, top to bottom.
ROWS = (
    ("subtotal", "Subtotal"),
    ("adjustments", "Adjustments"),
    ("returns", "Returns"),
    ("trade_ins", "Trade-ins"),
    ("base_tax", "Sales tax"),
    ("surtax", "Surtax"),
    ("total", "Total"),
    ("paid", "Paid"),
    ("balance", "Balance due"),
)
_EMPHASIS = frozenset({"total", "balance"})


def _percent(rate: Decimal) -> str:
    text = f"{rate * 100:f}".rstrip("0").rstrip(".")
    return f"{text}%"


def sale_amounts(sale: SaleView) -> dict[str, int]:
    """Every figure of the panel, in cents (what the tests compare with the core)."""
    totals = sale.totals
    invoice = sale.invoice
    return {
        "subtotal": totals.merchandise_cents,
        "adjustments": -totals.adjustments_cents,
        "returns": totals.returns_cents,
        "trade_ins": totals.trade_in_cents,
        "base_tax": totals.base_tax_cents,
        "surtax": totals.surtax_cents,
        "total": totals.total_cents,
        "paid": invoice.paid_cents - invoice.refunded_cents,
        "balance": invoice.balance_cents,
    }


class TotalsPanel(QFrame):
    """Right-aligned figures; amounts are integer cents formatted only here."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sell-totals")
        self.setProperty("card", True)
        self.setMinimumWidth(280)
        grid = QGridLayout(self)
        grid.setContentsMargins(16, 12, 16, 12)
        grid.setVerticalSpacing(6)
        self._captions: dict[str, QLabel] = {}
        self.values: dict[str, QLabel] = {}
        for row, (key, label) in enumerate(ROWS):
            caption = QLabel(label)
            value = QLabel("$0.00")
            value.setObjectName(f"total-{key}")
            value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if key in _EMPHASIS:
                for widget in (caption, value):
                    widget.setProperty("totalEmphasis", True)
            grid.addWidget(caption, row, 0)
            grid.addWidget(value, row, 1)
            self._captions[key] = caption
            self.values[key] = value
        grid.setRowStretch(len(ROWS), 1)
        self.show_sale(None)

    def show_sale(self, sale: SaleView | None) -> None:
        """Show a sale's figures (or zeros before the first scan)."""
        amounts = sale_amounts(sale) if sale else dict.fromkeys(self.values, 0)
        for key, cents in amounts.items():
            self.values[key].setText(format_money(cents))
        optional = {"returns", "trade_ins", "surtax"}
        for key in optional:
            visible = amounts[key] != 0 or (key == "surtax" and sale is not None
                                            and sale.invoice.surtax_rate > 0)
            self._captions[key].setVisible(visible)
            self.values[key].setVisible(visible)
        if sale is not None:
            invoice = sale.invoice
            tax_caption = "Sales tax (exempt)" if invoice.tax_exempt else (
                f"Sales tax {_percent(invoice.tax_rate)}")
            self._captions["base_tax"].setText(tax_caption)
            self._captions["surtax"].setText(f"Surtax {_percent(invoice.surtax_rate)}")
            owed = invoice.balance_cents < 0
            self._captions["balance"].setText("Owed to customer" if owed else "Balance due")
            if owed:
                self.values["balance"].setText(format_money(-invoice.balance_cents))
