"""Payment operations: tenders on an invoice, refunds, deposits, drawer sessions."""

from __future__ import annotations

from dataclasses import dataclass, field
from uuid import UUID, uuid5

from jeweltrak_core.contacts.entities import Contact
from jeweltrak_core.errors import Duplicate, ValidationError
from jeweltrak_core.money import format_money, require_cents
from jeweltrak_core.payments.drawer import COUNTED_TENDERS, z_report
from jeweltrak_core.payments.entities import Deposit, DrawerSession, Payment, StoreCreditEntry
from jeweltrak_core.payments.rules import (
    RefundReason,
    Tender,
    cash_change_due,
    check_payment_amount,
    check_refund,
)
from jeweltrak_core.sales.entities import Invoice
from jeweltrak_core.sales.invoice_state import InvoiceAction, InvoiceStatus, invoice_transition
from jeweltrak_core.sales.stock_effects import commit_stock
from jeweltrak_core.sync.helpers import live_contact_id, require
from jeweltrak_core.sync.ops import APPLIED, ApplyContext, OpPayload, Outcome

_CARD_TENDERS = frozenset({Tender.CARD, Tender.PAYMENT_LINK})
_PAYOUT_TENDERS = frozenset({Tender.CASH, Tender.CHECK, Tender.STORE_CREDIT, Tender.GIFT_CARD})
CARD_NEEDS_SERVICE = (
    "Card payments run on the store's reader through the JewelTrak service; "
    "cash, check and store credit still work offline."
)


@dataclass(kw_only=True)
class TenderDetails:
    """How the money came in: references each tender needs, card metadata (P3 fields only)."""

    tender: Tender
    check_number: str | None = None
    reference: str | None = None
    card_brand: str | None = None
    card_last4: str | None = None
    stripe_payment_intent_id: str | None = None
    stripe_charge_id: str | None = None

    def check(self, ctx: ApplyContext) -> None:
        """Each tender's required reference; cards only through the service."""
        if self.tender is Tender.CHECK and not (self.check_number or "").strip():
            raise ValidationError("Enter the check number.", field="check_number")
        if self.tender in (Tender.WIRE, Tender.GIFT_CARD) and not (self.reference or "").strip():
            raise ValidationError(f"Enter the {self.tender.value.replace('_', ' ')} reference.",
                                  field="reference")
        if self.tender in _CARD_TENDERS and ctx.strict:
            raise ValidationError(CARD_NEEDS_SERVICE, field="tender")
        if self.card_last4 is not None and not (
            len(self.card_last4) == 4 and self.card_last4.isdigit()
        ):
            raise ValidationError("Only the last four digits of a card are kept.", field="card")


def _credit(ctx: ApplyContext, contact: Contact, amount: int, reason: str, *,
            payment: Payment, invoice_id: UUID | None) -> None:
    if contact.store_credit_cents + amount < 0:
        raise ValidationError(
            f"{contact.display_name} has {format_money(contact.store_credit_cents)} store credit; "
            f"{format_money(-amount)} was asked for."
        )
    contact.store_credit_cents += amount
    contact.version = ctx.version
    ctx.repo.put(contact)
    ctx.repo.put(StoreCreditEntry(
        id=uuid5(payment.id, f"store-credit:{reason}"), contact_id=contact.id, amount_cents=amount,
        reason=reason, invoice_id=invoice_id, payment_id=payment.id, created_at=ctx.now,
        version=ctx.version,
    ))


def _check_drawer(ctx: ApplyContext, session_id: UUID | None) -> None:
    if session_id is None:
        return
    session = require(ctx.repo, DrawerSession, session_id, "drawer session")
    if session.closed_at is not None and ctx.strict:
        raise ValidationError("That drawer is closed; open a new drawer first.")


def _new_payment(ctx: ApplyContext, payment_id: UUID, details: TenderDetails, amount: int,
                 **extra: object) -> Payment:
    if ctx.repo.get(Payment, payment_id) is not None:
        raise Duplicate("This payment was already recorded.", id=str(payment_id))
    return Payment(
        id=payment_id, store_id=ctx.op.store_id, tender=details.tender, amount_cents=amount,
        check_number=details.check_number, reference=details.reference,
        card_brand=details.card_brand, card_last4=details.card_last4,
        stripe_payment_intent_id=details.stripe_payment_intent_id,
        stripe_charge_id=details.stripe_charge_id, device_id=ctx.op.device_id,
        user_id=ctx.op.user_id, created_at=ctx.now, version=ctx.version,
        **extra,  # type: ignore[arg-type]
    )


