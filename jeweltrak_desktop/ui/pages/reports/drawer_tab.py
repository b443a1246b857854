"""Drawer close: what was taken by tender, the counted cash and checks, and the Z report."""

from __future__ import annotations

from uuid import UUID

from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from jeweltrak_core.errors import JewelTrakError
from jeweltrak_core.payments.drawer import COUNTED_TENDERS, ZReport
from jeweltrak_core.payments.rules import Tender
from jeweltrak_core.permissions import Permission
from jeweltrak_desktop.services import payments, reports
from jeweltrak_desktop.services.local_store import Actor
from jeweltrak_desktop.services.reports import DrawerStatus
from jeweltrak_desktop.ui.context import CounterContext
from jeweltrak_desktop.ui.tasks import run_op
from jeweltrak_desktop.ui.widgets.money import MoneyEdit, money_text
from jeweltrak_desktop.ui.widgets.page_frame import button, named
from jeweltrak_desktop.ui.widgets.pdf_output import show_pdf
from jeweltrak_desktop.ui.widgets.tables import fill_table, make_table

TENDER_WORDS = {Tender.CASH: "Cash", Tender.CHECK: "Check", Tender.CARD: "Card",
                Tender.PAYMENT_LINK: "Payment link", Tender.STORE_CREDIT: "Store credit",
                Tender.GIFT_CARD: "Gift card", Tender.WIRE: "Wire / ACH",
                Tender.DEPOSIT: "Deposit applied"}


def tender_word(tender: str) -> str:
    """A tender as the report says it."""
    try:
        return TENDER_WORDS[Tender(tender)]
    except ValueError:
        return tender


def over_short_word(cents: int) -> str:
    """“Over $2.00”, “Short $2.00” or “Balanced”."""
    if cents > 0:
        return f"Over {money_text(cents)}"
    if cents < 0:
        return f"Short {money_text(-cents)}"
    return "Balanced"


