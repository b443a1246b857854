"""The Reports page (view_reports): drawer close, sales and tax by day, memo and AR aging."""

from __future__ import annotations

from uuid import UUID

from PySide6.QtWidgets import QLabel, QTabWidget, QWidget

from jeweltrak_core.permissions import Permission
from jeweltrak_desktop.services.local_store import Actor
from jeweltrak_desktop.ui.context import CounterContext
from jeweltrak_desktop.ui.pages.reports.drawer_tab import DrawerTab
from jeweltrak_desktop.ui.pages.reports.figures_tabs import ArAgingTab, MemoAgingTab, SalesTab
from jeweltrak_desktop.ui.widgets.page_frame import named, page_header, page_layout


class ReportsPage(QWidget):
    """The store's figures from local data; shown only to clerks with view_reports."""

    title = "Reports"

    def __init__(self, context: CounterContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.allowed = False
        layout = page_layout(self)
        header, _ = page_header("Reports", self)
        layout.addLayout(header)
        self.denied = named(QLabel("Reports need the “view reports” permission. Ask a manager "
                                   "to sign in or to give you access.", self), "reports-denied")
        self.denied.setProperty("notice", True)
        self.denied.setWordWrap(True)
        self.tabs = QTabWidget(self)
        self.drawer = DrawerTab(context, self)
        self.sales = SalesTab(context, self)
        self.memo_aging = MemoAgingTab(context, self)
        self.ar_aging = ArAgingTab(context, self)
        self.tabs.addTab(self.drawer, "Drawer close")
        self.tabs.addTab(self.sales, "Sales && tax by day")
        self.tabs.addTab(self.memo_aging, "Memo aging")
        self.tabs.addTab(self.ar_aging, "AR aging")
        layout.addWidget(self.denied)
        layout.addWidget(self.tabs, 1)
        context.events.data_changed.connect(self._data_changed)
        self.apply_permissions(context.actor)

    def activate(self) -> None:
        """Run every report again (they are cheap on local data)."""
        if not self.allowed:
            return
        self.drawer.refresh()
        self.sales.run()
        self.memo_aging.run()
        self.ar_aging.run()

    def apply_permissions(self, actor: Actor) -> None:
        """Without view_reports the page shows only a notice."""
        self.allowed = Permission.VIEW_REPORTS in actor.permissions
        self.tabs.setVisible(self.allowed)
        self.tabs.setEnabled(self.allowed)
        self.denied.setVisible(not self.allowed)
        self.drawer.apply_permissions(actor)

    def show_record(self, kind: str, record_id: UUID) -> bool:
        """Reports own no record kind."""
        return False

    def _data_changed(self) -> None:
        if self.isVisible():
            self.activate()
