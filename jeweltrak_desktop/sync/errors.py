"""Failures of sync requests, one class per reaction the engine has.

``Offline`` (no network, timeouts, 5xx, 429: retry with backoff), ``CursorExpired`` (410:
download a fresh copy), ``UpgradeRequired`` (426), ``OutOfOrder`` (409 with the seq the
service expects), ``Unauthorized`` (401/403: pair again), ``RequestRefused`` (any other
4xx), ``BadResponse`` (an answer the protocol does not allow; nothing of it was used).
"""

from __future__ import annotations

from jeweltrak_core.errors import JewelTrakError


class SyncError(JewelTrakError):
    """A sync request failed; ``message`` is a sentence for the status bar."""

    code = "sync_error"


class Offline(SyncError):
    """The service cannot be reached right now (network, timeout, 5xx): retry later."""

    code = "offline"


class CursorExpired(SyncError):
    """The change history this workstation needs is gone (410): download a fresh copy."""

    code = "cursor_expired"


class UpgradeRequired(SyncError):
    """The service no longer accepts this app's data format (426)."""

    code = "upgrade_required"


class OutOfOrder(SyncError):
    """The service expects operations from ``expected_seq`` on (409); nothing was applied."""

    code = "out_of_order"

    def __init__(self, message: str, *, expected_seq: int) -> None:
        super().__init__(message, expected_seq=expected_seq)
        self.expected_seq = expected_seq


class Unauthorized(SyncError):
    """The service refused this workstation's credential (401/403)."""

    code = "unauthorized"


class RequestRefused(SyncError):
    """The service refused the request (another 4xx): a bug or a limit, not the network."""

    code = "request_refused"


class BadResponse(SyncError):
    """The answer is not what the sync protocol allows; nothing of it was used."""

    code = "bad_response"


BAD_RESPONSE_SENTENCE = (
    "The sync service sent data this version of JewelTrak cannot read; nothing was "
    "changed on this workstation. If this persists, update the app."
)


def bad_response(where: str) -> BadResponse:
    """A ``BadResponse`` naming where the answer went wrong (for the log, not the clerk)."""
    return BadResponse(BAD_RESPONSE_SENTENCE, where=where)
