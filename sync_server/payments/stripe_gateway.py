"""The service's only door to Stripe: a ``stripe.StripeClient`` and plain results.

Every call for a store passes that store's connected account (``Stripe-Account``, P4:
direct charges on the merchant's own account); only account creation runs on the platform.
What comes back is reduced at once to the P3 fields, so nothing else can be stored by mistake.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from typing import Any

import stripe

from sync_server.config import Settings
from sync_server.errors import ServiceError

log = logging.getLogger(__name__)
CURRENCY = "usd"
# stripe-python logs whole response bodies (client secrets among them) at DEBUG and every
# request URL at INFO; the service logs its own outcome lines instead (P13).
logging.getLogger("stripe").setLevel(logging.WARNING)


@dataclass(frozen=True)
class IntentState:
    """A PaymentIntent as far as JewelTrak cares: outcome plus P3 metadata."""

    id: str
    status: str
    charge_id: str | None = None
    customer_id: str | None = None
    method_type: str | None = None
    brand: str | None = None
    last4: str | None = None
    decline_code: str | None = None


@dataclass(frozen=True)
class RefundInfo:
    """A Stripe refund: ID, amount, reason, status (P3)."""

    id: str
    amount_cents: int
    reason: str | None
    status: str


@dataclass(frozen=True)
class ReaderInfo:
    """A Terminal reader: ID, label, location, online state."""

    id: str
    label: str
    location_id: str | None
    online: bool


def derived_key(*parts: object) -> str:
    """A Stripe idempotency key derived from our own identifiers (stable across retries)."""
    digest = hashlib.sha256("|".join(str(p) for p in parts).encode()).hexdigest()
    return f"jt-{digest[:48]}"


def _get(obj: Any, *path: str) -> Any:
    for name in path:
        if obj is None:
            return None
        obj = obj.get(name) if hasattr(obj, "get") else getattr(obj, name, None)
    return obj


def _unavailable(exc: stripe.StripeError) -> ServiceError:
    code = getattr(exc, "code", None) or type(exc).__name__
    log.warning("Stripe request failed: %s (HTTP %s)", code, getattr(exc, "http_status", None))
    if isinstance(exc, stripe.APIConnectionError) or (exc.http_status or 500) >= 500:
        return ServiceError(502, "stripe_unavailable",
                            "Stripe cannot be reached right now; try the card again shortly.")
    message = exc.user_message if isinstance(exc.user_message, str) else None
    return ServiceError(
        422, "stripe_refused",
        (message or "Stripe refused this request") .rstrip(".") + ".",
        stripe_code=str(code),
    )


class StripeGateway:
    """Stripe calls for one service instance (thread-safe: StripeClient is)."""

    def __init__(self, settings: Settings) -> None:
        key = settings.stripe_secret_key.get_secret_value()
        if not key:
            raise ServiceError(409, "payments_not_configured",
                               "Card payments are not set up on this service yet.")
        self.livemode = settings.stripe_livemode
        self.client = stripe.StripeClient(
            key, base_addresses={"api": settings.stripe_api_base}, max_network_retries=2,
        )

    def _call(self, fn: Any, *args: Any, account: str | None, key: str | None = None) -> Any:
        options: dict[str, Any] = {}
        if account is not None:
            options["stripe_account"] = account
        if key is not None:
            options["idempotency_key"] = key
        try:
            return fn(*args, options=options)
        except stripe.StripeError as exc:
            raise _unavailable(exc) from None

    # --- Connect ------------------------------------------------------------------
    def create_account(self, store_key: str) -> str:
        """A new Standard connected account (the platform's only own call)."""
        acct = self._call(self.client.v1.accounts.create, {"type": "standard"},
                          account=None, key=derived_key("account", store_key))
        return str(acct.id)

    def account_link(self, account: str, refresh_url: str, return_url: str) -> str:
        """A one-time onboarding URL on Stripe."""
        link = self._call(self.client.v1.account_links.create, {
            "account": account, "refresh_url": refresh_url, "return_url": return_url,
            "type": "account_onboarding",
        }, account=None)
        return str(link.url)

    def account_status(self, account: str) -> tuple[bool, bool]:
        """(charges_enabled, details_submitted)."""
        acct = self._call(self.client.v1.accounts.retrieve, account, account=None)
        return bool(_get(acct, "charges_enabled")), bool(_get(acct, "details_submitted"))

    # --- Terminal -----------------------------------------------------------------
    def create_location(self, account: str, name: str, address: dict[str, str],
                        key: str) -> str:
        loc = self._call(self.client.v1.terminal.locations.create,
                         {"display_name": name, "address": address}, account=account, key=key)
        return str(loc.id)

    def register_reader(self, account: str, location: str, code: str, label: str) -> ReaderInfo:
        reader = self._call(self.client.v1.terminal.readers.create, {
            "registration_code": code, "label": label, "location": location,
        }, account=account)
        return _reader(reader)

    def list_readers(self, account: str, location: str) -> list[ReaderInfo]:
        page = self._call(self.client.v1.terminal.readers.list,
                          {"location": location, "limit": 100}, account=account)
        return [_reader(r) for r in page.data]

    def connection_token(self, account: str, location: str) -> str:
        token = self._call(self.client.v1.terminal.connection_tokens.create,
                           {"location": location}, account=account)
        return str(token.secret)

    # --- payments -----------------------------------------------------------------
    def create_terminal_intent(self, account: str, amount: int, metadata: dict[str, str],
                               key: str) -> str:
        pi = self._call(self.client.v1.payment_intents.create, {
            "amount": amount, "currency": CURRENCY,
            "allowed_payment_method_types": ["card_present"],
            "capture_method": "automatic", "metadata": metadata,
        }, account=account, key=key)
        return str(pi.id)

    def process_on_reader(self, account: str, reader: str, intent: str, key: str) -> None:
        self._call(self.client.v1.terminal.readers.process_payment_intent, reader,
                   {"payment_intent": intent}, account=account, key=key)

    def cancel_reader_action(self, account: str, reader: str) -> None:
        """Stop what the reader is doing; a reader already idle is fine."""
        try:
            self.client.v1.terminal.readers.cancel_action(
                reader, options={"stripe_account": account})
        except stripe.StripeError as exc:
            log.info("cancel_action on reader: %s", getattr(exc, "code", type(exc).__name__))

    def cancel_intent(self, account: str, intent: str) -> IntentState:
        """Cancel the PaymentIntent so a late tap cannot charge; returns its final state."""
        try:
            self.client.v1.payment_intents.cancel(intent, options={"stripe_account": account})
        except stripe.StripeError as exc:
            # Already succeeded (the card was tapped first) or already cancelled.
            log.info("cancel payment intent: %s", getattr(exc, "code", type(exc).__name__))
        return self.intent(account, intent)

    def intent(self, account: str, intent: str) -> IntentState:
        """The PaymentIntent's outcome and the P3 fields of its charge."""
        pi = self._call(self.client.v1.payment_intents.retrieve, intent,
                        {"expand": ["latest_charge"]}, account=account)
        charge = _get(pi, "latest_charge")
        if isinstance(charge, str):
            charge = self._call(self.client.v1.charges.retrieve, charge, account=account)
        error = _get(pi, "last_payment_error")
        details = _get(charge, "payment_method_details")
        method = _get(details, "type")
        card = _get(details, method) if isinstance(method, str) else None
        return IntentState(
            id=str(pi.id),
            status=str(_get(pi, "status")),
            charge_id=_get(charge, "id"),
            customer_id=_str_or_none(_get(pi, "customer")),
            method_type=method,
            brand=_get(card, "brand"),
            last4=_get(card, "last4"),
            decline_code=(_get(error, "decline_code") or _get(error, "code")) if error else None,
        )

    def reader_failure(self, account: str, reader: str, intent: str) -> str | None:
        """Stripe's failure code if the reader's action for ``intent`` failed."""
        obj = self._call(self.client.v1.terminal.readers.retrieve, reader, account=account)
        action = _get(obj, "action")
        if _get(action, "status") != "failed":
            return None
        if _get(action, "process_payment_intent", "payment_intent") not in (intent, None):
            return None
        return str(_get(action, "failure_code") or "declined")

    # --- refunds ------------------------------------------------------------------
    def refund(self, account: str, charge: str, amount: int, reason: str, key: str) -> RefundInfo:
        obj = self._call(self.client.v1.refunds.create,
                         {"charge": charge, "amount": amount, "reason": reason},
                         account=account, key=key)
        return _refund(obj)

    def refunds_of(self, account: str, charge: str) -> list[RefundInfo]:
        page = self._call(self.client.v1.refunds.list, {"charge": charge, "limit": 100},
                          account=account)
        return [_refund(r) for r in page.data]

    # --- payment links ------------------------------------------------------------
    def create_payment_link(self, account: str, amount: int, name: str,
                            metadata: dict[str, str], key: str) -> tuple[str, str]:
        price = self._call(self.client.v1.prices.create, {
            "currency": CURRENCY, "unit_amount": amount, "product_data": {"name": name},
        }, account=account, key=key + "-price")
        link = self._call(self.client.v1.payment_links.create, {
            "line_items": [{"price": price.id, "quantity": 1}],
            "restrictions": {"completed_sessions": {"limit": 1}},
            "metadata": metadata,
            "payment_intent_data": {"metadata": metadata},
        }, account=account, key=key)
        return str(link.id), str(link.url)

    def deactivate_link(self, account: str, link: str) -> None:
        self._call(self.client.v1.payment_links.update, link, {"active": False},
                   account=account)


def _str_or_none(value: Any) -> str | None:
    if value is None:
        return None
    return value if isinstance(value, str) else _get(value, "id")


def _reader(obj: Any) -> ReaderInfo:
    return ReaderInfo(
        id=str(obj.id), label=str(_get(obj, "label") or ""),
        location_id=_str_or_none(_get(obj, "location")),
        online=_get(obj, "status") == "online",
    )


def _refund(obj: Any) -> RefundInfo:
    return RefundInfo(id=str(obj.id), amount_cents=int(_get(obj, "amount")),
                      reason=_get(obj, "reason"), status=str(_get(obj, "status")))
