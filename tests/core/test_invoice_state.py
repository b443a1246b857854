"""The invoice life cycle and the balance due."""

from __future__ import annotations

import itertools

import pytest

from jeweltrak_core.errors import IllegalTransition, InvalidMoney
from jeweltrak_core.sales.invoice_state import (
    InvoiceAction,
    InvoiceStatus,
    balance_due,
    invoice_transition,
)

S, A = InvoiceStatus, InvoiceAction

LEGAL: dict[tuple[InvoiceStatus, InvoiceAction], InvoiceStatus] = {
    (S.OPEN, A.EDIT): S.OPEN,
    (S.OPEN, A.DELETE): S.OPEN,
    (S.OPEN, A.FINALIZE): S.FINALIZED,
    (S.OPEN, A.VOID): S.VOIDED,
    (S.OPEN, A.ADD_PAYMENT): S.OPEN,
    (S.FINALIZED, A.REOPEN): S.OPEN,
    (S.FINALIZED, A.VOID): S.VOIDED,
    (S.FINALIZED, A.ADD_PAYMENT): S.FINALIZED,
    (S.FINALIZED, A.REFUND): S.FINALIZED,
}


def test_enum_values() -> None:
    assert [s.value for s in InvoiceStatus] == ["open", "finalized", "voided"]
    assert [a.value for a in InvoiceAction] == [
        "edit",
        "finalize",
        "reopen",
        "void",
        "delete",
        "add_payment",
        "refund",
    ]


def test_every_status_action_pair() -> None:
    for status, action in itertools.product(InvoiceStatus, InvoiceAction):
        if (status, action) in LEGAL:
            assert invoice_transition(status, action) is LEGAL[(status, action)]
        else:
            with pytest.raises(IllegalTransition) as exc:
                invoice_transition(status, action)
            assert exc.value.entity == "invoice"
            assert (exc.value.state, exc.value.action) == (status.value, action.value)
            assert exc.value.message.startswith("This invoice ")


def test_voided_is_permanent() -> None:
    for action in InvoiceAction:
        with pytest.raises(IllegalTransition, match="void is permanent"):
            invoice_transition(S.VOIDED, action)


def test_helpful_sentences() -> None:
    with pytest.raises(IllegalTransition, match="reopen it before editing"):
        invoice_transition(S.FINALIZED, A.EDIT)
    with pytest.raises(IllegalTransition, match="voided but not deleted"):
        invoice_transition(S.FINALIZED, A.DELETE)
    with pytest.raises(IllegalTransition, match="finalize it before refunding"):
        invoice_transition(S.OPEN, A.REFUND)


def test_round_trip_reopen_finalize() -> None:
    status = S.OPEN
    for action in (A.FINALIZE, A.REOPEN, A.EDIT, A.FINALIZE, A.REFUND, A.VOID):
        status = invoice_transition(status, action)
    assert status is S.VOIDED


def test_balance_due() -> None:
    assert balance_due(10_000, 0, 0) == 10_000
    assert balance_due(10_000, 4_000, 0) == 6_000
    assert balance_due(10_000, 10_000, 2_500) == 2_500
    assert balance_due(10_000, 12_000, 0) == -2_000
    assert balance_due(-5_000, 0, 0) == -5_000
    with pytest.raises(InvalidMoney):
        balance_due(10_000, -1, 0)
    with pytest.raises(InvalidMoney):
        balance_due(10_000, 0, 1.5)  # type: ignore[arg-type]
