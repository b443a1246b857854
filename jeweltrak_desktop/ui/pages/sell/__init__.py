"""The Sell screen (see ``page.SellPage``)."""

from jeweltrak_desktop.ui.pages.sell.page import SellPage

__all__ = ["SellPage"]
