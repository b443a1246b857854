"""Appraisal purposes, wording, and immutability once finalized."""

from __future__ import annotations

import pytest

from jeweltrak_core.appraisals.rules import (
    PURPOSE_VALUE_WORDING,
    AppraisalPurpose,
    AppraisalStatus,
    appraisal_check_edit,
    appraisal_finalize,
)
from jeweltrak_core.errors import IllegalTransition, ValidationError


def test_enum_values() -> None:
    assert [s.value for s in AppraisalStatus] == ["draft", "finalized"]
    assert [p.value for p in AppraisalPurpose] == [
        "insurance",
        "estate",
        "resale",
        "donation",
        "other",
    ]


def test_every_purpose_has_wording() -> None:
    assert set(PURPOSE_VALUE_WORDING) == set(AppraisalPurpose)
    assert PURPOSE_VALUE_WORDING[AppraisalPurpose.INSURANCE] == "insurance replacement value"
    assert PURPOSE_VALUE_WORDING[AppraisalPurpose.ESTATE] == "fair market value"
    assert all(text.endswith("value") for text in PURPOSE_VALUE_WORDING.values())


def test_every_status_action_pair() -> None:
    # Legal: edit and finalize a draft; nothing on a finalized appraisal.
    appraisal_check_edit(AppraisalStatus.DRAFT)
    assert appraisal_finalize(AppraisalStatus.DRAFT, 1) is AppraisalStatus.FINALIZED
    with pytest.raises(IllegalTransition, match="immutable") as exc:
        appraisal_check_edit(AppraisalStatus.FINALIZED)
    assert (exc.value.entity, exc.value.state, exc.value.action) == (
        "appraisal",
        "finalized",
        "edit",
    )
    assert "make a new one" in exc.value.message
    with pytest.raises(IllegalTransition, match="already finalized") as exc:
        appraisal_finalize(AppraisalStatus.FINALIZED, 3)
    assert exc.value.action == "finalize"


@pytest.mark.parametrize("bad", [0, -1, True])
def test_finalize_needs_an_item(bad: int) -> None:
    with pytest.raises(ValidationError, match="at least one item"):
        appraisal_finalize(AppraisalStatus.DRAFT, bad)
