"""The Memos screen: customer memos (approval) with aging, and vendor memos (consignment)."""

from jeweltrak_desktop.ui.pages.memos.page import MemosPage

__all__ = ["MemosPage"]
