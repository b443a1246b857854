"""Stripe-shaped API errors: the JSON body and HTTP status the real API would send."""

from __future__ import annotations

from typing import Any


class StripeApiError(Exception):
    """An error response; ``body()`` is the JSON Stripe would send with ``status``."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        type_: str = "invalid_request_error",
        code: str | None = None,
        param: str | None = None,
        extra: dict[str, Any] | None = None,
        keep_events: bool = False,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.type = type_
        self.code = code
        self.param = param
        self.extra = extra or {}
        self.keep_events = keep_events  # a 402 decline still raised charge.failed etc.

    def body(self) -> dict[str, Any]:
        error: dict[str, Any] = {"type": self.type, "message": self.message}
        if self.code is not None:
            error["code"] = self.code
            error["doc_url"] = f"https://stripe.com/docs/error-codes/{self.code.replace('_', '-')}"
        if self.param is not None:
            error["param"] = self.param
        error.update(self.extra)
        return {"error": error}


def missing(param: str) -> StripeApiError:
    """The 400 Stripe sends when a required parameter is absent."""
    return StripeApiError(
        400, f"Missing required param: {param}.", code="parameter_missing", param=param
    )


def invalid(param: str, message: str, code: str | None = None) -> StripeApiError:
    """A 400 for a parameter whose value Stripe would refuse."""
    return StripeApiError(400, message, code=code, param=param)


def no_such(kind: str, object_id: str, param: str = "id") -> StripeApiError:
    """The 404 for an object that does not exist on the account the request is made for."""
    return StripeApiError(
        404, f"No such {kind}: '{object_id}'", code="resource_missing", param=param
    )


def unexpected_state(kind: str, object_id: str, status: str, action: str) -> StripeApiError:
    """A 400 for an action the object's current status does not allow."""
    code = "payment_intent_unexpected_state" if kind == "payment_intent" else None
    return StripeApiError(
        400,
        f"This {kind.replace('_', '')} ({object_id}) has a status of {status}; "
        f"you cannot {action} it.",
        code=code,
    )
