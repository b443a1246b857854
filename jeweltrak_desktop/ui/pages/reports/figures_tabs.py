"""Sales and tax by day, memo aging and AR aging: tables from local data."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from jeweltrak_core.errors import JewelTrakError
from jeweltrak_core.memos.rules import AgingBucket
from jeweltrak_desktop.services import memos, reports
from jeweltrak_desktop.services.memos import MemoView
from jeweltrak_desktop.services.reports import DaySales, ReceivableRow
from jeweltrak_desktop.ui.context import CounterContext
from jeweltrak_desktop.ui.tasks import run_op
from jeweltrak_desktop.ui.widgets.money import DateEdit, date_text, money_text
from jeweltrak_desktop.ui.widgets.page_frame import button, named
from jeweltrak_desktop.ui.widgets.tables import fill_table, make_table

BUCKET_WORDS = {AgingBucket.D0_30: "0–30 days", AgingBucket.D31_60: "31–60 days",
                AgingBucket.D61_90: "61–90 days", AgingBucket.D91_PLUS: "91+ days"}


def bucket_line(amounts: dict[AgingBucket, int]) -> str:
    """“0–30 days $1,200.00 · 31–60 days $0.00 · …”."""
    return " · ".join(f"{BUCKET_WORDS[b]} {money_text(amounts.get(b, 0))}" for b in AgingBucket)


class SalesTab(QWidget):
    """Finalized sales and the sales tax collected, one row per local day."""

    def __init__(self, context: CounterContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.days: list[DaySales] = []
        self.start = named(DateEdit(self), "sales-from")
        self.end = named(DateEdit(self), "sales-to")
        today = date.today()
        self.start.set_date(today.replace(day=1))
        self.end.set_date(today)
        self.run_button = button("Run", self, name="sales-run")
        self.table = make_table(["Day", "Invoices", "Sales before tax", "Sales tax", "Total"],
                                numeric=[1, 2, 3, 4], parent=self)
        self.table.setObjectName("sales-by-day")
        self.message = QLabel("", self)
        row = QHBoxLayout()
        for w in (QLabel("From", self), self.start, QLabel("to", self), self.end,
                  self.run_button):
            row.addWidget(w)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message)
        self.run_button.clicked.connect(self.run)
        self.end.returnPressed.connect(self.run)

    def run(self) -> None:
        """Run the report for the typed range."""
        try:
            start = self.start.date_value("the first day") or date.today()
            end = self.end.date_value("the last day") or date.today()
        except JewelTrakError as exc:
            self.message.setText(exc.message)
            return
        store = self.context.store
        run_op(lambda: reports.sales_by_day(store, start, end), parent=self).success(self._show)

    def _show(self, days: list[DaySales]) -> None:
        self.days = days
        rows = [[date_text(d.day), str(d.invoices), money_text(d.subtotal_cents),
                 money_text(d.tax_cents), money_text(d.total_cents)] for d in days]
        if days:
            rows.append(["Total", str(sum(d.invoices for d in days)),
                         money_text(sum(d.subtotal_cents for d in days)),
                         money_text(sum(d.tax_cents for d in days)),
                         money_text(sum(d.total_cents for d in days))])
        fill_table(self.table, rows, days)
        if days:
            for col in range(self.table.columnCount()):
                item = self.table.item(len(rows) - 1, col)
                if item is not None:
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
        self.message.setText("" if days else "No finalized sales in these days.")


class MemoAgingTab(QWidget):
    """Customer memos with pieces still out, by how long they have been out."""

    def __init__(self, context: CounterContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.summary = named(QLabel("", self), "memo-aging-summary")
        self.summary.setProperty("sectionTitle", True)
        self.table = make_table(["Aging", "Memo #", "Customer", "Issued", "Due", "Days out",
                                 "Out value"], numeric=[5, 6], parent=self)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)

    def run(self) -> None:
        """Read the open memos."""
        store = self.context.store
        run_op(lambda: memos.list_memos(store, date.today(), open_only=True),
               parent=self).success(self._show)

    def _show(self, views: list[MemoView]) -> None:
        views = sorted(views, key=lambda v: -v.days_out)
        amounts: dict[AgingBucket, int] = {}
        for v in views:
            amounts[v.bucket] = amounts.get(v.bucket, 0) + v.out_cents
        self.summary.setText(bucket_line(amounts))
        fill_table(self.table, [[BUCKET_WORDS[v.bucket], v.memo.number, v.customer,
                                 date_text(v.memo.issued_at.astimezone().date()),
                                 date_text(v.memo.due_date), str(v.days_out),
                                 money_text(v.out_cents)] for v in views])


class ArAgingTab(QWidget):
    """Finalized invoices with money still owed, by age."""

    def __init__(self, context: CounterContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.rows: list[ReceivableRow] = []
        self.summary = named(QLabel("", self), "ar-aging-summary")
        self.summary.setProperty("sectionTitle", True)
        self.table = make_table(["Aging", "Invoice", "Customer", "Finalized", "Days",
                                 "Total", "Balance"], numeric=[4, 5, 6], parent=self)
        self.message = QLabel("", self)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message)

    def run(self) -> None:
        """Read the open balances."""
        store = self.context.store
        run_op(lambda: reports.ar_aging(store, date.today()), parent=self).success(self._show)

    def _show(self, rows: list[ReceivableRow]) -> None:
        self.rows = rows
        amounts: dict[AgingBucket, int] = {}
        for r in rows:
            amounts[r.bucket] = amounts.get(r.bucket, 0) + r.balance_cents
        self.summary.setText(bucket_line(amounts))
        fill_table(self.table, [[BUCKET_WORDS[r.bucket], r.number, r.customer,
                                 date_text(r.finalized_on), str(r.days),
                                 money_text(r.total_cents), money_text(r.balance_cents)]
                                for r in rows])
        self.message.setText(f"{len(rows)} invoice(s) owe "
                             f"{money_text(sum(r.balance_cents for r in rows))}."
                             if rows else "No customer owes anything.")
