"""Appraisal operations: save a draft, finalize (then immutable; an edit makes a new one)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from uuid import UUID

from jeweltrak_core.appraisals.entities import Appraisal, AppraisalLine
from jeweltrak_core.appraisals.rules import (
    AppraisalPurpose,
    AppraisalStatus,
    appraisal_check_edit,
    appraisal_finalize,
)
from jeweltrak_core.errors import ValidationError
from jeweltrak_core.money import require_cents
from jeweltrak_core.sales.operations import check_number
from jeweltrak_core.sync.helpers import live_contact_id, require
from jeweltrak_core.sync.ops import APPLIED, ApplyContext, OpPayload, Outcome


@dataclass(kw_only=True)
class SaveAppraisal(OpPayload):
    """Create or replace a draft appraisal; ``supersedes_id`` makes a new one from a final."""

    op_type = "save_appraisal"
    appraisal_id: UUID
    number: str
    purpose: AppraisalPurpose
    appraisal_date: date
    contact_id: UUID | None = None
    appraiser_id: UUID | None = None
    appraiser_name: str = ""
    appraiser_credentials: str = ""
    notes: str | None = None
    supersedes_id: UUID | None = None
    lines: list[AppraisalLine] = field(default_factory=list)

    def validate(self) -> None:
        """Values in cents, descriptions present."""
        for line in self.lines:
            require_cents(line.value_cents, "appraised value", allow_negative=False)
            if not line.description.strip():
                raise ValidationError("Every appraised item needs a description.")

    def apply(self, ctx: ApplyContext) -> Outcome:
        """Upsert the draft; a finalized appraisal is never changed."""
        existing = ctx.repo.get(Appraisal, self.appraisal_id)
        if existing is not None:
            appraisal_check_edit(existing.status)
            if existing.number != self.number:
                raise ValidationError("An appraisal keeps its number.")
        else:
            check_number(ctx.repo, Appraisal, self.number, self.appraisal_id)
        contact_id = (live_contact_id(ctx.repo, self.contact_id)
                      if self.contact_id is not None else None)
        if self.supersedes_id is not None:
            old = require(ctx.repo, Appraisal, self.supersedes_id, "earlier appraisal")
            if old.status is not AppraisalStatus.FINALIZED:
                raise ValidationError("Edit the draft itself; only a final appraisal is copied.")
        for position, line in enumerate(self.lines):
            line.position = position
        ctx.repo.put(Appraisal(
            id=self.appraisal_id, store_id=ctx.op.store_id, number=self.number,
            contact_id=contact_id, purpose=self.purpose, appraisal_date=self.appraisal_date,
            appraiser_id=self.appraiser_id, appraiser_name=self.appraiser_name,
            appraiser_credentials=self.appraiser_credentials, notes=self.notes,
            supersedes_id=self.supersedes_id, lines=list(self.lines), version=ctx.version,
        ))
        return APPLIED


@dataclass(kw_only=True)
class FinalizeAppraisal(OpPayload):
    """Lock the appraisal for good."""

    op_type = "finalize_appraisal"
    appraisal_id: UUID

    def apply(self, ctx: ApplyContext) -> Outcome:
        """Draft → finalized (needs at least one item and an appraiser)."""
        appraisal = require(ctx.repo, Appraisal, self.appraisal_id, "appraisal")
        appraisal.status = appraisal_finalize(appraisal.status, len(appraisal.lines))
        if not appraisal.appraiser_name.strip():
            raise ValidationError("Name the appraiser before finalizing.")
        appraisal.finalized_at = ctx.now
        appraisal.version = ctx.version
        ctx.repo.put(appraisal)
        return APPLIED
