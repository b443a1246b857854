"""Intuit's OAuth 2.0 endpoints: authorize URL, code exchange, refresh, revoke.

The token endpoint takes ``application/x-www-form-urlencoded`` with HTTP Basic
``client_id:client_secret``; it answers ``access_token`` (an hour), ``refresh_token``
(which Intuit rotates: always keep the newest one), ``expires_in`` and
``x_refresh_token_expires_in``. A refused grant is a 400 ``{"error": "invalid_grant"}``.
The revoke endpoint takes JSON ``{"token": …}`` (the refresh token revokes the whole grant).
Nothing here logs a request or response body.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

import httpx

from sync_server.integrations.quickbooks.errors import (
    RECONNECT,
    AuthorizationRefused,
    NotConfigured,
    Unavailable,
)
from sync_server.integrations.quickbooks.settings import SCOPE, QuickBooksSettings


@dataclass(frozen=True)
class TokenSet:
    """Tokens from Intuit (plaintext in memory only) with their absolute expiries."""

    access_token: str
    refresh_token: str
    expires_at: datetime
    refresh_expires_at: datetime | None

    def __repr__(self) -> str:
        return f"TokenSet(expires_at={self.expires_at.isoformat()})"


class IntuitOAuth:
    """The OAuth client of the service's Intuit app."""

    def __init__(self, settings: QuickBooksSettings, http: httpx.Client) -> None:
        if not settings.configured:
            raise NotConfigured("QuickBooks is not set up on this service (no Intuit client "
                                "ID and secret); ask the service operator.")
        self._settings = settings
        self._http = http

    def authorize_url(self, state: str, redirect_uri: str) -> str:
        """Where the owner's browser goes to approve the connection."""
        query = urlencode({"client_id": self._settings.client_id, "response_type": "code",
                           "scope": SCOPE, "redirect_uri": redirect_uri, "state": state})
        return f"{self._settings.authorize_url}?{query}"

    def _auth(self) -> tuple[str, str]:
        return (self._settings.client_id, self._settings.client_secret.get_secret_value())

    def _token_request(self, form: dict[str, str]) -> TokenSet:
        try:
            response = self._http.post(self._settings.token_url, data=form, auth=self._auth(),
                                       headers={"Accept": "application/json"})
        except httpx.HTTPError as exc:
            raise Unavailable("QuickBooks could not be reached; try again in a few "
                              "minutes.") from exc
        body = _json(response)
        if response.status_code in (400, 401) and isinstance(body.get("error"), str):
            raise AuthorizationRefused(RECONNECT, oauth_error=body["error"])
        if response.status_code != 200 or not body.get("access_token"):
            raise Unavailable(f"QuickBooks' sign-in service answered {response.status_code}; "
                              "try again in a few minutes.")
        now = datetime.now(UTC)
        refresh_seconds = body.get("x_refresh_token_expires_in")
        return TokenSet(
            access_token=str(body["access_token"]),
            refresh_token=str(body["refresh_token"]),
            expires_at=now + timedelta(seconds=int(body.get("expires_in", 3600))),
            refresh_expires_at=(now + timedelta(seconds=int(refresh_seconds))
                                if refresh_seconds is not None else None),
        )

    def exchange_code(self, code: str, redirect_uri: str) -> TokenSet:
        """Trade the authorization code of the callback for tokens."""
        return self._token_request({"grant_type": "authorization_code", "code": code,
                                    "redirect_uri": redirect_uri})

    def refresh(self, refresh_token: str) -> TokenSet:
        """A new access token (and possibly a rotated refresh token)."""
        return self._token_request({"grant_type": "refresh_token",
                                    "refresh_token": refresh_token})

    def revoke(self, token: str) -> bool:
        """Revoke the grant at Intuit; False when Intuit could not be told."""
        try:
            response = self._http.post(self._settings.revoke_url, json={"token": token},
                                       auth=self._auth(), headers={"Accept": "application/json"})
        except httpx.HTTPError:
            return False
        # 400 means the token was already invalid: the grant is gone either way.
        return response.status_code in (200, 400)


def _json(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}
