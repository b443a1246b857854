"""Stripe Connect per store: the connected account, its Terminal location, its readers.

The connected account and location IDs live in ``platform.stripe_accounts`` (routing data:
a webhook names an account, and the service must find the tenant before entering it).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import time
from dataclasses import dataclass
from uuid import UUID

from sqlalchemy import Engine, insert, select, update

from jeweltrak_core.errors import ValidationError
from jeweltrak_core.store.entities import Store
from sync_server.db.engine import tenant_transaction
from sync_server.db.names import TenantRef
from sync_server.errors import ServiceError
from sync_server.kit import entity_docs
from sync_server.payments.stripe_gateway import ReaderInfo, StripeGateway, derived_key
from sync_server.payments.tables import stripe_accounts, terminal_readers

_ZIP_LINE = re.compile(r"^(?P<city>.+?)[,\s]+(?P<state>[A-Z]{2})\s+(?P<zip>\d{5}(-\d{4})?)$")


@dataclass(frozen=True)
class StoreAccount:
    """A store's connected account and Terminal location."""

    tenant_id: UUID
    store_id: UUID
    account_id: str
    location_id: str | None
    charges_enabled: bool
    details_submitted: bool


def _row(row: object) -> StoreAccount:
    return StoreAccount(
        tenant_id=row.tenant_id, store_id=row.store_id,  # type: ignore[attr-defined]
        account_id=row.account_id, location_id=row.location_id,  # type: ignore[attr-defined]
        charges_enabled=row.charges_enabled,  # type: ignore[attr-defined]
        details_submitted=row.details_submitted,  # type: ignore[attr-defined]
    )


def store_account(engine: Engine, tenant_id: UUID, store_id: UUID) -> StoreAccount | None:
    """The store's connected account, if onboarding was started."""
    with engine.connect() as conn:
        row = conn.execute(select(stripe_accounts).where(
            stripe_accounts.c.store_id == store_id, stripe_accounts.c.tenant_id == tenant_id,
        )).first()
    return None if row is None else _row(row)


def account_by_stripe_id(engine: Engine, account_id: str) -> StoreAccount | None:
    """Which tenant's store a connected account belongs to (webhook routing)."""
    with engine.connect() as conn:
        row = conn.execute(
            select(stripe_accounts).where(stripe_accounts.c.account_id == account_id)
        ).first()
    return None if row is None else _row(row)


def require_charges(engine: Engine, tenant_id: UUID, store_id: UUID) -> StoreAccount:
    """The store's account, able to take payments, or a 409 saying what to do."""
    acct = store_account(engine, tenant_id, store_id)
    if acct is None:
        raise ServiceError(409, "stripe_not_connected",
                           "This store is not connected to Stripe yet; the owner starts "
                           "that in Settings → Card payments.")
    if not acct.charges_enabled:
        raise ServiceError(409, "stripe_onboarding_incomplete",
                           "Stripe has not enabled card payments for this store yet; the "
                           "owner must finish Stripe's onboarding.")
    return acct


def load_store(engine: Engine, tenant: TenantRef, store_id: UUID) -> Store:
    """The tenant's store (404 when it is not one of theirs)."""
    with tenant_transaction(engine, tenant) as conn:
        return entity_docs.require(conn, Store, store_id, "store")


STATE_SECONDS = 24 * 3600


def state_token(secret: str, store_id: UUID, expires: int | None = None) -> str:
    """Signs onboarding return/refresh URLs (for a day) so nobody can ask for another
    store's onboarding link, nor reuse an old URL forever."""
    expires = int(time.time()) + STATE_SECONDS if expires is None else expires
    mac = hmac.new(secret.encode(), f"onboarding:{store_id}:{expires}".encode(),
                   hashlib.sha256).hexdigest()[:32]
    return f"{expires}.{mac}"


def state_valid(secret: str, store_id: UUID, state: str) -> bool:
    """Whether ``state`` was signed for this store and has not expired."""
    expires, _, _ = state.partition(".")
    if not expires.isdigit() or int(expires) < time.time():
        return False
    return hmac.compare_digest(state_token(secret, store_id, int(expires)), state)


def start_onboarding(engine: Engine, gateway: StripeGateway, tenant: TenantRef,
                     store_id: UUID, base_url: str, secret: str) -> str:
    """The account link URL; the connected account is created on the first call."""
    load_store(engine, tenant, store_id)
    acct = store_account(engine, tenant.id, store_id)
    if acct is None:
        account_id = gateway.create_account(f"{tenant.id}:{store_id}")
        with engine.begin() as conn:
            conn.execute(insert(stripe_accounts).values(
                store_id=store_id, tenant_id=tenant.id, account_id=account_id))
    else:
        account_id = acct.account_id
    return onboarding_link(gateway, account_id, store_id, base_url, secret)


