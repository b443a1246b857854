"""A Resend simulator: ``POST /emails`` on loopback, keeping what would have been sent.

Errors follow Resend's published error schema ``{"statusCode", "name", "message"}``.
"""

from __future__ import annotations

import json
import re
import threading
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from .loopback import Handler, LoopbackSimulator, Response

_ADDRESS = re.compile(r"[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+")
_FROM = re.compile(rf"(?:[^<>]*<\s*{_ADDRESS.pattern}\s*>|{_ADDRESS.pattern})")
MAX_RECIPIENTS = 50


class ResendSimulator(LoopbackSimulator):
    """Stores sent emails in ``sent``; can be told to fail the next requests."""

    def __init__(self, api_key: str = "re_test_simulator") -> None:
        self.api_key = api_key
        self.sent: list[dict[str, Any]] = []
        self.requests: list[tuple[str, str, int]] = []  # (method, path, status)
        self._failures: list[int] = []
        self._idempotency: dict[str, tuple[dict[str, Any], Response]] = {}
        self._lock = threading.Lock()

    def _handler(self) -> Handler:
        return self._handle

    def fail_next(self, count: int = 1, status: int = 500) -> None:
        """Answer the next ``count`` requests with ``status`` (500 or 429), sending nothing."""
        if status not in (429, 500):
            raise ValueError("inject 429 (rate limit) or 500 (server error)")
        with self._lock:
            self._failures.extend([status] * count)

    # --- HTTP -----------------------------------------------------------------------
    def _handle(self, method: str, path: str, text: str, headers: dict[str, str]) -> Response:
        with self._lock:
            response = self._respond(method, path, text, headers)
            self.requests.append((method, path, response.status))
        return response

    def _respond(self, method: str, path: str, text: str, headers: dict[str, str]) -> Response:
        scheme, _, token = headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token:
            return _error(401, "missing_api_key", "Missing API key in the authorization header.")
        if token != self.api_key:
            return _error(401, "validation_error", "API key is invalid")
        if self._failures:
            return _injected(self._failures.pop(0))
        if method == "POST" and path.rstrip("/") == "/emails":
            return self._send(text, headers.get("idempotency-key"))
        match = re.fullmatch(r"/emails/([0-9a-f-]{36})", path)
        if method == "GET" and match:
            return self._retrieve(match.group(1))
        return _error(404, "not_found", "The requested endpoint does not exist.")

    def _send(self, text: str, key: str | None) -> Response:
        try:
            payload = json.loads(text or "null")
        except json.JSONDecodeError:
            return _error(422, "validation_error", "Invalid JSON body.")
        if not isinstance(payload, dict):
            return _error(422, "validation_error", "The request body must be a JSON object.")
        if key is not None:
            if not 1 <= len(key) <= 256:
                return _error(
                    400, "invalid_idempotency_key", "The key must be between 1-256 chars."
                )
            saved = self._idempotency.get(key)
            if saved is not None:
                if saved[0] != payload:
                    return _error(
                        409,
                        "invalid_idempotent_request",
                        "Same idempotency key used with a different request payload.",
                    )
                return saved[1]
        problem = _validate(payload)
        if problem is not None:
            return problem
        email_id = str(uuid.uuid4())
        to = payload["to"] if isinstance(payload["to"], list) else [payload["to"]]
        self.sent.append(
            {**payload, "to": to, "id": email_id, "created_at": datetime.now(UTC).isoformat()}
        )
        response = Response(200, {"id": email_id})
        if key is not None:
            self._idempotency[key] = (payload, response)
        return response

    def _retrieve(self, email_id: str) -> Response:
        for email in self.sent:
            if email["id"] == email_id:
                return Response(200, {"object": "email", "last_event": "delivered", **email})
        return _error(404, "not_found", "Email not found")


@pytest.fixture
def resend_sim() -> Iterator[ResendSimulator]:
    """A fresh, started Resend simulator per test (key ``re_test_simulator``)."""
    with ResendSimulator() as sim:
        yield sim


def _validate(payload: dict[str, Any]) -> Response | None:
    for field in ("from", "to", "subject"):
        if not payload.get(field):
            return _error(422, "missing_required_field", f"Missing `{field}` field.")
    if not isinstance(payload["from"], str) or not _FROM.fullmatch(payload["from"].strip()):
        return _error(
            422,
            "invalid_from_address",
            "Invalid `from` field. The email address "
            "needs to follow the `email@example.com` or `Name <email@example.com>` "
            "format.",
        )
    to = payload["to"] if isinstance(payload["to"], list) else [payload["to"]]
    if len(to) > MAX_RECIPIENTS:
        return _error(422, "validation_error", "Too many recipients: `to` takes at most 50.")
    for address in to:
        if not isinstance(address, str) or not _ADDRESS.fullmatch(address.strip()):
            return _error(
                422,
                "validation_error",
                "Invalid `to` field. The email address needs "
                "to follow the `email@example.com` format.",
            )
    if not isinstance(payload["subject"], str):
        return _error(422, "validation_error", "Invalid `subject` field.")
    if not payload.get("html") and not payload.get("text"):
        return _error(422, "missing_required_field", "Missing `html` or `text` field.")
    return None


def _error(status: int, name: str, message: str) -> Response:
    return Response(status, {"statusCode": status, "name": name, "message": message})


def _injected(status: int) -> Response:
    if status == 429:
        response = _error(
            429,
            "rate_limit_exceeded",
            "Too many requests. You can only make 2 requests per second.",
        )
        response.headers["retry-after"] = "1"
        return response
    return _error(500, "application_error", "An unexpected error occurred.")
