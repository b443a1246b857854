"""The Memos page: customer memos (with aging) and vendor memos, as two tabs."""

from __future__ import annotations

from uuid import UUID

from PySide6.QtWidgets import QTabWidget, QWidget

from jeweltrak_desktop.services.local_store import Actor
from jeweltrak_desktop.ui.context import CounterContext
from jeweltrak_desktop.ui.pages.memos.customer_tab import CustomerMemosTab
from jeweltrak_desktop.ui.pages.memos.vendor_tab import VendorMemosTab
from jeweltrak_desktop.ui.widgets.page_frame import page_header, page_layout


class MemosPage(QWidget):
    """Pieces out on approval, and pieces consigned to the store."""

    title = "Memos"

    def __init__(self, context: CounterContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        layout = page_layout(self)
        header, _ = page_header("Memos", self)
        layout.addLayout(header)
        self.tabs = QTabWidget(self)
        self.customer = CustomerMemosTab(context, self)
        self.vendor = VendorMemosTab(context, self)
        self.tabs.addTab(self.customer, "Customer memos")
        self.tabs.addTab(self.vendor, "Vendor memos")
        layout.addWidget(self.tabs, 1)
        context.events.data_changed.connect(self._data_changed)
        self.apply_permissions(context.actor)

    def activate(self) -> None:
        """Read both lists again."""
        self.customer.refresh()
        self.vendor.refresh()
        self.customer.memos.setFocus()

    def apply_permissions(self, actor: Actor) -> None:
        """Pass the clerk's permissions to both tabs."""
        self.customer.apply_permissions(actor)
        self.vendor.apply_permissions(actor)

    def show_record(self, kind: str, record_id: UUID) -> bool:
        """Open a customer memo."""
        if kind != "memo":
            return False
        self.tabs.setCurrentWidget(self.customer)
        self.customer.refresh(select=record_id)
        return True

    def _data_changed(self) -> None:
        if self.isVisible():
            self.customer.refresh()
            self.vendor.refresh()
