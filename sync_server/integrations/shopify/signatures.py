"""Webhook signatures: base64 HMAC-SHA256 of the raw body under the app's API secret."""

from __future__ import annotations

import base64
import hashlib
import hmac


def sign(body: bytes, secret: str) -> str:
    """The ``X-Shopify-Hmac-Sha256`` value Shopify sends for ``body``."""
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def signature_valid(body: bytes, header: str | None, secret: str) -> bool:
    """Constant-time comparison; no secret or no header is never valid."""
    if not secret or not header:
        return False
    return hmac.compare_digest(sign(body, secret).encode(), header.strip().encode())
