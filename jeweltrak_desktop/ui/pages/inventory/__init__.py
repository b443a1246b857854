"""The Inventory page (``InventoryPage``): families as tabs, a lazy list, the item editor."""

from jeweltrak_desktop.ui.pages.inventory.page import InventoryPage

__all__ = ["InventoryPage"]
