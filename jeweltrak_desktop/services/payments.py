"""Tenders, refunds, deposits and the cash drawer."""

from __future__ import annotations

from uuid import UUID

from jeweltrak_core.errors import NotFound, ValidationError
from jeweltrak_core.ids import new_id
from jeweltrak_core.payments.drawer import ZReport, z_report
from jeweltrak_core.payments.entities import Deposit, DrawerSession, Payment
from jeweltrak_core.payments.operations import (
    AddPayment,
    CloseDrawer,
    OpenDrawer,
    RefundPayment,
    TakeDeposit,
    TenderDetails,
)
from jeweltrak_core.payments.rules import RefundReason, Tender
from jeweltrak_core.permissions import Permission
from jeweltrak_desktop.services.local_store import LocalStore, Transaction
from jeweltrak_desktop.store.schema import table_of


def _drawer_id(tx: Transaction) -> UUID | None:
    session = tx.repo.open_drawer_for(tx.store.identity.device_id)
    return session.id if session is not None else None


def take_payment(
    store: LocalStore,
    invoice_id: UUID,
    *,
    tender: Tender,
    amount_cents: int,
    handed_cents: int | None = None,
    check_number: str | None = None,
    reference: str | None = None,
    deposit_id: UUID | None = None,
) -> Payment:
    """Record a tender on an invoice (cash may be handed over with change due).

    A negative amount pays money out to the customer and needs the refund permission.
    """
    store.actor.require(Permission.SELL)
    if isinstance(amount_cents, int) and amount_cents < 0:
        store.actor.require(Permission.REFUND)
    with store.transaction() as tx:
        payment_id = new_id()
        tx.apply(
            AddPayment(
                payment_id=payment_id,
                invoice_id=invoice_id,
                amount_cents=amount_cents,
                handed_cents=handed_cents,
                deposit_id=deposit_id,
                drawer_session_id=_drawer_id(tx),
                details=TenderDetails(
                    tender=tender, check_number=check_number, reference=reference
                ),
            )
        )
        return tx.fetch(Payment, payment_id)


def take_cash(store: LocalStore, invoice_id: UUID, handed_cents: int) -> Payment:
    """Cash handed over; the payment's ``change_given_cents`` is the change due."""
    return take_payment(
        store, invoice_id, tender=Tender.CASH, amount_cents=handed_cents, handed_cents=handed_cents
    )


def pay_out(
    store: LocalStore,
    invoice_id: UUID,
    amount_cents: int,
    *,
    tender: Tender,
    check_number: str | None = None,
    reference: str | None = None,
) -> Payment:
    """Give the customer back a negative balance (an exchange worth less than the return)."""
    store.actor.require(Permission.REFUND)
    if amount_cents <= 0:
        raise ValidationError("Enter the amount to give back (more than $0.00).")
    return take_payment(
        store,
        invoice_id,
        tender=tender,
        amount_cents=-amount_cents,
        check_number=check_number,
        reference=reference,
    )


def refund_payment(
    store: LocalStore,
    payment_id: UUID,
    *,
    reason: RefundReason,
    amount_cents: int | None = None,
    tender: Tender | None = None,
    check_number: str | None = None,
) -> Payment:
    """Refund (part of) a payment; money only. Default: the whole refundable remainder."""
    store.actor.require(Permission.REFUND)
    with store.transaction() as tx:
        refund_id = new_id()
        details = None
        if tender is not None or check_number is not None:
            original = tx.repo.get(Payment, payment_id)
            if original is None:
                raise NotFound("That payment was not found.")
            details = TenderDetails(tender=tender or original.tender, check_number=check_number)
        tx.apply(
            RefundPayment(
                refund_id=refund_id,
                payment_id=payment_id,
                reason=reason,
                amount_cents=amount_cents,
                details=details,
                drawer_session_id=_drawer_id(tx),
            )
        )
        return tx.fetch(Payment, refund_id)


def take_deposit(
    store: LocalStore,
    *,
    contact_id: UUID,
    amount_cents: int,
    tender: Tender,
    work_order_id: UUID | None = None,
    handed_cents: int | None = None,
    check_number: str | None = None,
    reference: str | None = None,
    note: str | None = None,
) -> Deposit:
    """A deposit for a work order or layaway."""
    store.actor.require(Permission.SELL)
    with store.transaction() as tx:
        deposit_id = new_id()
        tx.apply(
            TakeDeposit(
                deposit_id=deposit_id,
                payment_id=new_id(),
                contact_id=contact_id,
                amount_cents=amount_cents,
                handed_cents=handed_cents,
                work_order_id=work_order_id,
                note=note,
                drawer_session_id=_drawer_id(tx),
                details=TenderDetails(
                    tender=tender, check_number=check_number, reference=reference
                ),
            )
        )
        return tx.fetch(Deposit, deposit_id)


def deposits_for(store: LocalStore, contact_id: UUID) -> list[Deposit]:
    """A customer's deposits with money left to apply."""
    table = table_of(Deposit).table
    with store.reader() as repo:
        deposits = repo.list(
            Deposit, table.c.contact_id == str(contact_id), order_by=table.c.created_at
        )
    return [d for d in deposits if d.remaining_cents > 0]


def payments_for_invoice(store: LocalStore, invoice_id: UUID) -> list[Payment]:
    """Payments and refunds of an invoice, oldest first."""
    with store.reader() as repo:
        return repo.payments_for(invoice_id=invoice_id)


def open_drawer(store: LocalStore, opening_float_cents: int) -> DrawerSession:
    """Start the day's drawer with a counted float."""
    store.actor.require(Permission.SELL)
    with store.transaction() as tx:
        session_id = new_id()
        tx.apply(OpenDrawer(session_id=session_id, opening_float_cents=opening_float_cents))
        return tx.fetch(DrawerSession, session_id)


def current_drawer(store: LocalStore) -> DrawerSession | None:
    """This workstation's open drawer, if any."""
    with store.reader() as repo:
        return repo.open_drawer_for(store.identity.device_id)


def close_drawer(store: LocalStore, counted_cents: dict[str, int]) -> ZReport:
    """Close this workstation's drawer: the Z report (expected, counted, over/short)."""
    store.actor.require(Permission.CLOSE_DRAWER)
    with store.transaction() as tx:
        session = tx.repo.open_drawer_for(store.identity.device_id)
        if session is None:
            raise NotFound("No drawer is open on this workstation.")
        tx.apply(CloseDrawer(session_id=session.id, counted_cents=counted_cents))
        return z_report(
            session.opening_float_cents,
            tx.repo.payments_for(drawer_session_id=session.id),
            counted_cents,
        )
