"""Appraisals through ``services.appraisals``: drafts, finalizing (then immutable), and
revising a final appraisal into a new one."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

from jeweltrak_core.appraisals.entities import AppraisalLine
from jeweltrak_core.appraisals.operations import FinalizeAppraisal, SaveAppraisal
from jeweltrak_core.appraisals.rules import AppraisalPurpose, AppraisalStatus
from jeweltrak_core.contacts.entities import Contact
from jeweltrak_core.errors import IllegalTransition, NotFound, ValidationError
from jeweltrak_core.ids import new_id
from jeweltrak_desktop.services import appraisals, contacts
from jeweltrak_desktop.services.local_store import LocalStore

from .helpers import assert_refused, query, records_one_op, scalar


def ring_line(value_cents: int = 1_250_000) -> AppraisalLine:
    """One appraised item: a platinum solitaire."""
    return AppraisalLine(
        id=new_id(),
        description="Platinum solitaire engagement ring",
        value_cents=value_cents,
        metal="platinum",
        weight_g=Decimal("5.20"),
        stone_shape="round",
        stone_carat=Decimal("1.01"),
        stone_color="G",
        stone_clarity="VS1",
        condition="excellent",
    )


def test_draft_edit_finalize_and_revise(store: LocalStore, customer: Contact) -> None:
    with records_one_op(store, "save_appraisal") as rec:
        draft = appraisals.create_appraisal(
            store, purpose=AppraisalPurpose.INSURANCE, appraisal_date=date(2026, 3, 2),
            contact_id=customer.id, appraiser_name="Dana Reyes",
            appraiser_credentials="GIA Graduate Gemologist", lines=[ring_line()],
        )
    assert draft.number == "ADA-1"
    assert draft.status is AppraisalStatus.DRAFT
    assert draft.total_cents == 1_250_000
    payload = rec.payload
    assert isinstance(payload, SaveAppraisal)
    assert (payload.appraisal_id, payload.number, payload.purpose) == (
        draft.id,
        "ADA-1",
        AppraisalPurpose.INSURANCE,
    )
    assert [ln.value_cents for ln in payload.lines] == [1_250_000]
    assert rec.touched == {f"appraisals:{draft.id}"}
    assert tuple(query(store, "SELECT number, status, total_cents FROM appraisals")[0]) == (
        "ADA-1",
        "draft",
        1_250_000,
    )

    with records_one_op(store, "save_appraisal"):
        edited = appraisals.save_draft(
            store, replace(draft, lines=[*draft.lines, ring_line(80_000)], notes="Two items")
        )
    assert edited.total_cents == 1_330_000
    assert scalar(store, "SELECT count(*) FROM appraisal_lines") == 2

    with records_one_op(store, "finalize_appraisal") as rec:
        final = appraisals.finalize_appraisal(store, draft.id)
    assert rec.payload == FinalizeAppraisal(appraisal_id=draft.id)
    assert rec.touched == {f"appraisals:{draft.id}"}
    assert final.status is AppraisalStatus.FINALIZED
    assert final.finalized_at is not None

    with records_one_op(store, "save_appraisal") as rec:
        revised = appraisals.revise_appraisal(store, draft.id)
    assert rec.payload.supersedes_id == draft.id
    assert revised.number == "ADA-2"
    assert revised.status is AppraisalStatus.DRAFT
    assert revised.supersedes_id == draft.id
    assert [ln.description for ln in revised.lines] == [ln.description for ln in final.lines]
    assert {ln.id for ln in revised.lines}.isdisjoint({ln.id for ln in final.lines})
    history = contacts.contact_history(store, customer.id)
    assert {a.id for a in history.appraisals} == {draft.id, revised.id}


def test_a_finalized_appraisal_is_immutable_and_refusals_write_nothing(
    store: LocalStore, customer: Contact
) -> None:
    draft = appraisals.create_appraisal(
        store, purpose=AppraisalPurpose.ESTATE, appraisal_date=date(2026, 3, 2),
        contact_id=customer.id,
    )
    # Finalizing needs an item and a named appraiser.
    assert_refused(store, ValidationError, appraisals.finalize_appraisal, store, draft.id)
    draft = appraisals.save_draft(store, replace(draft, lines=[ring_line()]))
    assert_refused(store, ValidationError, appraisals.finalize_appraisal, store, draft.id)
    draft = appraisals.save_draft(store, replace(draft, appraiser_name="Dana Reyes"))
    assert_refused(
        store, ValidationError, appraisals.save_draft, store,
        replace(draft, lines=[replace(ring_line(), description=" ")]),
    )
    assert_refused(
        store, ValidationError, appraisals.save_draft, store, replace(draft, number="ADA-99")
    )
    # Revising a draft is refused: edit the draft itself.
    assert_refused(store, ValidationError, appraisals.revise_appraisal, store, draft.id)
    final = appraisals.finalize_appraisal(store, draft.id)

    error = assert_refused(
        store, IllegalTransition, appraisals.save_draft, store,
        replace(final, notes="Changed after signing"),
    )
    assert "immutable" in error.message
    assert_refused(
        store, IllegalTransition, appraisals.save_draft, store,
        replace(final, lines=[ring_line(1)]),
    )
    assert_refused(store, IllegalTransition, appraisals.finalize_appraisal, store, final.id)
    assert_refused(store, NotFound, appraisals.finalize_appraisal, store, new_id())
    assert_refused(store, NotFound, appraisals.revise_appraisal, store, new_id())
