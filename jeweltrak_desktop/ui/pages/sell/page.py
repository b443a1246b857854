"""The Sell screen: a scan field that always has focus, the lines, live totals and tenders."""

from __future__ import annotations

from collections.abc import Callable
from uuid import UUID

from PySide6.QtCore import QEvent, QObject, Qt, QThreadPool, QTimer
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from jeweltrak_core.permissions import Permission
from jeweltrak_core.sales.invoice_state import InvoiceStatus
from jeweltrak_desktop.services import sell_screen
from jeweltrak_desktop.services.local_store import Actor
from jeweltrak_desktop.services.sell_screen import SaleLineView, SaleView, ScanOutcome
from jeweltrak_desktop.ui.context import CounterContext
from jeweltrak_desktop.ui.pages.sell.actions import SellActions
from jeweltrak_desktop.ui.pages.sell.column_fit import ColumnFitter
from jeweltrak_desktop.ui.pages.sell.form_dialog import index_of
from jeweltrak_desktop.ui.pages.sell.keys import GATED, SELL_KEYS, legend
from jeweltrak_desktop.ui.pages.sell.lines_model import (
    COLUMNS,
    COST_COLUMNS,
    DISCOUNT_COLUMN,
    SaleLinesModel,
)
from jeweltrak_desktop.ui.pages.sell.side_panel import SidePanel
from jeweltrak_desktop.ui.pages.sell.style import SELL_STYLE
from jeweltrak_desktop.ui.tasks import error_message, run_op

_scan_lookup_pool: QThreadPool | None = None


def scan_lookups() -> QThreadPool:
    """One thread for the scan field's look-ups, so their answers come back in scan order."""
    global _scan_lookup_pool
    if _scan_lookup_pool is None:
        _scan_lookup_pool = QThreadPool()
        _scan_lookup_pool.setObjectName("jeweltrak-scan-lookups")
        _scan_lookup_pool.setMaxThreadCount(1)
    return _scan_lookup_pool


class CurrentSale:
    """The sale on screen. Ops run one at a time on the database worker, so an op that
    starts the invoice records its ID here before the next queued op reads it."""

    def __init__(self) -> None:
        self.invoice_id: UUID | None = None
        self.contact_id: UUID | None = None
        self.salesperson_id: UUID | None = None


