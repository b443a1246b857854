"""The tenant's QuickBooks connection: connect (callback), fresh tokens, status, disconnect.

Tokens are handled as plaintext only in memory: ``connections.save_connection`` encrypts
them (P9). A refresh runs while the connection row is locked (``FOR UPDATE``), so two
processes never spend the same rotating refresh token twice; Intuit's newest refresh token
is saved in the same transaction.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from sqlalchemy import Connection, Engine, select

from sync_server.db.engine import tenant_transaction
from sync_server.db.names import TenantRef
from sync_server.db.platform_tables import accounts
from sync_server.integrations import connections
from sync_server.integrations.connections import IntegrationConnection
from sync_server.integrations.quickbooks.errors import (
    RECONNECT,
    AuthorizationRefused,
    NotConnected,
)
from sync_server.integrations.quickbooks.oauth import IntuitOAuth, TokenSet
from sync_server.integrations.quickbooks.settings import QuickBooksSettings
from sync_server.integrations.quickbooks.state import InvalidState, sign_state, verify_state
from sync_server.integrations.vault import TokenVault, VaultError
from sync_server.tenancy import tenant_by_id

PROVIDER = "quickbooks"
log = logging.getLogger(__name__)


class BadCallback(Exception):
    """The callback cannot be trusted or completed; nothing was stored."""


@dataclass(frozen=True)
class Connected:
    """What a finished connect tells the owner (no token)."""

    tenant_id: UUID
    realm_id: str


def connect_url(oauth: IntuitOAuth, qbo: QuickBooksSettings, *, secret: str,
                tenant_id: UUID, user_id: UUID, redirect_uri: str) -> str:
    """Intuit's consent URL with a state signed for this tenant and owner."""
    state = sign_state(secret, tenant_id, user_id, seconds=qbo.state_seconds)
    return oauth.authorize_url(state, redirect_uri)


def _owner_still(engine: Engine, tenant_id: UUID, user_id: UUID) -> bool:
    with engine.connect() as conn:
        row = conn.execute(select(accounts.c.is_owner, accounts.c.disabled_at).where(
            accounts.c.user_id == user_id, accounts.c.tenant_id == tenant_id)).first()
    return row is not None and bool(row.is_owner) and row.disabled_at is None


def complete_connect(engine: Engine, vault: TokenVault, oauth: IntuitOAuth, *, secret: str,
                     state: str, code: str, realm_id: str, redirect_uri: str) -> Connected:
    """Verify the state, spend its nonce, trade the code for tokens, store them encrypted."""
    try:
        signed = verify_state(secret, state)
    except InvalidState as exc:
        raise BadCallback("This QuickBooks link is invalid or has expired; start the "
                          "connection again from Settings → Integrations.") from exc
    if not realm_id.isdigit() or len(realm_id) > 32 or not code or len(code) > 512:
        raise BadCallback("QuickBooks sent back an incomplete answer; start the connection "
                          "again.")
    tenant = tenant_by_id(engine, signed.tenant_id)
    if tenant is None or not _owner_still(engine, signed.tenant_id, signed.user_id):
        raise BadCallback("Only the business owner can connect QuickBooks.")
    with tenant_transaction(engine, tenant) as conn:
        fresh = connections.first_delivery(conn, PROVIDER, f"oauth-state:{signed.nonce}")
    if not fresh:
        raise BadCallback("This QuickBooks link was used already; start the connection "
                          "again.")
    tokens = oauth.exchange_code(code, redirect_uri)
    with tenant_transaction(engine, tenant) as conn:
        previous = _readable(conn, vault)
        settings = dict(previous.settings) if previous and previous.account_ref == realm_id \
            else {}
        settings["connected_by"] = str(signed.user_id)
        connections.save_connection(conn, vault, _connection(realm_id, tokens, settings))
    log.info("quickbooks connected: tenant=%s realm=%s", tenant.id, realm_id)
    return Connected(tenant_id=tenant.id, realm_id=realm_id)


def _readable(conn: Connection, vault: TokenVault) -> IntegrationConnection | None:
    """The stored connection, or None when absent or sealed with a key no longer held."""
    try:
        return connections.load_connection(conn, vault, PROVIDER)
    except VaultError:
        log.warning("quickbooks tokens cannot be decrypted with the configured keys")
        return None


