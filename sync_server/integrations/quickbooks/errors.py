"""QuickBooks errors: a stable code and a sentence the owner can act on (never a token)."""

from __future__ import annotations

RECONNECT = ("QuickBooks refused the stored authorization (it expired or was revoked); "
             "the owner must reconnect QuickBooks in Settings → Integrations.")


class QuickBooksError(Exception):
    """Base: ``code`` is stable, the message is a sentence for the owner."""

    code = "quickbooks_error"
    status = 502

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotConfigured(QuickBooksError):
    """The service has no Intuit client ID/secret (409, as for Stripe and Resend)."""

    code = "quickbooks_not_configured"
    status = 409


class NotConnected(QuickBooksError):
    """The tenant has no usable QuickBooks connection."""

    code = "quickbooks_not_connected"
    status = 409


class AuthorizationRefused(QuickBooksError):
    """Intuit refused a grant (``invalid_grant`` and friends): reconnect."""

    code = "quickbooks_reconnect"
    status = 409

    def __init__(self, message: str, *, oauth_error: str) -> None:
        super().__init__(message)
        self.oauth_error = oauth_error


class Unavailable(QuickBooksError):
    """Intuit could not be reached or answered 5xx: nothing is known to have happened."""

    code = "quickbooks_unavailable"
    status = 503


class Rejected(QuickBooksError):
    """The Accounting API refused a request (a Fault); nothing was created."""

    code = "quickbooks_rejected"
    status = 502

    def __init__(self, message: str, *, status: int, fault_code: str | None) -> None:
        super().__init__(message)
        self.http_status = status
        self.fault_code = fault_code