class SellPage(QWidget):
    """Scan, adjust, take tenders, finalize, print; every action has a key (see ``keys``)."""

    title = "Sell"

    def __init__(self, context: CounterContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sell-page")
        self.setStyleSheet(SELL_STYLE)
        self.context = context
        self.current = CurrentSale()
        self.sale: SaleView | None = None
        self.change_cents = 0
        self.lines_model = SaleLinesModel()
        self.scan_field = QLineEdit()
        self.lines_view = QTableView()
        self.message = QLabel("")
        self.invoice_label = QLabel("New sale")
        self.customer_label = QLabel("No customer (Alt+C)")
        self.salesperson = QComboBox()
        self.split_label = QLabel("")
        self.side = SidePanel()
        self.legend = QLabel(legend())
        self.sell_actions = SellActions(self)
        self._shortcuts: dict[str, QShortcut] = {}
        self._scan_count = 0
        self._settled_scans: set[int] = set()
        self._build()
        self._bind_keys()
        context.events.actor_changed.connect(self.apply_permissions)
        self.apply_permissions(context.actor)
        self.show_sale(None)
        self._load_salespeople()

    # --- layout ---------------------------------------------------------------------

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 10)
        header = QHBoxLayout()
        title = QLabel("Sell")
        title.setProperty("pageTitle", True)
        header.addWidget(title)
        self.invoice_label.setObjectName("sell-invoice")
        header.addWidget(self.invoice_label)
        self.customer_label.setObjectName("sell-customer")
        self.customer_label.setAlignment(
            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        header.addWidget(self.customer_label, 1)
        header.addSpacing(16)
        header.addWidget(QLabel("Salesperson"))
        self.salesperson.setObjectName("sell-salesperson")
        self.salesperson.setMinimumWidth(160)
        self.salesperson.activated.connect(self.sell_actions.salesperson_chosen)
        header.addWidget(self.salesperson)
        self.split_label.setObjectName("sell-split")
        self.split_label.setVisible(False)
        header.addWidget(self.split_label)
        layout.addLayout(header)
        self.scan_field.setObjectName("sell-scan")
        self.scan_field.setPlaceholderText(
            "Scan a tag or type a StockID and press Enter (3*CODE sells three)")
        self.scan_field.returnPressed.connect(self._scan)
        self.scan_field.installEventFilter(self)
        layout.addWidget(self.scan_field)
        self.message.setObjectName("sell-message")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        body = QHBoxLayout()
        body.addWidget(self._build_table(), 1)
        body.addWidget(self.side)
        layout.addLayout(body, 1)
        self.legend.setObjectName("sell-legend")
        self.legend.setWordWrap(True)
        layout.addWidget(self.legend)
        for button in self.side.buttons():
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.clicked.connect(self._button_action(button.property("action")))

    def _build_table(self) -> QTableView:
        view = self.lines_view
        view.setObjectName("sell-lines")
        view.setModel(self.lines_model)
        view.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the scan field keeps the keyboard
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        view.setAlternatingRowColors(True)
        view.verticalHeader().setVisible(False)
        view.setShowGrid(False)
        header = view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(40)
        view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        view.setTextElideMode(Qt.TextElideMode.ElideRight)
        # Number columns as wide as their widest text, measured one new line at a time.
        self.column_fitter = ColumnFitter(view, self.lines_model, COLUMNS,
                                          discount_column=DISCOUNT_COLUMN)
        view.clicked.connect(lambda _i: self.refocus())
        return view

    def _button_action(self, action: str) -> Callable[[], None]:
        return lambda: self.sell_actions.run(action)

    def _bind_keys(self) -> None:
        for key in SELL_KEYS:
            shortcut = QShortcut(QKeySequence(key.key), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(self._button_action(key.action))
            self._shortcuts[key.action] = shortcut

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """↑/↓ in the scan field choose the line that line actions work on; Esc clears."""
        if watched is self.scan_field and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            step = {Qt.Key.Key_Up: -1, Qt.Key.Key_Down: 1}.get(Qt.Key(event.key()))
            if step is not None:
                self.move_selection(step)
                return True
            if event.key() == Qt.Key.Key_Escape and self.scan_field.text():
                self.scan_field.clear()
                return True
        return super().eventFilter(watched, event)

    # --- the page contract ------------------------------------------------------------

    def activate(self) -> None:
        """Shown: re-read the sale on screen and put the cursor in the scan field."""
        if self.current.invoice_id is not None:
            self.reload()
        self.sell_actions.cards.refresh()
        self.refocus()

    def apply_permissions(self, actor: Actor) -> None:
        """Cost and margin only with view-cost; discounts, prices, returns, void and reopen
        as allowed (void and reopen are hidden, with their keys, from clerks without them)."""
        perms = actor.permissions
        for column in COST_COLUMNS:
            self.lines_view.setColumnHidden(column, Permission.VIEW_COST not in perms)
        hidden = frozenset(action for action, needs in GATED.items() if needs not in perms)
        for action in GATED:
            self._shortcuts[action].setEnabled(action not in hidden)
        self.side.apply_permissions(perms)
        self.legend.setText(legend(hidden))
        self._load_salespeople()

    def show_record(self, kind: str, record_id: UUID) -> bool:
        """Invoices open here (to see, pay, print, return or void them)."""
        if kind != "invoice":
            return False
        self.current = CurrentSale()
        self.current.invoice_id = record_id
        self.reload()
        return True

    # --- the scan field -----------------------------------------------------------------

    def _scan(self) -> None:
        raw = self.scan_field.text().strip()
        self.scan_field.clear()
        if not raw:
            return
        if not self.is_open:  # the last sale is done: a scan starts the next one
            self.start_new_sale()
        store, current = self.context.store, self.current
        self._scan_count += 1
        token = self._scan_count

        def scan() -> ScanOutcome:
            outcome = sell_screen.scan_into_sale(
                store, current.invoice_id, raw,
                contact_id=current.contact_id, salesperson_id=current.salesperson_id)
            if outcome.sale is not None:
                current.invoice_id = outcome.sale.invoice.id
            return outcome

        def save() -> None:
            run_op(scan, parent=self).success(
                lambda outcome: self._scanned(token, outcome)).failure(
                lambda exc: self._scan_failed(token, exc))

        def looked_up(view: SaleLineView | None) -> None:
            self._preview(token, current, view)
            QTimer.singleShot(0, self, save)  # once this turn of the event loop is over

        # A quick look-up shows the line at once (greyed, drawn at once); the invoice is
        # saved right after and its saved lines replace the grey one. The save waits for the
        # line to be drawn: saving a long sale keeps Python busy, and the look-up and the
        # drawing (which asks the model for every visible cell) would wait behind it. The
        # look-ups run on one thread, so the saves are queued in scan order.
        run_op(lambda: sell_screen.scan_preview(store, raw), parent=self,
               pool=scan_lookups()).success(looked_up).failure(lambda _exc: looked_up(None))

    def _preview(self, token: int, current: CurrentSale, view: SaleLineView | None) -> None:
        if view is None or token in self._settled_scans or current is not self.current:
            return
        self.lines_model.add_pending(token, view)
        self.select_line(view.line.id)
        self.lines_view.viewport().repaint()  # now, before the save competes for Python

    def _scan_failed(self, token: int, exc: BaseException) -> None:
        self._settled_scans.add(token)
        self.lines_model.drop_pending(token)
        self.show_error(exc)

    def _scanned(self, token: int, outcome: ScanOutcome) -> None:
        self._settled_scans.add(token)
        self.lines_model.drop_pending(token, refresh=outcome.sale is None)
        if outcome.work_order_id is not None:
            self.say("Claim stub scanned: the work order is open for pickup.")
            self.context.open_record("work_order", outcome.work_order_id)
            return
        assert outcome.sale is not None
        self.show_sale(outcome.sale)
        added = outcome.sale.lines[-1] if outcome.sale.lines else None
        if added is not None:
            self.select_line(added.line.id)
            self.say(f"Added {added.line.description}.")
        self.context.notify_changed()

    # --- showing the sale ---------------------------------------------------------------

    def reload(self) -> None:
        """Read the sale on screen again."""
        invoice_id = self.current.invoice_id
        if invoice_id is None:
            self.show_sale(None)
            return
        store = self.context.store
        run_op(lambda: sell_screen.sale_view(store, invoice_id), parent=self).success(
            self.show_sale).failure(self.show_error)

    def show_sale(self, sale: SaleView | None) -> None:
        """Put a sale (or an empty new sale) on screen."""
        if sale is not None and sale.invoice.id != self.current.invoice_id:
            return  # an answer for a sale no longer on screen
        selected = self.selected_line()
        self.sale = sale
        self.lines_model.set_lines(sale.lines if sale else [])
        if selected is not None:
            self.select_line(selected.line.id)
        if sale is not None:
            invoice = sale.invoice
            self.current.contact_id = invoice.contact_id
            self.current.salesperson_id = invoice.salesperson_id
            reopened = " (reopened)" if invoice.reopen_count and invoice.status is \
                InvoiceStatus.OPEN else ""
            self.invoice_label.setText(
                f"Invoice {invoice.number} · {invoice.status.value}{reopened}")
            self.customer_label.setText(
                f"Customer: {sale.customer.display_name}" if sale.customer
                else "No customer (Alt+C)")
        else:
            self.invoice_label.setText("New sale")
            self.customer_label.setText("No customer (Alt+C)")
        previous = self.side.shown_invoice_id
        self.side.show_sale(sale, self.change_cents)
        if self.side.shown_invoice_id != previous:  # another sale: ask the server again
            self.sell_actions.cards.refresh()
            self.sell_actions.cards.load_disputes()
        self._select_salesperson()
        self._show_split(sale)

    def _show_split(self, sale: SaleView | None) -> None:
        """“+ Sam Clerk 40%” beside the salesperson while the commission is split."""
        invoice = sale.invoice if sale else None
        shared = invoice is not None and invoice.second_salesperson_id is not None
        self.split_label.setVisible(shared)
        if shared and sale is not None and invoice is not None:
            who = sale.second_salesperson or "another salesperson"
            self.split_label.setText(f"+ {who} {invoice.commission_split_pct}% (Alt+K)")

    def selected_line(self) -> SaleLineView | None:
        """The line that line actions work on."""
        rows = self.lines_view.selectionModel().selectedRows()
        return self.lines_model.line_at(rows[0].row()) if rows else None

    def select_line(self, line_id: UUID) -> None:
        """Select a line by ID (and scroll to it)."""
        row = self.lines_model.row_of(line_id)
        if row >= 0:
            self.lines_view.selectRow(row)
            self.lines_view.scrollTo(self.lines_model.index(row, 0))

    def move_selection(self, step: int) -> None:
        """Select the line above or below."""
        count = self.lines_model.rowCount()
        if not count:
            return
        rows = self.lines_view.selectionModel().selectedRows()
        row = rows[0].row() + step if rows else (count - 1 if step < 0 else 0)
        self.lines_view.selectRow(max(0, min(count - 1, row)))

    def start_new_sale(self) -> None:
        """An empty screen for the next customer."""
        self.current = CurrentSale()
        self.change_cents = 0
        self.sale = None
        self.show_sale(None)
        self.say("New sale: scan the first piece.")
        self.refocus()

    @property
    def is_open(self) -> bool:
        """Whether the sale on screen can still be edited."""
        return self.sale is None or self.sale.invoice.status is InvoiceStatus.OPEN

    # --- salesperson ----------------------------------------------------------------------

    def _load_salespeople(self) -> None:
        store = self.context.store
        run_op(lambda: sell_screen.salespeople(store), parent=self).success(
            self._show_salespeople).failure(self.show_error)

    def _show_salespeople(self, people: list[sell_screen.Salesperson]) -> None:
        self.salesperson.clear()
        for person in people:
            self.salesperson.addItem(person.name, person.user_id)
        self._select_salesperson()

    def _select_salesperson(self) -> None:
        wanted = self.current.salesperson_id or self.context.actor.user_id
        index = index_of(self.salesperson, wanted)
        if index >= 0:
            self.salesperson.setCurrentIndex(index)

    # --- messages and focus ---------------------------------------------------------------

    def say(self, text: str, *, error: bool = False) -> None:
        """A sentence under the scan field (red for a problem)."""
        self.message.setProperty("error", error)
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)
        self.message.setText(text)
        if not error:
            self.context.events.status_message.emit(text)

    def show_error(self, exc: BaseException) -> None:
        """A refused action: say why, keep the scan field ready."""
        self.say(error_message(exc), error=True)
        self.refocus()

    def refocus(self) -> None:
        """The scan field always has the keyboard (unless a form is open over the page)."""
        if self.sell_actions.dialog is None or not self.sell_actions.dialog.isVisible():
            self.scan_field.setFocus(Qt.FocusReason.OtherFocusReason)

    def take_keyboard_back(self) -> None:
        """A form over the page closed: make the page's window active again, then refocus."""
        if self.isVisible():
            self.activateWindow()
        self.refocus()
