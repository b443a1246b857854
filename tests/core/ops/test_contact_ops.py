"""Contact operations: create, field-level patch (stale edits flagged, kept), merge."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

import pytest

from jeweltrak_core.appraisals.entities import Appraisal, AppraisalLine
from jeweltrak_core.appraisals.operations import SaveAppraisal
from jeweltrak_core.appraisals.rules import AppraisalPurpose
from jeweltrak_core.contacts.entities import Contact
from jeweltrak_core.contacts.operations import CreateContact, MergeContacts, PatchContact
from jeweltrak_core.errors import Duplicate, NotFound, ValidationError
from jeweltrak_core.ids import new_id
from jeweltrak_core.memos.entities import CustomerMemo
from jeweltrak_core.memos.operations import IssueMemo, MemoLineDraft
from jeweltrak_core.payments.entities import Deposit, Payment, StoreCreditEntry
from jeweltrak_core.payments.operations import TakeDeposit, TenderDetails
from jeweltrak_core.payments.rules import Tender
from jeweltrak_core.sales.entities import Invoice
from jeweltrak_core.sales.operations import SaveInvoice
from jeweltrak_core.work_orders.entities import WorkOrder
from jeweltrak_core.work_orders.operations import OpenWorkOrder
from jeweltrak_core.work_orders.rules import WorkOrderType

from .builders import (
    create_contact,
    create_piece,
    draft,
    misc_line,
    number,
    pay,
    piece_line,
    refuse,
    save_invoice,
    sell,
)
from .memory_repo import NOW, SERVER, MemoryRepository, run


def stored(repo: MemoryRepository, contact_id: object) -> Contact:
    c = repo.get(Contact, contact_id)  # type: ignore[arg-type]
    assert c is not None
    return c


# --- create_contact ----------------------------------------------------------------------


def test_create_contact_starts_with_zero_balances(repo: MemoryRepository) -> None:
    c = Contact(id=new_id(), first_name="Grace", last_name="Hopper", emails=["g@navy.mil"],
                birthday=date(1906, 12, 9), store_credit_cents=50_000,
                merged_into_id=new_id(), field_versions={"emails": 99})
    assert run(repo, CreateContact(contact=c), version=4).status == "applied"
    s = stored(repo, c.id)
    assert s.store_credit_cents == 0
    assert s.merged_into_id is None
    assert s.field_versions == {}
    assert (s.birthday, s.created_at, s.version) == (date(1906, 12, 9), NOW, 4)
    assert s.display_name == "Hopper, Grace"


@pytest.mark.parametrize(
    "fields",
    [
        {"first_name": "", "last_name": "", "company": " "},
        {"is_customer": False},
        {"emails": ["not-an-email"]},
        {"phones": ["555-01"]},
    ],
)
def test_create_contact_refusals(repo: MemoryRepository, fields: dict[str, object]) -> None:
    c = replace(Contact(id=new_id(), first_name="Ada"), **fields)  # type: ignore[arg-type]
    refuse(repo, CreateContact(contact=c), ValidationError)


def test_create_contact_twice_is_a_duplicate(repo: MemoryRepository) -> None:
    c = create_contact(repo)
    refuse(repo, CreateContact(contact=replace(c, first_name="Other")), Duplicate)


# --- patch_contact -----------------------------------------------------------------------


def test_patch_contact_records_field_versions(repo: MemoryRepository) -> None:
    c = create_contact(repo)
    outcome = run(repo, PatchContact(contact_id=c.id, changes={
        "phones": ["305-555-0199"], "anniversary": "2010-06-12", "ring_sizes": "6.5",
    }), SERVER, version=5, base_version=1)
    assert outcome.status == "applied"
    s = stored(repo, c.id)
    assert s.phones == ["305-555-0199"]
    assert s.anniversary == date(2010, 6, 12)
    assert s.field_versions == {"phones": 5, "anniversary": 5, "ring_sizes": 5}
    assert s.version == 5


def test_stale_patch_is_kept_but_reported_as_a_conflict(repo: MemoryRepository) -> None:
    c = create_contact(repo)
    # Workstation A changes the phone (server version 5) ...
    run(repo, PatchContact(contact_id=c.id, changes={"phones": ["305-555-0111"]}), SERVER,
        version=5, base_version=2)
    # ... workstation B, which last saw version 3, changes phone and notes.
    outcome = run(repo, PatchContact(contact_id=c.id, changes={
        "phones": ["305-555-0222"], "notes": "Prefers white gold"}), SERVER, version=6,
        base_version=3)
    assert outcome.status == "conflict"
    assert "phones" in (outcome.detail or "")
    assert "notes" not in (outcome.detail or "")
    s = stored(repo, c.id)
    assert s.phones == ["305-555-0222"]  # last writer wins, in server order
    assert s.notes == "Prefers white gold"
    assert s.field_versions == {"phones": 6, "notes": 6}


def test_patch_based_on_the_latest_version_is_not_a_conflict(repo: MemoryRepository) -> None:
    c = create_contact(repo)
    run(repo, PatchContact(contact_id=c.id, changes={"notes": "a"}), SERVER, version=5)
    outcome = run(repo, PatchContact(contact_id=c.id, changes={"notes": "b"}), SERVER,
                  version=6, base_version=5)
    assert outcome.status == "applied"
    # a different field changed after base_version does not make this edit stale
    outcome = run(repo, PatchContact(contact_id=c.id, changes={"spouse_name": "Bob"}), SERVER,
                  version=7, base_version=1)
    assert outcome.status == "applied"


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({}, ValidationError),
        ({"store_credit_cents": 100_000}, ValidationError),  # money moves by operations
        ({"merged_into_id": str(new_id())}, ValidationError),
        ({"emails": ["nope"]}, ValidationError),
        ({"birthday": "12/09/1906"}, ValidationError),
        ({"is_customer": "yes"}, ValidationError),
    ],
)
def test_patch_contact_refusals(repo: MemoryRepository, changes: dict[str, object],
                                error: type[Exception]) -> None:
    c = create_contact(repo)
    refuse(repo, PatchContact(contact_id=c.id, changes=changes), error)  # type: ignore[arg-type]


def test_patch_unknown_or_merged_contact(repo: MemoryRepository) -> None:
    refuse(repo, PatchContact(contact_id=new_id(), changes={"notes": "x"}), NotFound)
    keep, gone = create_contact(repo), create_contact(repo, first_name="Adah")
    run(repo, MergeContacts(keep_id=keep.id, merge_id=gone.id))
    refuse(repo, PatchContact(contact_id=gone.id, changes={"notes": "x"}), ValidationError,
           match="merged")


# --- merge_contacts ----------------------------------------------------------------------


def test_merge_repoints_history_and_sums_store_credit(repo: MemoryRepository) -> None:
    keep = create_contact(repo, emails=["ada@example.com"])
    gone = create_contact(repo, first_name="Adah", phones=["305-555-0101", "305-555-0102"],
                          emails=["adah@example.com"], is_vendor=True)
    # history on the duplicate: a sale with overpayment (store credit), a memo, a repair,
    # an appraisal; and store credit on the kept contact too
    ring = create_piece(repo)
    invoice = sell(repo, [piece_line(ring, 100_000)], contact_id=gone.id)
    pay(repo, invoice.id, 112_500, Tender.CHECK)  # $125 over → store credit
    other = sell(repo, [misc_line(10_000)], contact_id=keep.id)
    pay(repo, other.id, 14_000, Tender.CHECK)  # $40 over
    pendant = create_piece(repo)
    memo_id = new_id()
    run(repo, IssueMemo(memo_id=memo_id, number=number("M-"), contact_id=gone.id,
                        lines=[MemoLineDraft(line_id=new_id(), piece_id=pendant.id,
                                             price_cents=90_000)]))
    wo_id = new_id()
    run(repo, OpenWorkOrder(work_order_id=wo_id, number=number("W-"), type=WorkOrderType.REPAIR,
                            contact_id=gone.id, item_description="Ring sizing"))
    appraisal_id = new_id()
    run(repo, SaveAppraisal(appraisal_id=appraisal_id, number=number("AP-"),
                            purpose=AppraisalPurpose.INSURANCE, appraisal_date=date(2025, 3, 1),
                            contact_id=gone.id,
                            lines=[AppraisalLine(id=new_id(), description="Ring",
                                                 value_cents=400_000,
                                                 weight_g=Decimal("3.2"))]))
    assert stored(repo, gone.id).store_credit_cents == 12_500
    assert stored(repo, keep.id).store_credit_cents == 4_000

    assert run(repo, MergeContacts(keep_id=keep.id, merge_id=gone.id), version=8).status \
        == "applied"

    k, g = stored(repo, keep.id), stored(repo, gone.id)
    assert k.store_credit_cents == 16_500
    assert g.store_credit_cents == 0
    assert g.merged_into_id == keep.id
    assert k.phones == ["305-555-0101", "305-555-0102"]
    assert k.emails == ["ada@example.com", "adah@example.com"]
    assert k.is_vendor and k.is_customer
    assert k.version == g.version == 8
    invoice_row = repo.get(Invoice, invoice.id)
    memo_row = repo.get(CustomerMemo, memo_id)
    wo_row = repo.get(WorkOrder, wo_id)
    appraisal_row = repo.get(Appraisal, appraisal_id)
    assert invoice_row is not None and invoice_row.contact_id == keep.id
    assert memo_row is not None and memo_row.contact_id == keep.id
    assert wo_row is not None and wo_row.contact_id == keep.id
    assert appraisal_row is not None and appraisal_row.contact_id == keep.id
    assert all(p.contact_id == keep.id for p in repo.all(Payment))
    entries = repo.all(StoreCreditEntry)
    assert all(e.contact_id == keep.id for e in entries)
    assert sum(e.amount_cents for e in entries) == k.store_credit_cents


def test_merge_refusals(repo: MemoryRepository) -> None:
    a, b, c = create_contact(repo), create_contact(repo), create_contact(repo)
    refuse(repo, MergeContacts(keep_id=a.id, merge_id=a.id), ValidationError)
    refuse(repo, MergeContacts(keep_id=a.id, merge_id=new_id()), NotFound)
    refuse(repo, MergeContacts(keep_id=new_id(), merge_id=a.id), NotFound)
    run(repo, MergeContacts(keep_id=a.id, merge_id=b.id))
    refuse(repo, MergeContacts(keep_id=c.id, merge_id=b.id), ValidationError,
           match="already merged")
    refuse(repo, MergeContacts(keep_id=b.id, merge_id=c.id), ValidationError,
           match="already merged")


def test_open_invoice_of_a_merged_contact_keeps_working(repo: MemoryRepository) -> None:
    keep, gone = create_contact(repo), create_contact(repo)
    invoice = save_invoice(repo, [misc_line(5_000)], contact_id=gone.id)
    run(repo, MergeContacts(keep_id=keep.id, merge_id=gone.id))
    pay(repo, invoice.id, 5_000, Tender.CHECK)
    payment = repo.payments_for(invoice_id=invoice.id)[0]
    assert payment.contact_id == keep.id


def test_a_sale_for_a_merged_contact_lands_on_the_kept_one(repo: MemoryRepository) -> None:
    keep, gone = create_contact(repo), create_contact(repo, first_name="Adah")
    run(repo, MergeContacts(keep_id=keep.id, merge_id=gone.id), SERVER, version=10)
    # A workstation that was offline during the merge uploads a sale for the duplicate.
    invoice_id = new_id()
    try:
        run(repo, SaveInvoice(invoice=draft([misc_line(10_000)], id=invoice_id,
                                            contact_id=gone.id)), SERVER, version=11)
    except ValidationError:
        return  # refused with a reason: acceptable too
    invoice = repo.get(Invoice, invoice_id)
    assert invoice is not None and invoice.contact_id == keep.id


def _memo_for(repo: MemoryRepository, contact_id: UUID) -> tuple[object, type, UUID]:
    p = create_piece(repo)
    memo_id = new_id()
    return (IssueMemo(memo_id=memo_id, number=number("M-"), contact_id=contact_id,
                      lines=[MemoLineDraft(line_id=new_id(), piece_id=p.id, price_cents=1)]),
            CustomerMemo, memo_id)


def _work_order_for(repo: MemoryRepository, contact_id: UUID) -> tuple[object, type, UUID]:
    wo_id = new_id()
    return (OpenWorkOrder(work_order_id=wo_id, number=number("W-"), type=WorkOrderType.REPAIR,
                          contact_id=contact_id, item_description="Clasp"), WorkOrder, wo_id)


def _appraisal_for(repo: MemoryRepository, contact_id: UUID) -> tuple[object, type, UUID]:
    appraisal_id = new_id()
    return (SaveAppraisal(appraisal_id=appraisal_id, number=number("AP-"),
                          purpose=AppraisalPurpose.INSURANCE, appraisal_date=date(2025, 3, 1),
                          contact_id=contact_id), Appraisal, appraisal_id)


def _deposit_for(repo: MemoryRepository, contact_id: UUID) -> tuple[object, type, UUID]:
    deposit_id = new_id()
    return (TakeDeposit(deposit_id=deposit_id, payment_id=new_id(), contact_id=contact_id,
                        details=TenderDetails(tender=Tender.CASH), amount_cents=5_000),
            Deposit, deposit_id)


@pytest.mark.parametrize("make", [
    pytest.param(_memo_for, id="issue_memo"),
    pytest.param(_work_order_for, id="open_work_order"),
    pytest.param(_appraisal_for, id="save_appraisal"),
    pytest.param(_deposit_for, id="take_deposit"),
])
def test_other_documents_for_a_merged_contact_land_on_the_kept_one(
        repo: MemoryRepository, make: Any) -> None:
    keep, gone = create_contact(repo), create_contact(repo, first_name="Adah")
    payload, kind, doc_id = make(repo, gone.id)
    run(repo, MergeContacts(keep_id=keep.id, merge_id=gone.id), SERVER, version=10)
    try:
        run(repo, payload, SERVER, version=11)
    except ValidationError:
        return  # refused with a reason: acceptable too
    doc = repo.get(kind, doc_id)
    assert doc is not None and doc.contact_id == keep.id
