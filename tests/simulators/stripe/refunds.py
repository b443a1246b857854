"""Refunds (API and dashboard) and disputes."""

from __future__ import annotations

from .common import (
    LIST_PARAMS,
    allow,
    dollars,
    list_objects,
    one_of,
    positive_amount,
)
from .errors import StripeApiError, invalid, missing
from .forms import metadata
from .shapes import new_id, now, shape
from .state import Ctx, Obj, Params

REFUND_REASONS = ("duplicate", "fraudulent", "requested_by_customer")
DISPUTE_REASONS = (
    "fraudulent",
    "duplicate",
    "product_not_received",
    "product_unacceptable",
    "subscription_canceled",
    "unrecognized",
    "credit_not_processed",
    "general",
)
EVIDENCE_DAYS = 7


def create_refund(ctx: Ctx, params: Params) -> Obj:
    allow(
        params,
        "charge",
        "payment_intent",
        "amount",
        "reason",
        "metadata",
        "refund_application_fee",
        "reverse_transfer",
        "instructions_email",
    )
    charge = _refundable_charge(ctx, params)
    amount = positive_amount(params, "amount", required_=False)
    remaining = charge["amount_captured"] - charge["amount_refunded"]
    if remaining <= 0:
        raise StripeApiError(
            400, f"Charge {charge['id']} has already been refunded.", code="charge_already_refunded"
        )
    if amount is None:
        amount = remaining
    elif amount > remaining:
        raise invalid(
            "amount",
            f"Refund amount ({dollars(amount)}) is greater than unrefunded amount on "
            f"charge ({dollars(remaining)})",
        )
    reason = one_of(params, "reason", REFUND_REASONS, None)
    return make_refund(ctx, charge, amount, reason, metadata(params))


def _refundable_charge(ctx: Ctx, params: Params) -> Obj:
    charge_id, pi_id = params.get("charge"), params.get("payment_intent")
    if not charge_id and not pi_id:
        raise missing("charge")
    if pi_id:
        pi = ctx.account.get("payment_intent", pi_id, param="payment_intent")
        if pi["status"] != "succeeded" or not pi["latest_charge"]:
            raise StripeApiError(
                400,
                f"This PaymentIntent ({pi_id}) does not have a successful charge to refund.",
                code="charge_not_refundable",
                param="payment_intent",
            )
        if charge_id and charge_id != pi["latest_charge"]:
            raise invalid("charge", "The charge does not belong to that PaymentIntent.")
        charge_id = pi["latest_charge"]
    charge = ctx.account.get("charge", charge_id, param="charge")
    if charge["status"] != "succeeded" or not charge["captured"]:
        raise StripeApiError(
            400,
            f"Charge {charge['id']} cannot be refunded.",
            code="charge_not_refundable",
            param="charge",
        )
    dispute = dispute_of(ctx, charge["id"])
    if dispute is not None and dispute["status"] not in ("won", "warning_closed"):
        raise StripeApiError(
            400,
            f"Charge {charge['id']} has been charged back; cannot issue a refund.",
            code="charge_disputed",
        )
    return charge


def dispute_of(ctx: Ctx, charge_id: str) -> Obj | None:
    """The dispute on ``charge_id``, if any."""
    return next((d for d in ctx.account.all("dispute") if d["charge"] == charge_id), None)


def make_refund(
    ctx: Ctx, charge: Obj, amount: int, reason: str | None, meta: dict[str, str]
) -> Obj:
    """Refund ``amount`` of ``charge`` (already validated) and emit Stripe's events."""
    refund = shape(
        "refund",
        id=new_id("re"),
        amount=amount,
        charge=charge["id"],
        payment_intent=charge["payment_intent"],
        currency=charge["currency"],
        created=now(),
        reason=reason,
        metadata=meta,
        status="succeeded",
        balance_transaction=new_id("txn"),
        payment_method=charge["payment_method"],
        destination_details={
            "type": charge["payment_method_details"]["type"],
            charge["payment_method_details"]["type"]: {},
        },
    )
    ctx.account.put(refund)
    previous = {"amount_refunded": charge["amount_refunded"], "refunded": charge["refunded"]}
    charge["amount_refunded"] += amount
    charge["refunded"] = charge["amount_refunded"] >= charge["amount_captured"]
    charge["refunds"]["data"].insert(0, refund)
    charge["refunds"]["total_count"] = len(charge["refunds"]["data"])
    ctx.emit("charge.refunded", charge, previous)
    ctx.emit("refund.created", refund)
    return refund


