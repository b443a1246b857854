"""The counter's main window: sign-in, navigation, global search and quick peek, status.

The window starts on the sign-in screen. Once a PIN is verified it shows the sections
(``shell.registry.PAGES``), each page built on first use as ``Page(context)``; F1–F8
switch sections, Ctrl+K or F9 focuses the global search, Ctrl+L locks (signs out).
"""

from __future__ import annotations

from uuid import UUID

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from jeweltrak_core.permissions import Permission
from jeweltrak_desktop.services.local_store import Actor, LocalStore
from jeweltrak_desktop.services.staff import SIGNED_OUT, PinSignIn
from jeweltrak_desktop.sync.worker import SyncWorker
from jeweltrak_desktop.ui.context import CounterContext
from jeweltrak_desktop.ui.shell.offline_banner import OfflineBanner
from jeweltrak_desktop.ui.shell.quick_peek import QuickPeekPanel
from jeweltrak_desktop.ui.shell.registry import PAGES, PageSpec, key_legend
from jeweltrak_desktop.ui.shell.search_box import GlobalSearchBox
from jeweltrak_desktop.ui.shell.sign_in import SignInScreen
from jeweltrak_desktop.ui.shell.status_bar import ShellStatusBar
from jeweltrak_desktop.ui.shell.status_feed import ShellStatus, StatusFeed
from jeweltrak_desktop.ui.shell.store_info import WorkstationInfo, workstation_info
from jeweltrak_desktop.ui.style import MAIN_WINDOW_STYLE
from jeweltrak_desktop.ui.tasks import run_op

#: How often the sync status is read again (the worker also reports changes at once).
REFRESH_INTERVAL_MS = 5_000
#: The section shown after signing in.
FIRST_PAGE = "sell"
#: The section that shows each kind of record first (others are asked after it).
RECORD_OWNERS = {
    "piece": "inventory",
    "contact": "contacts",
    "invoice": "sell",
    "memo": "memos",
    "work_order": "work_orders",
    "appraisal": "appraisals",
}
#: Sections hidden from someone without the permission.
PAGE_PERMISSIONS = {"settings": Permission.MANAGE_SETTINGS}


