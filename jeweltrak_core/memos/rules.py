"""Customer memo lines and memo status, vendor memo lines, and memo aging buckets."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date
from enum import StrEnum

from jeweltrak_core.errors import IllegalTransition


class MemoLineStatus(StrEnum):
    """Where one piece on a customer memo is."""

    OUT = "out"
    RETURNED = "returned"
    INVOICED = "invoiced"


class MemoLineAction(StrEnum):
    """What can happen to a customer memo line."""

    RETURN = "return"
    INVOICE = "invoice"
    REVERSE = "reverse"  # undo a mistaken return or invoicing: the piece is out again


_MEMO_LINE_LEGAL: dict[tuple[MemoLineStatus, MemoLineAction], MemoLineStatus] = {
    (MemoLineStatus.OUT, MemoLineAction.RETURN): MemoLineStatus.RETURNED,
    (MemoLineStatus.OUT, MemoLineAction.INVOICE): MemoLineStatus.INVOICED,
    (MemoLineStatus.RETURNED, MemoLineAction.REVERSE): MemoLineStatus.OUT,
    (MemoLineStatus.INVOICED, MemoLineAction.REVERSE): MemoLineStatus.OUT,
}

_MEMO_LINE_VERBS: dict[MemoLineAction, str] = {
    MemoLineAction.RETURN: "returned",
    MemoLineAction.INVOICE: "invoiced",
    MemoLineAction.REVERSE: "reversed",
}


def _memo_line_refusal(status: MemoLineStatus, action: MemoLineAction) -> str:
    """The sentence shown when a memo line cannot take ``action``."""
    if status == MemoLineStatus.OUT:
        return "This memo piece is still out with the customer; there is nothing to reverse."
    if _MEMO_LINE_VERBS[action] == str(status):
        return f"This memo piece was already {status}."
    return (
        f"This memo piece was already {status}; reverse that first if it was a mistake, "
        f"then it can be {_MEMO_LINE_VERBS[action]}."
    )


def memo_line_transition(status: MemoLineStatus, action: MemoLineAction) -> MemoLineStatus:
    """The memo line's status after ``action``, or IllegalTransition."""
    target = _MEMO_LINE_LEGAL.get((status, action))
    if target is None:
        message = _memo_line_refusal(status, action)
        raise IllegalTransition("memo line", str(status), str(action), message)
    return target


class MemoStatus(StrEnum):
    """The status of a whole customer memo, derived from its lines."""

    EMPTY = "empty"
    OPEN = "open"
    PARTIAL = "partial"
    RETURNED = "returned"
    INVOICED = "invoiced"
    CLOSED = "closed"


def memo_status(lines: Sequence[MemoLineStatus]) -> MemoStatus:
    """Empty / Open (all out) / Partial (some out) / Returned / Invoiced / Closed (mixed)."""
    counts = Counter(lines)
    total = len(lines)
    if total == 0:
        return MemoStatus.EMPTY
    if counts[MemoLineStatus.OUT] == total:
        return MemoStatus.OPEN
    if counts[MemoLineStatus.OUT] > 0:
        return MemoStatus.PARTIAL
    if counts[MemoLineStatus.RETURNED] == total:
        return MemoStatus.RETURNED
    if counts[MemoLineStatus.INVOICED] == total:
        return MemoStatus.INVOICED
    return MemoStatus.CLOSED


def memo_counts_text(lines: Sequence[MemoLineStatus]) -> str:
    """Counts for the memo list, e.g. "3 out · 1 returned · 2 invoiced" ("empty" if none)."""
    counts = Counter(lines)
    parts = [f"{counts[s]} {s}" for s in MemoLineStatus if counts[s] > 0]
    return " · ".join(parts) if parts else "empty"


class VendorMemoLineStatus(StrEnum):
    """Where one piece consigned to the store by a vendor is."""

    ON_HAND = "on_hand"
    SOLD_UNPAID = "sold_unpaid"  # sold to a customer, vendor not yet paid out
    SETTLED = "settled"
    RETURNED = "returned"  # sent back to the vendor


class VendorMemoAction(StrEnum):
    """What can happen to a vendor memo line."""

    SELL = "sell"
    UNSELL = "unsell"
    SETTLE = "settle"
    RETURN_TO_VENDOR = "return_to_vendor"


_VENDOR_LEGAL: dict[tuple[VendorMemoLineStatus, VendorMemoAction], VendorMemoLineStatus] = {
    (VendorMemoLineStatus.ON_HAND, VendorMemoAction.SELL): VendorMemoLineStatus.SOLD_UNPAID,
    (VendorMemoLineStatus.ON_HAND, VendorMemoAction.RETURN_TO_VENDOR): (
        VendorMemoLineStatus.RETURNED
    ),
    (VendorMemoLineStatus.SOLD_UNPAID, VendorMemoAction.UNSELL): VendorMemoLineStatus.ON_HAND,
    (VendorMemoLineStatus.SOLD_UNPAID, VendorMemoAction.SETTLE): VendorMemoLineStatus.SETTLED,
}

_VENDOR_STATUS_WORDS: dict[VendorMemoLineStatus, str] = {
    VendorMemoLineStatus.ON_HAND: "on hand and not sold",
    VendorMemoLineStatus.SOLD_UNPAID: "sold and waiting to be paid out to the vendor",
    VendorMemoLineStatus.SETTLED: "sold and already paid out to the vendor",
    VendorMemoLineStatus.RETURNED: "already returned to the vendor",
}

_VENDOR_VERBS: dict[VendorMemoAction, str] = {
    VendorMemoAction.SELL: "sold",
    VendorMemoAction.UNSELL: "taken off its sale",
    VendorMemoAction.SETTLE: "settled with the vendor",
    VendorMemoAction.RETURN_TO_VENDOR: "returned to the vendor",
}


def vendor_memo_line_transition(
    status: VendorMemoLineStatus, action: VendorMemoAction
) -> VendorMemoLineStatus:
    """The vendor memo line's status after ``action``, or IllegalTransition."""
    target = _VENDOR_LEGAL.get((status, action))
    if target is None:
        message = (
            f"This consigned piece is {_VENDOR_STATUS_WORDS[status]}, "
            f"so it cannot be {_VENDOR_VERBS[action]}."
        )
        raise IllegalTransition("vendor memo line", str(status), str(action), message)
    return target


class AgingBucket(StrEnum):
    """How long a memo has been out."""

    D0_30 = "0-30"
    D31_60 = "31-60"
    D61_90 = "61-90"
    D91_PLUS = "91+"


def aging_bucket(issued: date, today: date) -> AgingBucket:
    """The aging bucket of a memo issued on ``issued``; a future date counts as 0 days.

    A memo dated after ``today`` happens when workstations' clocks or time zones differ;
    a report must not fail on it, so it is treated as brand new.
    """
    days = (today - issued).days
    if days <= 30:
        return AgingBucket.D0_30
    if days <= 60:
        return AgingBucket.D31_60
    if days <= 90:
        return AgingBucket.D61_90
    return AgingBucket.D91_PLUS
