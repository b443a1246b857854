"""Small pieces the operation handlers of every domain share."""

from __future__ import annotations

import typing
from collections.abc import Mapping
from typing import Any, TypeVar
from uuid import UUID

from jeweltrak_core.errors import NotFound, ValidationError
from jeweltrak_core.sync.ops import Repository
from jeweltrak_core.sync.wire import _decode

E = TypeVar("E")


def require(repo: Repository, kind: type[E], entity_id: UUID, label: str) -> E:
    """The entity, or NotFound with a clerk-readable sentence."""
    entity = repo.get(kind, entity_id)
    if entity is None:
        raise NotFound(
            f"The {label} was not found (it may not have synced yet).", id=str(entity_id)
        )
    return entity


def apply_patch(
    entity: object, changes: Mapping[str, Any], allowed: frozenset[str], label: str
) -> list[str]:
    """Set fields from a wire patch, decoding each value by the entity's type hints."""
    if not changes:
        raise ValidationError(f"Nothing to change on the {label}.")
    hints = typing.get_type_hints(type(entity))
    changed = []
    for name, raw in changes.items():
        if name not in allowed:
            raise ValidationError(f"{name.replace('_', ' ')} cannot be changed on a {label}.",
                                  field=name)
        setattr(entity, name, _decode(hints[name], raw, f"payload.changes.{name}"))
        changed.append(name)
    return changed


def live_contact_id(repo: Repository, contact_id: UUID, label: str = "customer") -> UUID:
    """The contact a document should attach to: a merged duplicate resolves to the kept one."""
    from jeweltrak_core.contacts.entities import Contact

    contact = require(repo, Contact, contact_id, label)
    seen = {contact.id}
    while contact.merged_into_id is not None:
        contact = require(repo, Contact, contact.merged_into_id, label)
        if contact.id in seen:  # pragma: no cover - merges never form a cycle
            break
        seen.add(contact.id)
    return contact.id
