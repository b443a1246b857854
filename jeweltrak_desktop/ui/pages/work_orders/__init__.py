"""The Work Orders screen: the repair board, intake, notes, photos and tickets."""

from jeweltrak_desktop.ui.pages.work_orders.page import WorkOrdersPage

__all__ = ["WorkOrdersPage"]
