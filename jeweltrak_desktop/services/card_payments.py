"""The workstation's client for card payments: readers, charges, refunds, links, disputes.

Stripe keys never reach the desktop: every call goes to the JewelTrak service with this
workstation's device credential, over the same ``SyncTransport`` the sync worker uses (so
TLS rules, timeouts and error mapping are the same). Calls block on the network: run them
off the UI thread (``run_op``). Without the service no card can be taken, and
``CardPaymentsUnavailable`` says so in a sentence for the clerk.

Approved payments and refunds reach the local store through the sync feed, like any other
change made on the service; nothing here writes to the local database.
"""

from __future__ import annotations

import base64
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import httpx

from jeweltrak_core.errors import JewelTrakError
from jeweltrak_core.payments.rules import RefundReason
from jeweltrak_desktop.sync.errors import BadResponse, Offline, RequestRefused, SyncError
from jeweltrak_desktop.sync.transport import SyncTransport

FINAL_STATES = frozenset({"approved", "declined", "cancelled", "timed_out"})
OFFLINE_SENTENCE = (
    "Card payments need the JewelTrak service, which cannot be reached right now; take cash "
    "or a check, or try the card again when the connection is back."
)


class CardPaymentsUnavailable(JewelTrakError):
    """No card can be taken now (offline, not paired, store not connected to Stripe)."""

    code = "card_payments_unavailable"


class CardPaymentRefused(JewelTrakError):
    """The service refused the request; ``message`` says why (over-refund, no e-mail …)."""

    code = "card_payment_refused"


@dataclass(frozen=True)
class StripeStatus:
    """Whether this workstation's store can take cards."""

    connected: bool
    charges_enabled: bool


@dataclass(frozen=True)
class Reader:
    """A card reader paired with the store."""

    id: str
    label: str
    online: bool


@dataclass(frozen=True)
class ChargeStatus:
    """A charge on a reader as the banner shows it."""

    id: UUID
    status: str  # waiting / approved / declined / cancelled / timed_out
    amount_cents: int
    message: str
    decline_code: str | None = None
    card_brand: str | None = None
    card_last4: str | None = None
    payment_id: UUID | None = None
    deposit_id: UUID | None = None

    @property
    def final(self) -> bool:
        """The charge is decided; the banner can stop waiting."""
        return self.status in FINAL_STATES


@dataclass(frozen=True)
class Refundable:
    """What was paid by card, what was refunded, what is left."""

    amount_cents: int
    refunded_cents: int
    refundable_cents: int


@dataclass(frozen=True)
class RefundResult:
    """A refund sent back to the card."""

    stripe_refund_id: str
    amount_cents: int
    reason: str | None


@dataclass(frozen=True)
class PaymentLink:
    """A payment link e-mailed to the invoice's customer."""

    url: str
    amount_cents: int
    status: str


@dataclass(frozen=True)
class DisputeInfo:
    """A chargeback on one of the invoice's card payments."""

    stripe_dispute_id: str
    amount_cents: int
    reason: str
    status: str
    evidence_due_by: str | None
    dashboard_url: str


def _need(data: Any, key: str, kind: type | tuple[type, ...]) -> Any:
    if not isinstance(data, dict) or not isinstance(data.get(key), kind) or \
            (isinstance(data.get(key), bool) and kind is int):
        raise BadResponse("The JewelTrak service sent an answer this app cannot read.",
                          where=key)
    return data[key]


def _opt_uuid(value: Any) -> UUID | None:
    return UUID(value) if isinstance(value, str) else None


def _charge(data: Any) -> ChargeStatus:
    return ChargeStatus(
        id=UUID(_need(data, "id", str)), status=_need(data, "status", str),
        amount_cents=_need(data, "amount_cents", int), message=_need(data, "message", str),
        decline_code=data.get("decline_code"), card_brand=data.get("card_brand"),
        card_last4=data.get("card_last4"), payment_id=_opt_uuid(data.get("payment_id")),
        deposit_id=_opt_uuid(data.get("deposit_id")),
    )


