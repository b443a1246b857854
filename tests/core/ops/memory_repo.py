"""An in-memory ``Repository`` for operation tests, plus helpers that apply ops like the apps do.

Every row is stored as a deep copy and handed out as a deep copy, so a handler that changes
an entity and forgets to ``put`` it changes nothing — exactly as with a real database.

``run`` sends every operation through the wire format first (``to_wire`` → JSON text →
``from_wire``), so each test also proves that its payload survives the trip, and applies it
in an emulated transaction: if the operation raises, the repository is restored to the
state it had before (a database rolls the transaction back).
"""

from __future__ import annotations

import copy
import dataclasses
import itertools
import json
import pickle
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID

from jeweltrak_core.appraisals.entities import Appraisal
from jeweltrak_core.ids import new_id
from jeweltrak_core.inventory.entities import Piece
from jeweltrak_core.memos.entities import CustomerMemo, VendorMemo
from jeweltrak_core.payments.entities import Deposit, DrawerSession, Payment, StoreCreditEntry
from jeweltrak_core.sales.entities import Invoice
from jeweltrak_core.sync.ops import (
    Authority,
    Operation,
    OpPayload,
    Outcome,
    Repository,
    apply_operation,
)
from jeweltrak_core.work_orders.entities import WorkOrder

E = TypeVar("E")

LOCAL = Authority.LOCAL
SERVER = Authority.SERVER

#: The store, workstations and user every test works with unless it says otherwise.
STORE_ID = UUID("0190f000-0000-7000-8000-000000000001")
DEVICE_ID = UUID("0190f000-0000-7000-8000-0000000000d1")
OTHER_DEVICE_ID = UUID("0190f000-0000-7000-8000-0000000000d2")
USER_ID = UUID("0190f000-0000-7000-8000-0000000000a1")
#: Business time of every op unless a test passes ``client_ts``.
NOW = datetime(2025, 3, 14, 15, 30, tzinfo=UTC)

#: Kinds whose ``contact_id`` follows a merge, and kinds whose ``vendor_id`` does.
_CONTACT_KINDS: tuple[type, ...] = (
    Invoice, CustomerMemo, WorkOrder, Appraisal, Payment, Deposit, StoreCreditEntry,
)
_VENDOR_KINDS: tuple[type, ...] = (Piece, VendorMemo)

_seq = itertools.count(1)


