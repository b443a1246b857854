"""Charges: what a presented card makes of a PaymentIntent, and reading them back."""

from __future__ import annotations

from typing import Any

from .cards import CardOutcome
from .common import LIST_PARAMS, allow, list_objects
from .shapes import new_id, now, shape, stripe_list
from .state import Ctx, Obj, Params


def retrieve_charge(ctx: Ctx, params: Params, charge_id: str) -> Obj:
    allow(params)
    return ctx.account.get("charge", charge_id)


def list_charges(ctx: Ctx, params: Params) -> Obj:
    allow(params, *LIST_PARAMS, "payment_intent", "customer")
    wanted = params.get("payment_intent")
    return list_objects(
        ctx.account.all("charge"),
        params,
        "/v1/charges",
        lambda c: wanted is None or c["payment_intent"] == wanted,
    )


def card_details(method_type: str, card: CardOutcome) -> dict[str, Any]:
    """``payment_method_details`` as Stripe reports a card: brand and last four, no number."""
    details: dict[str, Any] = {
        "brand": card.brand,
        "country": "US",
        "exp_month": 12,
        "exp_year": 2030,
        "fingerprint": new_id("fp", 14)[3:],
        "funding": card.funding,
        "last4": card.last4,
        "network": card.brand,
    }
    if method_type == "card_present":
        details.update(
            amount_authorized=None,
            cardholder_name=None,
            read_method="contactless_emv",
            offline=None,
            wallet={"type": "unknown"},
            receipt={
                "account_type": card.funding,
                "application_preferred_name": card.brand.upper(),
                "authorization_response_code": "3030" if card.approved else "3035",
            },
        )
    return {"type": method_type, method_type: details}


def settle(ctx: Ctx, pi: Obj, method_type: str, card: CardOutcome) -> Obj:
    """A card met ``pi``: make the charge, move the intent on, emit Stripe's events."""
    pm_id = new_id("pm")
    charge = _new_charge(pi, pm_id, method_type, card)
    ctx.account.put(charge)
    pi["latest_charge"] = charge["id"]
    if card.approved:
        manual = pi["capture_method"] == "manual"
        charge["payment_method_details"][method_type]["amount_authorized"] = pi["amount"]
        pi.update(
            payment_method=pm_id,
            last_payment_error=None,
            status="requires_capture" if manual else "succeeded",
            amount_capturable=pi["amount"] if manual else 0,
            amount_received=0 if manual else pi["amount"],
        )
        ctx.emit("charge.succeeded", charge)
        ctx.emit(
            "payment_intent.amount_capturable_updated" if manual else "payment_intent.succeeded", pi
        )
        return charge
    pi.update(
        payment_method=None,
        status="requires_payment_method",
        last_payment_error={
            "type": "card_error",
            "code": card.code,
            "decline_code": card.decline_code,
            "message": card.message,
            "charge": charge["id"],
            "doc_url": f"https://stripe.com/docs/error-codes/{(card.code or '').replace('_', '-')}",
            "payment_method": {
                "id": pm_id,
                "object": "payment_method",
                "type": method_type,
                method_type: charge["payment_method_details"][method_type],
            },
        },
    )
    ctx.emit("charge.failed", charge)
    ctx.emit("payment_intent.payment_failed", pi)
    return charge


def _new_charge(pi: Obj, pm_id: str, method_type: str, card: CardOutcome) -> Obj:
    charge_id = new_id("ch")
    approved = card.approved
    captured = approved and pi["capture_method"] != "manual"
    return shape(
        "charge",
        id=charge_id,
        amount=pi["amount"],
        amount_captured=pi["amount"] if captured else 0,
        amount_refunded=0,
        currency=pi["currency"],
        created=now(),
        captured=captured,
        paid=approved,
        status="succeeded" if approved else "failed",
        failure_code=card.code,
        failure_message=card.message,
        payment_intent=pi["id"],
        payment_method=pm_id,
        payment_method_details=card_details(method_type, card),
        outcome=_outcome(card),
        metadata=dict(pi["metadata"]),
        description=pi["description"],
        billing_details={**shape("charge")["billing_details"], "name": None},
        balance_transaction=new_id("txn") if approved else None,
        receipt_url=f"https://pay.stripe.com/receipts/payment/{new_id('r', 40)[2:]}",
        refunds=stripe_list(f"/v1/charges/{charge_id}/refunds", []),
        source=None,
        transfer_data=None,
        calculated_statement_descriptor="JEWELTRAK",
    )


def _outcome(card: CardOutcome) -> Obj:
    if card.approved:
        return {
            "network_status": "approved_by_network",
            "reason": None,
            "risk_level": "normal",
            "seller_message": "Payment complete.",
            "type": "authorized",
            "advice_code": None,
            "network_advice_code": None,
            "network_decline_code": None,
        }
    return {
        "network_status": "declined_by_network",
        "reason": card.decline_code,
        "risk_level": "normal",
        "seller_message": "The bank did not return any further details with this decline.",
        "type": "issuer_declined",
        "advice_code": "try_again_later",
        "network_advice_code": None,
        "network_decline_code": None,
    }


ROUTES = [
    ("GET", r"/v1/charges", list_charges),
    ("GET", r"/v1/charges/(?P<id>[^/]+)", retrieve_charge),
]
