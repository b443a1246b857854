"""Stock status of a piece, the legal moves between statuses, and the quantity ledger.

Whether a piece is available is read from its status (in stock or on vendor memo); the
piece's ``consigned`` flag decides where it goes back to (in stock for the store's own
pieces, on vendor memo for consigned ones) and whether it may go back to its vendor.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from jeweltrak_core.errors import IllegalTransition, ValidationError


class Family(StrEnum):
    """The five inventory families."""

    JEWELRY = "jewelry"
    WATCH = "watch"
    DIAMOND = "diamond"
    COLORED_STONE = "colored_stone"
    PEARL = "pearl"


FAMILY_BADGE: dict[Family, str] = {
    Family.JEWELRY: "J",
    Family.WATCH: "W",
    Family.DIAMOND: "D",
    Family.COLORED_STONE: "C",
    Family.PEARL: "P",
}


class PieceStatus(StrEnum):
    """Where a one-of-a-kind piece is."""

    IN_STOCK = "in_stock"
    ON_MEMO = "on_memo"
    ON_VENDOR_MEMO = "on_vendor_memo"  # consigned to us by a vendor, available to sell
    SOLD = "sold"
    RETURNED_TO_VENDOR = "returned_to_vendor"
    SCRAPPED = "scrapped"
    OUT_FOR_SERVICE = "out_for_service"


class StockAction(StrEnum):
    """Everything that moves a piece from one status to another."""

    SELL = "sell"
    UNSELL = "unsell"  # void of the sale, or a return of the sold piece
    ISSUE_MEMO = "issue_memo"
    RETURN_MEMO = "return_memo"
    INVOICE_MEMO = "invoice_memo"  # on memo → sold
    REVERSE_MEMO_RETURN = "reverse_memo_return"  # available → on memo
    REVERSE_MEMO_INVOICE = "reverse_memo_invoice"  # sold → on memo
    RETURN_TO_VENDOR = "return_to_vendor"
    SCRAP = "scrap"
    SEND_FOR_SERVICE = "send_for_service"
    BACK_FROM_SERVICE = "back_from_service"


_AVAILABLE = frozenset({PieceStatus.IN_STOCK, PieceStatus.ON_VENDOR_MEMO})

#: The one status each action starts from, for the actions that do not need an available piece.
_SOURCE: dict[StockAction, PieceStatus] = {
    StockAction.UNSELL: PieceStatus.SOLD,
    StockAction.RETURN_MEMO: PieceStatus.ON_MEMO,
    StockAction.INVOICE_MEMO: PieceStatus.ON_MEMO,
    StockAction.REVERSE_MEMO_INVOICE: PieceStatus.SOLD,
    StockAction.BACK_FROM_SERVICE: PieceStatus.OUT_FOR_SERVICE,
}

#: Fixed destination of each action; ``None`` means "back to available" (depends on consigned).
_TARGET: dict[StockAction, PieceStatus | None] = {
    StockAction.SELL: PieceStatus.SOLD,
    StockAction.UNSELL: None,
    StockAction.ISSUE_MEMO: PieceStatus.ON_MEMO,
    StockAction.RETURN_MEMO: None,
    StockAction.INVOICE_MEMO: PieceStatus.SOLD,
    StockAction.REVERSE_MEMO_RETURN: PieceStatus.ON_MEMO,
    StockAction.REVERSE_MEMO_INVOICE: PieceStatus.ON_MEMO,
    StockAction.RETURN_TO_VENDOR: PieceStatus.RETURNED_TO_VENDOR,
    StockAction.SCRAP: PieceStatus.SCRAPPED,
    StockAction.SEND_FOR_SERVICE: PieceStatus.OUT_FOR_SERVICE,
    StockAction.BACK_FROM_SERVICE: None,
}

_STATUS_WORDS: dict[PieceStatus, str] = {
    PieceStatus.IN_STOCK: "in stock",
    PieceStatus.ON_MEMO: "out on memo to a customer",
    PieceStatus.ON_VENDOR_MEMO: "on vendor memo",
    PieceStatus.SOLD: "already sold",
    PieceStatus.RETURNED_TO_VENDOR: "returned to its vendor",
    PieceStatus.SCRAPPED: "scrapped",
    PieceStatus.OUT_FOR_SERVICE: "out for service",
}

_ACTION_WORDS: dict[StockAction, str] = {
    StockAction.SELL: "sold",
    StockAction.UNSELL: "returned or voided back into stock",
    StockAction.ISSUE_MEMO: "put on a memo",
    StockAction.RETURN_MEMO: "returned from a memo",
    StockAction.INVOICE_MEMO: "invoiced from a memo",
    StockAction.REVERSE_MEMO_RETURN: "put back on its memo",
    StockAction.REVERSE_MEMO_INVOICE: "taken off its invoice and put back on its memo",
    StockAction.RETURN_TO_VENDOR: "returned to a vendor",
    StockAction.SCRAP: "scrapped",
    StockAction.SEND_FOR_SERVICE: "sent out for service",
    StockAction.BACK_FROM_SERVICE: "checked back in from service",
}


def available_status(consigned: bool) -> PieceStatus:
    """The status of a sellable piece: on vendor memo if consigned, else in stock."""
    return PieceStatus.ON_VENDOR_MEMO if consigned else PieceStatus.IN_STOCK


def is_available(status: PieceStatus) -> bool:
    """True when the piece is on hand and free to sell, memo out or send out."""
    return status in _AVAILABLE


def _refusal(status: PieceStatus, action: StockAction, consigned: bool) -> str | None:
    """Why ``action`` is not allowed from ``status``, or None when it is allowed."""
    source = _SOURCE.get(action)
    allowed = status == source if source is not None else is_available(status)
    if not allowed:
        return f"This piece is {_STATUS_WORDS[status]}, so it cannot be {_ACTION_WORDS[action]}."
    if action == StockAction.RETURN_TO_VENDOR and not consigned:
        return "This piece belongs to the store, not to a vendor, so it cannot be returned to one."
    if action == StockAction.SCRAP and consigned:
        return "This piece belongs to its vendor; return it to the vendor instead of scrapping it."
    return None


def piece_transition(status: PieceStatus, action: StockAction, *, consigned: bool) -> PieceStatus:
    """The status after ``action``, or IllegalTransition with a sentence for the clerk."""
    message = _refusal(status, action, consigned)
    if message is not None:
        raise IllegalTransition("piece", str(status), str(action), message)
    target = _TARGET[action]
    return available_status(consigned) if target is None else target


def _require_count(value: object, field: str) -> int:
    """Return ``value`` if it is a whole number (negative allowed), else ValidationError."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(f"The {field} count must be a whole number.", field=field)
    return value