@dataclass(kw_only=True)
class AddPayment(OpPayload):
    """Take a tender against an invoice (or pay out a negative balance, amount < 0)."""

    op_type = "add_payment"
    payment_id: UUID
    invoice_id: UUID
    details: TenderDetails
    amount_cents: int
    #: Cash: what the customer handed over (change = handed − applied).
    handed_cents: int | None = None
    deposit_id: UUID | None = None
    drawer_session_id: UUID | None = None

    def validate(self) -> None:
        """Amounts are whole cents and never zero."""
        require_cents(self.amount_cents, "Payment amount")
        if self.amount_cents == 0:
            raise ValidationError("A payment of $0.00 changes nothing.", field="amount")
        if self.details.tender is Tender.DEPOSIT and self.deposit_id is None:
            raise ValidationError("Choose the deposit to apply.", field="deposit")

    def apply(self, ctx: ApplyContext) -> Outcome:
        """Record the money; overpayment becomes credit on account."""
        invoice = require(ctx.repo, Invoice, self.invoice_id, "invoice")
        invoice_transition(invoice.status, InvoiceAction.ADD_PAYMENT)
        self.details.check(ctx)
        _check_drawer(ctx, self.drawer_session_id)
        contact = ctx.repo.get(Contact, invoice.contact_id) if invoice.contact_id else None
        if self.amount_cents < 0:
            return self._pay_out(ctx, invoice, contact)
        applied, change, overpay = self.amount_cents, 0, 0
        if self.details.tender is Tender.CASH:
            handed = self.amount_cents if self.handed_cents is None else self.handed_cents
            if handed < self.amount_cents:
                raise ValidationError(
                    f"Only {format_money(handed)} was handed over for a "
                    f"{format_money(self.amount_cents)} cash payment.", field="handed")
            applied, _ = cash_change_due(invoice.balance_cents, self.amount_cents)
            change = handed - applied
        elif self.details.tender is Tender.STORE_CREDIT and self.amount_cents > max(
                invoice.balance_cents, 0):
            raise ValidationError(
                f"Store credit can pay at most the {format_money(max(invoice.balance_cents, 0))}"
                " balance.", field="amount")
        else:
            overpay = check_payment_amount(invoice.balance_cents, self.amount_cents,
                                           self.details.tender)
        payment = _new_payment(
            ctx, self.payment_id, self.details, applied, invoice_id=invoice.id,
            contact_id=invoice.contact_id, change_given_cents=change,
            deposit_id=self.deposit_id, drawer_session_id=self.drawer_session_id,
        )
        if self.details.tender is Tender.STORE_CREDIT:
            if contact is None:
                raise ValidationError("Choose the customer whose store credit is used.")
            _credit(ctx, contact, -applied, "Used on a sale", payment=payment,
                    invoice_id=invoice.id)
        if self.details.tender is Tender.DEPOSIT:
            self._use_deposit(ctx, invoice, applied)
        if overpay:
            if contact is None:
                raise ValidationError(
                    f"This pays {format_money(overpay)} more than is owed; choose a customer to "
                    "keep it as credit on account, or take less."
                )
            _credit(ctx, contact, overpay, "Overpayment", payment=payment, invoice_id=invoice.id)
            payment.credited_cents = overpay
        invoice.paid_cents += applied - overpay
        outcome = self._finalize_on_card(ctx, invoice)
        invoice.version = ctx.version
        ctx.repo.put(invoice)
        ctx.repo.put(payment)
        return outcome

    def _use_deposit(self, ctx: ApplyContext, invoice: Invoice, amount: int) -> None:
        assert self.deposit_id is not None
        deposit = require(ctx.repo, Deposit, self.deposit_id, "deposit")
        if deposit.contact_id is not None and deposit.contact_id != invoice.contact_id:
            raise ValidationError("That deposit belongs to another customer; choose that "
                                  "customer on the invoice first.")
        if amount > deposit.remaining_cents:
            raise ValidationError(
                f"Only {format_money(deposit.remaining_cents)} of that deposit is left to apply."
            )
        deposit.applied_cents += amount
        deposit.version = ctx.version
        ctx.repo.put(deposit)

    def _pay_out(self, ctx: ApplyContext, invoice: Invoice, contact: Contact | None) -> Outcome:
        owed_to_customer = -invoice.balance_cents
        if self.details.tender not in _PAYOUT_TENDERS:
            raise ValidationError("Pay a customer back in cash, check, store credit or gift card.")
        if -self.amount_cents > owed_to_customer:
            raise ValidationError(
                f"The customer is owed {format_money(max(owed_to_customer, 0))}; "
                f"{format_money(-self.amount_cents)} is too much."
            )
        payment = _new_payment(ctx, self.payment_id, self.details, self.amount_cents,
                               invoice_id=invoice.id, contact_id=invoice.contact_id,
                               drawer_session_id=self.drawer_session_id)
        if self.details.tender is Tender.STORE_CREDIT:
            if contact is None:
                raise ValidationError("Choose the customer who receives the store credit.")
            _credit(ctx, contact, -self.amount_cents, "Exchange credit", payment=payment,
                    invoice_id=invoice.id)
        invoice.paid_cents += self.amount_cents
        invoice.version = ctx.version
        ctx.repo.put(invoice)
        ctx.repo.put(payment)
        return APPLIED

    def _finalize_on_card(self, ctx: ApplyContext, invoice: Invoice) -> Outcome:
        """PRODUCT.md: reaching a zero balance through a card payment finalizes the invoice."""
        if (self.details.tender in _CARD_TENDERS and invoice.status is InvoiceStatus.OPEN
                and invoice.lines and invoice.balance_cents <= 0):
            invoice.status = invoice_transition(invoice.status, InvoiceAction.FINALIZE)
            invoice.finalized_at = ctx.now
            exceptions = commit_stock(ctx, invoice)
            if exceptions:
                return Outcome(status="conflict", exceptions=tuple(exceptions),
                               detail=f"Invoice {invoice.number} sold a piece not in stock.")
        return APPLIED


