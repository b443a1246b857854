"""HTTP endpoints of card payments. The tenant (and, for a workstation, the store) always
comes from the credential; IDs in paths are looked up inside that tenant only.

Workstation endpoints answer 200 (the desktop's transport treats anything else as failure).
"""

from __future__ import annotations

import html
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import Field, StringConstraints, model_validator
from sqlalchemy import select

from jeweltrak_core.payments.rules import RefundReason
from sync_server.deps import CurrentDevice, CurrentUser, EngineDep, SettingsDep
from sync_server.errors import ServiceError
from sync_server.kit.fields import Cents, InputModel, Label
from sync_server.payments import connect, links, refunds, terminal
from sync_server.payments.gateway_dep import GatewayDep
from sync_server.payments.tables import stripe_accounts

router = APIRouter(tags=["payments"])
Key = Annotated[str, StringConstraints(strip_whitespace=True, min_length=8, max_length=100,
                                       pattern=r"^[A-Za-z0-9_.:-]+$")]
RegistrationCode = Annotated[str, StringConstraints(strip_whitespace=True, min_length=3,
                                                    max_length=64, pattern=r"^[A-Za-z0-9-]+$")]


class ReaderRequest(InputModel):
    """Pair a reader: the label clerks see and the code the reader shows."""

    label: Label
    registration_code: RegistrationCode


class TerminalChargeRequest(InputModel):
    """Charge an invoice (default: its balance) or take a work-order deposit on a reader."""

    reader_id: Annotated[str, StringConstraints(min_length=3, max_length=64)]
    idempotency_key: Key
    invoice_id: UUID | None = None
    work_order_id: UUID | None = None
    amount_cents: Cents | None = None
    timeout_seconds: int = Field(default=120, ge=5, le=600)

    @model_validator(mode="after")
    def _one_target(self) -> TerminalChargeRequest:
        if (self.invoice_id is None) == (self.work_order_id is None):
            raise ValueError("give exactly one of invoice_id and work_order_id")
        return self


class RefundRequest(InputModel):
    """Refund to the card: amount (default: all that is left) and Stripe's reason."""

    reason: RefundReason = RefundReason.REQUESTED_BY_CUSTOMER
    amount_cents: Cents | None = None
    idempotency_key: Key


# --- Connect onboarding (the owner, from a browser or the admin screens) ---------------
@router.post("/v1/stores/{store_id}/stripe/onboarding")
def start_onboarding(store_id: UUID, caller: CurrentUser, engine: EngineDep,
                     settings: SettingsDep, gateway: GatewayDep) -> dict[str, Any]:
    """The Stripe onboarding URL (the connected account is created on the first call)."""
    if not caller.is_owner:
        raise ServiceError(403, "permission_denied",
                           "Only the business owner can connect a store to Stripe.")
    url = connect.start_onboarding(engine, gateway, caller.tenant, store_id,
                                   settings.public_base_url,
                                   settings.secret_key.get_secret_value())
    return {"url": url}


def _status(acct: connect.StoreAccount | None) -> dict[str, Any]:
    if acct is None:
        return {"connected": False, "charges_enabled": False, "details_submitted": False,
                "account_id": None, "location_id": None}
    return {"connected": True, "charges_enabled": acct.charges_enabled,
            "details_submitted": acct.details_submitted, "account_id": acct.account_id,
            "location_id": acct.location_id}


@router.get("/v1/stores/{store_id}/stripe")
def stripe_status(store_id: UUID, caller: CurrentUser, engine: EngineDep,
                  gateway: GatewayDep) -> dict[str, Any]:
    """Whether the store is connected and can take cards (asks Stripe when not yet)."""
    connect.load_store(engine, caller.tenant, store_id)
    acct = connect.store_account(engine, caller.tenant.id, store_id)
    if acct is not None and not acct.charges_enabled:
        acct = connect.refresh_status(engine, gateway, acct)
    return _status(acct)


def _account_for_state(engine: EngineDep, settings: SettingsDep, store_id: UUID,
                       state: str) -> connect.StoreAccount:
    with engine.connect() as conn:
        row = conn.execute(select(stripe_accounts.c.tenant_id).where(
            stripe_accounts.c.store_id == store_id)).first()
    acct = connect.store_account(engine, row.tenant_id, store_id) if row else None
    if acct is None or not connect.state_valid(settings.secret_key.get_secret_value(),
                                                store_id, state):
        raise ServiceError(404, "not_found", "This onboarding link is not valid.")
    return acct


@router.get("/v1/stores/{store_id}/stripe/return", response_class=HTMLResponse,
            include_in_schema=False)
def onboarding_return(store_id: UUID, engine: EngineDep, settings: SettingsDep,
                      gateway: GatewayDep, state: str = Query(max_length=64)) -> HTMLResponse:
    """Where Stripe sends the owner back after onboarding."""
    acct = connect.refresh_status(engine, gateway,
                                  _account_for_state(engine, settings, store_id, state))
    text = ("Card payments are ready for this store. You can close this window."
            if acct.charges_enabled else
            "Stripe still needs some details before this store can take cards; you can "
            "continue from JewelTrak's Settings → Card payments.")
    return HTMLResponse(f"<!doctype html><title>JewelTrak</title><p>{html.escape(text)}</p>")


@router.get("/v1/stores/{store_id}/stripe/refresh", include_in_schema=False)
def onboarding_refresh(store_id: UUID, engine: EngineDep, settings: SettingsDep,
                       gateway: GatewayDep,
                       state: str = Query(max_length=64)) -> RedirectResponse:
    """An expired onboarding link: send the owner to a fresh one."""
    acct = _account_for_state(engine, settings, store_id, state)
    url = connect.onboarding_link(gateway, acct.account_id, store_id, settings.public_base_url,
                                  settings.secret_key.get_secret_value())
    return RedirectResponse(url, status_code=303)


