"""Payment links: a single-use Stripe Payment Link for an invoice's balance, e-mailed (P5).

The link lives on the store's connected account; the customer pays on Stripe's hosted page;
``checkout.session.completed`` posts the payment (through ``terminal.settle``, tender
``payment_link``). A link whose invoice is settled another way is deactivated.
"""

from __future__ import annotations

import logging
from typing import Any
from uuid import UUID

from fastapi import FastAPI
from sqlalchemy import Engine, select, update

from jeweltrak_core.errors import ValidationError
from jeweltrak_core.ids import new_id
from jeweltrak_core.money import format_money
from jeweltrak_core.sales.entities import Invoice
from jeweltrak_core.store.entities import Store
from sync_server.config import Settings
from sync_server.db.engine import tenant_transaction
from sync_server.db.names import TenantRef
from sync_server.deps import DeviceContext
from sync_server.email import resend
from sync_server.errors import ServiceError
from sync_server.kit import entity_docs
from sync_server.payments import connect, terminal
from sync_server.payments.gateway_dep import gateway_for
from sync_server.payments.stripe_gateway import StripeGateway, derived_key
from sync_server.payments.tables import card_payments, payment_links

log = logging.getLogger(__name__)


def create_and_send(engine: Engine, gateway: StripeGateway, settings: Settings,
                    device: DeviceContext, invoice_id: UUID) -> dict[str, Any]:
    """Make the link for the balance and e-mail it to the invoice's customer."""
    tenant = device.tenant
    acct = connect.require_charges(engine, tenant.id, device.store_id)
    with tenant_transaction(engine, tenant) as conn:
        invoice = entity_docs.require(conn, Invoice, invoice_id, "invoice")
        store = entity_docs.require(conn, Store, device.store_id, "store")
        name, email = resend.contact_email(conn, invoice.contact_id)
    balance = invoice.balance_cents
    if balance <= 0:
        raise ValidationError(f"Invoice {invoice.number} has nothing left to pay.")
    link_id = new_id()
    plink, url = gateway.create_payment_link(
        acct.account_id, balance, f"{store.name} invoice {invoice.number}",
        {"jeweltrak_link": str(link_id), "invoice_number": invoice.number},
        key=derived_key("link", tenant.id, link_id),
    )
    with tenant_transaction(engine, tenant) as conn:
        conn.execute(payment_links.insert().values(
            id=link_id, store_id=device.store_id, invoice_id=invoice_id, amount_cents=balance,
            stripe_payment_link_id=plink, url=url, status="active"))
    resend.send(settings, resend.Message(
        to=email,
        subject=f"{store.name}: invoice {invoice.number} ({format_money(balance)})",
        text=(f"Hello {name},\n\nYou can pay invoice {invoice.number} from {store.name} "
              f"({format_money(balance)}) securely on Stripe:\n\n{url}\n\nThank you!"),
    ))
    return {"id": str(link_id), "url": url, "amount_cents": balance, "status": "active",
            "stripe_payment_link_id": plink, "emailed": True}


def link_paid(engine: Engine, gateway: StripeGateway, tenant: TenantRef, account: str,
              session: dict[str, Any]) -> bool:
    """``checkout.session.completed`` for one of our links: post the payment once."""
    plink = session.get("payment_link")
    intent = session.get("payment_intent")
    if not isinstance(plink, str) or not isinstance(intent, str) or \
            session.get("payment_status") != "paid":
        return False
    with tenant_transaction(engine, tenant) as conn:
        link = conn.execute(select(payment_links).where(
            payment_links.c.stripe_payment_link_id == plink).with_for_update()).first()
        if link is None:
            return False
        attempt = conn.execute(select(card_payments.c.id).where(
            card_payments.c.stripe_payment_intent_id == intent)).scalar()
        if attempt is None:
            attempt = new_id()
            amount = int(session.get("amount_total") or link.amount_cents)
            conn.execute(card_payments.insert().values(
                id=attempt, store_id=link.store_id, channel="payment_link",
                purpose="invoice", invoice_id=link.invoice_id, amount_cents=amount,
                status="waiting", stripe_payment_intent_id=intent))
            conn.execute(update(payment_links).where(payment_links.c.id == link.id)
                         .values(status="paid", card_payment_id=attempt))
    decided = terminal.settle(engine, tenant, attempt, gateway.intent(account, intent))
    _deactivate(engine, gateway, tenant, account, plink)
    return decided


def _deactivate(engine: Engine, gateway: StripeGateway, tenant: TenantRef, account: str,
                plink: str) -> None:
    try:
        gateway.deactivate_link(account, plink)
    except Exception as exc:  # the link is single-use anyway; log and carry on
        log.warning("could not deactivate payment link: %s", type(exc).__name__)


def close_if_settled(engine: Engine, gateway: StripeGateway, tenant: TenantRef,
                     invoice_id: UUID) -> int:
    """Deactivate the invoice's open links once nothing is owed (paid another way)."""
    with tenant_transaction(engine, tenant) as conn:
        invoice = entity_docs.load(conn, Invoice, invoice_id)
        if invoice is None or invoice.balance_cents > 0:
            return 0
        links = conn.execute(update(payment_links).where(
            payment_links.c.invoice_id == invoice_id, payment_links.c.status == "active",
        ).values(status="deactivated").returning(
            payment_links.c.store_id, payment_links.c.stripe_payment_link_id)).all()
    for store_id, plink in links:
        acct = connect.store_account(engine, tenant.id, store_id)
        if acct is not None:
            _deactivate(engine, gateway, tenant, acct.account_id, plink)
    return len(links)


def links_for_invoice(engine: Engine, tenant: TenantRef, invoice_id: UUID) -> list[dict[str, Any]]:
    """The invoice's payment links, newest first."""
    with tenant_transaction(engine, tenant) as conn:
        rows = conn.execute(select(payment_links).where(
            payment_links.c.invoice_id == invoice_id)
            .order_by(payment_links.c.created_at.desc())).all()
    return [{"id": str(r.id), "url": r.url, "amount_cents": r.amount_cents, "status": r.status,
             "stripe_payment_link_id": r.stripe_payment_link_id} for r in rows]


def close_links_after_push(app: FastAPI, engine: Engine, tenant: TenantRef,
                           invoice_ids: set[UUID]) -> int:
    """After a push touched these invoices: close the links of any now settled.

    Runs as a background task after the push has answered (a Stripe call must not hold
    up a workstation's upload). One query finds the invoices that have an active link at
    all; most pushes touch none, and then nothing else happens.
    """
    if not invoice_ids:
        return 0
    with tenant_transaction(engine, tenant) as conn:
        linked = set(conn.execute(select(payment_links.c.invoice_id).where(
            payment_links.c.invoice_id.in_(invoice_ids),
            payment_links.c.status == "active",
        ).distinct()).scalars())
    if not linked:
        return 0
    try:
        gateway = gateway_for(app)
    except ServiceError:  # Stripe not configured here: nothing could have been linked
        return 0
    return sum(close_if_settled(engine, gateway, tenant, i) for i in sorted(linked, key=str))