class MainWindow(QMainWindow):
    """The window the app opens on a LocalStore (paired and syncing, or the local demo)."""

    #: The sign-in screen is on screen with its staff list (first time only).
    ready = Signal()
    #: A section is shown; the argument is its key ("sell", "settings", …).
    page_shown = Signal(str)
    #: Settings asked to unpair (argument: discard unsynced changes); the app does it.
    unpair_requested = Signal(bool)

    def __init__(
        self,
        store: LocalStore,
        *,
        sync: SyncWorker | None = None,
        refresh_interval_ms: int = REFRESH_INTERVAL_MS,
        sign_in_guard: PinSignIn | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.context = CounterContext(store)
        self.context.set_actor(SIGNED_OUT)  # nothing may happen before someone signs in
        self.is_ready = False
        self._built: dict[str, QWidget] = {}
        self._current_key: str | None = None
        self.setWindowTitle("JewelTrak")
        self.setStyleSheet(MAIN_WINDOW_STYLE)
        self.resize(1280, 800)
        self.setMinimumSize(1024, 680)

        self.sign_in_screen = SignInScreen(store, guard=sign_in_guard)
        self.screens = QStackedWidget()
        self.screens.addWidget(self.sign_in_screen)
        self.screens.addWidget(self._build_workspace())
        self.setCentralWidget(self.screens)
        self.status_widget = ShellStatusBar()
        self.statusBar().setSizeGripEnabled(False)
        self.statusBar().addPermanentWidget(self.status_widget, 1)
        self._build_shortcuts()

        self.feed = StatusFeed(store, sync, interval_ms=refresh_interval_ms, parent=self)
        self.feed.status_changed.connect(self._show_status)
        events = self.context.events
        events.open_record.connect(self.show_record)
        events.actor_changed.connect(self._apply_permissions)
        events.data_changed.connect(self.feed.refresh)
        events.status_message.connect(lambda text: self.status_widget.show_message(text, 8_000))
        self.status_widget.problems_clicked.connect(lambda: self.show_page("sync_problems"))
        self.sign_in_screen.signed_in.connect(self.sign_in_as)
        self.sign_in_screen.staff_loaded.connect(self._staff_loaded)
        self.search_box.hit_chosen.connect(self.peek.show_hit)
        self.sign_in_screen.load_staff()
        self.feed.start()
        run_op(lambda: workstation_info(store), parent=self).success(self._show_store)
        self._apply_permissions(self.context.actor)

    # --- building -----------------------------------------------------------------------
    def _build_workspace(self) -> QWidget:
        workspace = QWidget()
        workspace.setObjectName("workspace")
        layout = QVBoxLayout(workspace)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self.offline_banner = OfflineBanner()
        layout.addWidget(self.offline_banner)
        layout.addWidget(self._build_top_bar(workspace))
        body = QHBoxLayout()
        body.setSpacing(0)
        body.addWidget(self._build_navigation())
        self.pages = QStackedWidget()
        self.pages.setObjectName("pages")
        body.addWidget(self.pages, 1)
        self.peek = QuickPeekPanel(self.context)
        body.addWidget(self.peek)
        layout.addLayout(body, 1)
        return workspace

    def _build_top_bar(self, workspace: QWidget) -> QWidget:
        bar = QWidget()
        bar.setObjectName("top-bar")
        row = QHBoxLayout(bar)
        row.setContentsMargins(14, 8, 14, 8)
        row.setSpacing(12)
        self.store_label = QLabel("")
        self.store_label.setObjectName("store-heading")
        self.search_box = GlobalSearchBox(self.context.store, workspace)
        self.user_label = QLabel("")
        self.user_label.setObjectName("signed-in-user")
        self.lock_button = QPushButton("Lock (Ctrl+L)")
        self.lock_button.setObjectName("lock-button")
        self.lock_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.lock_button.clicked.connect(self.lock)
        row.addWidget(self.store_label)
        row.addWidget(self.search_box, 1)
        row.addWidget(self.user_label)
        row.addWidget(self.lock_button)
        return bar

    def _build_navigation(self) -> QWidget:
        panel = QWidget()
        panel.setObjectName("navigation-panel")
        panel.setFixedWidth(200)
        column = QVBoxLayout(panel)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        self.navigation = QListWidget()
        self.navigation.setObjectName("navigation")
        self.navigation.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.navigation.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        legend = key_legend()
        self.navigation.setToolTip(legend.replace(" · ", "\n"))
        for spec in PAGES:
            item = QListWidgetItem(
                f"{spec.shortcut}   {spec.title}" if spec.shortcut else f"        {spec.title}"
            )
            item.setData(Qt.ItemDataRole.UserRole, spec.key)
            item.setToolTip(f"{spec.title} ({spec.shortcut})" if spec.shortcut else spec.title)
            self.navigation.addItem(item)
        self.navigation.currentRowChanged.connect(self._navigation_changed)
        self.key_legend = QLabel(legend.replace(" · ", "\n"))
        self.key_legend.setObjectName("key-legend")
        self.key_legend.setWordWrap(True)
        column.addWidget(self.navigation, 1)
        column.addWidget(self.key_legend)
        return panel

    def _build_shortcuts(self) -> None:
        for spec in PAGES:
            if spec.shortcut:
                shortcut = QShortcut(QKeySequence(spec.shortcut), self)
                shortcut.activated.connect(lambda key=spec.key: self._function_key(key))
        for keys in ("Ctrl+K", "F9"):
            QShortcut(QKeySequence(keys), self).activated.connect(self.focus_search)
        QShortcut(QKeySequence("Ctrl+L"), self).activated.connect(self.lock)

    # --- signing in and out -------------------------------------------------------------
    @property
    def signed_in(self) -> bool:
        """Whether someone is signed in (the workspace is shown)."""
        return self.screens.currentIndex() == 1

    def sign_in_as(self, actor: Actor) -> None:
        """Show the workspace as ``actor`` (after the PIN was verified)."""
        self.context.set_actor(actor)
        self.screens.setCurrentIndex(1)
        key = self._current_key if self._current_key and self.may_see(self._current_key) \
            else FIRST_PAGE
        self.show_page(key)

    def lock(self) -> None:
        """Sign out and return to the sign-in screen."""
        if not self.signed_in:
            return
        self.peek.close_peek()
        self.search_box.hide_results()
        self.search_box.clear()
        self.context.set_actor(SIGNED_OUT)
        self.screens.setCurrentIndex(0)
        self.sign_in_screen.reset()
        self.sign_in_screen.load_staff()  # staff may have changed with a sync

    def _staff_loaded(self) -> None:
        if not self.is_ready:
            self.is_ready = True
            self.sign_in_screen.reset()
            self.ready.emit()

    def _apply_permissions(self, actor: Actor) -> None:
        self.user_label.setText(actor.name if actor.user_id or actor.permissions else "")
        for row, spec in enumerate(PAGES):
            self.navigation.item(row).setHidden(not self.may_see(spec.key))
        for page in self._built.values():
            apply = getattr(page, "apply_permissions", None)
            if apply is not None:
                apply(actor)
        if self._current_key and not self.may_see(self._current_key) and self.signed_in:
            self.show_page(FIRST_PAGE)

    def may_see(self, key: str) -> bool:
        """Whether the signed-in clerk may open this section."""
        needed = PAGE_PERMISSIONS.get(key)
        return needed is None or self.context.can(needed)

    # --- pages --------------------------------------------------------------------------
    def page(self, key: str) -> QWidget:
        """The section's page, built on first use."""
        page = self._built.get(key)
        if page is None:
            spec = self._spec(key)
            page = spec.factory(self.context)
            self._built[key] = page
            self.pages.addWidget(page)
            apply = getattr(page, "apply_permissions", None)
            if apply is not None:
                apply(self.context.actor)
            unpair = getattr(page, "unpair_requested", None)
            if unpair is not None:
                unpair.connect(self.unpair_requested)
        return page

    def _spec(self, key: str) -> PageSpec:
        for spec in PAGES:
            if spec.key == key:
                return spec
        raise KeyError(key)

    def show_page(self, key: str) -> QWidget | None:
        """Show a section (None if the clerk may not see it)."""
        if not self.may_see(key):
            self.status_widget.show_message(
                f"{self.context.actor.name} may not open {self._spec(key).title}; "
                "ask a manager.", 5_000)
            return None
        page = self.page(key)
        self._current_key = key
        self.pages.setCurrentWidget(page)
        row = next(i for i, spec in enumerate(PAGES) if spec.key == key)
        if self.navigation.currentRow() != row:
            self.navigation.blockSignals(True)
            self.navigation.setCurrentRow(row)
            self.navigation.blockSignals(False)
        activate = getattr(page, "activate", None)
        if activate is not None:
            activate()
        self.page_shown.emit(key)
        return page

    def current_page_key(self) -> str | None:
        """The key of the section on screen."""
        return self._current_key

    def _navigation_changed(self, row: int) -> None:
        if 0 <= row < len(PAGES) and self.signed_in:
            self.show_page(PAGES[row].key)

    def _function_key(self, key: str) -> None:
        if self.signed_in:
            self.show_page(key)

    def show_record(self, kind: str, record_id: UUID) -> None:
        """Show a record on its owner's page (or the first other page that takes it)."""
        owner = RECORD_OWNERS.get(kind)
        keys = [owner] if owner else []
        keys += [spec.key for spec in PAGES if spec.key != owner]
        for key in keys:
            if not self.may_see(key):
                continue
            show = getattr(self.page(key), "show_record", None)
            if show is not None and show(kind, record_id):
                self.show_page(key)
                self.peek.close_peek()
                return
        self.status_widget.show_message(
            f"No screen can open a {kind.replace('_', ' ')} yet; it comes with the counter UI.",
            8_000,
        )

    # --- search -------------------------------------------------------------------------
    def focus_search(self) -> None:
        """Put the cursor in the global search box (Ctrl+K, F9)."""
        if self.signed_in:
            self.search_box.setFocus(Qt.FocusReason.ShortcutFocusReason)
            self.search_box.selectAll()

    # --- status -------------------------------------------------------------------------
    def _show_status(self, status: ShellStatus) -> None:
        self.status_widget.show_status(status)
        if not self.signed_in and self.is_ready and self.sign_in_screen.staff_list.count() == 0:
            self.sign_in_screen.load_staff()  # a first sync may have brought the staff
        if status.state == "offline":
            self.offline_banner.show_offline(status.pending_ops)
        else:
            self.offline_banner.hide()

    def _show_store(self, info: WorkstationInfo) -> None:
        self.store_label.setText(info.store.name if info.store else "")
        self.setWindowTitle(f"JewelTrak — {info.store.name}" if info.store else "JewelTrak")
        self.sign_in_screen.set_store_name(info.heading)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.feed.stop()
        super().closeEvent(event)
