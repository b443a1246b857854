"""The invoice life cycle: Open → Finalized → (Reopened → Finalized) or Voided (permanent)."""

from __future__ import annotations

from enum import StrEnum

from jeweltrak_core.errors import IllegalTransition
from jeweltrak_core.money import require_cents


class InvoiceStatus(StrEnum):
    """Where an invoice is in its life."""

    OPEN = "open"
    FINALIZED = "finalized"
    VOIDED = "voided"


class InvoiceAction(StrEnum):
    """What a user can try to do to an invoice."""

    EDIT = "edit"
    FINALIZE = "finalize"
    REOPEN = "reopen"
    VOID = "void"
    DELETE = "delete"
    ADD_PAYMENT = "add_payment"
    REFUND = "refund"


_S = InvoiceStatus
_A = InvoiceAction

#: Legal moves. Actions that keep the status (edit, delete, payments) map to it unchanged;
#: DELETE is allowed only while open and the caller then removes the record.
_LEGAL: dict[tuple[InvoiceStatus, InvoiceAction], InvoiceStatus] = {
    (_S.OPEN, _A.EDIT): _S.OPEN,
    (_S.OPEN, _A.DELETE): _S.OPEN,
    (_S.OPEN, _A.FINALIZE): _S.FINALIZED,
    (_S.OPEN, _A.VOID): _S.VOIDED,
    (_S.OPEN, _A.ADD_PAYMENT): _S.OPEN,
    (_S.FINALIZED, _A.REOPEN): _S.OPEN,
    (_S.FINALIZED, _A.VOID): _S.VOIDED,
    (_S.FINALIZED, _A.ADD_PAYMENT): _S.FINALIZED,
    (_S.FINALIZED, _A.REFUND): _S.FINALIZED,
}

_VERBS: dict[InvoiceAction, str] = {
    _A.EDIT: "edited",
    _A.FINALIZE: "finalized",
    _A.REOPEN: "reopened",
    _A.VOID: "voided",
    _A.DELETE: "deleted",
    _A.ADD_PAYMENT: "paid",
    _A.REFUND: "refunded",
}

_HINTS: dict[tuple[InvoiceStatus, InvoiceAction], str] = {
    (_S.OPEN, _A.REOPEN): "This invoice is already open.",
    (_S.OPEN, _A.REFUND): "This invoice is still open; finalize it before refunding a payment.",
    (_S.FINALIZED, _A.EDIT): "This invoice is finalized; reopen it before editing it.",
    (_S.FINALIZED, _A.DELETE): "This invoice is finalized; it can be voided but not deleted.",
    (_S.FINALIZED, _A.FINALIZE): "This invoice is already finalized.",
}


def _refusal(status: InvoiceStatus, action: InvoiceAction) -> str:
    """The sentence shown when ``action`` is not allowed in ``status``."""
    if status == _S.VOIDED:
        return f"This invoice was voided; a void is permanent, so it cannot be {_VERBS[action]}."
    return _HINTS.get((status, action)) or (
        f"This invoice is {status}, so it cannot be {_VERBS[action]}."
    )


def invoice_transition(status: InvoiceStatus, action: InvoiceAction) -> InvoiceStatus:
    """The status after ``action``, or IllegalTransition with a sentence for the clerk."""
    target = _LEGAL.get((status, action))
    if target is None:
        raise IllegalTransition("invoice", str(status), str(action), _refusal(status, action))
    return target


def balance_due(total_cents: int, paid_cents: int, refunded_cents: int) -> int:
    """What the customer still owes: total − paid + refunded (negative means we owe them)."""
    total = require_cents(total_cents, "Total")
    paid = require_cents(paid_cents, "Paid", allow_negative=False)
    refunded = require_cents(refunded_cents, "Refunded", allow_negative=False)
    return total - paid + refunded