class CardPayments:
    """Card payment calls for one paired workstation."""

    def __init__(self, transport: SyncTransport) -> None:
        self.transport = transport

    def _call(self, method: str, path: str, *, body: Any = None,
              params: dict[str, Any] | None = None, read_timeout: float = 30.0) -> Any:
        timeout = httpx.Timeout(connect=5.0, read=read_timeout, write=30.0, pool=5.0)
        try:
            return self.transport.request(method, path, json_body=body, params=params,
                                          timeout=timeout)
        except Offline:
            raise CardPaymentsUnavailable(OFFLINE_SENTENCE, reason="offline") from None
        except RequestRefused as exc:
            if exc.details.get("service_code") in ("stripe_not_connected",
                                                   "stripe_onboarding_incomplete",
                                                   "payments_not_configured"):
                raise CardPaymentsUnavailable(exc.message,
                                              reason=exc.details["service_code"]) from None
            raise CardPaymentRefused(exc.message, **exc.details) from None
        except SyncError:
            raise

    # --- setup --------------------------------------------------------------------
    def status(self) -> StripeStatus:
        """Whether the store is connected to Stripe and may take cards."""
        data = self._call("GET", "/v1/stripe/status")
        return StripeStatus(_need(data, "connected", bool), _need(data, "charges_enabled", bool))

    def readers(self) -> list[Reader]:
        """The store's readers with their online state."""
        data = self._call("GET", "/v1/terminal/readers")
        return [Reader(_need(r, "id", str), _need(r, "label", str), _need(r, "online", bool))
                for r in _need(data, "readers", list)]

    def pair_reader(self, label: str, registration_code: str) -> Reader:
        """Register a reader (the code it shows) under a label clerks recognise."""
        r = self._call("POST", "/v1/terminal/readers",
                       body={"label": label, "registration_code": registration_code})
        return Reader(_need(r, "id", str), _need(r, "label", str), _need(r, "online", bool))

    def pick_reader(self) -> Reader:
        """The reader to use when the clerk has no choice to make: the only online one."""
        online = [r for r in self.readers() if r.online]
        if len(online) != 1:
            raise CardPaymentRefused(
                "Choose a card reader." if online else
                "No card reader is online; check that it is on and connected.")
        return online[0]

    # --- charges ------------------------------------------------------------------
    def charge_invoice(self, invoice_id: UUID, reader_id: str, *,
                       amount_cents: int | None = None, key: str | None = None,
                       timeout_seconds: int = 120) -> ChargeStatus:
        """Start a charge for the balance (or ``amount_cents``) on the reader."""
        body: dict[str, Any] = {"invoice_id": str(invoice_id)}
        if amount_cents is not None:
            body["amount_cents"] = amount_cents
        return self._start(body, reader_id, key, timeout_seconds)

    def charge_deposit(self, work_order_id: UUID, reader_id: str, amount_cents: int, *,
                       key: str | None = None, timeout_seconds: int = 120) -> ChargeStatus:
        """Take a work-order deposit on the reader."""
        body = {"work_order_id": str(work_order_id), "amount_cents": amount_cents}
        return self._start(body, reader_id, key, timeout_seconds)

    def _start(self, body: dict[str, Any], reader_id: str, key: str | None,
               timeout_seconds: int) -> ChargeStatus:
        body.update(reader_id=reader_id, idempotency_key=key or uuid.uuid4().hex,
                    timeout_seconds=timeout_seconds)
        return _charge(self._call("POST", "/v1/payments/terminal", body=body))

    def poll(self, charge_id: UUID, wait_seconds: float = 20.0) -> ChargeStatus:
        """The charge's state; the service holds the request until it is decided."""
        data = self._call("GET", f"/v1/payments/terminal/{charge_id}",
                          params={"wait": wait_seconds}, read_timeout=wait_seconds + 15.0)
        return _charge(data)

    def wait(self, charge_id: UUID, *, limit_seconds: float = 180.0,
             on_update: Callable[[ChargeStatus], None] | None = None) -> ChargeStatus:
        """Long-poll until the charge is decided (the service times it out itself)."""
        deadline = time.monotonic() + limit_seconds
        while True:
            state = self.poll(charge_id, min(20.0, max(deadline - time.monotonic(), 0.0)))
            if on_update is not None:
                on_update(state)
            if state.final or time.monotonic() >= deadline:
                return state

    def cancel(self, charge_id: UUID) -> ChargeStatus:
        """Stop the reader; if the card was already tapped the answer is ``approved``."""
        return _charge(self._call("POST", f"/v1/payments/terminal/{charge_id}/cancel"))

    # --- after the payment --------------------------------------------------------
    def refundable(self, payment_id: UUID) -> Refundable:
        """What may still be refunded of a card payment."""
        data = self._call("GET", f"/v1/payments/{payment_id}/refunds")
        return Refundable(_need(data, "amount_cents", int), _need(data, "refunded_cents", int),
                          _need(data, "refundable_cents", int))

    def refund(self, payment_id: UUID, *, amount_cents: int | None = None,
               reason: RefundReason = RefundReason.REQUESTED_BY_CUSTOMER,
               key: str | None = None) -> RefundResult:
        """Refund to the card (default: all that is left); money only, nothing restocked."""
        body: dict[str, Any] = {"reason": reason.value, "idempotency_key": key or uuid.uuid4().hex}
        if amount_cents is not None:
            body["amount_cents"] = amount_cents
        data = self._call("POST", f"/v1/payments/{payment_id}/refunds", body=body)
        return RefundResult(_need(data, "stripe_refund_id", str),
                            _need(data, "amount_cents", int), data.get("reason"))

    def email_payment_link(self, invoice_id: UUID) -> PaymentLink:
        """E-mail a single-use payment link for the balance to the invoice's customer."""
        data = self._call("POST", f"/v1/invoices/{invoice_id}/payment_link")
        return PaymentLink(_need(data, "url", str), _need(data, "amount_cents", int),
                           _need(data, "status", str))

    def email_document(self, contact_id: UUID, *, subject: str, filename: str, pdf: bytes,
                       note: str = "") -> str:
        """E-mail a PDF to the contact's stored address (the request names no address)."""
        body = {"contact_id": str(contact_id), "subject": subject, "note": note,
                "filename": filename, "pdf_base64": base64.b64encode(pdf).decode("ascii")}
        data = self._call("POST", "/v1/email/document", body=body)
        return str(_need(data, "message_id", str))

    def disputes(self, invoice_id: UUID) -> list[DisputeInfo]:
        """The invoice's chargebacks, each with its Stripe dashboard link."""
        data = self._call("GET", f"/v1/invoices/{invoice_id}/disputes")
        return [DisputeInfo(_need(d, "stripe_dispute_id", str), _need(d, "amount_cents", int),
                            _need(d, "reason", str), _need(d, "status", str),
                            d.get("evidence_due_by"), _need(d, "dashboard_url", str))
                for d in _need(data, "disputes", list)]
