"""Appraisals: a draft until finalized, then immutable (an edit makes a new one)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

from jeweltrak_core.appraisals.rules import AppraisalPurpose, AppraisalStatus


@dataclass(kw_only=True, slots=True)
class AppraisalLine:
    """One appraised item."""

    id: UUID
    description: str
    value_cents: int
    metal: str | None = None
    weight_g: Decimal | None = None
    measurements: str | None = None
    stone_shape: str | None = None
    stone_carat: Decimal | None = None
    stone_color: str | None = None
    stone_clarity: str | None = None
    stone_cut: str | None = None
    certificate_no: str | None = None
    marks: str | None = None
    condition: str | None = None
    photos: list[str] = field(default_factory=list)
    position: int = 0


@dataclass(kw_only=True, slots=True)
class Appraisal:
    """A written appraisal of one or more items."""

    id: UUID
    store_id: UUID
    number: str
    contact_id: UUID | None
    purpose: AppraisalPurpose
    appraisal_date: date
    status: AppraisalStatus = AppraisalStatus.DRAFT
    appraiser_id: UUID | None = None
    appraiser_name: str = ""
    appraiser_credentials: str = ""
    notes: str | None = None
    supersedes_id: UUID | None = None
    lines: list[AppraisalLine] = field(default_factory=list)
    finalized_at: datetime | None = None
    version: int = 0

    @property
    def total_cents(self) -> int:
        """Sum of the appraised values."""
        return sum(line.value_cents for line in self.lines)
