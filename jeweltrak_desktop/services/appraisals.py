"""Appraisals: drafts, finalizing (then immutable), and revising into a new appraisal."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from uuid import UUID

from jeweltrak_core.appraisals.entities import Appraisal, AppraisalLine
from jeweltrak_core.appraisals.operations import FinalizeAppraisal, SaveAppraisal
from jeweltrak_core.appraisals.rules import AppraisalPurpose
from jeweltrak_core.contacts.entities import Contact
from jeweltrak_core.errors import NotFound
from jeweltrak_core.ids import new_id
from jeweltrak_core.permissions import Permission
from jeweltrak_core.store.entities import Store
from jeweltrak_desktop.documents.appraisal import render_appraisal
from jeweltrak_desktop.documents.context import DocumentContext
from jeweltrak_desktop.documents.photos import prepare_photo
from jeweltrak_desktop.services.local_store import LocalStore, Transaction
from jeweltrak_desktop.store.schema import table_of


def _save(tx: Transaction, a: Appraisal) -> Appraisal:
    tx.apply(
        SaveAppraisal(
            appraisal_id=a.id,
            number=a.number,
            purpose=a.purpose,
            appraisal_date=a.appraisal_date,
            contact_id=a.contact_id,
            appraiser_id=a.appraiser_id,
            appraiser_name=a.appraiser_name,
            appraiser_credentials=a.appraiser_credentials,
            notes=a.notes,
            supersedes_id=a.supersedes_id,
            lines=a.lines,
        )
    )
    return tx.fetch(Appraisal, a.id)


def create_appraisal(
    store: LocalStore,
    *,
    purpose: AppraisalPurpose,
    appraisal_date: date,
    contact_id: UUID | None = None,
    appraiser_name: str = "",
    appraiser_credentials: str = "",
    lines: list[AppraisalLine] | None = None,
    notes: str | None = None,
) -> Appraisal:
    """A new draft appraisal."""
    store.actor.require(Permission.MANAGE_APPRAISALS)
    with store.transaction() as tx:
        return _save(
            tx,
            Appraisal(
                id=new_id(),
                store_id=store.identity.store_id,
                number=tx.next_number("appraisal"),
                contact_id=contact_id,
                purpose=purpose,
                appraisal_date=appraisal_date,
                appraiser_id=store.actor.user_id,
                appraiser_name=appraiser_name,
                appraiser_credentials=appraiser_credentials,
                notes=notes,
                lines=lines or [],
            ),
        )


def save_draft(store: LocalStore, appraisal: Appraisal) -> Appraisal:
    """Save edits to a draft (a finalized appraisal is refused)."""
    store.actor.require(Permission.MANAGE_APPRAISALS)
    with store.transaction() as tx:
        return _save(tx, appraisal)


def finalize_appraisal(store: LocalStore, appraisal_id: UUID) -> Appraisal:
    """Lock the appraisal."""
    store.actor.require(Permission.MANAGE_APPRAISALS)
    with store.transaction() as tx:
        tx.apply(FinalizeAppraisal(appraisal_id=appraisal_id))
        return tx.fetch(Appraisal, appraisal_id)


def revise_appraisal(store: LocalStore, appraisal_id: UUID) -> Appraisal:
    """Edit of a finalized appraisal: a new draft that supersedes it, with copied lines."""
    store.actor.require(Permission.MANAGE_APPRAISALS)
    with store.transaction() as tx:
        old = tx.fetch(Appraisal, appraisal_id)
        return _save(
            tx,
            replace(
                old,
                id=new_id(),
                number=tx.next_number("appraisal"),
                supersedes_id=old.id,
                lines=[replace(line, id=new_id()) for line in old.lines],
            ),
        )


# --- what the Appraisals screen reads and prints --------------------------------------------


@dataclass(frozen=True)
class AppraisalRow:
    """An appraisal as the list shows it."""

    appraisal: Appraisal
    customer: str


def list_appraisals(store: LocalStore) -> list[AppraisalRow]:
    """Every appraisal, newest first."""
    table = table_of(Appraisal).table
    with store.reader() as repo:
        rows = []
        for a in repo.list(Appraisal, order_by=table.c.number.desc()):
            contact = repo.get(Contact, a.contact_id) if a.contact_id else None
            rows.append(AppraisalRow(a, contact.display_name if contact else ""))
    return rows


def get_appraisal(store: LocalStore, appraisal_id: UUID) -> Appraisal:
    """One appraisal with its lines."""
    with store.reader() as repo:
        appraisal = repo.get(Appraisal, appraisal_id)
    if appraisal is None:
        raise NotFound("That appraisal was not found.")
    return appraisal


def save_photo(store: LocalStore, source: Path) -> str:
    """Copy a photo (resized, upright JPEG) beside the database; the reference to store."""
    return prepare_photo(source, store.path.parent / "photos").name


def appraisal_pdf(store: LocalStore, appraisal_id: UUID) -> bytes:
    """The appraisal document (marked DRAFT until finalized), as PDF bytes."""
    with store.reader() as repo:
        appraisal = repo.get(Appraisal, appraisal_id)
        settings = repo.get(Store, store.identity.store_id)
        if appraisal is None or settings is None:
            raise NotFound("That appraisal was not found.")
        customer = repo.get(Contact, appraisal.contact_id) if appraisal.contact_id else None
    ctx = DocumentContext.for_store(settings, photo_root=store.path.parent / "photos")
    return render_appraisal(appraisal, ctx=ctx, customer=customer)
