"""Customer and vendor memo lines, memo status and counts, and memo aging."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import pytest

from jeweltrak_core.errors import IllegalTransition
from jeweltrak_core.memos.rules import (
    AgingBucket,
    MemoLineAction,
    MemoLineStatus,
    MemoStatus,
    VendorMemoAction,
    VendorMemoLineStatus,
    aging_bucket,
    memo_counts_text,
    memo_line_transition,
    memo_status,
    vendor_memo_line_transition,
)

L, LA = MemoLineStatus, MemoLineAction
V, VA = VendorMemoLineStatus, VendorMemoAction

MEMO_LINE_LEGAL = {
    (L.OUT, LA.RETURN): L.RETURNED,
    (L.OUT, LA.INVOICE): L.INVOICED,
    (L.RETURNED, LA.REVERSE): L.OUT,
    (L.INVOICED, LA.REVERSE): L.OUT,
}

VENDOR_LEGAL = {
    (V.ON_HAND, VA.SELL): V.SOLD_UNPAID,
    (V.ON_HAND, VA.RETURN_TO_VENDOR): V.RETURNED,
    (V.SOLD_UNPAID, VA.UNSELL): V.ON_HAND,
    (V.SOLD_UNPAID, VA.SETTLE): V.SETTLED,
}


def test_enum_values() -> None:
    assert [s.value for s in MemoLineStatus] == ["out", "returned", "invoiced"]
    assert [a.value for a in MemoLineAction] == ["return", "invoice", "reverse"]
    assert [s.value for s in MemoStatus] == [
        "empty",
        "open",
        "partial",
        "returned",
        "invoiced",
        "closed",
    ]
    assert [s.value for s in VendorMemoLineStatus] == [
        "on_hand",
        "sold_unpaid",
        "settled",
        "returned",
    ]
    assert [a.value for a in VendorMemoAction] == ["sell", "unsell", "settle", "return_to_vendor"]
    assert [b.value for b in AgingBucket] == ["0-30", "31-60", "61-90", "91+"]


def test_every_memo_line_pair() -> None:
    for status, action in itertools.product(MemoLineStatus, MemoLineAction):
        if (status, action) in MEMO_LINE_LEGAL:
            assert memo_line_transition(status, action) is MEMO_LINE_LEGAL[(status, action)]
        else:
            with pytest.raises(IllegalTransition) as exc:
                memo_line_transition(status, action)
            assert exc.value.entity == "memo line"
            assert (exc.value.state, exc.value.action) == (status.value, action.value)
            assert exc.value.message.startswith("This memo piece ")


def test_memo_line_sentences() -> None:
    with pytest.raises(IllegalTransition, match="nothing to reverse"):
        memo_line_transition(L.OUT, LA.REVERSE)
    with pytest.raises(IllegalTransition, match="already returned; reverse that first"):
        memo_line_transition(L.RETURNED, LA.INVOICE)
    with pytest.raises(IllegalTransition, match=r"^This memo piece was already invoiced\.$"):
        memo_line_transition(L.INVOICED, LA.INVOICE)


def test_every_vendor_memo_line_pair() -> None:
    for status, action in itertools.product(VendorMemoLineStatus, VendorMemoAction):
        if (status, action) in VENDOR_LEGAL:
            assert vendor_memo_line_transition(status, action) is VENDOR_LEGAL[(status, action)]
        else:
            with pytest.raises(IllegalTransition) as exc:
                vendor_memo_line_transition(status, action)
            assert (exc.value.state, exc.value.action) == (status.value, action.value)
            assert exc.value.message.startswith("This consigned piece ")


@pytest.mark.parametrize(
    ("lines", "status", "text"),
    [
        ([], MemoStatus.EMPTY, "empty"),
        ([L.OUT], MemoStatus.OPEN, "1 out"),
        ([L.OUT, L.OUT, L.OUT], MemoStatus.OPEN, "3 out"),
        ([L.OUT, L.RETURNED], MemoStatus.PARTIAL, "1 out · 1 returned"),
        ([L.INVOICED, L.OUT], MemoStatus.PARTIAL, "1 out · 1 invoiced"),
        (
            [L.OUT, L.INVOICED, L.OUT, L.RETURNED, L.OUT, L.INVOICED],
            MemoStatus.PARTIAL,
            "3 out · 1 returned · 2 invoiced",
        ),
        ([L.RETURNED, L.RETURNED], MemoStatus.RETURNED, "2 returned"),
        ([L.INVOICED], MemoStatus.INVOICED, "1 invoiced"),
        ([L.RETURNED, L.INVOICED, L.INVOICED], MemoStatus.CLOSED, "1 returned · 2 invoiced"),
    ],
)
def test_memo_status_and_counts(lines: list[MemoLineStatus], status: MemoStatus, text: str) -> None:
    assert memo_status(lines) is status
    assert memo_counts_text(lines) == text


@pytest.mark.parametrize(
    ("days", "bucket"),
    [
        (-3, AgingBucket.D0_30),
        (0, AgingBucket.D0_30),
        (30, AgingBucket.D0_30),
        (31, AgingBucket.D31_60),
        (60, AgingBucket.D31_60),
        (61, AgingBucket.D61_90),
        (90, AgingBucket.D61_90),
        (91, AgingBucket.D91_PLUS),
        (4000, AgingBucket.D91_PLUS),
    ],
)
def test_aging_bucket(days: int, bucket: AgingBucket) -> None:
    today = date(2025, 3, 1)
    assert aging_bucket(today - timedelta(days=days), today) is bucket
