"""Contacts: create, edit field by field, find duplicates, merge, history."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from sqlalchemy import func, text

from jeweltrak_core.appraisals.entities import Appraisal
from jeweltrak_core.contacts.entities import Contact, phone_digits
from jeweltrak_core.contacts.operations import CreateContact, MergeContacts, PatchContact
from jeweltrak_core.errors import NotFound
from jeweltrak_core.ids import new_id
from jeweltrak_core.memos.entities import CustomerMemo
from jeweltrak_core.permissions import Permission
from jeweltrak_core.sales.entities import Invoice
from jeweltrak_core.sync.wire import encode
from jeweltrak_core.work_orders.entities import WorkOrder
from jeweltrak_desktop.services.inventory import fts_query
from jeweltrak_desktop.services.local_store import LocalStore
from jeweltrak_desktop.store.schema import table_of

_CONTACTS = table_of(Contact).table


def create_contact(store: LocalStore, **fields: Any) -> Contact:
    """Add a contact (customer by default)."""
    store.actor.require(Permission.MANAGE_CONTACTS)
    contact = Contact(id=new_id(), **fields)
    with store.transaction() as tx:
        tx.apply(CreateContact(contact=contact))
        return tx.fetch(Contact, contact.id)


def get_contact(store: LocalStore, contact_id: UUID) -> Contact:
    """One contact."""
    with store.reader() as repo:
        contact = repo.get(Contact, contact_id)
    if contact is None:
        raise NotFound("That contact was not found.")
    return contact


def patch_contact(
    store: LocalStore, contact_id: UUID, *, base_version: int | None = None, **changes: Any
) -> Contact:
    """Change some fields; ``base_version`` is the version the clerk was looking at."""
    store.actor.require(Permission.MANAGE_CONTACTS)
    with store.transaction() as tx:
        tx.apply(
            PatchContact(contact_id=contact_id, changes=encode(changes)), base_version=base_version
        )
        return tx.fetch(Contact, contact_id)


def merge_contacts(store: LocalStore, *, keep_id: UUID, merge_id: UUID) -> Contact:
    """Merge a duplicate into the kept contact; all history follows."""
    store.actor.require(Permission.MANAGE_CONTACTS)
    with store.transaction() as tx:
        tx.apply(MergeContacts(keep_id=keep_id, merge_id=merge_id))
        return tx.fetch(Contact, keep_id)


def search_contacts(store: LocalStore, words: str, *, limit: int = 50) -> list[Contact]:
    """Name, company, phone (digits) or email words."""
    query = fts_query(words)
    digits = phone_digits(words)
    if len(digits) >= 7:  # a phone typed as written: "(941) 555-0123"
        query = f'({query}) OR phone_digits:"{digits}"*'
    with store.reader() as repo:
        ids = (
            repo.conn.execute(
                text(
                    "SELECT c.id FROM contacts_fts f JOIN contacts c ON c.rowid = f.rowid "
                    "WHERE contacts_fts MATCH :q AND c.merged_into_id IS NULL "
                    "ORDER BY rank LIMIT :n"
                ),
                {"q": query, "n": limit},
            )
            .scalars()
            .all()
        )
        by_id = {str(c.id): c for c in repo.list(Contact, _CONTACTS.c.id.in_(ids))}
    return [by_id[i] for i in ids if i in by_id]


@dataclass(frozen=True)
class DuplicatePair:
    """Two contacts that look like the same person, and why."""

    first: Contact
    second: Contact
    reason: str


def find_duplicates(store: LocalStore) -> list[DuplicatePair]:
    """Same name + phone, or same name + email."""
    with store.reader() as repo:
        contacts = repo.list(Contact, _CONTACTS.c.merged_into_id.is_(None))
    seen: dict[tuple[str, str], Contact] = {}
    pairs: list[DuplicatePair] = []
    for contact in contacts:
        name = contact.display_name.casefold()
        keys = [("phone", phone_digits(p)) for p in contact.phones if phone_digits(p)]
        keys += [("email", e.casefold()) for e in contact.emails]
        for kind, value in keys:
            other = seen.get((name, f"{kind}:{value}"))
            if other is not None and other.id != contact.id:
                pairs.append(DuplicatePair(other, contact, f"same name and {kind}"))
                break
            seen[(name, f"{kind}:{value}")] = contact
    return pairs


@dataclass(frozen=True)
class ContactHistory:
    """Everything a contact did with the store."""

    invoices: list[Invoice]
    memos: list[CustomerMemo]
    work_orders: list[WorkOrder]
    appraisals: list[Appraisal]


def contact_history(store: LocalStore, contact_id: UUID) -> ContactHistory:
    """Purchase, memo, repair and appraisal history, newest first."""
    with store.reader() as repo:

        def of(kind: type[Any], order: str) -> list[Any]:
            table = table_of(kind).table
            return repo.list(
                kind, table.c.contact_id == str(contact_id), order_by=table.c[order].desc()
            )

        return ContactHistory(
            invoices=of(Invoice, "created_at"),
            memos=of(CustomerMemo, "issued_at"),
            work_orders=of(WorkOrder, "opened_at"),
            appraisals=of(Appraisal, "appraisal_date"),
        )


def list_contacts(store: LocalStore, *, limit: int = 200) -> list[Contact]:
    """Contacts by name (merged duplicates left out), for the list before anything is typed."""
    with store.reader() as repo:
        return repo.list(
            Contact,
            _CONTACTS.c.merged_into_id.is_(None),
            # By the name shown: last name, or the company when there is none.
            order_by=func.lower(
                func.coalesce(func.nullif(_CONTACTS.c.last_name, ""), _CONTACTS.c.company)
                .concat(" ")
                .concat(_CONTACTS.c.first_name)
            ),
            limit=limit,
        )
