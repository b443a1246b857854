"""Piece status moves, availability, and the quantity ledger."""

from __future__ import annotations

import itertools

import pytest

from jeweltrak_core.errors import IllegalTransition, ValidationError
from jeweltrak_core.inventory.stock import (
    FAMILY_BADGE,
    Family,
    PieceStatus,
    QuantityLedger,
    StockAction,
    available_status,
    is_available,
    piece_transition,
)

S, A = PieceStatus, StockAction

# The expected legal tables, written out by hand from PRODUCT.md and the module's contract.
LEGAL_OWNED: dict[tuple[PieceStatus, StockAction], PieceStatus] = {
    (S.IN_STOCK, A.SELL): S.SOLD,
    (S.ON_VENDOR_MEMO, A.SELL): S.SOLD,
    (S.SOLD, A.UNSELL): S.IN_STOCK,
    (S.IN_STOCK, A.ISSUE_MEMO): S.ON_MEMO,
    (S.ON_VENDOR_MEMO, A.ISSUE_MEMO): S.ON_MEMO,
    (S.ON_MEMO, A.RETURN_MEMO): S.IN_STOCK,
    (S.ON_MEMO, A.INVOICE_MEMO): S.SOLD,
    (S.IN_STOCK, A.REVERSE_MEMO_RETURN): S.ON_MEMO,
    (S.ON_VENDOR_MEMO, A.REVERSE_MEMO_RETURN): S.ON_MEMO,
    (S.SOLD, A.REVERSE_MEMO_INVOICE): S.ON_MEMO,
    (S.IN_STOCK, A.SCRAP): S.SCRAPPED,
    (S.ON_VENDOR_MEMO, A.SCRAP): S.SCRAPPED,
    (S.IN_STOCK, A.SEND_FOR_SERVICE): S.OUT_FOR_SERVICE,
    (S.ON_VENDOR_MEMO, A.SEND_FOR_SERVICE): S.OUT_FOR_SERVICE,
    (S.OUT_FOR_SERVICE, A.BACK_FROM_SERVICE): S.IN_STOCK,
}

LEGAL_CONSIGNED: dict[tuple[PieceStatus, StockAction], PieceStatus] = {
    (S.IN_STOCK, A.SELL): S.SOLD,
    (S.ON_VENDOR_MEMO, A.SELL): S.SOLD,
    (S.SOLD, A.UNSELL): S.ON_VENDOR_MEMO,
    (S.IN_STOCK, A.ISSUE_MEMO): S.ON_MEMO,
    (S.ON_VENDOR_MEMO, A.ISSUE_MEMO): S.ON_MEMO,
    (S.ON_MEMO, A.RETURN_MEMO): S.ON_VENDOR_MEMO,
    (S.ON_MEMO, A.INVOICE_MEMO): S.SOLD,
    (S.IN_STOCK, A.REVERSE_MEMO_RETURN): S.ON_MEMO,
    (S.ON_VENDOR_MEMO, A.REVERSE_MEMO_RETURN): S.ON_MEMO,
    (S.SOLD, A.REVERSE_MEMO_INVOICE): S.ON_MEMO,
    (S.IN_STOCK, A.RETURN_TO_VENDOR): S.RETURNED_TO_VENDOR,
    (S.ON_VENDOR_MEMO, A.RETURN_TO_VENDOR): S.RETURNED_TO_VENDOR,
    (S.IN_STOCK, A.SEND_FOR_SERVICE): S.OUT_FOR_SERVICE,
    (S.ON_VENDOR_MEMO, A.SEND_FOR_SERVICE): S.OUT_FOR_SERVICE,
    (S.OUT_FOR_SERVICE, A.BACK_FROM_SERVICE): S.ON_VENDOR_MEMO,
}


def test_enum_values() -> None:
    assert [s.value for s in PieceStatus] == [
        "in_stock",
        "on_memo",
        "on_vendor_memo",
        "sold",
        "returned_to_vendor",
        "scrapped",
        "out_for_service",
    ]
    assert [a.value for a in StockAction] == [
        "sell",
        "unsell",
        "issue_memo",
        "return_memo",
        "invoice_memo",
        "reverse_memo_return",
        "reverse_memo_invoice",
        "return_to_vendor",
        "scrap",
        "send_for_service",
        "back_from_service",
    ]
    assert [f.value for f in Family] == ["jewelry", "watch", "diamond", "colored_stone", "pearl"]


def test_family_badges() -> None:
    assert FAMILY_BADGE == {
        Family.JEWELRY: "J",
        Family.WATCH: "W",
        Family.DIAMOND: "D",
        Family.COLORED_STONE: "C",
        Family.PEARL: "P",
    }


def test_available_status_and_is_available() -> None:
    assert available_status(False) is S.IN_STOCK
    assert available_status(True) is S.ON_VENDOR_MEMO
    assert {s for s in PieceStatus if is_available(s)} == {S.IN_STOCK, S.ON_VENDOR_MEMO}


@pytest.mark.parametrize("consigned", [False, True])
def test_every_status_action_pair(consigned: bool) -> None:
    legal = LEGAL_CONSIGNED if consigned else LEGAL_OWNED
    for status, action in itertools.product(PieceStatus, StockAction):
        if (status, action) in legal:
            assert piece_transition(status, action, consigned=consigned) is legal[(status, action)]
        else:
            with pytest.raises(IllegalTransition) as exc:
                piece_transition(status, action, consigned=consigned)
            assert exc.value.entity == "piece"
            assert exc.value.state == status.value
            assert exc.value.action == action.value
            assert exc.value.code == "illegal_transition"
            assert exc.value.message.startswith("This piece ")
            assert exc.value.message.endswith(".")


def test_sentences_a_clerk_understands() -> None:
    with pytest.raises(IllegalTransition, match="already sold, so it cannot be sold"):
        piece_transition(S.SOLD, A.SELL, consigned=False)
    with pytest.raises(IllegalTransition, match="out on memo to a customer"):
        piece_transition(S.ON_MEMO, A.SELL, consigned=False)
    with pytest.raises(IllegalTransition, match="belongs to the store"):
        piece_transition(S.IN_STOCK, A.RETURN_TO_VENDOR, consigned=False)
    with pytest.raises(IllegalTransition, match="return it to the vendor instead"):
        piece_transition(S.ON_VENDOR_MEMO, A.SCRAP, consigned=True)


def test_quantity_ledger_expected_and_drift() -> None:
    ledger = QuantityLedger(
        purchased=20,
        adjustments=-2,
        invoiced=7,
        on_open_memos=3,
        returned_to_vendor=1,
        scrapped=1,
    )
    assert ledger.expected_quantity == 6
    assert not ledger.is_negative
    assert ledger.drift(6) == 0
    assert ledger.drift(4) == -2
    assert ledger.drift(9) == 3


def test_quantity_ledger_negative_is_flagged_not_refused() -> None:
    ledger = QuantityLedger(
        purchased=1, adjustments=0, invoiced=3, on_open_memos=0, returned_to_vendor=0, scrapped=0
    )
    assert ledger.expected_quantity == -2
    assert ledger.is_negative
    assert ledger.drift(0) == 2


def test_quantity_ledger_refuses_non_integers() -> None:
    with pytest.raises(ValidationError, match="scrapped"):
        QuantityLedger(1, 0, 0, 0, 0, 1.0)  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        QuantityLedger(True, 0, 0, 0, 0, 0)
    ledger = QuantityLedger(1, 0, 0, 0, 0, 0)
    with pytest.raises(ValidationError):
        ledger.drift(-1)
    with pytest.raises(ValidationError):
        ledger.drift("3")  # type: ignore[arg-type]
