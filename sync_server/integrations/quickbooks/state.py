"""The OAuth ``state``: signed by the service, carrying tenant, user, expiry and a nonce.

Intuit's redirect to the callback carries no bearer credential, so the tenant of a callback
comes from this signed value only. Format: ``base64url(json).base64url(hmac)``, where the
HMAC-SHA256 key is derived from the service secret with its own purpose label (so a state
can never be confused with any other value the service signs).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass
from uuid import UUID

_PURPOSE = b"jeweltrak quickbooks oauth state v1"


class InvalidState(Exception):
    """The state is malformed, forged, or expired."""


@dataclass(frozen=True)
class ConnectState:
    """Who asked to connect, until when, and a one-time nonce."""

    tenant_id: UUID
    user_id: UUID
    expires: int
    nonce: str


def _key(secret: str) -> bytes:
    return hmac.new(secret.encode(), _PURPOSE, hashlib.sha256).digest()


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def sign_state(secret: str, tenant_id: UUID, user_id: UUID, *, seconds: int,
               now: float | None = None) -> str:
    """A fresh state for this tenant and user, valid for ``seconds``."""
    expires = int(now if now is not None else time.time()) + seconds
    body = json.dumps({"t": str(tenant_id), "u": str(user_id), "e": expires,
                       "n": secrets.token_urlsafe(16)}, separators=(",", ":")).encode()
    mac = hmac.new(_key(secret), body, hashlib.sha256).digest()
    return f"{_b64(body)}.{_b64(mac)}"


def verify_state(secret: str, state: str, *, now: float | None = None) -> ConnectState:
    """The signed content, or ``InvalidState`` (forged, altered, expired, malformed)."""
    encoded, dot, mac_text = state.partition(".")
    if not dot or len(state) > 512:
        raise InvalidState("malformed")
    try:
        body, mac = _unb64(encoded), _unb64(mac_text)
    except (ValueError, TypeError) as exc:
        raise InvalidState("malformed") from exc
    if not hmac.compare_digest(hmac.new(_key(secret), body, hashlib.sha256).digest(), mac):
        raise InvalidState("bad signature")
    try:
        data = json.loads(body)
        parsed = ConnectState(tenant_id=UUID(data["t"]), user_id=UUID(data["u"]),
                              expires=int(data["e"]), nonce=str(data["n"]))
    except (ValueError, KeyError, TypeError) as exc:
        raise InvalidState("malformed") from exc
    if parsed.expires < (now if now is not None else time.time()):
        raise InvalidState("expired")
    return parsed
