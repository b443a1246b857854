"""Contact operations: create, field-level patch (last writer wins, stale edits flagged), merge."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any
from uuid import UUID

from jeweltrak_core.contacts.entities import PATCHABLE_CONTACT_FIELDS, Contact
from jeweltrak_core.errors import Duplicate, ValidationError
from jeweltrak_core.sync.helpers import apply_patch, require
from jeweltrak_core.sync.ops import APPLIED, ApplyContext, OpPayload, Outcome


@dataclass(kw_only=True)
class CreateContact(OpPayload):
    """Add a contact."""

    op_type = "create_contact"
    contact: Contact

    def apply(self, ctx: ApplyContext) -> Outcome:
        """Validate and store; balances always start at zero."""
        contact = replace(self.contact, store_credit_cents=0, merged_into_id=None,
                          field_versions={})
        contact.validate()
        if ctx.repo.get(Contact, contact.id) is not None:
            raise Duplicate("This contact was already created.", id=str(contact.id))
        contact.created_at = contact.updated_at = ctx.now
        contact.version = ctx.version
        ctx.repo.put(contact)
        return APPLIED


@dataclass(kw_only=True)
class PatchContact(OpPayload):
    """Change some fields of a contact.

    Last writer wins in server order; when a field was changed after the ``base_version``
    this edit was based on, the edit still applies but comes back as a conflict to review.
    """

    op_type = "patch_contact"
    contact_id: UUID
    changes: dict[str, Any] = field(default_factory=dict)

    def apply(self, ctx: ApplyContext) -> Outcome:
        """Patch field by field, recording which version last touched each field."""
        contact = require(ctx.repo, Contact, self.contact_id, "contact")
        if contact.merged_into_id is not None:
            raise ValidationError("This contact was merged into another; edit that one instead.")
        base = ctx.op.base_version
        stale = sorted(
            name for name in self.changes
            if base is not None and contact.field_versions.get(name, 0) > base
        )
        changed = apply_patch(contact, self.changes, PATCHABLE_CONTACT_FIELDS, "contact")
        contact.validate()
        for name in changed:
            contact.field_versions[name] = ctx.version
        contact.updated_at = ctx.now
        contact.version = ctx.version
        ctx.repo.put(contact)
        if stale:
            return Outcome.conflict(
                f"{contact.display_name}: {', '.join(stale)} had been changed elsewhere since "
                "this edit was made; this edit was kept — review it."
            )
        return APPLIED


@dataclass(kw_only=True)
class MergeContacts(OpPayload):
    """Merge a duplicate into the kept contact, re-pointing all of its history."""

    op_type = "merge_contacts"
    keep_id: UUID
    merge_id: UUID

    def validate(self) -> None:
        """A contact cannot be merged into itself."""
        if self.keep_id == self.merge_id:
            raise ValidationError("Choose two different contacts to merge.")

    def apply(self, ctx: ApplyContext) -> Outcome:
        """Move history and balances, keep the union of phones and emails."""
        keep = require(ctx.repo, Contact, self.keep_id, "contact to keep")
        gone = require(ctx.repo, Contact, self.merge_id, "duplicate contact")
        if gone.merged_into_id is not None or keep.merged_into_id is not None:
            raise ValidationError("One of these contacts was already merged.")
        ctx.repo.repoint_contact(gone.id, keep.id)
        keep.store_credit_cents += gone.store_credit_cents
        for name in ("phones", "emails", "addresses"):
            merged = list(getattr(keep, name))
            merged += [v for v in getattr(gone, name) if v not in merged]
            setattr(keep, name, merged)
        keep.is_customer |= gone.is_customer
        keep.is_vendor |= gone.is_vendor
        keep.is_partner |= gone.is_partner
        gone.store_credit_cents = 0
        gone.merged_into_id = keep.id
        for contact in (keep, gone):
            contact.updated_at = ctx.now
            contact.version = ctx.version
            ctx.repo.put(contact)
        return APPLIED