@dataclass(kw_only=True)
class RefundPayment(OpPayload):
    """Refund (part of) a payment: money only, never restocks; a negative payment."""

    op_type = "refund_payment"
    refund_id: UUID
    payment_id: UUID
    reason: RefundReason
    #: None: the whole refundable remainder.
    amount_cents: int | None = None
    #: None: back the way it came.
    details: TenderDetails | None = None
    drawer_session_id: UUID | None = None

    def apply(self, ctx: ApplyContext) -> Outcome:
        """Refund within the refundable remainder; allowed on any invoice state (void first)."""
        original = require(ctx.repo, Payment, self.payment_id, "payment")
        if original.amount_cents <= 0 or original.refund_of_id is not None:
            raise ValidationError("Only a payment that was taken can be refunded.")
        earlier = ctx.repo.payments_for(refund_of_id=original.id)
        # What became store credit on an overpayment is not refundable a second time.
        amount = check_refund(original.amount_cents - original.credited_cents,
                              [-p.amount_cents for p in earlier], self.amount_cents)
        details = self.details or TenderDetails(
            tender=original.tender, card_brand=original.card_brand,
            card_last4=original.card_last4, stripe_charge_id=original.stripe_charge_id,
            reference=original.reference,
        )
        if details.tender is Tender.DEPOSIT:
            raise ValidationError("Refund a deposit in cash, check, store credit or to the card.")
        details.check(ctx)
        _check_drawer(ctx, self.drawer_session_id)
        refund = _new_payment(
            ctx, self.refund_id, details, -amount, invoice_id=original.invoice_id,
            work_order_id=original.work_order_id, deposit_id=original.deposit_id,
            contact_id=original.contact_id, refund_of_id=original.id,
            refund_reason=self.reason, drawer_session_id=self.drawer_session_id,
        )
        if details.tender is Tender.STORE_CREDIT:
            if original.contact_id is None:
                raise ValidationError("Choose the customer who receives the store credit.")
            contact = require(ctx.repo, Contact, original.contact_id, "customer")
            _credit(ctx, contact, amount, "Refund", payment=refund,
                    invoice_id=original.invoice_id)
        if original.invoice_id is not None:
            invoice = require(ctx.repo, Invoice, original.invoice_id, "invoice")
            invoice.refunded_cents += amount
            invoice.version = ctx.version
            ctx.repo.put(invoice)
        if original.deposit_id is not None and original.tender is not Tender.DEPOSIT:
            # Refunding the money taken as a deposit shrinks the deposit; refunding a sale
            # paid from a deposit pays the customer back and leaves the deposit applied.
            deposit = require(ctx.repo, Deposit, original.deposit_id, "deposit")
            if amount > deposit.remaining_cents:
                raise ValidationError("That part of the deposit was already applied to a sale.")
            deposit.amount_cents -= amount
            deposit.version = ctx.version
            ctx.repo.put(deposit)
        ctx.repo.put(refund)
        return APPLIED


