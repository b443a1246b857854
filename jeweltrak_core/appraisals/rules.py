"""Appraisal status, purpose wording, and the rule that a finalized appraisal never changes."""

from __future__ import annotations

from enum import StrEnum

from jeweltrak_core.errors import IllegalTransition, ValidationError


class AppraisalStatus(StrEnum):
    """A draft can be edited; a finalized appraisal is immutable."""

    DRAFT = "draft"
    FINALIZED = "finalized"


class AppraisalPurpose(StrEnum):
    """Why the appraisal was made; it decides which value the document states."""

    INSURANCE = "insurance"
    ESTATE = "estate"
    RESALE = "resale"
    DONATION = "donation"
    OTHER = "other"


PURPOSE_VALUE_WORDING: dict[AppraisalPurpose, str] = {
    AppraisalPurpose.INSURANCE: "insurance replacement value",
    AppraisalPurpose.ESTATE: "fair market value",
    AppraisalPurpose.RESALE: "estimated resale value",
    AppraisalPurpose.DONATION: "fair market value",
    AppraisalPurpose.OTHER: "appraised value",
}


def appraisal_check_edit(status: AppraisalStatus) -> None:
    """Refuse to edit a finalized appraisal."""
    if status == AppraisalStatus.FINALIZED:
        raise IllegalTransition(
            "appraisal",
            str(status),
            "edit",
            "This appraisal is finalized; finalized appraisals are immutable, "
            "so make a new one to change anything.",
        )


def appraisal_finalize(status: AppraisalStatus, line_count: int) -> AppraisalStatus:
    """Finalize a draft that has at least one item."""
    if status != AppraisalStatus.DRAFT:
        raise IllegalTransition(
            "appraisal", str(status), "finalize", "This appraisal is already finalized."
        )
    if isinstance(line_count, bool) or not isinstance(line_count, int) or line_count < 1:
        raise ValidationError(
            "Add at least one item to the appraisal before finalizing it.", field="lines"
        )
    return AppraisalStatus.FINALIZED