def _connection(realm_id: str, tokens: TokenSet, settings: dict[str, Any]
                ) -> IntegrationConnection:
    if tokens.refresh_expires_at is not None:
        settings["refresh_expires_at"] = tokens.refresh_expires_at.isoformat()
    return IntegrationConnection(
        provider=PROVIDER, account_ref=realm_id, access_token=tokens.access_token,
        refresh_token=tokens.refresh_token, token_expires_at=tokens.expires_at,
        settings=settings, status="connected", last_error=None,
    )


def fresh_connection(engine: Engine, tenant: TenantRef, vault: TokenVault, oauth: IntuitOAuth,
                     qbo: QuickBooksSettings, *, force: bool = False) -> IntegrationConnection:
    """The connection with an access token valid for a while (refreshed when near expiry).

    A refused refresh (``invalid_grant``) marks the connection ``error`` with the sentence
    telling the owner to reconnect, and raises ``AuthorizationRefused``.
    """
    refused: AuthorizationRefused | None = None
    with tenant_transaction(engine, tenant) as conn:
        locked = conn.exec_driver_sql(
            "SELECT status, last_error FROM integration_connections WHERE provider = %s "
            "FOR UPDATE", (PROVIDER,)).first()
        if locked is None:
            raise NotConnected("QuickBooks is not connected; the owner connects it in "
                               "Settings → Integrations.")
        if locked.status != "connected":
            raise NotConnected(locked.last_error or RECONNECT)
        current = connections.load_connection(conn, vault, PROVIDER)
        assert current is not None and current.refresh_token is not None
        margin = timedelta(seconds=qbo.refresh_margin_seconds)
        expires = current.token_expires_at
        if not force and expires is not None and expires - margin > datetime.now(UTC):
            return current
        try:
            tokens = oauth.refresh(current.refresh_token)
        except AuthorizationRefused as exc:
            connections.set_status(conn, PROVIDER, "error", RECONNECT)
            refused = exc
        else:
            renewed = _connection(current.account_ref, tokens, dict(current.settings))
            connections.save_connection(conn, vault, renewed)
            log.info("quickbooks token refreshed: tenant=%s", tenant.id)
            return renewed
    log.warning("quickbooks refresh refused (%s): tenant=%s marked error",
                refused.oauth_error, tenant.id)
    raise refused


def status(engine: Engine, tenant: TenantRef) -> dict[str, Any]:
    """What the owner may see: realm, state, last error, problems, counts — no token."""
    with tenant_transaction(engine, tenant) as conn:
        row = conn.exec_driver_sql(
            "SELECT account_ref, status, last_error, connected_at, token_expires_at, settings "
            "FROM integration_connections WHERE provider = %s", (PROVIDER,)).first()
        pushed = conn.exec_driver_sql(
            "SELECT count(*) FROM integration_links WHERE provider = %s AND entity = 'invoice'",
            (PROVIDER,)).scalar_one()
    if row is None:
        return {"provider": PROVIDER, "status": "not_connected", "realm_id": None,
                "last_error": None, "connected_at": None, "problems": [],
                "pushed_invoices": int(pushed)}
    settings = dict(row.settings or {})
    problems = [{"invoice_id": key, **{k: v for k, v in value.items() if k != "attempt"}}
                for key, value in sorted((settings.get("problems") or {}).items())]
    return {"provider": PROVIDER, "status": row.status, "realm_id": row.account_ref,
            "last_error": row.last_error, "connected_at": row.connected_at.isoformat(),
            "problems": problems, "pushed_invoices": int(pushed)}


def disconnect(engine: Engine, tenant: TenantRef, vault: TokenVault, oauth: IntuitOAuth
               ) -> dict[str, Any]:
    """Revoke the grant at Intuit, then forget the tokens (links stay: they are history)."""
    with tenant_transaction(engine, tenant) as conn:
        current = _readable(conn, vault)  # undecryptable: nothing to revoke; still forget
        revoked = False
        if current is not None and current.refresh_token is not None:
            revoked = oauth.revoke(current.refresh_token)
        existed = connections.disconnect(conn, PROVIDER)
    return {"disconnected": existed, "revoked_at_intuit": revoked}
