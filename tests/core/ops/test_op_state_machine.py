"""Random sequences of sales, memo and payment operations keep stock and money consistent.

A hypothesis state machine applies operations (LOCAL authority, through the wire format,
each in an emulated transaction) to a small store: four one-of-a-kind pieces and three
customers. Refusals are allowed — they must leave the repository unchanged — and after every
step the invariants below must hold. ``JT_HYPOTHESIS_EXAMPLES`` raises the example count.
"""

from __future__ import annotations

import os
from collections import Counter, defaultdict
from decimal import Decimal
from uuid import UUID

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from jeweltrak_core.contacts.entities import Contact
from jeweltrak_core.errors import JewelTrakError
from jeweltrak_core.ids import new_id
from jeweltrak_core.inventory.entities import Piece
from jeweltrak_core.inventory.stock import PieceStatus
from jeweltrak_core.memos.entities import CustomerMemo, MemoLine
from jeweltrak_core.memos.operations import (
    ConvertMemoToInvoice,
    IssueMemo,
    MemoLineDraft,
    ReturnMemoLines,
    ReverseMemoLine,
)
from jeweltrak_core.memos.rules import MemoLineStatus
from jeweltrak_core.payments.entities import Payment, StoreCreditEntry
from jeweltrak_core.payments.operations import AddPayment, RefundPayment, TenderDetails
from jeweltrak_core.payments.rules import RefundReason, Tender
from jeweltrak_core.sales.entities import Invoice, InvoiceLine
from jeweltrak_core.sales.invoice_state import InvoiceStatus
from jeweltrak_core.sales.operations import (
    DeleteInvoice,
    FinalizeInvoice,
    InvoiceDraft,
    ReopenInvoice,
    SaveInvoice,
    VoidInvoice,
)
from jeweltrak_core.sync.ops import OpPayload, Outcome

from .builders import create_contact, create_piece, misc_line, number, piece_line
from .memory_repo import LOCAL, MemoryRepository, run

EXAMPLES = int(os.environ.get("JT_HYPOTHESIS_EXAMPLES", "50"))
N_PIECES = 4
N_CONTACTS = 3

index = st.integers(min_value=0, max_value=63)
prices = st.sampled_from([0, 1, 999, 50_000, 123_456])
tax_rates = st.sampled_from(["0", "0.06", "0.0725"])
tenders = st.sampled_from([Tender.CASH, Tender.CHECK, Tender.STORE_CREDIT])
#: Mostly the total the clerk saw; sometimes one cent off (the drafts diverged).
wrong_totals = st.sampled_from([0, 0, 0, 1])


def has_invoices(machine: OperationsMachine) -> bool:
    return bool(machine.invoices)


def has_memos(machine: OperationsMachine) -> bool:
    return bool(machine.memos)


def has_payments(machine: OperationsMachine) -> bool:
    return bool(machine.payments)


