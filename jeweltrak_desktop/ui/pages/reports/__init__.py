"""The Reports screen: drawer close (Z report), sales and tax by day, memo and AR aging."""

from jeweltrak_desktop.ui.pages.reports.page import ReportsPage

__all__ = ["ReportsPage"]
