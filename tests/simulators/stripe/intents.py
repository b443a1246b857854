"""PaymentIntents and charges, including what a presented card does to them."""

from __future__ import annotations

import copy

from . import cards
from .charges import settle
from .common import (
    LIST_PARAMS,
    allow,
    list_objects,
    one_of,
    positive_amount,
    required_str,
)
from .errors import StripeApiError, invalid, no_such, unexpected_state
from .forms import integer, metadata, string_list
from .shapes import new_id, now, shape
from .state import Ctx, Obj, Params

CAPTURE_METHODS = ("automatic", "automatic_async", "manual")
CANCELABLE = (
    "requires_payment_method",
    "requires_capture",
    "requires_confirmation",
    "requires_action",
    "processing",
)
CANCEL_REASONS = ("duplicate", "fraudulent", "requested_by_customer", "abandoned")
CREATE_PARAMS = (
    "amount",
    "currency",
    "payment_method_types",
    "allowed_payment_method_types",
    "excluded_payment_method_types",
    "capture_method",
    "metadata",
    "description",
    "receipt_email",
    "statement_descriptor",
    "statement_descriptor_suffix",
    "customer",
    "confirm",
)
MINIMUM_CHARGE = 50  # Stripe's minimum for usd, in cents
PMT_REMOVED = "2026-09-30"  # endive: payment_method_types no longer writable
ALLOWED_ADDED = "2026-07-29"  # dahlia: allowed_payment_method_types added
DYNAMIC_TYPES = ("card", "link")
COMPATIBLE_TYPES = ("card", "card_present", "link", "interac_present")


def create_payment_intent(ctx: Ctx, params: Params) -> Obj:
    allow(params, *CREATE_PARAMS)
    amount = positive_amount(params, "amount", required_=True)
    assert amount is not None
    currency = required_str(params, "currency").lower()
    if amount < MINIMUM_CHARGE and currency == "usd":
        raise StripeApiError(
            400, "Amount must be at least $0.50 usd", code="amount_too_small", param="amount"
        )
    if params.get("confirm") not in (None, "false"):
        raise invalid("confirm", "The simulator creates PaymentIntents unconfirmed only.")
    _require_charges_enabled(ctx)
    allowed, types = _method_types(ctx, params)
    pi_id = new_id("pi")
    pi = shape(
        "payment_intent",
        id=pi_id,
        amount=amount,
        currency=currency,
        created=now(),
        client_secret=f"{pi_id}_secret_{new_id('x', 25)[2:]}",
        payment_method_types=types,
        allowed_payment_method_types=allowed,
        automatic_payment_methods=None
        if allowed or "payment_method_types" in params
        else {"enabled": True, "allow_redirects": "always"},
        capture_method=one_of(params, "capture_method", CAPTURE_METHODS, "automatic_async"),
        metadata=metadata(params),
        description=params.get("description"),
        receipt_email=params.get("receipt_email"),
        statement_descriptor=params.get("statement_descriptor"),
        statement_descriptor_suffix=params.get("statement_descriptor_suffix"),
        customer=params.get("customer"),
        payment_method_options={t: {} for t in types},
        **BLANK_FIELDS,
    )
    pi.pop("managed_payments", None)
    ctx.emit("payment_intent.created", ctx.account.put(pi))
    return pi


BLANK_FIELDS: dict[str, None] = dict.fromkeys(
    (
        "canceled_at",
        "last_payment_error",
        "next_action",
        "processing",
        "shipping",
        "transfer_data",
        "payment_method_configuration_details",
    )
)
"""Fields whose example values in the fixture describe a different PaymentIntent."""


