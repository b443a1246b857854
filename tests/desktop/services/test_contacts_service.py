"""Contacts through ``services.contacts``: create, field patches, duplicates, merge, history."""

from __future__ import annotations

from datetime import date

from jeweltrak_core.appraisals.rules import AppraisalPurpose
from jeweltrak_core.contacts.operations import CreateContact, MergeContacts
from jeweltrak_core.errors import NotFound, ValidationError
from jeweltrak_core.ids import new_id
from jeweltrak_core.inventory.entities import Piece
from jeweltrak_core.payments.rules import Tender
from jeweltrak_desktop.services import appraisals, contacts, memos, payments, sales, work_orders
from jeweltrak_desktop.services.local_store import LocalStore

from .helpers import assert_refused, query, records_one_op, scalar


def test_create_contact_writes_the_row_its_search_columns_and_one_op(store: LocalStore) -> None:
    with records_one_op(store, "create_contact") as rec:
        contact = contacts.create_contact(
            store,
            first_name="José",
            last_name="Martínez",
            phones=["+1 (941) 555-0188"],
            emails=["jose.martinez@example.com"],
            birthday=date(1980, 4, 2),
            ring_sizes="10",
        )
    assert isinstance(rec.payload, CreateContact)
    assert rec.payload.contact.id == contact.id
    assert rec.payload.contact.last_name == "Martínez"
    assert rec.payload.contact.birthday == date(1980, 4, 2)
    assert rec.touched == {f"contacts:{contact.id}"}
    assert contact.display_name == "Martínez, José"
    assert contact.store_credit_cents == 0
    row = query(store, "SELECT display_name, phone_digits, email_text, birthday FROM contacts")[0]
    assert tuple(row) == (
        "Martínez, José",
        "9415550188",
        "jose.martinez@example.com",
        "1980-04-02",
    )


def test_patch_contact_changes_only_the_given_fields(store: LocalStore, make_contact) -> None:
    contact = make_contact(notes="Prefers yellow gold")
    with records_one_op(store, "patch_contact") as rec:
        patched = contacts.patch_contact(
            store, contact.id, base_version=contact.version, phones=["941-555-0999"],
            anniversary=date(2010, 6, 12),
        )
    assert rec.payload.contact_id == contact.id
    assert rec.payload.changes == {"phones": ["941-555-0999"], "anniversary": "2010-06-12"}
    assert rec.op is not None and rec.op.base_version == contact.version
    assert rec.touched == {f"contacts:{contact.id}"}
    assert patched.phones == ["941-555-0999"]
    assert patched.anniversary == date(2010, 6, 12)
    assert patched.notes == "Prefers yellow gold"
    assert patched.emails == contact.emails
    assert scalar(store, "SELECT phone_digits FROM contacts") == "9415550999"


def test_duplicates_are_found_and_merge_moves_all_history(
    store: LocalStore, make_contact, three_pieces: list[Piece]
) -> None:
    keep = make_contact()
    duplicate = make_contact(phones=["941.555.0123"], emails=["ana@work.example.com"])
    unrelated = make_contact(
        first_name="Wei", last_name="Chen", phones=["(305) 555-7777"], emails=["wei@example.com"]
    )
    pairs = contacts.find_duplicates(store)
    assert [(p.first.id, p.second.id, p.reason) for p in pairs] == [
        (keep.id, duplicate.id, "same name and phone")
    ]

    # History on the duplicate: a sale with an overpayment (store credit), a memo, a repair,
    # an appraisal.
    invoice = sales.new_invoice(store, contact_id=duplicate.id)
    invoice = sales.add_piece(store, invoice.id, three_pieces[0].stock_id)
    invoice = sales.finalize_invoice(store, invoice.id)
    payment = payments.take_payment(
        store, invoice.id, tender=Tender.CHECK, amount_cents=330_000, check_number="4"
    )
    memo = memos.issue_memo(store, contact_id=duplicate.id, codes=[three_pieces[1].stock_id])
    order = work_orders.open_work_order(
        store, contact_id=duplicate.id, item_description="Size ring down 1"
    )
    appraisal = appraisals.create_appraisal(
        store, purpose=AppraisalPurpose.INSURANCE, appraisal_date=date(2026, 3, 1),
        contact_id=duplicate.id,
    )
    entry = scalar(store, "SELECT id FROM store_credit_entries")

    with records_one_op(store, "merge_contacts") as rec:
        merged = contacts.merge_contacts(store, keep_id=keep.id, merge_id=duplicate.id)
    assert rec.payload == MergeContacts(keep_id=keep.id, merge_id=duplicate.id)
    assert rec.touched == {
        f"contacts:{keep.id}",
        f"contacts:{duplicate.id}",
        f"invoices:{invoice.id}",
        f"payments:{payment.id}",
        f"customer_memos:{memo.id}",
        f"work_orders:{order.id}",
        f"appraisals:{appraisal.id}",
        f"store_credit_entries:{entry}",
    }
    assert merged.store_credit_cents == 9_000
    assert merged.phones == ["(941) 555-0123", "941.555.0123"]
    assert merged.emails == ["ana.garcia@example.com", "ana@work.example.com"]
    gone = contacts.get_contact(store, duplicate.id)
    assert (gone.merged_into_id, gone.store_credit_cents) == (keep.id, 0)

    history = contacts.contact_history(store, keep.id)
    assert [i.id for i in history.invoices] == [invoice.id]
    assert [m.id for m in history.memos] == [memo.id]
    assert [w.id for w in history.work_orders] == [order.id]
    assert [a.id for a in history.appraisals] == [appraisal.id]
    assert contacts.contact_history(store, duplicate.id).invoices == []
    assert contacts.find_duplicates(store) == []
    assert [c.id for c in contacts.search_contacts(store, "Garcia")] == [keep.id]
    assert unrelated.id not in {c.id for c in contacts.search_contacts(store, "Ana")}


def test_refused_contact_changes_write_nothing(store: LocalStore, make_contact) -> None:
    first = make_contact()
    second = make_contact(first_name="Emma", last_name="Rossi", phones=["305-555-1111"])
    contacts.merge_contacts(store, keep_id=first.id, merge_id=second.id)

    refused = [
        dict(first_name=" ", last_name="", company=""),
        dict(last_name="Kim", emails=["not-an-email"]),
        dict(last_name="Kim", phones=["555-12"]),
        dict(last_name="Kim", is_customer=False, is_vendor=False, is_partner=False),
    ]
    for fields in refused:
        assert_refused(store, ValidationError, contacts.create_contact, store, **fields)
    assert_refused(store, ValidationError, contacts.patch_contact, store, second.id, notes="x")
    assert_refused(
        store, ValidationError, contacts.patch_contact, store, first.id, store_credit_cents=10
    )
    assert_refused(store, ValidationError, contacts.patch_contact, store, first.id, emails=["@"])
    assert_refused(store, ValidationError, contacts.patch_contact, store, first.id)
    assert_refused(store, NotFound, contacts.patch_contact, store, new_id(), notes="x")
    assert_refused(
        store, ValidationError, contacts.merge_contacts, store, keep_id=first.id,
        merge_id=first.id,
    )
    assert_refused(
        store, ValidationError, contacts.merge_contacts, store, keep_id=first.id,
        merge_id=second.id,
    )