class MemoryRepository:
    """The ``Repository`` protocol over dicts keyed by (entity class, id)."""

    def __init__(self) -> None:
        self._rows: dict[tuple[type, UUID], Any] = {}
        self._tombstones: list[tuple[str, UUID]] = []

    # --- the Repository protocol -------------------------------------------------------

    def get(self, kind: type[E], entity_id: UUID) -> E | None:
        """A deep copy of the entity, or None."""
        row = self._rows.get((kind, entity_id))
        return None if row is None else copy.deepcopy(row)

    def get_many(self, kind: type[E], entity_ids: Iterable[UUID]) -> dict[UUID, E]:
        """Deep copies of the entities found, by ID."""
        found = {i: self._rows[(kind, i)] for i in entity_ids if (kind, i) in self._rows}
        return copy.deepcopy(found)

    def put(self, entity: object) -> None:
        """Insert or replace (a deep copy: later changes to ``entity`` are not stored)."""
        entity_id = entity.id  # type: ignore[attr-defined]
        if not isinstance(entity_id, UUID):
            raise TypeError(f"{type(entity).__name__}.id must be a UUID, got {entity_id!r}")
        self._rows[(type(entity), entity_id)] = copy.deepcopy(entity)

    def delete(self, kind: type[Any], entity_id: UUID) -> None:
        """Remove the entity and leave a tombstone."""
        if self._rows.pop((kind, entity_id), None) is not None:
            self._tombstones.append((kind.__name__, entity_id))

    def piece_by_stock_id(self, stock_id: str) -> Piece | None:
        """Case-insensitive StockID lookup."""
        wanted = stock_id.casefold()
        return self._first(Piece, lambda p: p.stock_id.casefold() == wanted)

    def piece_by_barcode(self, barcode: str) -> Piece | None:
        """Barcode lookup; case-insensitive because scans are normalized to upper case."""
        wanted = barcode.upper()
        return self._first(Piece, lambda p: p.barcode is not None and p.barcode.upper() == wanted)

    def number_taken(self, kind: type[Any], number: str, exclude_id: UUID) -> bool:
        """Whether another entity of ``kind`` has this ``number``."""
        return any(
            getattr(row, "number", None) == number and row.id != exclude_id
            for (k, _), row in self._rows.items()
            if k is kind
        )

    def payments_for(
        self,
        *,
        invoice_id: UUID | None = None,
        refund_of_id: UUID | None = None,
        drawer_session_id: UUID | None = None,
    ) -> list[Payment]:
        """Payments matching one of the given filters (none given: none match)."""
        wanted = [
            (name, value)
            for name, value in (
                ("invoice_id", invoice_id),
                ("refund_of_id", refund_of_id),
                ("drawer_session_id", drawer_session_id),
            )
            if value is not None
        ]
        return [
            p for p in self.all(Payment) if any(getattr(p, n) == v for n, v in wanted)
        ]

    def open_drawer_for(self, device_id: UUID) -> DrawerSession | None:
        """The device's drawer session that is not closed."""
        return self._first(
            DrawerSession, lambda s: s.device_id == device_id and s.closed_at is None
        )

    def repoint_contact(self, from_id: UUID, to_id: UUID) -> None:
        """Move every document of one contact (or vendor) to another."""
        for (kind, _), row in self._rows.items():
            if kind in _CONTACT_KINDS and row.contact_id == from_id:
                row.contact_id = to_id
            if kind in _VENDOR_KINDS and row.vendor_id == from_id:
                row.vendor_id = to_id

    # --- for tests -----------------------------------------------------------------------

    def all(self, kind: type[E]) -> list[E]:
        """Deep copies of every stored entity of ``kind``, in insertion order."""
        return [copy.deepcopy(row) for (k, _), row in self._rows.items() if k is kind]

    def tombstones(self) -> list[tuple[str, UUID]]:
        """(kind name, id) of every deleted entity."""
        return list(self._tombstones)

    def snapshot(self) -> dict[str, Any]:
        """All state as plain, comparable data."""
        rows = {
            f"{kind.__name__}:{entity_id}": dataclasses.asdict(row)
            for (kind, entity_id), row in sorted(
                self._rows.items(), key=lambda kv: (kv[0][0].__name__, str(kv[0][1]))
            )
        }
        return {"rows": rows, "tombstones": list(self._tombstones)}

    def peek(self, kind: type[E]) -> list[E]:
        """The stored entities of ``kind`` themselves, without copying: read, never modify."""
        return [row for (k, _), row in self._rows.items() if k is kind]

    def begin(self) -> bytes:
        """A savepoint: a deep copy of the whole state (pickled: much faster than deepcopy)."""
        return pickle.dumps((self._rows, self._tombstones), pickle.HIGHEST_PROTOCOL)

    def rollback(self, savepoint: bytes) -> None:
        """Go back to a savepoint."""
        self._rows, self._tombstones = pickle.loads(savepoint)

    def unchanged_since(self, savepoint: bytes) -> bool:
        """Whether the state equals the savepoint's (entity by entity, by value)."""
        rows, tombstones = pickle.loads(savepoint)
        return bool(rows == self._rows and tombstones == self._tombstones)

    def _first(self, kind: type[E], pred: Any) -> E | None:
        for (k, _), row in self._rows.items():
            if k is kind and pred(row):
                return copy.deepcopy(row)  # type: ignore[no-any-return]
        return None


if TYPE_CHECKING:  # mypy proves that MemoryRepository satisfies the protocol
    _PROTOCOL_CHECK: Repository = MemoryRepository()


def make_op(
    payload: OpPayload,
    *,
    seq: int,
    device_id: UUID,
    store_id: UUID,
    user_id: UUID | None = None,
    base_version: int | None = None,
    client_ts: datetime = NOW,
    op_id: UUID | None = None,
) -> Operation:
    """An operation envelope around ``payload``."""
    return Operation(
        op_id=op_id or new_id(), device_id=device_id, seq=seq, store_id=store_id,
        client_ts=client_ts, payload=payload, user_id=user_id, base_version=base_version,
    )


def wire_trip(op: Operation) -> Operation:
    """``op`` after the trip a real op makes: to_wire → JSON text → from_wire."""
    wire = op.to_wire()
    text = json.dumps(wire)
    received = Operation.from_wire(json.loads(text))
    # The trip is lossless: what arrives encodes to exactly what was sent.
    assert received.to_wire() == wire, (received.to_wire(), wire)
    return received


def run(
    repo: MemoryRepository,
    payload: OpPayload,
    authority: Authority = LOCAL,
    *,
    version: int = 0,
    seq: int | None = None,
    device_id: UUID = DEVICE_ID,
    store_id: UUID = STORE_ID,
    user_id: UUID | None = USER_ID,
    base_version: int | None = None,
    client_ts: datetime = NOW,
    op_id: UUID | None = None,
) -> Outcome:
    """Apply ``payload`` as an op that went over the wire, in one (emulated) transaction."""
    op = make_op(
        payload, seq=next(_seq) if seq is None else seq, device_id=device_id,
        store_id=store_id, user_id=user_id, base_version=base_version, client_ts=client_ts,
        op_id=op_id,
    )
    op = wire_trip(op)
    savepoint = repo.begin()
    try:
        return apply_operation(op, repo, authority=authority, version=version)
    except BaseException:
        repo.rollback(savepoint)
        raise
