"""Customer memos: the aging strip, the memo list, and the chosen memo's lines and actions."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from PySide6.QtCore import QItemSelectionModel
from PySide6.QtWidgets import (
    QCheckBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from jeweltrak_core.memos.rules import AgingBucket, MemoLineStatus
from jeweltrak_core.permissions import Permission
from jeweltrak_core.sales.entities import Invoice
from jeweltrak_desktop.services import memos as memos_service
from jeweltrak_desktop.services.local_store import Actor
from jeweltrak_desktop.services.memos import MemoView
from jeweltrak_desktop.ui.context import CounterContext
from jeweltrak_desktop.ui.pages.memos.issue_dialog import IssueMemoDialog
from jeweltrak_desktop.ui.payments.email_pdf import NEEDS_SERVER, can_email, email_pdf
from jeweltrak_desktop.ui.tasks import run_op
from jeweltrak_desktop.ui.widgets.money import date_text, money_text
from jeweltrak_desktop.ui.widgets.page_frame import button
from jeweltrak_desktop.ui.widgets.pdf_output import show_pdf
from jeweltrak_desktop.ui.widgets.tables import (
    current_record,
    fill_table,
    make_table,
    select_record,
    selected_records,
)

BUCKET_WORDS = {
    AgingBucket.D0_30: "0–30 days",
    AgingBucket.D31_60: "31–60 days",
    AgingBucket.D61_90: "61–90 days",
    AgingBucket.D91_PLUS: "91+ days",
}


def aging_summary(views: list[MemoView]) -> dict[AgingBucket, tuple[int, int]]:
    """Open memos per bucket: (how many, value still out in cents)."""
    summary = {b: (0, 0) for b in AgingBucket}
    for v in views:
        if v.out_cents > 0:
            count, cents = summary[v.bucket]
            summary[v.bucket] = (count + 1, cents + v.out_cents)
    return summary


class CustomerMemosTab(QWidget):
    """Issue, convert, return and reverse customer memos; print the agreement."""

    def __init__(self, context: CounterContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.views: list[MemoView] = []
        self.current: MemoView | None = None
        self.last_invoice: Invoice | None = None
        layout = QVBoxLayout(self)
        layout.addLayout(self._build_aging())
        actions = QHBoxLayout()
        self.open_only = QCheckBox("Only memos with pieces out", self)
        self.issue_button = button("Issue memo…", self, name="issue-memo-open")
        actions.addWidget(self.open_only)
        actions.addStretch(1)
        actions.addWidget(self.issue_button)
        layout.addLayout(actions)
        splitter = QSplitter(self)
        self.memos = make_table(["Memo #", "Customer", "Days out", "Out value", "Lines",
                                 "Issued", "Due", "Aging"], numeric=[2, 3], parent=self)
        self.memos.setObjectName("memo-list")
        splitter.addWidget(self.memos)
        splitter.addWidget(self._build_detail())
        splitter.setSizes([790, 470])
        layout.addWidget(splitter, 1)
        self.open_only.toggled.connect(lambda _on: self.refresh())
        self.issue_button.clicked.connect(self.open_issue_dialog)
        self.memos.itemSelectionChanged.connect(self._memo_chosen)

    def _build_aging(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.aging_labels: dict[AgingBucket, QLabel] = {}
        for bucket in AgingBucket:
            card = QFrame(self)
            card.setProperty("card", True)
            inner = QVBoxLayout(card)
            title = QLabel(BUCKET_WORDS[bucket], card)
            title.setProperty("cardTitle", True)
            value = QLabel("—", card)
            value.setObjectName(f"aging-{bucket.value}")
            inner.addWidget(title)
            inner.addWidget(value)
            self.aging_labels[bucket] = value
            row.addWidget(card)
        return row

    def _build_detail(self) -> QWidget:
        box = QWidget(self)
        col = QVBoxLayout(box)
        col.setContentsMargins(0, 0, 0, 0)
        self.heading = QLabel("Choose a memo", box)
        self.heading.setProperty("sectionTitle", True)
        self.heading.setWordWrap(True)
        self.lines = make_table(["Stock ID", "Status", "Price", "Description"], numeric=[2],
                                parent=box, multi=True)
        self.lines.setObjectName("memo-lines")
        self.convert_button = button("Convert to invoice", box, name="memo-convert")
        self.return_button = button("Return", box, name="memo-return")
        self.reverse_button = button("Reverse", box, name="memo-reverse")
        self.print_button = button("Print agreement", box, name="memo-print")
        self.email_button = button("E-mail agreement", box, name="memo-email")
        self.result = QLabel("", box)
        self.result.setProperty("muted", True)
        self.result.setWordWrap(True)
        row = QHBoxLayout()
        for b in (self.convert_button, self.return_button, self.reverse_button,
                  self.print_button):
            row.addWidget(b)
        col.addWidget(self.heading)
        col.addWidget(self.lines, 1)
        col.addLayout(row)
        col.addWidget(self.result)
        self.convert_button.clicked.connect(self.convert)
        self.return_button.clicked.connect(self.return_lines)
        self.reverse_button.clicked.connect(self.reverse)
        self.print_button.clicked.connect(self.print_agreement)
        self.email_button.clicked.connect(self.email_agreement)
        return box

    def apply_permissions(self, actor: Actor) -> None:
        """Memo changes need manage_memos; invoicing needs sell."""
        manage = Permission.MANAGE_MEMOS in actor.permissions
        for b in (self.issue_button, self.return_button, self.reverse_button):
            b.setEnabled(manage)
        self.convert_button.setEnabled(Permission.SELL in actor.permissions)

    def refresh(self, select: UUID | None = None) -> None:
        """Read the memos again (and select one)."""
        store, open_only = self.context.store, self.open_only.isChecked()
        keep = select or (self.current.memo.id if self.current else None)
        run_op(lambda: memos_service.list_memos(store, date.today(), open_only=open_only),
               parent=self).success(lambda views: self._show(views, keep))

    def _show(self, views: list[MemoView], keep: UUID | None) -> None:
        self.views = views
        rows = [[v.memo.number, v.customer, str(v.days_out), money_text(v.out_cents),
                 v.counts_text, date_text(v.memo.issued_at.astimezone().date()),
                 date_text(v.memo.due_date), BUCKET_WORDS[v.bucket]] for v in views]
        fill_table(self.memos, rows, [v.memo.id for v in views])
        for bucket, (count, cents) in aging_summary(views).items():
            self.aging_labels[bucket].setText(f"{count} memo(s) · {money_text(cents)} out")
        if keep is None and views:
            self.memos.selectRow(0)
        elif keep is None or not select_record(self.memos, keep):
            self.memos.clearSelection()
        self._memo_chosen()  # the same row may stay selected: show its new lines anyway

    def _memo_chosen(self) -> None:
        memo_id = current_record(self.memos)
        self._show_memo(next((v for v in self.views if v.memo.id == memo_id), None))

    def _show_memo(self, view: MemoView | None) -> None:
        self.current = view
        emailable = view is not None and can_email(self.context, view.memo.contact_id)
        self.email_button.setEnabled(emailable)
        self.email_button.setToolTip("" if emailable else NEEDS_SERVER)
        if view is None:
            self.heading.setText("Choose a memo")
            fill_table(self.lines, [])
            return
        due = f", due {date_text(view.memo.due_date)}" if view.memo.due_date else ""
        self.heading.setText(f"Memo {view.memo.number} — {view.customer}{due} · "
                             f"{view.counts_text}")
        fill_table(self.lines, [[ln.stock_id, str(ln.line.status).capitalize(),
                                 money_text(ln.line.price_cents), ln.description]
                                for ln in view.lines],
                   [ln.line.id for ln in view.lines])

    def select_lines(self, status: MemoLineStatus | None = None) -> None:
        """Select every line (or every line with ``status``)."""
        if self.current is None:
            return
        self.lines.clearSelection()
        flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
        model = self.lines.model()
        for row, ln in enumerate(self.current.lines):
            if status is None or ln.line.status == status:
                self.lines.selectionModel().select(model.index(row, 0), flags)

    def _chosen_lines(self) -> list[UUID]:
        return [r for r in selected_records(self.lines) if isinstance(r, UUID)]

    def _act(self, fn: Any, done: Any) -> None:
        lines = self._chosen_lines()
        if self.current is None or not lines:
            self.result.setText("Select the memo pieces first.")
            return
        memo_id = self.current.memo.id
        run_op(lambda: fn(self.context.store, memo_id, lines), parent=self).success(done)

    def convert(self) -> None:
        """The customer keeps the selected pieces: they go onto a new invoice."""
        self._act(memos_service.convert_memo_to_invoice, self._converted)

    def _converted(self, invoice: Invoice) -> None:
        self.last_invoice = invoice
        self.result.setText(f"Invoice {invoice.number} made ({money_text(invoice.total_cents)}"
                            " with tax); take payment on Sell.")
        self._changed(f"Memo pieces invoiced on {invoice.number}")
        self.context.open_record("invoice", invoice.id)

    def return_lines(self) -> None:
        """The selected pieces came back."""
        self._act(memos_service.return_memo_lines,
                  lambda _m: self._changed("Memo pieces returned to stock"))

    def reverse(self) -> None:
        """Undo a mistaken return or invoicing of each selected line."""
        def reverse_all(store: Any, memo_id: UUID, lines: list[UUID]) -> None:
            for line_id in lines:
                memos_service.reverse_memo_line(store, memo_id, line_id)

        self._act(reverse_all, lambda _m: self._changed("Memo lines reversed"))

    def _changed(self, message: str) -> None:
        if not message.startswith("Memo pieces invoiced"):
            self.result.setText(message + ".")
        self.context.events.status_message.emit(message)
        self.context.notify_changed()
        self.refresh()

    def print_agreement(self) -> None:
        """Preview (or save) the memo agreement the customer signs."""
        if self.current is None:
            return
        memo = self.current.memo
        store = self.context.store
        run_op(lambda: memos_service.memo_agreement_pdf(store, memo.id), parent=self).success(
            lambda pdf: self._pdf_ready(pdf, f"Memo agreement {memo.number}"))

    def email_agreement(self) -> None:
        """E-mail the memo agreement to the customer (the store server sends it)."""
        if self.current is None:
            return
        memo, store = self.current.memo, self.context.store
        email_pdf(self, self.context, contact_id=memo.contact_id,
                  subject=f"Memo agreement {memo.number}",
                  filename=f"memo-{memo.number}.pdf",
                  make_pdf=lambda: memos_service.memo_agreement_pdf(store, memo.id),
                  say=self.result.setText)

    def _pdf_ready(self, pdf: bytes, title: str) -> None:
        saved = show_pdf(self, pdf, title, self.context.store.path.parent / "documents")
        if saved is not None:
            self.result.setText(f"Saved {saved.name} in {saved.parent}.")

    def open_issue_dialog(self) -> IssueMemoDialog:
        """Open the Issue memo dialog."""
        dialog = IssueMemoDialog(self.context.store, self)
        dialog.issued.connect(self._issued)
        dialog.open()
        return dialog

    def _issued(self, memo: Any) -> None:
        self.context.events.status_message.emit(f"Memo {memo.number} issued")
        self.context.notify_changed()
        self.refresh(select=memo.id)
