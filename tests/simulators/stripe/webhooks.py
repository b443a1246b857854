"""Connect webhook events: Stripe's event envelope, its signature scheme, HTTP delivery."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

import httpx

from .shapes import new_id, now, shape

API_VERSION = "2026-10-28.endive"
"""The API version events are rendered in (the one stripe-python 16.1 pins)."""

WebhookTarget = str | Callable[[bytes, dict[str, str]], int]
"""A URL to POST to, or a callable(body, headers) -> HTTP status (for in-process apps)."""


def make_event(
    event_type: str,
    obj: dict[str, Any],
    *,
    account: str | None,
    previous: dict[str, Any] | None = None,
    request_id: str | None = None,
    idempotency_key: str | None = None,
) -> dict[str, Any]:
    """An ``event`` object shaped after Stripe's example, for a Connect account."""
    data: dict[str, Any] = {"object": obj}
    if previous is not None:
        data["previous_attributes"] = previous
    event = shape(
        "event",
        id=new_id("evt"),
        type=event_type,
        created=now(),
        data=data,
        livemode=False,
        api_version=API_VERSION,
        pending_webhooks=1,
        request={"id": request_id, "idempotency_key": idempotency_key},
    )
    if account is not None:
        event["account"] = account
    return event


def signature_header(payload: bytes, secret: str, timestamp: int | None = None) -> str:
    """``Stripe-Signature``: ``t=<unix>,v1=<hex HMAC-SHA256 of "t.payload">``."""
    t = int(time.time()) if timestamp is None else timestamp
    signed = f"{t}.".encode() + payload
    mac = hmac.new(secret.encode("utf-8"), signed, hashlib.sha256).hexdigest()
    return f"t={t},v1={mac}"


@dataclass(frozen=True)
class Delivery:
    """One POST of one event to the webhook target, and what came back."""

    event: dict[str, Any]
    status: int | None
    error: str | None = None


@cache
def _http() -> httpx.Client:
    """One client for every simulator: building an SSL context per POST costs ~50 ms."""
    return httpx.Client(timeout=30.0)


def post_event(
    target: WebhookTarget, secret: str, event: dict[str, Any], timestamp: int | None = None
) -> Delivery:
    """Sign and deliver ``event`` now; a connection failure is recorded, not raised."""
    payload = json.dumps(event, indent=2).encode("utf-8")
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
        "Stripe-Signature": signature_header(payload, secret, timestamp),
    }
    if callable(target):
        return Delivery(event, target(payload, headers))
    try:
        response = _http().post(target, content=payload, headers=headers)
    except httpx.HTTPError as exc:
        return Delivery(event, None, f"{type(exc).__name__}: {exc}")
    return Delivery(event, response.status_code)
