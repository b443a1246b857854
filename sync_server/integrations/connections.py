"""A tenant's integration connections, ID links and webhook deliveries (its own schema).

Every function takes a connection already inside ``tenant_transaction`` (the tenant's role
and schema), so nothing here can reach another tenant's rows. Tokens go in and out as
plaintext only in memory: the columns hold ``TokenVault`` ciphertext (P9).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Connection

from sync_server.integrations.vault import TokenVault

PROVIDERS = ("shopify", "quickbooks")


@dataclass
class IntegrationConnection:
    """A connected integration with its tokens decrypted (never logged, never returned)."""

    provider: str
    account_ref: str
    access_token: str
    refresh_token: str | None = None
    token_expires_at: datetime | None = None
    settings: dict[str, Any] = field(default_factory=dict)
    status: str = "connected"
    last_error: str | None = None

    def __repr__(self) -> str:  # tokens stay out of reprs, tracebacks and logs
        return (f"IntegrationConnection(provider={self.provider!r}, "
                f"account_ref={self.account_ref!r}, status={self.status!r})")

    def public(self) -> dict[str, Any]:
        """What an API response may say about the connection: no token, ever."""
        return {
            "provider": self.provider,
            "account_ref": self.account_ref,
            "status": self.status,
            "last_error": self.last_error,
            "settings": self.settings,
        }


def _check_provider(provider: str) -> None:
    if provider not in PROVIDERS:
        raise ValueError(f"unknown integration {provider!r}")


def save_connection(conn: Connection, vault: TokenVault, c: IntegrationConnection) -> None:
    """Insert or replace the provider's connection (tokens encrypted)."""
    _check_provider(c.provider)
    conn.exec_driver_sql(
        "INSERT INTO integration_connections (provider, account_ref, status, "
        "access_token_enc, refresh_token_enc, token_expires_at, settings, last_error) "
        "VALUES (%s, %s, %s, %s, %s, %s, %s::jsonb, %s) "
        "ON CONFLICT (provider) DO UPDATE SET account_ref = excluded.account_ref, "
        "status = excluded.status, access_token_enc = excluded.access_token_enc, "
        "refresh_token_enc = excluded.refresh_token_enc, "
        "token_expires_at = excluded.token_expires_at, settings = excluded.settings, "
        "last_error = excluded.last_error, updated_at = now()",
        (
            c.provider,
            c.account_ref,
            c.status,
            vault.encrypt(c.access_token),
            vault.encrypt(c.refresh_token) if c.refresh_token is not None else None,
            c.token_expires_at,
            json.dumps(c.settings),
            c.last_error,
        ),
    )


def load_connection(conn: Connection, vault: TokenVault, provider: str
                    ) -> IntegrationConnection | None:
    """The provider's connection with its tokens decrypted, or None when not connected."""
    _check_provider(provider)
    row = conn.exec_driver_sql(
        "SELECT account_ref, status, access_token_enc, refresh_token_enc, token_expires_at, "
        "settings, last_error FROM integration_connections WHERE provider = %s",
        (provider,),
    ).first()
    if row is None:
        return None
    account_ref, status, access, refresh, expires, settings, last_error = row
    return IntegrationConnection(
        provider=provider,
        account_ref=account_ref,
        access_token=vault.decrypt(access),
        refresh_token=vault.decrypt(refresh) if refresh is not None else None,
        token_expires_at=expires,
        settings=dict(settings or {}),
        status=status,
        last_error=last_error,
    )


def set_status(conn: Connection, provider: str, status: str, last_error: str | None) -> None:
    """Mark the connection (e.g. ``error`` with a sentence for the owner)."""
    conn.exec_driver_sql(
        "UPDATE integration_connections SET status = %s, last_error = %s, updated_at = now() "
        "WHERE provider = %s",
        (status, None if last_error is None else last_error[:500], provider),
    )


def disconnect(conn: Connection, provider: str) -> bool:
    """Forget the connection and its tokens (links and deliveries stay: history)."""
    _check_provider(provider)
    result = conn.exec_driver_sql(
        "DELETE FROM integration_connections WHERE provider = %s", (provider,)
    )
    return bool(result.rowcount)


def rotate_tokens(conn: Connection, vault: TokenVault) -> int:
    """Re-encrypt every stored token of this tenant with the newest key; returns rows."""
    rows = conn.exec_driver_sql(
        "SELECT provider, access_token_enc, refresh_token_enc FROM integration_connections "
        "FOR UPDATE"
    ).all()
    changed = 0
    for provider, access, refresh in rows:
        if vault.is_current(access) and (refresh is None or vault.is_current(refresh)):
            continue
        conn.exec_driver_sql(
            "UPDATE integration_connections SET access_token_enc = %s, "
            "refresh_token_enc = %s, updated_at = now() WHERE provider = %s",
            (vault.rotate(access), vault.rotate(refresh) if refresh is not None else None,
             provider),
        )
        changed += 1
    return changed


def link(conn: Connection, provider: str, entity: str, remote_id: str, local_id: UUID) -> None:
    """Remember that ``remote_id`` of the provider is our ``local_id`` (idempotent)."""
    conn.exec_driver_sql(
        "INSERT INTO integration_links (provider, entity, remote_id, local_id) "
        "VALUES (%s, %s, %s, %s) ON CONFLICT DO NOTHING",
        (provider, entity, remote_id, local_id),
    )


def local_id(conn: Connection, provider: str, entity: str, remote_id: str) -> UUID | None:
    """Our ID of the provider's record, if it was imported or pushed before."""
    row = conn.exec_driver_sql(
        "SELECT local_id FROM integration_links WHERE provider = %s AND entity = %s "
        "AND remote_id = %s",
        (provider, entity, remote_id),
    ).first()
    return None if row is None else UUID(str(row[0]))


def remote_id(conn: Connection, provider: str, entity: str, local: UUID) -> str | None:
    """The provider's ID of our record, if it was imported or pushed before."""
    row = conn.exec_driver_sql(
        "SELECT remote_id FROM integration_links WHERE provider = %s AND entity = %s "
        "AND local_id = %s",
        (provider, entity, local),
    ).first()
    return None if row is None else str(row[0])


def first_delivery(conn: Connection, provider: str, event_id: str) -> bool:
    """True the first time a webhook delivery ID is seen (replays return False)."""
    row = conn.exec_driver_sql(
        "INSERT INTO integration_events (provider, event_id) VALUES (%s, %s) "
        "ON CONFLICT DO NOTHING RETURNING 1",
        (provider, event_id[:200]),
    ).first()
    return row is not None