def onboarding_link(gateway: StripeGateway, account_id: str, store_id: UUID, base_url: str,
                    secret: str) -> str:
    """A fresh account link for the store (links expire after minutes)."""
    state = state_token(secret, store_id)
    root = f"{base_url.rstrip('/')}/v1/stores/{store_id}/stripe"
    return gateway.account_link(account_id, f"{root}/refresh?state={state}",
                                f"{root}/return?state={state}")


def refresh_status(engine: Engine, gateway: StripeGateway, acct: StoreAccount) -> StoreAccount:
    """Ask Stripe whether the account can take charges now, and remember it."""
    charges, submitted = gateway.account_status(acct.account_id)
    set_status(engine, acct.account_id, charges, submitted)
    return StoreAccount(acct.tenant_id, acct.store_id, acct.account_id, acct.location_id,
                        charges, submitted)


def set_status(engine: Engine, account_id: str, charges: bool, submitted: bool) -> None:
    """Record an account's capabilities (onboarding return, ``account.updated``)."""
    with engine.begin() as conn:
        conn.execute(update(stripe_accounts)
                     .where(stripe_accounts.c.account_id == account_id)
                     .values(charges_enabled=charges, details_submitted=submitted))


def stripe_address(address: str) -> dict[str, str]:
    """``"12 Main St, Orlando, FL 32801"`` (or on lines) → Stripe's address, or 422."""
    parts = [p.strip() for p in re.split(r"[\n,]", address) if p.strip()]
    if len(parts) >= 2:
        tail = " ".join(parts[-2:]) if len(parts) >= 3 else parts[-1]
        match = _ZIP_LINE.match(tail)
        if match and (len(parts) >= 3 or match.group("city")):
            line1 = parts[0]
            line2 = ", ".join(parts[1:-2]) if len(parts) > 3 else ""
            result = {"line1": line1, "city": match.group("city").strip(" ,"),
                      "state": match.group("state"), "postal_code": match.group("zip"),
                      "country": "US"}
            if line2:
                result["line2"] = line2
            return result
    raise ValidationError(
        "Stripe needs the store's full address (street, city, state and ZIP, e.g. "
        "“12 Main St, Orlando, FL 32801”); enter it in Settings → Store first.",
        field="address",
    )


def ensure_location(engine: Engine, gateway: StripeGateway, tenant: TenantRef,
                    acct: StoreAccount) -> str:
    """The store's Terminal location, created from its address the first time."""
    if acct.location_id:
        return acct.location_id
    store = load_store(engine, tenant, acct.store_id)
    location = gateway.create_location(
        acct.account_id, store.name, stripe_address(store.address),
        key=derived_key("location", acct.account_id, acct.store_id),
    )
    with engine.begin() as conn:
        conn.execute(update(stripe_accounts)
                     .where(stripe_accounts.c.account_id == acct.account_id,
                            stripe_accounts.c.location_id.is_(None))
                     .values(location_id=location))
        stored = conn.execute(select(stripe_accounts.c.location_id).where(
            stripe_accounts.c.account_id == acct.account_id)).scalar_one()
    return str(stored)


def register_reader(engine: Engine, gateway: StripeGateway, tenant: TenantRef,
                    store_id: UUID, label: str, code: str) -> ReaderInfo:
    """Pair an S710 with the store's location (its code is shown on the reader)."""
    acct = require_charges(engine, tenant.id, store_id)
    location = ensure_location(engine, gateway, tenant, acct)
    reader = gateway.register_reader(acct.account_id, location, code, label)
    with tenant_transaction(engine, tenant) as conn:
        conn.execute(insert(terminal_readers).values(
            id=reader.id, store_id=store_id, location_id=location, label=label))
    return reader


def list_readers(engine: Engine, gateway: StripeGateway, tenant: TenantRef,
                 store_id: UUID) -> list[ReaderInfo]:
    """The store's readers with their online state (from Stripe)."""
    acct = require_charges(engine, tenant.id, store_id)
    if not acct.location_id:
        return []
    return gateway.list_readers(acct.account_id, acct.location_id)


def require_reader(engine: Engine, tenant: TenantRef, store_id: UUID, reader_id: str) -> None:
    """404 unless the reader was paired to this store."""
    with tenant_transaction(engine, tenant) as conn:
        found = conn.execute(select(terminal_readers.c.id).where(
            terminal_readers.c.id == reader_id, terminal_readers.c.store_id == store_id,
        )).first()
    if found is None:
        raise ServiceError(404, "not_found",
                           "That card reader is not paired with this store; pair it in "
                           "Settings → Card readers.")