@dataclass(kw_only=True)
class TakeDeposit(OpPayload):
    """Money ahead of a sale (work order or layaway), applied when the invoice is made."""

    op_type = "take_deposit"
    deposit_id: UUID
    payment_id: UUID
    contact_id: UUID
    details: TenderDetails
    amount_cents: int
    handed_cents: int | None = None
    work_order_id: UUID | None = None
    note: str | None = None
    drawer_session_id: UUID | None = None

    def validate(self) -> None:
        """A deposit is a positive amount, never paid with a deposit or store credit."""
        require_cents(self.amount_cents, "Deposit", allow_negative=False)
        if self.amount_cents == 0:
            raise ValidationError("A deposit must be more than $0.00.")
        if self.details.tender in (Tender.DEPOSIT, Tender.STORE_CREDIT):
            raise ValidationError("Take a deposit in cash, check, card, gift card or wire.")

    def apply(self, ctx: ApplyContext) -> Outcome:
        """Record the deposit and the money that came in for it."""
        contact_id = live_contact_id(ctx.repo, self.contact_id)
        if self.work_order_id is not None:
            from jeweltrak_core.work_orders.entities import WorkOrder

            require(ctx.repo, WorkOrder, self.work_order_id, "work order")
        if ctx.repo.get(Deposit, self.deposit_id) is not None:
            raise Duplicate("This deposit was already recorded.")
        self.details.check(ctx)
        _check_drawer(ctx, self.drawer_session_id)
        change = 0
        if self.details.tender is Tender.CASH and self.handed_cents is not None:
            if self.handed_cents < self.amount_cents:
                raise ValidationError(
                    f"Only {format_money(self.handed_cents)} was handed over for a "
                    f"{format_money(self.amount_cents)} deposit.", field="handed")
            change = self.handed_cents - self.amount_cents
        ctx.repo.put(Deposit(
            id=self.deposit_id, store_id=ctx.op.store_id, contact_id=contact_id,
            amount_cents=self.amount_cents, work_order_id=self.work_order_id, note=self.note,
            created_at=ctx.now, version=ctx.version,
        ))
        ctx.repo.put(_new_payment(
            ctx, self.payment_id, self.details, self.amount_cents, deposit_id=self.deposit_id,
            work_order_id=self.work_order_id, contact_id=contact_id,
            change_given_cents=change, drawer_session_id=self.drawer_session_id,
        ))
        return APPLIED


@dataclass(kw_only=True)
class OpenDrawer(OpPayload):
    """Open the cash drawer with a counted float."""

    op_type = "open_drawer"
    session_id: UUID
    opening_float_cents: int

    def validate(self) -> None:
        """The float is a non-negative amount."""
        require_cents(self.opening_float_cents, "Opening float", allow_negative=False)

    def apply(self, ctx: ApplyContext) -> Outcome:
        """One open drawer per workstation."""
        if ctx.strict and ctx.repo.open_drawer_for(ctx.op.device_id) is not None:
            raise ValidationError("This workstation's drawer is already open; close it first.")
        if ctx.repo.get(DrawerSession, self.session_id) is not None:
            raise Duplicate("This drawer session was already opened.")
        ctx.repo.put(DrawerSession(
            id=self.session_id, store_id=ctx.op.store_id, device_id=ctx.op.device_id,
            opened_at=ctx.now, opening_float_cents=self.opening_float_cents,
            opened_by=ctx.op.user_id, version=ctx.version,
        ))
        return APPLIED


@dataclass(kw_only=True)
class CloseDrawer(OpPayload):
    """Close the drawer with what was counted; expected and over/short are computed."""

    op_type = "close_drawer"
    session_id: UUID
    counted_cents: dict[str, int] = field(default_factory=dict)

    def validate(self) -> None:
        """Counted amounts are for cash and checks, never negative."""
        allowed = {t.value for t in COUNTED_TENDERS}
        for tender, cents in self.counted_cents.items():
            if tender not in allowed:
                raise ValidationError(f"Only {', '.join(sorted(allowed))} are counted at close.")
            require_cents(cents, f"counted {tender}", allow_negative=False)

    def apply(self, ctx: ApplyContext) -> Outcome:
        """Store the Z report figures on the session."""
        session = require(ctx.repo, DrawerSession, self.session_id, "drawer session")
        if session.closed_at is not None:
            raise ValidationError("This drawer is already closed.")
        payments = ctx.repo.payments_for(drawer_session_id=session.id)
        report = z_report(session.opening_float_cents, payments, self.counted_cents)
        session.closed_at = ctx.now
        session.closed_by = ctx.op.user_id
        session.counted_cents = report.counted_cents
        session.expected_cents = report.expected_cents
        session.version = ctx.version
        ctx.repo.put(session)
        return APPLIED
