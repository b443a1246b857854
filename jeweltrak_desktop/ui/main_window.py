"""The interim main window: navigation, the Overview page, and the sync status bar.

Only Overview works for now; the other sections say they come with the counter UI.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QPalette
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QStackedWidget,
    QWidget,
)

from jeweltrak_desktop.services.local_store import LocalStore
from jeweltrak_desktop.services.reports import StoreOverview, store_overview
from jeweltrak_desktop.ui.coming_soon_page import ComingSoonPage
from jeweltrak_desktop.ui.labels import last_sync_text, pending_text, sync_state_text
from jeweltrak_desktop.ui.overview_page import OverviewPage
from jeweltrak_desktop.ui.style import MAIN_WINDOW_STYLE
from jeweltrak_desktop.ui.tasks import error_message, run_op

#: How often the counts and the sync status are read again.
REFRESH_INTERVAL_MS = 5_000

#: Sections the counter UI issue will build, and what each will do.
COMING_SECTIONS = (
    ("Sell", "Ring up sales, take payments and print receipts."),
    ("Inventory", "Add, edit, price and count pieces."),
    ("Contacts", "Customers and vendors, with their purchase history."),
    ("Memos", "Pieces out on memo to customers, and pieces on memo from vendors."),
    ("Work Orders", "Repairs and custom work, from intake to pickup."),
    ("Appraisals", "Appraisals for insurance, estates and resale."),
    ("Reports", "Sales by day, accounts receivable aging and more."),
    ("Settings", "Store details, sales tax, and pairing with the store server."),
)


class MainWindow(QMainWindow):
    """The window ``make run`` opens on a LocalStore (the demo store for now)."""

    #: A fresh overview has been shown (first load and every refresh).
    overview_shown = Signal()
    #: The first overview and the first list of pieces are on screen.
    ready = Signal()

    def __init__(
        self,
        store: LocalStore,
        *,
        refresh_interval_ms: int = REFRESH_INTERVAL_MS,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._store = store
        self._refreshing = False
        self._overview_loaded = False
        self._results_loaded = False
        self.is_ready = False
        self.setWindowTitle("JewelTrak")
        self.setStyleSheet(MAIN_WINDOW_STYLE)
        self.resize(1200, 780)
        self.setMinimumSize(960, 640)

        self.overview_page = OverviewPage(store)
        self.navigation = self._build_navigation()
        self.pages = QStackedWidget()
        self.pages.addWidget(self.overview_page)
        for section, purpose in COMING_SECTIONS:
            self.pages.addWidget(ComingSoonPage(section, purpose))
        self.navigation.currentRowChanged.connect(self.pages.setCurrentIndex)
        self.navigation.setCurrentRow(0)

        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.navigation)
        layout.addWidget(self.pages, 1)
        self.setCentralWidget(central)
        self._build_status_bar()

        self.overview_page.results_shown.connect(self._on_first_results)
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setInterval(refresh_interval_ms)
        self._refresh_timer.timeout.connect(self.refresh)
        self._refresh_timer.start()
        self.refresh()
        self.overview_page.run_search()
        self.overview_page.focus_search()

    def _build_navigation(self) -> QListWidget:
        navigation = QListWidget()
        navigation.setObjectName("navigation")
        navigation.setFixedWidth(190)
        navigation.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        navigation.addItem(QListWidgetItem("Overview"))
        muted = navigation.palette().color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)
        for section, _purpose in COMING_SECTIONS:
            item = QListWidgetItem(f"{section}  (soon)")
            item.setForeground(muted)
            item.setToolTip(f"{section} is not built yet: it comes with the counter UI.")
            navigation.addItem(item)
        return navigation

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        bar.setSizeGripEnabled(False)
        self.sync_label = QLabel("Reading sync state…")
        self.sync_label.setObjectName("sync-state")
        self.pending_label = QLabel("")
        self.pending_label.setObjectName("pending-ops")
        self.last_sync_label = QLabel("")
        self.last_sync_label.setObjectName("last-sync")
        bar.addWidget(self.sync_label, 1)
        bar.addPermanentWidget(self.pending_label)
        bar.addPermanentWidget(self.last_sync_label)

    # --- data ---------------------------------------------------------------------------
    def refresh(self) -> None:
        """Read the counts and the sync state again (skipped while a read is running)."""
        if self._refreshing:
            return
        self._refreshing = True
        store = self._store
        run_op(lambda: store_overview(store), parent=self).success(self._show_overview).failure(
            self._show_refresh_error
        )

    def _show_overview(self, overview: StoreOverview) -> None:
        self._refreshing = False
        self.setWindowTitle(f"JewelTrak — {overview.store_name}")
        self.overview_page.show_overview(overview)
        self.sync_label.setText(sync_state_text(overview.sync_state))
        self.pending_label.setText(pending_text(overview.pending_ops))
        self.last_sync_label.setText(last_sync_text(overview.last_sync_at))
        self.overview_shown.emit()
        if not self._overview_loaded:
            self._overview_loaded = True
            self._check_ready()

    def _show_refresh_error(self, exc: BaseException) -> None:
        # The timer tries again shortly; a message box every few seconds would bury the clerk.
        self._refreshing = False
        self.statusBar().showMessage(
            f"Could not read the store: {error_message(exc)}", REFRESH_INTERVAL_MS
        )

    def _on_first_results(self) -> None:
        if not self._results_loaded:
            self._results_loaded = True
            self._check_ready()

    def _check_ready(self) -> None:
        if self._overview_loaded and self._results_loaded and not self.is_ready:
            self.is_ready = True
            self.ready.emit()

    def closeEvent(self, event: QCloseEvent) -> None:
        self._refresh_timer.stop()
        super().closeEvent(event)