def _method_types(ctx: Ctx, params: Params) -> tuple[list[str] | None, list[str]]:
    """(allowed_payment_method_types, payment_method_types) as the request's API version has it.

    From 2026-09-30 (endive) ``payment_method_types`` is read-only: a request naming it gets
    ``payment_method_types_no_longer_supported``; ``allowed_payment_method_types`` (from
    2026-07-29) filters to the compatible types instead. Without either, dynamic payment
    methods apply, which never include ``card_present``.
    """
    version = ctx.api_version[:10]
    if "payment_method_types" in params:
        if version >= PMT_REMOVED:
            raise StripeApiError(
                400,
                "payment_method_types is no longer supported on this API version; use "
                "allowed_payment_method_types or excluded_payment_method_types instead.",
                code="payment_method_types_no_longer_supported",
                param="payment_method_types",
            )
        if "allowed_payment_method_types" in params:
            raise invalid(
                "allowed_payment_method_types",
                "You may only specify one of "
                "these parameters: allowed_payment_method_types, payment_method_types.",
            )
        return None, string_list(params, "payment_method_types") or ["card"]
    allowed = string_list(params, "allowed_payment_method_types")
    if allowed is None:
        excluded = string_list(params, "excluded_payment_method_types") or []
        return None, [t for t in DYNAMIC_TYPES if t not in excluded]
    if version < ALLOWED_ADDED:
        raise StripeApiError(
            400,
            "Received unknown parameter: allowed_payment_method_types",
            code="parameter_unknown",
            param="allowed_payment_method_types",
        )
    compatible = [t for t in allowed if t in COMPATIBLE_TYPES]
    if not compatible:
        raise invalid(
            "allowed_payment_method_types",
            "None of the allowed payment method types can be used with this PaymentIntent.",
        )
    return allowed, compatible


def _require_charges_enabled(ctx: Ctx) -> None:
    account = ctx.account.obj
    if account is not None and not account["charges_enabled"]:
        raise StripeApiError(
            400,
            "Your account cannot currently make charges: finish onboarding "
            "(details_submitted) before creating payments.",
            code="account_invalid",
        )


TEST_PAYMENT_METHODS = {
    "pm_card_visa": "4242424242424242",
    "pm_card_mastercard": "5555555555554444",
    "pm_card_amex": "378282246310005",
    "pm_card_chargeDeclined": "4000000000000002",
    "pm_card_chargeDeclinedInsufficientFunds": "4000000000009995",
    "pm_card_chargeDeclinedLostCard": "4000000000009987",
    "pm_card_chargeDeclinedStolenCard": "4000000000009979",
    "pm_card_chargeDeclinedExpiredCard": "4000000000000069",
    "pm_card_chargeDeclinedIncorrectCvc": "4000000000000127",
    "pm_card_chargeDeclinedProcessingError": "4000000000000119",
}
"""Stripe's test PaymentMethod IDs for card-not-present confirms (no number ever sent)."""


def confirm_payment_intent(ctx: Ctx, params: Params, pi_id: str) -> Obj:
    """Confirm a ``card`` intent with a test PaymentMethod; a decline is a 402 card_error."""
    allow(params, "payment_method", "return_url", "off_session", "capture_method")
    pi = ctx.account.get("payment_intent", pi_id)
    if pi["status"] not in ("requires_payment_method", "requires_confirmation"):
        raise unexpected_state("payment_intent", pi_id, pi["status"], "confirm")
    pm = required_str(params, "payment_method")
    if pm not in TEST_PAYMENT_METHODS:
        raise no_such("PaymentMethod", pm, "payment_method")
    if "card" not in pi["payment_method_types"]:
        raise invalid("payment_method", "This PaymentIntent does not accept card payments.")
    charge = settle(ctx, pi, "card", cards.outcome_for(TEST_PAYMENT_METHODS[pm]))
    if charge["status"] == "succeeded":
        return pi
    error = pi["last_payment_error"]
    raise StripeApiError(
        402,
        error["message"],
        type_="card_error",
        code=error["code"],
        extra={
            "decline_code": error["decline_code"],
            "charge": charge["id"],
            "payment_intent": copy.deepcopy(pi),
        },
        keep_events=True,
    )


