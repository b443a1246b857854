"""``POST /v1/stripe/webhooks``: Connect events, verified, each processed once.

- The signature is checked with ``stripe.Webhook.construct_event`` against the raw body;
  a bad or missing one → 400 and nothing is stored.
- An event whose ``livemode`` differs from the service's is acknowledged and ignored.
- Events already in ``platform.stripe_events`` are acknowledged without work. Handlers are
  idempotent anyway (row locks, Stripe IDs as keys, payment intents re-read from Stripe),
  so concurrent duplicates and out-of-order delivery cannot record anything twice or
  undo a later state. The event ID is recorded after its handler succeeded; a failing
  handler answers 500 and Stripe delivers again.
- Only P3 fields reach the tables: handlers pick them out of the object; payloads are never
  stored or logged.
"""

from __future__ import annotations

import logging
from typing import Any

import stripe
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import Engine, select
from sqlalchemy.dialects.postgresql import insert
from starlette.concurrency import run_in_threadpool

from sync_server.db.engine import tenant_transaction
from sync_server.db.names import TenantRef
from sync_server.payments import connect, links, refunds, terminal
from sync_server.payments.gateway_dep import gateway_for
from sync_server.payments.stripe_gateway import StripeGateway
from sync_server.payments.tables import card_payments, stripe_events
from sync_server.tenancy import tenant_by_id

log = logging.getLogger(__name__)
router = APIRouter(tags=["stripe"])

_INTENT_EVENTS = frozenset({
    "payment_intent.succeeded", "payment_intent.payment_failed", "payment_intent.canceled",
    "charge.succeeded", "charge.failed",
    "terminal.reader.action_succeeded", "terminal.reader.action_failed",
})
_REFUND_EVENTS = frozenset({"charge.refunded", "charge.refund.updated", "refund.created",
                            "refund.updated"})


@router.post("/v1/stripe/webhooks", include_in_schema=False)
async def stripe_webhook(request: Request) -> JSONResponse:
    """Receive one Connect event."""
    settings = request.app.state.settings
    payload = await request.body()
    signature = request.headers.get("stripe-signature", "")
    secret = settings.stripe_webhook_secret.get_secret_value()
    try:
        if not secret:
            raise ValueError("no webhook secret configured")
        event = stripe.Webhook.construct_event(payload, signature, secret)
    except (ValueError, stripe.SignatureVerificationError):
        return JSONResponse({"error": {"code": "bad_signature", "message":
                            "The Stripe signature does not match this body.", "details": {}}},
                            status_code=400)
    data = event.to_dict()
    if bool(data.get("livemode")) != settings.stripe_livemode:
        return JSONResponse({"received": True, "ignored": "livemode"})
    engine: Engine = request.app.state.engine
    result = await run_in_threadpool(_handle, engine, gateway_for(request.app), data)
    return JSONResponse({"received": True, "result": result})


def _seen(engine: Engine, event_id: str) -> bool:
    with engine.connect() as conn:
        return conn.execute(select(stripe_events.c.event_id).where(
            stripe_events.c.event_id == event_id)).first() is not None


def _handle(engine: Engine, gateway: StripeGateway, event: dict[str, Any]) -> str:
    event_id, event_type = str(event.get("id")), str(event.get("type"))
    if _seen(engine, event_id):
        return "duplicate"
    account = event.get("account")
    acct = connect.account_by_stripe_id(engine, account) if isinstance(account, str) else None
    result = "ignored"
    if acct is not None:
        tenant = tenant_by_id(engine, acct.tenant_id)
        obj = (event.get("data") or {}).get("object") or {}
        if tenant is not None:
            result = _dispatch(engine, gateway, tenant, acct, event_type, obj)
    with engine.begin() as conn:
        conn.execute(insert(stripe_events).values(
            event_id=event_id, event_type=event_type[:80],
            account_id=account if isinstance(account, str) else None,
        ).on_conflict_do_nothing())
    return result


def _dispatch(engine: Engine, gateway: StripeGateway, tenant: TenantRef,
              acct: connect.StoreAccount, event_type: str, obj: dict[str, Any]) -> str:
    if event_type in _INTENT_EVENTS:
        return _intent_event(engine, gateway, tenant, acct, _intent_id(event_type, obj))
    if event_type in _REFUND_EVENTS:
        charge = obj.get("id") if event_type == "charge.refunded" else obj.get("charge")
        if isinstance(charge, str):
            refunds.sync_refunds(engine, gateway, tenant, acct.account_id, charge)
            return "refunds"
        return "ignored"
    if event_type.startswith("charge.dispute."):
        return "dispute" if refunds.record_dispute(engine, tenant, obj) else "ignored"
    if event_type == "checkout.session.completed":
        links.link_paid(engine, gateway, tenant, acct.account_id, obj)
        return "payment_link"
    if event_type == "account.updated":
        connect.set_status(engine, acct.account_id, bool(obj.get("charges_enabled")),
                           bool(obj.get("details_submitted")))
        return "account"
    return "ignored"


def _intent_id(event_type: str, obj: dict[str, Any]) -> str | None:
    if event_type.startswith("terminal.reader."):
        action = obj.get("action") or {}
        value = (action.get("process_payment_intent") or {}).get("payment_intent")
    elif event_type.startswith("charge."):
        value = obj.get("payment_intent")
    else:
        value = obj.get("id")
    if isinstance(value, dict):
        value = value.get("id")
    return value if isinstance(value, str) else None


def _intent_event(engine: Engine, gateway: StripeGateway, tenant: TenantRef,
                  acct: connect.StoreAccount, intent: str | None) -> str:
    """The event says something happened to a payment; Stripe's current state decides."""
    if intent is None:
        return "ignored"
    with tenant_transaction(engine, tenant) as conn:
        row = conn.execute(select(card_payments).where(
            card_payments.c.stripe_payment_intent_id == intent)).first()
    if row is None or row.status == "approved":
        return "ignored"  # a cancelled or timed-out attempt is re-read: a late tap counts
    terminal.poll(engine, gateway, tenant, row)
    if row.invoice_id is not None:
        links.close_if_settled(engine, gateway, tenant, row.invoice_id)
    return "payment"
