"""The Sell screen's keys, in one table (the legend at the bottom is built from it).

F1–F9, Ctrl+K and Ctrl+L belong to the main window (navigation, search, lock), so the
Sell actions use F10–F12 for the tenders and finalize, and Alt+letter for the rest.
"""

from __future__ import annotations

from dataclasses import dataclass

from jeweltrak_core.permissions import Permission


@dataclass(frozen=True)
class SellKey:
    """One action: its name on the page, its key, and its legend label."""

    action: str
    key: str
    label: str
    in_legend: bool = True


SELL_KEYS: tuple[SellKey, ...] = (
    SellKey("customer", "Alt+C", "Customer"),
    SellKey("salesperson", "Alt+S", "Salesperson"),
    SellKey("adjust", "Alt+A", "Adjust line"),
    SellKey("quantity", "Alt+Q", "Quantity"),
    SellKey("remove", "Ctrl+Del", "Remove line"),
    SellKey("charge", "Alt+M", "Service/misc"),
    SellKey("trade_in", "Alt+T", "Trade-in"),
    SellKey("return", "Alt+R", "Return"),
    SellKey("tax_exempt", "Alt+E", "Tax exempt"),
    SellKey("split", "Alt+K", "Split sale"),
    SellKey("cash", "F10", "Cash"),
    SellKey("tender", "F11", "Other tender"),
    SellKey("finalize", "F12", "Finalize"),
    SellKey("print", "Alt+P", "Receipt"),
    SellKey("new_sale", "Alt+N", "New sale"),
    SellKey("reopen", "Alt+O", "Reopen"),
    SellKey("void", "Alt+X", "Void"),
)

KEY_OF = {k.action: k.key for k in SELL_KEYS}

#: Actions hidden, button, key and legend entry alike, from clerks without the permission.
GATED: dict[str, Permission] = {
    "reopen": Permission.REOPEN_INVOICE,
    "void": Permission.VOID_INVOICE,
}


def legend(hidden: frozenset[str] = frozenset()) -> str:
    """“F10 Cash · F11 Other tender · …” without the actions the clerk may not use."""
    return "   ".join(
        f"<b>{k.key}</b> {k.label}" for k in SELL_KEYS if k.in_legend and k.action not in hidden
    ) + "   <b>↑↓</b> Select line"
