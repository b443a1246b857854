"""The counter's sections: title, F-key, and how each page is built from its module.

Each page module is imported only when its page is first built. A module another part of
the counter UI has not delivered yet (``ModuleNotFoundError`` for exactly that module) is
stood in for by a ``ComingSoonPage``; any other import error is a bug and is raised.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtWidgets import QWidget

from jeweltrak_desktop.ui.coming_soon_page import ComingSoonPage
from jeweltrak_desktop.ui.context import CounterContext

PageFactory = Callable[[CounterContext], QWidget]


@dataclass(frozen=True)
class PageSpec:
    """One navigation entry."""

    key: str
    title: str
    factory: PageFactory
    #: The function key that shows it (None: reachable from the list only).
    shortcut: str | None = None


def load_page(module: str, class_name: str, context: CounterContext, *,
              title: str, purpose: str) -> QWidget:
    """``module.class_name(context)``; a ComingSoonPage while the module does not exist."""
    try:
        loaded = importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name != module:
            raise
        return ComingSoonPage(title, purpose)
    page: QWidget = getattr(loaded, class_name)(context)
    return page


def _lazy(module: str, class_name: str, title: str, purpose: str) -> PageFactory:
    def build(context: CounterContext) -> QWidget:
        return load_page(module, class_name, context, title=title, purpose=purpose)

    return build


def _settings(context: CounterContext) -> QWidget:
    from jeweltrak_desktop.ui.pages.settings import SettingsPage

    return SettingsPage(context)


def _sync_problems(context: CounterContext) -> QWidget:
    from jeweltrak_desktop.ui.pages.sync_problems import SyncProblemsPage

    return SyncProblemsPage(context)


_PAGES = "jeweltrak_desktop.ui.pages"

#: The sections in navigation order.
PAGES: tuple[PageSpec, ...] = (
    PageSpec("sell", "Sell", _lazy(f"{_PAGES}.sell", "SellPage", "Sell",
             "Ring up sales, take payments and print receipts."), "F1"),
    PageSpec("inventory", "Inventory", _lazy(f"{_PAGES}.inventory", "InventoryPage",
             "Inventory", "Add, edit, price and count pieces."), "F2"),
    PageSpec("contacts", "Contacts", _lazy(f"{_PAGES}.contacts", "ContactsPage", "Contacts",
             "Customers and vendors, with their purchase history."), "F3"),
    PageSpec("memos", "Memos", _lazy(f"{_PAGES}.memos", "MemosPage", "Memos",
             "Pieces out on memo to customers, and pieces on memo from vendors."), "F4"),
    PageSpec("work_orders", "Work Orders", _lazy(f"{_PAGES}.work_orders", "WorkOrdersPage",
             "Work Orders", "Repairs and custom work, from intake to pickup."), "F5"),
    PageSpec("appraisals", "Appraisals", _lazy(f"{_PAGES}.appraisals", "AppraisalsPage",
             "Appraisals", "Appraisals for insurance, estates and resale."), "F6"),
    PageSpec("reports", "Reports", _lazy(f"{_PAGES}.reports", "ReportsPage", "Reports",
             "Drawer close, sales and sales tax by day, memo and AR aging."), "F7"),
    PageSpec("settings", "Settings", _settings, "F8"),
    PageSpec("sync_problems", "Sync problems", _sync_problems),
)


def key_legend() -> str:
    """The keyboard legend shown under the navigation and as its tooltip."""
    keys = " · ".join(f"{p.shortcut} {p.title}" for p in PAGES if p.shortcut)
    return f"{keys} · Ctrl+K or F9 Search · Ctrl+L Lock"
