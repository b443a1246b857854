"""Per-connected-account object stores and the request context handlers work in."""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .errors import no_such

Obj = dict[str, Any]
Params = dict[str, Any]


@dataclass
class AccountState:
    """Everything one Stripe account holds; ``id`` is None for the platform itself."""

    id: str | None
    obj: Obj | None = None
    objects: dict[str, dict[str, Obj]] = field(default_factory=dict)

    def put(self, obj: Obj) -> Obj:
        self.objects.setdefault(obj["object"], {})[obj["id"]] = obj
        return obj

    def get(self, kind: str, object_id: Any, param: str = "id") -> Obj:
        """The object, or Stripe's 404 — also for an object that lives on another account."""
        if not isinstance(object_id, str) or object_id == "":
            raise no_such(kind.split(".")[-1], str(object_id), param)
        found = self.objects.get(kind, {}).get(object_id)
        if found is None:
            raise no_such(kind.split(".")[-1], object_id, param)
        return found

    def find(self, kind: str, object_id: str) -> Obj | None:
        return self.objects.get(kind, {}).get(object_id)

    def all(self, kind: str) -> list[Obj]:
        """Objects of ``kind``, newest first (Stripe's list order)."""
        return list(reversed(self.objects.get(kind, {}).values()))


@dataclass
class Ctx:
    """One request (or one test-helper call): the account it acts on and events it raised."""

    account: AccountState
    new_account: Callable[[Params], AccountState]
    find_account: Callable[[str], AccountState | None]
    request_id: str | None = None
    idempotency_key: str | None = None
    shared: dict[str, Any] = field(default_factory=dict)  # simulator-wide, e.g. used codes
    api_version: str = "2026-10-28.endive"  # the request's Stripe-Version
    events: list[tuple[str, Obj, Obj | None]] = field(default_factory=list)

    def emit(self, event_type: str, obj: Obj, previous: Obj | None = None) -> None:
        """Queue an event carrying a snapshot of ``obj`` as it is now."""
        self.events.append((event_type, copy.deepcopy(obj), previous))