# --- workstation: status, readers, connection tokens ------------------------------------
@router.get("/v1/stripe/status")
def device_stripe_status(device: CurrentDevice, engine: EngineDep) -> dict[str, Any]:
    """The workstation's store: connected, able to take cards."""
    return _status(connect.store_account(engine, device.tenant.id, device.store_id))


def _reader_json(r: Any) -> dict[str, Any]:
    return {"id": r.id, "label": r.label, "location_id": r.location_id, "online": r.online}


@router.post("/v1/terminal/readers")
def pair_reader(body: ReaderRequest, device: CurrentDevice, engine: EngineDep,
                gateway: GatewayDep) -> dict[str, Any]:
    """Register a reader on the store's location (created from its address if needed)."""
    return _reader_json(connect.register_reader(engine, gateway, device.tenant,
                                                device.store_id, body.label,
                                                body.registration_code))


@router.get("/v1/terminal/readers")
def readers(device: CurrentDevice, engine: EngineDep, gateway: GatewayDep) -> dict[str, Any]:
    """The store's readers with their online state."""
    found = connect.list_readers(engine, gateway, device.tenant, device.store_id)
    return {"readers": [_reader_json(r) for r in found]}


@router.post("/v1/terminal/connection_token")
def connection_token(device: CurrentDevice, engine: EngineDep,
                     gateway: GatewayDep) -> dict[str, Any]:
    """A Terminal connection token scoped to the store's location and account."""
    acct = connect.require_charges(engine, device.tenant.id, device.store_id)
    location = connect.ensure_location(engine, gateway, device.tenant, acct)
    return {"secret": gateway.connection_token(acct.account_id, location),
            "location_id": location}


# --- card-present payments ---------------------------------------------------------------
@router.post("/v1/payments/terminal")
def charge_on_reader(body: TerminalChargeRequest, device: CurrentDevice, engine: EngineDep,
                     gateway: GatewayDep) -> dict[str, Any]:
    """Start a charge on the reader; poll ``GET …/{id}?wait=`` for the outcome."""
    req = terminal.ChargeRequest(
        reader_id=body.reader_id, idempotency_key=body.idempotency_key,
        invoice_id=body.invoice_id, work_order_id=body.work_order_id,
        amount_cents=body.amount_cents, timeout_seconds=body.timeout_seconds)
    return terminal.start(engine, gateway, device, req)


@router.get("/v1/payments/terminal/{attempt_id}")
def charge_outcome(attempt_id: UUID, device: CurrentDevice, engine: EngineDep,
                   settings: SettingsDep, gateway: GatewayDep,
                   wait: float = Query(default=0.0, ge=0.0, le=60.0)) -> dict[str, Any]:
    """The charge's state; with ``wait`` the request holds until it is decided."""
    wait = min(wait, settings.long_poll_max_seconds)
    result = terminal.outcome(engine, gateway, device.tenant, attempt_id, wait)
    if result["status"] == "approved" and result["invoice_id"]:
        links.close_if_settled(engine, gateway, device.tenant, UUID(result["invoice_id"]))
    return result


@router.post("/v1/payments/terminal/{attempt_id}/cancel")
def cancel_charge(attempt_id: UUID, device: CurrentDevice, engine: EngineDep,
                  gateway: GatewayDep) -> dict[str, Any]:
    """Stop the reader (``cancel_action``) and cancel the payment intent."""
    return terminal.cancel(engine, gateway, device.tenant, attempt_id)


# --- refunds, disputes, payment links ------------------------------------------------------
@router.post("/v1/payments/{payment_id}/refunds")
def refund_payment(payment_id: UUID, body: RefundRequest, device: CurrentDevice,
                   engine: EngineDep, gateway: GatewayDep) -> dict[str, Any]:
    """Refund to the card (money only; nothing is restocked)."""
    return refunds.refund(engine, gateway, device.tenant, payment_id, body.amount_cents,
                          body.reason, f"{device.device_id}:{body.idempotency_key}")


@router.get("/v1/payments/{payment_id}/refunds")
def payment_refunds(payment_id: UUID, device: CurrentDevice,
                    engine: EngineDep) -> dict[str, Any]:
    """The payment's refunds and the refundable remainder."""
    return refunds.refund_summary(engine, device.tenant, payment_id)


@router.get("/v1/invoices/{invoice_id}/disputes")
def invoice_disputes(invoice_id: UUID, device: CurrentDevice, engine: EngineDep,
                     settings: SettingsDep) -> dict[str, Any]:
    """Chargebacks on the invoice's card payments, with links to Stripe's dashboard."""
    return {"disputes": refunds.disputes_for_invoice(engine, device.tenant, invoice_id,
                                                     settings.stripe_livemode)}


@router.post("/v1/invoices/{invoice_id}/payment_link")
def email_payment_link(invoice_id: UUID, device: CurrentDevice, engine: EngineDep,
                       settings: SettingsDep, gateway: GatewayDep) -> dict[str, Any]:
    """A single-use payment link for the balance, e-mailed to the invoice's customer (P5)."""
    return links.create_and_send(engine, gateway, settings, device, invoice_id)


@router.get("/v1/invoices/{invoice_id}/payment_links")
def invoice_links(invoice_id: UUID, device: CurrentDevice, engine: EngineDep,
                  gateway: GatewayDep) -> dict[str, Any]:
    """The invoice's payment links (open ones are closed if it is already paid)."""
    links.close_if_settled(engine, gateway, device.tenant, invoice_id)
    return {"links": links.links_for_invoice(engine, device.tenant, invoice_id)}