class DrawerTab(QWidget):
    """Close this workstation's drawer and print its Z report (or open a new drawer)."""

    def __init__(self, context: CounterContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.status: DrawerStatus | None = None
        self.report: ZReport | None = None
        self._closed_session: UUID | None = None
        self.state = named(QLabel("Reading the drawer…", self), "drawer-state")
        self.state.setProperty("sectionTitle", True)
        self.taken = make_table(["Tender", "Taken", "Expected in drawer"], numeric=[1, 2],
                                parent=self)
        self.taken.setObjectName("drawer-taken")
        self.counted = {t.value: named(MoneyEdit(self), f"counted-{t.value}")
                        for t in COUNTED_TENDERS}
        self.close_button = button("Close drawer", self, name="drawer-close")
        self.float_edit = named(MoneyEdit(self), "opening-float")
        self.open_button = button("Open drawer", self, name="drawer-open")
        self.z_table = make_table(["Tender", "Expected", "Counted", "Over / short"],
                                  numeric=[1, 2, 3], parent=self)
        self.z_table.setObjectName("z-report")
        self.z_total = named(QLabel("", self), "z-total")
        self.z_total.setProperty("sectionTitle", True)
        self.print_button = button("Print Z report", self, name="z-print")
        self.message = QLabel("", self)
        self.message.setWordWrap(True)
        self._layout()
        self.close_button.clicked.connect(self.close_drawer)
        self.open_button.clicked.connect(self.open_drawer)
        self.print_button.clicked.connect(self.print_report)

    def _layout(self) -> None:
        self.live = QWidget(self)
        count = QFormLayout()
        for tender, edit in self.counted.items():
            count.addRow(f"Counted {tender_word(tender).lower()}", edit)
        count.addRow("", self.close_button)
        top = QHBoxLayout(self.live)
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.taken, 3)
        top.addLayout(count, 2)
        self.opening = QWidget(self)
        opening = QHBoxLayout(self.opening)
        opening.setContentsMargins(0, 0, 0, 0)
        opening.addWidget(QLabel("Opening float for a new drawer", self))
        opening.addWidget(self.float_edit)
        opening.addWidget(self.open_button)
        opening.addStretch(1)
        self.z_box = QWidget(self)
        z_col = QVBoxLayout(self.z_box)
        z_col.setContentsMargins(0, 8, 0, 0)
        z_title = QLabel("Z report", self.z_box)
        z_title.setProperty("sectionTitle", True)
        z_row = QHBoxLayout()
        z_row.addWidget(self.z_total, 1)
        z_row.addWidget(self.print_button)
        z_col.addWidget(z_title)
        z_col.addWidget(self.z_table)
        z_col.addLayout(z_row)
        for table in (self.taken, self.z_table):
            table.setMaximumHeight(230)
        layout = QVBoxLayout(self)
        layout.addWidget(self.state)
        layout.addWidget(self.live)
        layout.addWidget(self.opening)
        layout.addWidget(self.z_box)
        layout.addWidget(self.message)
        layout.addStretch(1)
        self._show_report(None)

    def apply_permissions(self, actor: Actor) -> None:
        """Closing needs close_drawer; opening needs sell."""
        self.close_button.setEnabled(Permission.CLOSE_DRAWER in actor.permissions)
        self.open_button.setEnabled(Permission.SELL in actor.permissions)

    def refresh(self) -> None:
        """Read the open drawer's figures."""
        store = self.context.store
        run_op(lambda: reports.drawer_status(store), parent=self).success(self._show_status)

    def _show_status(self, status: DrawerStatus | None) -> None:
        self.status = status
        is_open = status is not None
        self.live.setVisible(is_open)
        self.opening.setVisible(not is_open)
        if status is None:
            self.state.setText("No drawer is open on this workstation." if self.report is None
                               else "The drawer is closed. Its Z report is below.")
            fill_table(self.taken, [])
            return
        opened = status.session.opened_at.astimezone().strftime("%m/%d/%Y %I:%M %p")
        self.state.setText(f"Drawer open since {opened} · float "
                           f"{money_text(status.session.opening_float_cents)} · "
                           f"{status.payment_count} payment(s)")
        tenders = sorted(set(status.taken_by_tender_cents) | set(status.expected_cents))
        fill_table(self.taken, [[tender_word(t), money_text(status.taken_by_tender_cents.get(t, 0)),
                                 money_text(status.expected_cents[t])
                                 if t in status.expected_cents else "—"] for t in tenders])

    def close_drawer(self) -> None:
        """Close with the counted amounts; the Z report shows expected, counted, over/short."""
        if self.status is None:
            return
        try:
            counted = {t: e.cents(f"counted {tender_word(t).lower()}")
                       for t, e in self.counted.items()}
        except JewelTrakError as exc:
            self.message.setText(exc.message)
            return
        store, session_id = self.context.store, self.status.session.id
        run_op(lambda: payments.close_drawer(store, counted), parent=self).success(
            lambda report: self._closed(report, session_id))

    def _closed(self, report: ZReport, session_id: UUID) -> None:
        self._closed_session = session_id
        self._show_report(report)
        for edit in self.counted.values():
            edit.clear()
        self.context.events.status_message.emit(
            f"Drawer closed: {over_short_word(report.total_over_short_cents)}")
        self.context.notify_changed()
        self.refresh()

    def _show_report(self, report: ZReport | None) -> None:
        self.report = report
        self.z_box.setVisible(report is not None)
        if report is None:
            fill_table(self.z_table, [])
            return
        rows = [[tender_word(t), money_text(report.expected_cents[t]),
                 money_text(report.counted_cents[t]), over_short_word(report.over_short_cents[t])]
                for t in report.expected_cents]
        rows += [[f"{tender_word(t)} (not counted)", money_text(v), "", ""]
                 for t, v in sorted(report.taken_by_tender_cents.items())
                 if t not in report.expected_cents]
        fill_table(self.z_table, rows)
        self.z_total.setText(f"Opening float {money_text(report.opening_float_cents)} · "
                             f"{report.payment_count} payment(s) · "
                             f"{over_short_word(report.total_over_short_cents)}")

    def open_drawer(self) -> None:
        """Start a drawer with the counted float."""
        try:
            float_cents = self.float_edit.cents("opening float")
        except JewelTrakError as exc:
            self.message.setText(exc.message)
            return
        store = self.context.store
        run_op(lambda: payments.open_drawer(store, float_cents), parent=self).success(
            self._opened)

    def _opened(self, _session: object) -> None:
        self.float_edit.clear()
        self.context.notify_changed()
        self.refresh()

    def print_report(self) -> None:
        """Preview (or save) the Z report."""
        report, session = self.report, self._closed_session
        if report is None or session is None:
            return
        store = self.context.store
        run_op(lambda: reports.z_report_pdf(store, report, session), parent=self).success(
            self._pdf_ready)

    def _pdf_ready(self, pdf: bytes) -> None:
        saved = show_pdf(self, pdf, "Z report", self.context.store.path.parent / "documents")
        if saved is not None:
            self.message.setText(f"Saved {saved}.")
