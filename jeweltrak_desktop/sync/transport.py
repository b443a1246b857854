"""``SyncTransport``: the sync service's HTTP API as typed calls and typed failures.

The only module of the sync client that imports httpx. Answers are read strictly by
``responses.py``; failures map to the classes of ``errors.py`` (connection errors,
timeouts and 5xx to ``Offline``, 410 to ``CursorExpired``, 426 to ``UpgradeRequired``,
409 ``out_of_order`` to ``OutOfOrder``, 401/403 to ``Unauthorized``). Every request
carries the device token and the ``X-JewelTrak-Schema-Version`` header.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any
from uuid import UUID

import httpx

from jeweltrak_core.sync.ops import SCHEMA_VERSION
from jeweltrak_desktop.sync.errors import (
    CursorExpired,
    Offline,
    OutOfOrder,
    RequestRefused,
    SyncError,
    Unauthorized,
    UpgradeRequired,
)
from jeweltrak_desktop.sync.errors import bad_response as _bad
from jeweltrak_desktop.sync.responses import (
    PullPage,
    PushResult,
    SnapshotManifest,
    SnapshotPage,
    parse_manifest,
    parse_pull,
    parse_push,
    parse_snapshot_page,
)

SCHEMA_HEADER = "X-JewelTrak-Schema-Version"
#: Connect fast (an unreachable service means offline), allow slow bodies.
DEFAULT_TIMEOUT = httpx.Timeout(connect=5.0, read=30.0, write=30.0, pool=5.0)
_MAX_MESSAGE = 500

TokenProvider = Callable[[], str]


class SyncTransport:
    """Calls to one sync service with one workstation's credential; thread-safe."""

    def __init__(
        self, base_url: str, token_provider: TokenProvider, *, client: httpx.Client | None = None
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._token = token_provider
        self._own_client = client is None
        self._client = client or httpx.Client(timeout=DEFAULT_TIMEOUT)

    def close(self) -> None:
        """Release connections (only those of a client this transport made)."""
        if self._own_client:
            self._client.close()

    def push(self, ops: list[dict[str, Any]]) -> PushResult:
        """Send a batch of wire operations (in seq order) for exactly-once application."""
        sent = [(UUID(op["op_id"]), int(op["seq"])) for op in ops]
        return parse_push(self._call("POST", "/v1/sync/push", json_body={"ops": ops}), sent)

    def push_encoded(self, envelopes: list[str], sent: list[tuple[UUID, int]]) -> PushResult:
        """``push`` of operations already in their wire JSON text, as the outbox keeps them.

        The text goes out as stored (never parsed and re-encoded); ``sent`` names each op
        (ID, seq) so the answer can be checked against it.
        """
        body = ('{"ops":[' + ",".join(envelopes) + "]}").encode()
        return parse_push(self._call("POST", "/v1/sync/push", content=body), sent)

    def pull(self, cursor: int, *, limit: int = 1000, wait: float = 0.0) -> PullPage:
        """Changes after ``cursor``; with ``wait`` the service holds until one arrives."""
        params = {"cursor": cursor, "limit": limit}
        timeout = DEFAULT_TIMEOUT
        if wait > 0:
            params["wait"] = wait  # type: ignore[assignment]
            timeout = httpx.Timeout(connect=5.0, read=wait + 15.0, write=30.0, pool=5.0)
        data = self._call("GET", "/v1/sync/pull", params=params, timeout=timeout)
        return parse_pull(data, cursor)

    def snapshot_manifest(self) -> SnapshotManifest:
        """Start of an initial sync."""
        return parse_manifest(self._call("GET", "/v1/sync/snapshot"))

    def snapshot_page(self, entity: str, *, after: UUID | None, limit: int) -> SnapshotPage:
        """One keyset page of a table."""
        params: dict[str, Any] = {"limit": limit}
        if after is not None:
            params["after"] = str(after)
        data = self._call("GET", f"/v1/sync/snapshot/{entity}", params=params)
        return parse_snapshot_page(data, entity=entity, after=after, limit=limit)

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json_body: Any = None,
        timeout: httpx.Timeout = DEFAULT_TIMEOUT,
    ) -> Any:
        """A JSON call to another workstation endpoint (card payments, e-mail); same errors."""
        return self._call(method, path, params=params, json_body=json_body, timeout=timeout)

    def _call(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json_body: Any = None,
        content: bytes | None = None,
        timeout: httpx.Timeout = DEFAULT_TIMEOUT,
    ) -> Any:
        headers = {
            "Authorization": f"Bearer {self._token()}",
            SCHEMA_HEADER: str(SCHEMA_VERSION),
            "Accept": "application/json",
        }
        if content is not None:
            headers["Content-Type"] = "application/json"
        try:
            response = self._client.request(
                method,
                self.base_url + path,
                params=params,
                json=json_body,
                content=content,
                headers=headers,
                timeout=timeout,
            )
        except httpx.DecodingError:
            raise _bad(f"{path}: body") from None
        except httpx.RequestError as exc:
            raise Offline(
                "The sync service cannot be reached; sales are kept on this workstation "
                "and will be sent when it is back.",
                reason=type(exc).__name__,
            ) from None
        if response.status_code != 200:
            raise _failure(response)
        try:
            return json.loads(response.content)
        except (ValueError, UnicodeDecodeError):
            raise _bad(f"{path}: not JSON") from None


def _error_envelope(response: httpx.Response) -> tuple[str, str, dict[str, Any]]:
    """(code, message, details) of a service error body; blanks when it is not one."""
    try:
        body = json.loads(response.content)
        error = body["error"]
        code, message, details = error["code"], error["message"], error.get("details") or {}
    except (ValueError, UnicodeDecodeError, TypeError, KeyError):
        return "", "", {}
    if not isinstance(code, str) or not isinstance(message, str) or not isinstance(details, dict):
        return "", "", {}
    return code, message[:_MAX_MESSAGE], details


def _failure(response: httpx.Response) -> SyncError:
    status = response.status_code
    code, message, details = _error_envelope(response)
    if status >= 500 or status == 429:
        return Offline(
            "The sync service is having trouble; this workstation will retry shortly.",
            status=status,
        )
    if status in (401, 403):
        return Unauthorized(
            message or "The sync service no longer accepts this workstation; pair it again.",
            status=status,
        )
    if status == 410:
        return CursorExpired(
            message or "This workstation will download a fresh copy of the store."
        )
    if status == 426:
        return UpgradeRequired(
            message or "This version of JewelTrak is too old for the sync service; update it."
        )
    if status == 409 and code == "out_of_order":
        expected = details.get("expected_seq")
        if isinstance(expected, bool) or not isinstance(expected, int) or expected < 1:
            return _bad("409.expected_seq")
        return OutOfOrder(message, expected_seq=expected)
    return RequestRefused(
        message or f"The sync service refused the request (HTTP {status}).",
        status=status,
        service_code=code,
    )