class OperationsMachine(RuleBasedStateMachine):
    """Invoices, memos, payments and refunds over a handful of pieces and customers."""

    def __init__(self) -> None:
        super().__init__()
        self.repo = MemoryRepository()
        self.pieces = [create_piece(self.repo).id for _ in range(N_PIECES)]
        self.contacts = [create_contact(self.repo, first_name=f"C{i}").id
                         for i in range(N_CONTACTS)]
        self.invoices: list[UUID] = []
        self.memos: list[UUID] = []
        self.payments: list[UUID] = []
        self.version = 0
        self.applied: Counter[str] = Counter()

    # --- helpers -------------------------------------------------------------------------

    def attempt(self, payload: OpPayload, expect: bool | None = None) -> Outcome | None:
        """Apply; a refusal must leave everything as it was.

        ``expect``: True when the model says the op must be applied, False when it must be
        refused, None when the rule does not model it.
        """
        self.version += 1
        before = self.repo.begin()
        try:
            outcome = run(self.repo, payload, LOCAL, version=self.version)
        except JewelTrakError as exc:
            assert self.repo.unchanged_since(before)
            assert expect is not True, f"{payload.op_type} was refused: {exc!r}"
            return None
        assert expect is not False, f"{payload.op_type} should have been refused"
        # Locally nothing is ever flagged: what the server would flag is refused here.
        assert outcome.status == "applied", outcome
        self.applied[payload.op_type] += 1
        return outcome

    def piece_status(self, piece_id: UUID) -> PieceStatus:
        piece = self.repo.get(Piece, piece_id)
        assert piece is not None
        return piece.status

    def memo_line_row(self, memo_id: UUID, line_id: UUID) -> MemoLine:
        memo = self.repo.get(CustomerMemo, memo_id)
        line = memo and memo.line(line_id)
        assert line is not None
        return line

    def sellable(self, inv: Invoice, line: InvoiceLine) -> bool:
        """Whether finalizing may move this line's stock (the model of the stock rules)."""
        if line.piece_id is None:
            return True
        status = self.piece_status(line.piece_id)
        if line.memo_line_id is None:
            return status is PieceStatus.IN_STOCK
        assert line.memo_id is not None
        memo_line = self.memo_line_row(line.memo_id, line.memo_line_id)
        return (status is PieceStatus.ON_MEMO and memo_line.status is MemoLineStatus.INVOICED
                and memo_line.invoice_id == inv.id)

    def pick(self, items: list[UUID], i: int) -> UUID | None:
        return items[i % len(items)] if items else None

    def invoice(self, invoice_id: UUID) -> Invoice | None:
        return self.repo.get(Invoice, invoice_id)

    def pick_invoice(self, i: int, *statuses: InvoiceStatus) -> Invoice | None:
        """Mostly an invoice in one of ``statuses`` (so the rule usually applies), else any."""
        rows = [inv for inv in map(self.invoice, self.invoices) if inv is not None]
        fitting = [inv for inv in rows if inv.status in statuses]
        pool = fitting if fitting and i % 8 else rows
        return pool[i % len(pool)] if pool else None

    # --- invoices ------------------------------------------------------------------------

    @rule(pieces=st.lists(st.integers(0, N_PIECES - 1), max_size=3, unique=True),
          contact=st.none() | st.integers(0, N_CONTACTS - 1), misc=prices | st.none(),
          price=prices, rate=tax_rates)
    def save_new_invoice(self, pieces: list[int], contact: int | None, misc: int | None,
                         price: int, rate: str) -> None:
        lines = [piece_line(self.pieces_by_index(i), price) for i in pieces]
        if misc is not None:
            lines.append(misc_line(misc))
        d = InvoiceDraft(id=new_id(), number=number("SM-"), lines=lines,
                         contact_id=None if contact is None else self.contacts[contact],
                         tax_rate=Decimal(rate))
        ok = all(self.piece_status(self.pieces[i]) is PieceStatus.IN_STOCK for i in pieces)
        if self.attempt(SaveInvoice(invoice=d), expect=ok):
            self.invoices.append(d.id)

    def pieces_by_index(self, i: int) -> Piece:
        p = self.repo.get(Piece, self.pieces[i])
        assert p is not None
        return p

    @precondition(has_invoices)
    @rule(i=index, pieces=st.lists(st.integers(0, N_PIECES - 1), max_size=2, unique=True),
          price=prices)
    def edit_invoice(self, i: int, pieces: list[int], price: int) -> None:
        inv = self.pick_invoice(i, InvoiceStatus.OPEN)
        if not inv:
            return
        kept = [ln for ln in inv.lines if ln.memo_line_id is not None]
        taken = {ln.piece_id for ln in kept}
        lines = kept + [piece_line(self.pieces_by_index(j), price) for j in pieces
                        if self.pieces[j] not in taken]
        ok = inv.status is InvoiceStatus.OPEN and all(
            self.piece_status(self.pieces[j]) is PieceStatus.IN_STOCK
            for j in pieces if self.pieces[j] not in taken)
        self.attempt(SaveInvoice(invoice=InvoiceDraft(
            id=inv.id, number=inv.number, lines=lines, contact_id=inv.contact_id,
            tax_rate=inv.tax_rate)), expect=ok)

    @precondition(has_invoices)
    @rule(i=index, wrong_total=wrong_totals)
    def finalize(self, i: int, wrong_total: int) -> None:
        inv = self.pick_invoice(i, InvoiceStatus.OPEN)
        if not inv:
            return
        ok = (inv.status is InvoiceStatus.OPEN and bool(inv.lines) and not wrong_total
              and all(self.sellable(inv, line) for line in inv.lines))
        self.attempt(FinalizeInvoice(invoice_id=inv.id,
                                     expected_total_cents=inv.total_cents + wrong_total),
                     expect=ok)

    @precondition(has_invoices)
    @rule(i=index)
    def reopen(self, i: int) -> None:
        inv = self.pick_invoice(i, InvoiceStatus.FINALIZED)
        if inv:
            self.attempt(ReopenInvoice(invoice_id=inv.id, reason="change"),
                         expect=inv.status is InvoiceStatus.FINALIZED)

    @precondition(has_invoices)
    @rule(i=index)
    def void(self, i: int) -> None:
        inv = self.pick_invoice(i, InvoiceStatus.OPEN, InvoiceStatus.FINALIZED)
        if inv:
            self.attempt(VoidInvoice(invoice_id=inv.id, reason="void"),
                         expect=inv.status is not InvoiceStatus.VOIDED)

    @precondition(has_invoices)
    @rule(i=index)
    def delete(self, i: int) -> None:
        inv = self.pick_invoice(i, InvoiceStatus.OPEN)
        if not inv:
            return
        # An invoice that was ever finalized is a financial record: void it, never delete it.
        ok = (inv.status is InvoiceStatus.OPEN and inv.paid_cents == 0 and inv.reopen_count == 0
              and not self.repo.payments_for(invoice_id=inv.id))
        if self.attempt(DeleteInvoice(invoice_id=inv.id), expect=ok):
            self.invoices.remove(inv.id)

    # --- memos ---------------------------------------------------------------------------

    @rule(pieces=st.lists(st.integers(0, N_PIECES - 1), min_size=1, max_size=3, unique=True),
          contact=st.integers(0, N_CONTACTS - 1), price=prices)
    def issue_memo(self, pieces: list[int], contact: int, price: int) -> None:
        memo_id = new_id()
        lines = [MemoLineDraft(line_id=new_id(), piece_id=self.pieces[i], price_cents=price)
                 for i in pieces]
        ok = all(self.piece_status(self.pieces[i]) is PieceStatus.IN_STOCK for i in pieces)
        if self.attempt(IssueMemo(memo_id=memo_id, number=number("SMM-"),
                                  contact_id=self.contacts[contact], lines=lines), expect=ok):
            self.memos.append(memo_id)

    def memo_line(self, i: int, j: int) -> tuple[CustomerMemo, UUID] | None:
        memo_id = self.pick(self.memos, i)
        memo = memo_id and self.repo.get(CustomerMemo, memo_id)
        if not memo:
            return None
        return memo, memo.lines[j % len(memo.lines)].id

    @precondition(has_memos)
    @rule(i=index, j=index)
    def return_memo_line(self, i: int, j: int) -> None:
        found = self.memo_line(i, j)
        if found:
            memo, line_id = found
            ok = self.memo_line_row(memo.id, line_id).status is MemoLineStatus.OUT
            self.attempt(ReturnMemoLines(memo_id=memo.id, line_ids=[line_id]), expect=ok)

    @precondition(has_memos)
    @rule(i=index, j=index)
    def reverse_memo_line(self, i: int, j: int) -> None:
        found = self.memo_line(i, j)
        if not found:
            return
        memo, line_id = found
        line = self.memo_line_row(memo.id, line_id)
        if line.status is MemoLineStatus.RETURNED:
            ok = self.piece_status(line.piece_id) is PieceStatus.IN_STOCK
        elif line.status is MemoLineStatus.INVOICED:
            assert line.invoice_id is not None
            inv = self.invoice(line.invoice_id)
            ok = inv is not None and inv.status is not InvoiceStatus.FINALIZED
        else:
            ok = False
        self.attempt(ReverseMemoLine(memo_id=memo.id, line_id=line_id), expect=ok)

    @precondition(has_memos)
    @rule(i=index, j=index, all_lines=st.booleans(), onto=st.none() | index)
    def convert_memo(self, i: int, j: int, all_lines: bool, onto: int | None) -> None:
        found = self.memo_line(i, j)
        if not found:
            return
        memo, line_id = found
        line_ids = [ln.id for ln in memo.lines] if all_lines else [line_id]
        existing = self.pick_invoice(onto, InvoiceStatus.OPEN) if onto is not None else None
        invoice_id = existing.id if existing else new_id()
        ok = all(self.memo_line_row(memo.id, x).status is MemoLineStatus.OUT
                 for x in line_ids) and (existing is None or (
                     existing.status is InvoiceStatus.OPEN
                     and existing.contact_id == memo.contact_id))
        if self.attempt(ConvertMemoToInvoice(
                memo_id=memo.id, line_ids=line_ids, invoice_id=invoice_id,
                invoice_number=existing.number if existing else number("SMC-"),
                new_line_ids=[new_id() for _ in line_ids]), expect=ok) and existing is None:
            self.invoices.append(invoice_id)

    # --- payments ------------------------------------------------------------------------

    @precondition(has_invoices)
    @rule(i=index, tender=tenders, fraction=st.sampled_from([0.25, 0.5, 1.0, 1.5]),
          extra=st.integers(0, 5_000))
    def pay(self, i: int, tender: Tender, fraction: float, extra: int) -> None:
        inv = self.pick_invoice(i, InvoiceStatus.OPEN, InvoiceStatus.FINALIZED)
        if not inv:
            return
        amount = int(max(inv.balance_cents, 0) * fraction) + extra
        if amount <= 0:
            return
        payment_id = new_id()
        details = TenderDetails(tender=tender,
                                check_number="101" if tender is Tender.CHECK else None)
        if self.attempt(AddPayment(payment_id=payment_id, invoice_id=inv.id, details=details,
                                   amount_cents=amount)):
            self.payments.append(payment_id)

    @precondition(has_payments)
    @rule(i=index, fraction=st.none() | st.sampled_from([0.3, 0.5, 1.0, 1.3]),
          to_credit=st.booleans())
    def refund(self, i: int, fraction: float | None, to_credit: bool) -> None:
        payment_id = self.pick(self.payments, i)
        original = payment_id and self.repo.get(Payment, payment_id)
        if not original:
            return
        amount = None if fraction is None else max(int(original.amount_cents * fraction), 1)
        details = None  # back the way it came
        if to_credit:
            details = TenderDetails(tender=Tender.STORE_CREDIT)
        elif original.tender is Tender.CHECK:
            details = TenderDetails(tender=Tender.CHECK, check_number="5001")
        refund_id = new_id()
        if self.attempt(RefundPayment(refund_id=refund_id, payment_id=original.id,
                                      reason=RefundReason.REQUESTED_BY_CUSTOMER,
                                      amount_cents=amount, details=details)):
            self.payments.append(refund_id)

    # --- invariants ----------------------------------------------------------------------

    @invariant()
    def each_piece_is_sold_at_most_once(self) -> None:
        invoices = self.repo.peek(Invoice)
        finalized_sales: Counter[UUID] = Counter()
        for inv in invoices:
            for line in inv.lines:
                if line.piece_id is None or not line.committed:
                    continue
                # only a finalized invoice holds committed stock; void and reopen release it
                assert inv.status is InvoiceStatus.FINALIZED, (inv.status, line)
                finalized_sales[line.piece_id] += 1
        for piece_id in self.pieces:
            piece = self.repo.get(Piece, piece_id)
            assert piece is not None
            assert finalized_sales[piece_id] <= 1, piece.stock_id
            assert (piece.status is PieceStatus.SOLD) == (finalized_sales[piece_id] == 1), (
                piece.stock_id, piece.status, finalized_sales[piece_id])

    @invariant()
    def on_memo_iff_one_live_memo_line(self) -> None:
        live: Counter[UUID] = Counter()
        for memo in self.repo.peek(CustomerMemo):
            for line in memo.lines:
                if line.status is MemoLineStatus.OUT:
                    assert line.invoice_id is None
                    live[line.piece_id] += 1
                elif line.status is MemoLineStatus.INVOICED:
                    assert line.invoice_id is not None
                    inv = self.invoice(line.invoice_id)
                    assert inv is not None, "an invoiced memo line points at a deleted invoice"
                    assert [ln.memo_line_id for ln in inv.lines].count(line.id) == 1
                    if inv.status is not InvoiceStatus.FINALIZED:
                        assert inv.status is InvoiceStatus.OPEN  # a void puts lines back out
                        live[line.piece_id] += 1
        for piece_id in self.pieces:
            piece = self.repo.get(Piece, piece_id)
            assert piece is not None
            assert live[piece_id] <= 1, piece.stock_id
            assert (piece.status is PieceStatus.ON_MEMO) == (live[piece_id] == 1), (
                piece.stock_id, piece.status, live[piece_id])
            assert piece.status in (PieceStatus.IN_STOCK, PieceStatus.ON_MEMO,
                                    PieceStatus.SOLD)

    @invariant()
    def refunds_never_exceed_their_payment(self) -> None:
        refunded: defaultdict[UUID, int] = defaultdict(int)
        payments = self.repo.peek(Payment)
        for p in payments:
            if p.refund_of_id is not None:
                assert p.amount_cents < 0
                refunded[p.refund_of_id] += -p.amount_cents
        for p in payments:
            if p.refund_of_id is None:
                assert p.amount_cents > 0
                assert refunded[p.id] <= p.amount_cents

    @invariant()
    def invoice_money_matches_its_payments(self) -> None:
        # The part of a payment that went to store credit (overpayment) is not paid on the
        # invoice; the payment records it and a store-credit entry says so too.
        overpaid: defaultdict[UUID, int] = defaultdict(int)
        for entry in self.repo.peek(StoreCreditEntry):
            if entry.reason == "Overpayment" and entry.payment_id is not None:
                overpaid[entry.payment_id] += entry.amount_cents
        for inv in self.repo.peek(Invoice):
            rows = self.repo.payments_for(invoice_id=inv.id)
            for p in rows:
                assert p.credited_cents == overpaid[p.id], p
            taken = sum(p.amount_cents - p.credited_cents for p in rows if p.refund_of_id is None)
            refunds = -sum(p.amount_cents for p in rows if p.refund_of_id is not None)
            assert (inv.paid_cents, inv.refunded_cents) == (taken, refunds), inv.number
            # and a refund never hands back more than reached the invoice
            assert inv.refunded_cents <= max(inv.paid_cents, 0), inv.number

    @invariant()
    def store_credit_ledger_adds_up(self) -> None:
        entries: defaultdict[UUID, int] = defaultdict(int)
        for entry in self.repo.peek(StoreCreditEntry):
            entries[entry.contact_id] += entry.amount_cents
        for contact_id in self.contacts:
            contact = self.repo.get(Contact, contact_id)
            assert contact is not None
            assert contact.store_credit_cents == entries[contact_id]

    @invariant()
    def store_credit_is_never_negative(self) -> None:
        for contact_id in self.contacts:
            contact = self.repo.get(Contact, contact_id)
            assert contact is not None and contact.store_credit_cents >= 0


OperationsMachine.TestCase.settings = settings(
    max_examples=EXAMPLES,
    stateful_step_count=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
TestOperationsMachine = OperationsMachine.TestCase
