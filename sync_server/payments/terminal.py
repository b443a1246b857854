"""Server-driven card-present payments on a store's reader, and how they settle.

1. ``start``: a ``card_present`` PaymentIntent on the store's connected account (idempotency
   key derived from the desktop's), then ``process_payment_intent`` on the reader.
2. The outcome comes from Connect webhooks; ``outcome`` (the desktop's long-poll) also asks
   Stripe itself now and then, so a lost webhook only delays the answer.
3. ``settle`` turns Stripe's answer into the attempt's final status once (row lock); an
   approval enters the books and the change feed through the core rules (``ledger``).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from sqlalchemy import Engine, select, update
from sqlalchemy.exc import IntegrityError

from jeweltrak_core.errors import JewelTrakError, ValidationError
from jeweltrak_core.ids import new_id
from jeweltrak_core.money import format_money
from jeweltrak_core.payments.operations import AddPayment, TakeDeposit, TenderDetails
from jeweltrak_core.payments.rules import Tender
from jeweltrak_core.sales.entities import Invoice
from jeweltrak_core.work_orders.entities import WorkOrder
from sync_server.db.engine import tenant_transaction
from sync_server.db.names import TenantRef
from sync_server.deps import DeviceContext
from sync_server.errors import ServiceError
from sync_server.kit import entity_docs
from sync_server.payments import connect
from sync_server.payments.ledger import apply_server_op
from sync_server.payments.stripe_gateway import IntentState, StripeGateway, derived_key
from sync_server.payments.tables import card_payments

log = logging.getLogger(__name__)
FINAL = frozenset({"approved", "declined", "cancelled", "timed_out"})
POLL_EVERY = 1.5


@dataclass(frozen=True)
class ChargeRequest:
    """What the desktop asks for: an invoice balance (or part), or a work-order deposit."""

    reader_id: str
    idempotency_key: str
    invoice_id: UUID | None = None
    work_order_id: UUID | None = None
    amount_cents: int | None = None
    timeout_seconds: int = 120


def _attempt(row: Any) -> dict[str, Any]:
    return {
        "id": str(row.id), "status": row.status, "amount_cents": row.amount_cents,
        "invoice_id": str(row.invoice_id) if row.invoice_id else None,
        "work_order_id": str(row.work_order_id) if row.work_order_id else None,
        "reader_id": row.reader_id, "decline_code": row.decline_code,
        "card_brand": row.card_brand, "card_last4": row.card_last4,
        "payment_id": str(row.payment_id) if row.payment_id else None,
        "deposit_id": str(row.deposit_id) if row.deposit_id else None,
        "stripe_payment_intent_id": row.stripe_payment_intent_id,
        "message": _message(row),
    }


def _message(row: Any) -> str:
    amount = format_money(row.amount_cents)
    card = f"{(row.card_brand or 'card').title()} ending {row.card_last4}" if row.card_last4 \
        else "the card"
    messages = {
        "waiting": f"Waiting for the customer to tap or insert a card for {amount}…",
        "approved": f"Approved: {amount} on {card}.",
        "declined": f"Declined ({(row.decline_code or 'declined').replace('_', ' ')}); ask "
                    "for another card or another way to pay.",
        "cancelled": "Cancelled; the card was not charged.",
        "timed_out": "Timed out waiting for a card; the card was not charged.",
    }
    return messages.get(str(row.status), str(row.status))


def _amount_and_contact(engine: Engine, tenant: TenantRef,
                        req: ChargeRequest) -> tuple[int, UUID | None, str]:
    with tenant_transaction(engine, tenant) as conn:
        if req.invoice_id is not None:
            invoice = entity_docs.require(conn, Invoice, req.invoice_id, "invoice")
            balance = invoice.balance_cents
            if balance <= 0:
                raise ValidationError(f"Invoice {invoice.number} has nothing left to pay.")
            amount = balance if req.amount_cents is None else req.amount_cents
            if not 0 < amount <= balance:
                raise ValidationError(
                    f"Charge from $0.01 up to the {format_money(balance)} balance.",
                    field="amount_cents")
            return amount, invoice.contact_id, "invoice"
        assert req.work_order_id is not None
        order = entity_docs.require(conn, WorkOrder, req.work_order_id, "work order")
        if req.amount_cents is None or req.amount_cents <= 0:
            raise ValidationError("Enter the deposit amount.", field="amount_cents")
        return req.amount_cents, order.contact_id, "deposit"


def start(engine: Engine, gateway: StripeGateway, device: DeviceContext,
          req: ChargeRequest) -> dict[str, Any]:
    """Start (or, for a repeated request, find) a charge on the reader."""
    tenant = device.tenant
    request_key = f"{device.device_id}:{req.idempotency_key}"
    existing = _by(engine, tenant, card_payments.c.request_key == request_key)
    if existing is not None:
        return _attempt(existing)
    acct = connect.require_charges(engine, tenant.id, device.store_id)
    connect.require_reader(engine, tenant, device.store_id, req.reader_id)
    amount, contact_id, purpose = _amount_and_contact(engine, tenant, req)
    _expire_stale(engine, gateway, tenant, req.reader_id)
    attempt_id = new_id()
    key = derived_key("terminal", tenant.id, request_key)
    intent = gateway.create_terminal_intent(acct.account_id, amount, {
        "jeweltrak_attempt": str(attempt_id),
    }, key=key)
    try:
        with tenant_transaction(engine, tenant) as conn:
            conn.execute(card_payments.insert().values(
                id=attempt_id, store_id=device.store_id, device_id=device.device_id,
                channel="terminal", purpose=purpose, invoice_id=req.invoice_id,
                work_order_id=req.work_order_id, contact_id=contact_id, amount_cents=amount,
                request_key=request_key, reader_id=req.reader_id, status="waiting",
                stripe_payment_intent_id=intent,
                expires_at=datetime.now(UTC) + timedelta(seconds=req.timeout_seconds),
            ))
    except IntegrityError:
        # The same request arrived twice at once: Stripe gave both the same intent.
        return _attempt(_by(engine, tenant, card_payments.c.request_key == request_key))
    try:
        gateway.process_on_reader(acct.account_id, req.reader_id, intent,
                                  key=derived_key("process", tenant.id, request_key))
    except ServiceError:
        # Reader offline or busy: nothing can be charged on this intent; say why.
        gateway.cancel_intent(acct.account_id, intent)
        with tenant_transaction(engine, tenant) as conn:
            conn.execute(update(card_payments).where(card_payments.c.id == attempt_id)
                         .values(status="cancelled", settled_at=datetime.now(UTC)))
        raise
    row = _by(engine, tenant, card_payments.c.id == attempt_id)
    return _attempt(row)


def _expire_stale(engine: Engine, gateway: StripeGateway, tenant: TenantRef,
                  reader_id: str) -> None:
    """Attempts on the reader past their deadline nobody polled (the desktop went away)."""
    with tenant_transaction(engine, tenant) as conn:
        stale = conn.execute(select(card_payments).where(
            card_payments.c.reader_id == reader_id, card_payments.c.status == "waiting",
            card_payments.c.expires_at <= datetime.now(UTC))).all()
    for row in stale:
        stop(engine, gateway, tenant, row, "timed_out")


def _by(engine: Engine, tenant: TenantRef, where: Any) -> Any:
    with tenant_transaction(engine, tenant) as conn:
        return conn.execute(select(card_payments).where(where)).first()


def require_attempt(engine: Engine, tenant: TenantRef, attempt_id: UUID) -> Any:
    """The attempt of this tenant (404 otherwise: another tenant's is simply not there)."""
    row = _by(engine, tenant, card_payments.c.id == attempt_id)
    if row is None:
        raise ServiceError(404, "not_found", "No such card payment.")
    return row


def outcome(engine: Engine, gateway: StripeGateway, tenant: TenantRef, attempt_id: UUID,
            wait: float) -> dict[str, Any]:
    """The attempt's state; with ``wait``, hold until it is final (or the wait ends)."""
    deadline = time.monotonic() + wait
    next_poll = time.monotonic() + POLL_EVERY
    while True:
        row = require_attempt(engine, tenant, attempt_id)
        if row.status in FINAL:
            return _attempt(row)
        if row.expires_at is not None and row.expires_at <= datetime.now(UTC):
            return _attempt(stop(engine, gateway, tenant, row, "timed_out"))
        now = time.monotonic()
        if now >= deadline:
            return _attempt(row)
        if now >= next_poll:
            next_poll = now + POLL_EVERY
            try:
                poll(engine, gateway, tenant, row)
            except ServiceError as exc:  # Stripe unreachable: keep waiting for the webhook
                log.warning("polling a card payment failed: %s", exc.code)
            continue
        time.sleep(min(0.2, max(deadline - now, 0.01)))


def poll(engine: Engine, gateway: StripeGateway, tenant: TenantRef, row: Any) -> None:
    """The fallback: ask Stripe how the attempt stands and settle if it is decided."""
    acct = connect.store_account(engine, tenant.id, row.store_id)
    if acct is None or row.stripe_payment_intent_id is None:
        return
    state = gateway.intent(acct.account_id, row.stripe_payment_intent_id)
    if state.status not in ("succeeded", "canceled") and not state.decline_code \
            and row.reader_id:
        failure = gateway.reader_failure(acct.account_id, row.reader_id, state.id)
        if failure == "customer_canceled":
            state = IntentState(id=state.id, status="canceled")
        elif failure and failure != "canceled":  # "canceled": our own cancel_action
            state = IntentState(id=state.id, status=state.status, decline_code=failure)
    settle(engine, tenant, row.id, state)


def stop(engine: Engine, gateway: StripeGateway, tenant: TenantRef, row: Any,
         status: str) -> Any:
    """Cancel on the reader and at Stripe; if the card was tapped first, it is approved.

    The attempt is marked final before Stripe is told, so the webhooks the cancel itself
    raises find nothing left to decide.
    """
    with tenant_transaction(engine, tenant) as conn:
        stopped = conn.execute(update(card_payments).where(
            card_payments.c.id == row.id, card_payments.c.status == "waiting",
        ).values(status=status, settled_at=datetime.now(UTC))).rowcount
    acct = connect.store_account(engine, tenant.id, row.store_id)
    if stopped and acct is not None and row.stripe_payment_intent_id:
        if row.reader_id:
            gateway.cancel_reader_action(acct.account_id, row.reader_id)
        state = gateway.cancel_intent(acct.account_id, row.stripe_payment_intent_id)
        if state.status == "succeeded":
            settle(engine, tenant, row.id, state)
    return require_attempt(engine, tenant, row.id)


def cancel(engine: Engine, gateway: StripeGateway, tenant: TenantRef,
           attempt_id: UUID) -> dict[str, Any]:
    """The clerk pressed Cancel."""
    row = require_attempt(engine, tenant, attempt_id)
    if row.status in FINAL:
        return _attempt(row)
    return _attempt(stop(engine, gateway, tenant, row, "cancelled"))


def settle(engine: Engine, tenant: TenantRef, attempt_id: UUID, state: IntentState) -> bool:
    """Record Stripe's verdict once; returns True if this call decided the attempt.

    A final state is never changed, except by an approval: a cancel or timeout that lost
    the race against the tap (or whose cancel did not reach Stripe) took money all the
    same, so the payment is booked.
    """
    status = _verdict(state)
    if status is None:
        return False
    with tenant_transaction(engine, tenant) as conn:
        row = conn.execute(select(card_payments).where(card_payments.c.id == attempt_id)
                           .with_for_update()).first()
        if row is None or row.status == "approved" or (
                row.status in FINAL and status != "approved"):
            return False
        values: dict[str, Any] = {"status": status, "settled_at": datetime.now(UTC)}
        if status == "declined":
            values["decline_code"] = state.decline_code
        if status == "approved":
            values.update(
                stripe_charge_id=state.charge_id, stripe_customer_id=state.customer_id,
                payment_method_type=state.method_type, card_brand=state.brand,
                card_last4=state.last4 if state.last4 and len(state.last4) == 4 else None,
            )
            values.update(_book(conn, tenant, row, values))
        conn.execute(update(card_payments).where(card_payments.c.id == attempt_id)
                     .values(**values))
    return True


def _verdict(state: IntentState) -> str | None:
    if state.status == "succeeded":
        return "approved"
    if state.status == "canceled":
        return "cancelled"
    if state.decline_code:
        return "declined"
    return None


def _book(conn: Any, tenant: TenantRef, row: Any, card: dict[str, Any]) -> dict[str, Any]:
    """Enter the approved money through the core rules; the feed carries it to desktops."""
    tender = Tender.CARD if row.channel == "terminal" else Tender.PAYMENT_LINK
    details = TenderDetails(
        tender=tender, card_brand=card.get("card_brand"), card_last4=card.get("card_last4"),
        stripe_payment_intent_id=row.stripe_payment_intent_id,
        stripe_charge_id=card.get("stripe_charge_id"),
    )
    payment_id = new_id()
    payload: AddPayment | TakeDeposit
    extra: dict[str, Any] = {"payment_id": payment_id}
    if row.purpose == "deposit":
        deposit_id = new_id()
        extra["deposit_id"] = deposit_id
        payload = TakeDeposit(deposit_id=deposit_id, payment_id=payment_id,
                              contact_id=row.contact_id, details=details,
                              amount_cents=row.amount_cents, work_order_id=row.work_order_id)
    else:
        payload = AddPayment(payment_id=payment_id, invoice_id=row.invoice_id, details=details,
                             amount_cents=row.amount_cents)
    savepoint = conn.begin_nested()
    try:
        apply_server_op(conn, tenant, op_key=f"card:{row.id}", store_id=row.store_id,
                        device_id=row.device_id, payload=payload)
    except JewelTrakError as exc:
        # The money was taken: the attempt stays approved and visible; a person resolves it.
        savepoint.rollback()
        log.error("approved card payment %s could not be booked: %s", row.id, exc.code)
        return {}
    savepoint.commit()
    return extra