@dataclass(frozen=True)
class QuantityLedger:
    """What the records say happened to a quantity item; it reports, it never refuses."""

    purchased: int
    adjustments: int
    invoiced: int
    on_open_memos: int
    returned_to_vendor: int
    scrapped: int

    def __post_init__(self) -> None:
        """Refuse non-integers; any sign is kept because old records can be inconsistent."""
        for name in (
            "purchased",
            "adjustments",
            "invoiced",
            "on_open_memos",
            "returned_to_vendor",
            "scrapped",
        ):
            _require_count(getattr(self, name), name.replace("_", " "))

    @property
    def expected_quantity(self) -> int:
        """Purchased + adjustments − invoiced − on open memos − returned to vendor − scrapped."""
        return (
            self.purchased
            + self.adjustments
            - self.invoiced
            - self.on_open_memos
            - self.returned_to_vendor
            - self.scrapped
        )

    @property
    def is_negative(self) -> bool:
        """True when more went out than came in: a sign of a missing purchase or adjustment."""
        return self.expected_quantity < 0

    def drift(self, counted_on_hand: int) -> int:
        """Counted − expected: positive means more on the shelf than the records say."""
        counted = _require_count(counted_on_hand, "on-hand")
        if counted < 0:
            raise ValidationError("The on-hand count cannot be negative.", field="counted_on_hand")
        return counted - self.expected_quantity