def retrieve_payment_intent(ctx: Ctx, params: Params, pi_id: str) -> Obj:
    allow(params, "client_secret")
    return ctx.account.get("payment_intent", pi_id)


def update_payment_intent(ctx: Ctx, params: Params, pi_id: str) -> Obj:
    allow(params, "amount", "metadata", "description", "receipt_email")
    pi = ctx.account.get("payment_intent", pi_id)
    amount = positive_amount(params, "amount", required_=False)
    if amount is not None:
        if pi["status"] not in ("requires_payment_method", "requires_confirmation"):
            raise unexpected_state("payment_intent", pi_id, pi["status"], "update the amount of")
        pi["amount"] = amount
    pi["metadata"] = metadata(params, pi["metadata"])
    for name in ("description", "receipt_email"):
        if name in params:
            pi[name] = params[name] or None
    return pi


def list_payment_intents(ctx: Ctx, params: Params) -> Obj:
    allow(params, *LIST_PARAMS, "customer")
    return list_objects(ctx.account.all("payment_intent"), params, "/v1/payment_intents")


def cancel_payment_intent(ctx: Ctx, params: Params, pi_id: str) -> Obj:
    allow(params, "cancellation_reason")
    pi = ctx.account.get("payment_intent", pi_id)
    if pi["status"] not in CANCELABLE:
        raise StripeApiError(
            400,
            f"You cannot cancel this PaymentIntent because it has a status of {pi['status']}. "
            f"Only a PaymentIntent with one of the following statuses may be canceled: "
            f"{', '.join(CANCELABLE)}.",
            code="payment_intent_unexpected_state",
        )
    for reader in ctx.account.all("terminal.reader"):
        action = reader["action"]
        if (
            action
            and action["status"] == "in_progress"
            and pi_id == action.get("process_payment_intent", {}).get("payment_intent")
        ):
            action.update(
                status="failed",
                failure_code="canceled",
                failure_message="The PaymentIntent was canceled.",
            )
            ctx.emit("terminal.reader.action_failed", reader)
    pi["status"] = "canceled"
    pi["canceled_at"] = now()
    pi["cancellation_reason"] = one_of(params, "cancellation_reason", CANCEL_REASONS, None)
    ctx.emit("payment_intent.canceled", pi)
    return pi


def capture_payment_intent(ctx: Ctx, params: Params, pi_id: str) -> Obj:
    allow(params, "amount_to_capture", "metadata")
    pi = ctx.account.get("payment_intent", pi_id)
    if pi["status"] != "requires_capture":
        raise unexpected_state("payment_intent", pi_id, pi["status"], "capture")
    amount = integer(params, "amount_to_capture") or pi["amount_capturable"]
    if amount > pi["amount_capturable"]:
        raise invalid("amount_to_capture", "The amount to capture is more than was authorized.")
    charge = ctx.account.get("charge", pi["latest_charge"])
    charge.update(captured=True, amount_captured=amount, amount_refunded=0)
    pi.update(status="succeeded", amount_received=amount, amount_capturable=0)
    pi["metadata"] = metadata(params, pi["metadata"])
    ctx.emit("charge.captured", charge)
    ctx.emit("payment_intent.succeeded", pi)
    return pi


ROUTES = [
    ("POST", r"/v1/payment_intents", create_payment_intent),
    ("GET", r"/v1/payment_intents", list_payment_intents),
    ("GET", r"/v1/payment_intents/(?P<id>[^/]+)", retrieve_payment_intent),
    ("POST", r"/v1/payment_intents/(?P<id>[^/]+)", update_payment_intent),
    ("POST", r"/v1/payment_intents/(?P<id>[^/]+)/cancel", cancel_payment_intent),
    ("POST", r"/v1/payment_intents/(?P<id>[^/]+)/capture", capture_payment_intent),
    ("POST", r"/v1/payment_intents/(?P<id>[^/]+)/confirm", confirm_payment_intent),
]
