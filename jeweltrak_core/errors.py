"""One error family for the whole product: a stable code plus a sentence a clerk can act on.

The server maps ``code`` to an HTTP status in one handler; the desktop shows ``message``.
"""

from __future__ import annotations

from typing import Any


class JewelTrakError(Exception):
    """Base of every error the product raises on purpose."""

    code: str = "error"

    def __init__(self, message: str, *, code: str | None = None, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.details: dict[str, Any] = details

    def __str__(self) -> str:
        return self.message


class ValidationError(JewelTrakError):
    """Input that is malformed or breaks a business rule before anything is written."""

    code = "invalid_input"


class InvalidMoney(ValidationError):
    """An amount that is not a whole number of cents (or not a number at all)."""

    code = "invalid_money"


class NotFound(JewelTrakError):
    """A referenced record (piece, contact, invoice ...) does not exist."""

    code = "not_found"


class Duplicate(JewelTrakError):
    """A record with the same unique key (StockID, document number ...) already exists."""

    code = "duplicate"


class IllegalTransition(JewelTrakError):
    """An action that the document's current state does not allow."""

    code = "illegal_transition"

    def __init__(self, entity: str, state: str, action: str, message: str | None = None) -> None:
        super().__init__(
            message or f"This {entity} is {state.replace('_', ' ')}; it cannot be {action}.",
            entity=entity,
            state=state,
            action=action,
        )
        self.entity = entity
        self.state = state
        self.action = action


class Conflict(JewelTrakError):
    """The change was based on data that someone else has changed since."""

    code = "conflict"


class PermissionDenied(JewelTrakError):
    """The signed-in user lacks the permission the action needs."""

    code = "permission_denied"


class UnsupportedOperation(JewelTrakError):
    """A sync operation of an unknown type or a newer schema version than this side knows."""

    code = "unsupported_operation"
