"""Customer memos (pieces out on approval) and vendor memos (pieces consigned to us)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from uuid import UUID

from jeweltrak_core.memos.rules import MemoLineStatus, MemoStatus, VendorMemoLineStatus, memo_status


@dataclass(kw_only=True, slots=True)
class MemoLine:
    """One piece out on a customer memo."""

    id: UUID
    piece_id: UUID
    price_cents: int
    status: MemoLineStatus = MemoLineStatus.OUT
    invoice_id: UUID | None = None
    resolved_at: datetime | None = None


@dataclass(kw_only=True, slots=True)
class CustomerMemo:
    """Pieces a customer took on approval."""

    id: UUID
    store_id: UUID
    number: str
    contact_id: UUID
    issued_at: datetime
    due_date: date | None = None
    terms: str | None = None
    notes: str | None = None
    lines: list[MemoLine] = field(default_factory=list)
    version: int = 0

    @property
    def status(self) -> MemoStatus:
        """Derived from the lines."""
        return memo_status([line.status for line in self.lines])

    def line(self, line_id: UUID) -> MemoLine | None:
        """The line with this ID, if it is on this memo."""
        return next((ln for ln in self.lines if ln.id == line_id), None)


@dataclass(kw_only=True, slots=True)
class VendorMemoLine:
    """One consigned piece."""

    id: UUID
    piece_id: UUID
    cost_cents: int
    status: VendorMemoLineStatus = VendorMemoLineStatus.ON_HAND
    paid_cents: int = 0
    resolved_at: datetime | None = None


@dataclass(kw_only=True, slots=True)
class VendorMemo:
    """Pieces a vendor consigned to the store, with the vendor's memo number and terms."""

    id: UUID
    store_id: UUID
    vendor_id: UUID
    vendor_memo_no: str
    memo_date: date
    terms: str | None = None
    lines: list[VendorMemoLine] = field(default_factory=list)
    version: int = 0

    def line(self, line_id: UUID) -> VendorMemoLine | None:
        """The line with this ID, if it is on this memo."""
        return next((ln for ln in self.lines if ln.id == line_id), None)
