"""Appraisal operations: drafts, finalize (then immutable), a new appraisal supersedes."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from uuid import UUID

import pytest

from jeweltrak_core.appraisals.entities import Appraisal, AppraisalLine
from jeweltrak_core.appraisals.operations import FinalizeAppraisal, SaveAppraisal
from jeweltrak_core.appraisals.rules import AppraisalPurpose, AppraisalStatus
from jeweltrak_core.errors import (
    Duplicate,
    IllegalTransition,
    InvalidMoney,
    NotFound,
    ValidationError,
)
from jeweltrak_core.ids import new_id

from .builders import create_contact, number, refuse
from .memory_repo import NOW, MemoryRepository, run


def line(value: int = 450_000, **kw: object) -> AppraisalLine:
    return AppraisalLine(id=new_id(), description=str(kw.pop("description", "Diamond ring")),
                         value_cents=value, metal="Platinum", weight_g=Decimal("5.3"),
                         stone_carat=Decimal("1.02"), **kw)  # type: ignore[arg-type]


def save_op(**kw: object) -> SaveAppraisal:
    fields: dict[str, object] = {
        "appraisal_id": new_id(), "number": number("AP-"),
        "purpose": AppraisalPurpose.INSURANCE, "appraisal_date": date(2025, 3, 14),
        "appraiser_name": "J. Smith, GG", "lines": [line(), line(120_000)]}
    fields.update(kw)
    return SaveAppraisal(**fields)  # type: ignore[arg-type]


def stored(repo: MemoryRepository, appraisal_id: UUID) -> Appraisal:
    a = repo.get(Appraisal, appraisal_id)
    assert a is not None
    return a


def test_save_draft_and_edit_it(repo: MemoryRepository) -> None:
    ada = create_contact(repo)
    op = save_op(contact_id=ada.id)
    run(repo, op, version=2)
    a = stored(repo, op.appraisal_id)
    assert (a.status, a.total_cents, a.version, a.contact_id) == (
        AppraisalStatus.DRAFT, 570_000, 2, ada.id)
    assert [ln.position for ln in a.lines] == [0, 1]
    assert a.lines[0].weight_g == Decimal("5.3")
    run(repo, save_op(appraisal_id=op.appraisal_id, number=op.number,
                      purpose=AppraisalPurpose.ESTATE, lines=[line(300_000)]))
    a = stored(repo, op.appraisal_id)
    assert (a.purpose, a.total_cents) == (AppraisalPurpose.ESTATE, 300_000)


def test_finalize_then_save_is_refused_and_a_new_one_supersedes(
        repo: MemoryRepository) -> None:
    op = save_op()
    run(repo, op)
    run(repo, FinalizeAppraisal(appraisal_id=op.appraisal_id), version=5)
    final = stored(repo, op.appraisal_id)
    assert (final.status, final.finalized_at, final.version) == (
        AppraisalStatus.FINALIZED, NOW, 5)
    err = refuse(repo, save_op(appraisal_id=op.appraisal_id, number=op.number,
                               lines=[line(1)]), IllegalTransition)
    assert "immutable" in err.message
    refuse(repo, FinalizeAppraisal(appraisal_id=op.appraisal_id), IllegalTransition)
    # an edit makes a new appraisal that supersedes the final one
    new = save_op(supersedes_id=op.appraisal_id, lines=[line(480_000)])
    run(repo, new)
    run(repo, FinalizeAppraisal(appraisal_id=new.appraisal_id))
    newer = stored(repo, new.appraisal_id)
    assert (newer.supersedes_id, newer.total_cents, newer.status) == (
        op.appraisal_id, 480_000, AppraisalStatus.FINALIZED)
    assert stored(repo, op.appraisal_id).total_cents == 570_000  # the old one is untouched


def test_superseding_a_draft_is_refused(repo: MemoryRepository) -> None:
    draft = save_op()
    run(repo, draft)
    refuse(repo, save_op(supersedes_id=draft.appraisal_id), ValidationError,
           match="only a final appraisal")
    refuse(repo, save_op(supersedes_id=new_id()), NotFound)


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"lines": [line(-1)]}, InvalidMoney),
        ({"lines": [line(description=" ")]}, ValidationError),
        ({"contact_id": new_id()}, NotFound),
    ],
)
def test_save_appraisal_refusals(repo: MemoryRepository, fields: dict[str, object],
                                 error: type[Exception]) -> None:
    refuse(repo, save_op(**fields), error)  # type: ignore[arg-type]


def test_appraisal_numbers(repo: MemoryRepository) -> None:
    op = save_op()
    run(repo, op)
    refuse(repo, save_op(number=op.number), Duplicate)
    refuse(repo, save_op(appraisal_id=op.appraisal_id, number="AP-OTHER"), ValidationError,
           match="keeps its number")


def test_finalize_refusals(repo: MemoryRepository) -> None:
    empty = save_op(lines=[])
    run(repo, empty)
    refuse(repo, FinalizeAppraisal(appraisal_id=empty.appraisal_id), ValidationError,
           match="at least one item")
    anonymous = save_op(appraiser_name=" ")
    run(repo, anonymous)
    refuse(repo, FinalizeAppraisal(appraisal_id=anonymous.appraisal_id), ValidationError,
           match="appraiser")
    refuse(repo, FinalizeAppraisal(appraisal_id=new_id()), NotFound)