def retrieve_refund(ctx: Ctx, params: Params, refund_id: str) -> Obj:
    allow(params)
    return ctx.account.get("refund", refund_id)


def list_refunds(ctx: Ctx, params: Params) -> Obj:
    allow(params, *LIST_PARAMS, "charge", "payment_intent")
    charge, pi = params.get("charge"), params.get("payment_intent")
    return list_objects(
        ctx.account.all("refund"),
        params,
        "/v1/refunds",
        lambda r: (
            (charge is None or r["charge"] == charge) and (pi is None or r["payment_intent"] == pi)
        ),
    )


def open_dispute(ctx: Ctx, charge: Obj, reason: str, amount: int | None) -> Obj:
    """The cardholder's bank disputes ``charge``: funds are withdrawn, evidence is due."""
    if reason not in DISPUTE_REASONS:
        raise ValueError(f"unknown dispute reason {reason!r}")
    if dispute_of(ctx, charge["id"]) is not None:
        raise ValueError(f"{charge['id']} is already disputed")
    card = charge["payment_method_details"]
    brand = card[card["type"]]["brand"]
    dispute = shape(
        "dispute",
        id=new_id("du"),
        amount=amount or charge["amount_captured"] - charge["amount_refunded"],
        charge=charge["id"],
        payment_intent=charge["payment_intent"],
        currency=charge["currency"],
        created=now(),
        reason=reason,
        status="needs_response",
        is_charge_refundable=False,
        payment_method_details={
            "type": "card",
            "card": {
                "brand": brand,
                "case_type": "chargeback",
                "network_reason_code": "10.4",
                "network": brand,
            },
        },
        enhanced_eligibility_types=[],
    )
    dispute["evidence_details"].update(due_by=now() + EVIDENCE_DAYS * 86400, has_evidence=False)
    ctx.account.put(dispute)
    charge["disputed"] = True
    ctx.emit("charge.dispute.created", dispute)
    ctx.emit("charge.dispute.funds_withdrawn", dispute)
    return dispute


def close_dispute(ctx: Ctx, dispute: Obj, status: str) -> Obj:
    """The bank decides: ``won`` reinstates the funds, ``lost`` keeps them withdrawn."""
    if status not in ("won", "lost"):
        raise ValueError("a dispute closes as 'won' or 'lost'")
    previous = {"status": dispute["status"]}
    dispute["status"] = status
    ctx.emit("charge.dispute.closed", dispute, previous)
    if status == "won":
        ctx.emit("charge.dispute.funds_reinstated", dispute)
    return dispute


def retrieve_dispute(ctx: Ctx, params: Params, dispute_id: str) -> Obj:
    allow(params)
    return ctx.account.get("dispute", dispute_id)


def list_disputes(ctx: Ctx, params: Params) -> Obj:
    allow(params, *LIST_PARAMS, "charge", "payment_intent")
    charge = params.get("charge")
    return list_objects(
        ctx.account.all("dispute"),
        params,
        "/v1/disputes",
        lambda d: charge is None or d["charge"] == charge,
    )


def accept_dispute(ctx: Ctx, params: Params, dispute_id: str) -> Obj:
    """``POST /v1/disputes/{id}/close``: the merchant accepts the dispute (it is lost)."""
    allow(params)
    dispute = ctx.account.get("dispute", dispute_id)
    if dispute["status"] in ("won", "lost"):
        raise StripeApiError(400, f"Dispute {dispute_id} is already closed.")
    return close_dispute(ctx, dispute, "lost")


ROUTES = [
    ("POST", r"/v1/refunds", create_refund),
    ("GET", r"/v1/refunds", list_refunds),
    ("GET", r"/v1/refunds/(?P<id>[^/]+)", retrieve_refund),
    ("GET", r"/v1/disputes", list_disputes),
    ("GET", r"/v1/disputes/(?P<id>[^/]+)", retrieve_dispute),
    ("POST", r"/v1/disputes/(?P<id>[^/]+)/close", accept_dispute),
]
