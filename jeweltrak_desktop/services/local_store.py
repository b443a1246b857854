"""``LocalStore``: the workstation's database and the one write path into it.

Every change goes through ``Transaction.apply(payload)``: the operation is numbered with
the device's next ``seq``, encoded to its wire form, decoded back (so the workstation
applies exactly what the service will receive), applied with the core rules, and appended
to the outbox — all in one SQLite transaction. If anything raises, nothing is written.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar
from uuid import UUID

from sqlalchemy import Connection, Engine, func, insert, select, update

from jeweltrak_core.clock import utc_now
from jeweltrak_core.errors import JewelTrakError, NotFound, PermissionDenied, ValidationError
from jeweltrak_core.ids import new_id
from jeweltrak_core.permissions import Permission
from jeweltrak_core.store.entities import Store
from jeweltrak_core.sync.ops import Authority, Operation, OpPayload, Outcome, apply_operation
from jeweltrak_desktop.store.codec import format_datetime
from jeweltrak_desktop.store.db import open_engine
from jeweltrak_desktop.store.migrate import migrate
from jeweltrak_desktop.store.repository import SqliteRepository
from jeweltrak_desktop.store.schema import device, number_sequences, outbox, sync_state

log = logging.getLogger(__name__)
E = TypeVar("E")

#: Document kinds and the letter that starts their numbers (invoices have none).
NUMBER_PREFIXES = {"invoice": "", "memo": "M", "work_order": "R", "appraisal": "A", "stock": ""}


@dataclass(frozen=True)
class DeviceIdentity:
    """Who this workstation is: IDs and the short codes used in document numbers."""

    device_id: UUID
    store_id: UUID
    store_code: str
    workstation_code: str


@dataclass(frozen=True)
class Actor:
    """The signed-in user and what they may do."""

    user_id: UUID | None
    name: str
    permissions: frozenset[Permission] = field(default_factory=frozenset)

    def require(self, permission: Permission) -> None:
        """Raise PermissionDenied unless the user has the permission."""
        if permission not in self.permissions:
            raise PermissionDenied(
                f"{self.name} is not allowed to {permission.value.replace('_', ' ')}; "
                "ask a manager.",
                permission=permission.value,
            )


#: Used before anyone signs in on a brand-new local demo store.
DEMO_OWNER = Actor(user_id=None, name="Demo owner", permissions=frozenset(Permission))


_INSERT_OUTBOX = (
    "INSERT INTO outbox (seq, op_id, op_type, envelope, touched, created_at, status, attempts) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)


class Transaction:
    """One SQLite transaction: read through ``repo``, write only through ``apply``."""

    def __init__(self, store: LocalStore, conn: Connection) -> None:
        self.store = store
        self.conn = conn
        self.repo = SqliteRepository(conn)
        self.outcomes: list[Outcome] = []

    def apply(self, payload: OpPayload, *, base_version: int | None = None) -> Outcome:
        """Apply one operation locally and queue it for upload."""
        ident = self.store.identity
        seq = self.repo.db.execute(
            "UPDATE device SET last_seq = last_seq + 1 RETURNING last_seq"
        ).fetchone()[0]
        op = Operation(
            op_id=new_id(),
            device_id=ident.device_id,
            seq=seq,
            store_id=ident.store_id,
            client_ts=self.store.clock(),
            payload=payload,
            user_id=self.store.actor.user_id,
            base_version=base_version,
        )
        wire = op.to_wire()
        self.repo.touched = []
        try:
            local_op = Operation.from_wire(json.loads(json.dumps(wire)))
            outcome = apply_operation(local_op, self.repo, authority=Authority.LOCAL)
        except ValidationError as exc:
            if "clerk_message" not in exc.details:
                raise
            # The codec names the wire path; the clerk gets the plain sentence.
            details = {k: v for k, v in exc.details.items() if k != "clerk_message"}
            raise type(exc)(exc.details["clerk_message"], **details) from exc
        self.repo.db.execute(
            _INSERT_OUTBOX,
            (
                seq,
                str(op.op_id),
                op.op_type,
                json.dumps(wire, separators=(",", ":")),
                json.dumps(sorted(set(self.repo.touched))),
                format_datetime(op.client_ts),
                "pending",
                0,
            ),
        )
        self.outcomes.append(outcome)
        return outcome

    def fetch(self, kind: type[E], entity_id: UUID) -> E:
        """An entity this transaction just wrote (or that must exist), as the UI sees it."""
        entity = self.repo.get(kind, entity_id)
        if entity is None:
            raise NotFound(f"The {kind.__name__.lower()} was not found.")
        return entity

    def next_number(self, kind: str) -> str:
        """The next document number of this workstation: unique across offline workstations."""
        prefix = NUMBER_PREFIXES[kind]
        value = self.conn.execute(
            update(number_sequences)
            .where(number_sequences.c.kind == kind)
            .values(next_value=number_sequences.c.next_value + 1)
            .returning(number_sequences.c.next_value)
        ).scalar_one_or_none()
        if value is None:
            value = 1001 if kind in ("invoice", "stock") else 1
            self.conn.execute(insert(number_sequences).values(kind=kind, next_value=value))
        ident = self.store.identity
        return f"{prefix}{ident.store_code}{ident.workstation_code}-{value}"

    def store_settings(self) -> Store:
        """This workstation's store and its settings."""
        store = self.repo.get(Store, self.store.identity.store_id)
        if store is None:
            raise ValidationError("This workstation has no store yet; pair it or open the demo.")
        return store


class LocalStore:
    """The open local database of one paired (or demo) workstation."""

    def __init__(
        self,
        path: Path,
        *,
        engine: Engine | None = None,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.path = Path(path)
        #: This workstation's clock: it stamps every op (the op's business time). A counter
        #: PC's clock can be hours off; the service orders ops by its own versions, never by
        #: these stamps, so a skewed clock changes recorded times, never the outcome.
        self.clock = clock
        self.engine = engine or open_engine(self.path)
        self.migration = migrate(self.path, self.engine)
        self.actor: Actor = DEMO_OWNER
        self._identity: DeviceIdentity | None = None

    def close(self) -> None:
        """Release the database."""
        self.engine.dispose()

    @property
    def identity(self) -> DeviceIdentity:
        """This workstation's identity (raises if it was never set up)."""
        if self._identity is None:
            with self.engine.connect() as conn:
                row = conn.execute(select(device)).mappings().first()
            if row is None:
                raise ValidationError("This workstation is not set up: pair it or open the demo.")
            self._identity = DeviceIdentity(
                device_id=UUID(row["device_id"]),
                store_id=UUID(row["store_id"]),
                store_code=row["store_code"],
                workstation_code=row["workstation_code"],
            )
        return self._identity

    @property
    def is_set_up(self) -> bool:
        """Whether a device identity exists."""
        try:
            self.identity  # noqa: B018 - loads or raises
        except ValidationError:
            return False
        return True

    def set_up(
        self,
        identity: DeviceIdentity,
        store: Store,
        *,
        paired: bool = False,
        server_url: str | None = None,
    ) -> None:
        """Record who this workstation is and its store (pairing or demo)."""
        with self.engine.begin() as conn:
            if conn.execute(select(func.count()).select_from(device)).scalar_one():
                raise ValidationError("This workstation is already set up; unpair it first.")
            conn.execute(
                insert(device).values(
                    id=1,
                    device_id=str(identity.device_id),
                    store_id=str(identity.store_id),
                    store_code=identity.store_code,
                    workstation_code=identity.workstation_code,
                    server_url=server_url,
                    paired=paired,
                    last_seq=0,
                )
            )
            conn.execute(insert(sync_state).values(id=1, cursor=0))
            SqliteRepository(conn).put(store)
        self._identity = identity

    @contextmanager
    def transaction(self) -> Iterator[Transaction]:
        """A write transaction; committed when the block ends, rolled back if it raises."""
        with self.engine.connect().execution_options(immediate=True) as conn, conn.begin():
            tx = Transaction(self, conn)
            try:
                yield tx
            except JewelTrakError as exc:
                log.info("refused: %s (%s)", exc.message, exc.code)
                raise

    def execute(self, payload: OpPayload, *, base_version: int | None = None) -> Outcome:
        """Apply a single operation in its own transaction."""
        with self.transaction() as tx:
            return tx.apply(payload, base_version=base_version)

    @contextmanager
    def reader(self) -> Iterator[SqliteRepository]:
        """A read-only snapshot."""
        with self.engine.connect() as conn, conn.begin():
            yield SqliteRepository(conn)

    # --- outbox, for the sync client and the status bar ----------------------------------
    def pending_ops(self) -> int:
        """Operations not yet acknowledged by the service."""
        with self.engine.connect() as conn:
            return int(
                conn.execute(
                    select(func.count()).select_from(outbox).where(outbox.c.status == "pending")
                ).scalar_one()
            )

    def outbox_entries(
        self, *, status: str | None = None, limit: int = 500
    ) -> list[dict[str, Any]]:
        """Outbox rows in upload order."""
        stmt = select(outbox).order_by(outbox.c.seq).limit(limit)
        if status is not None:
            stmt = stmt.where(outbox.c.status == status)
        with self.engine.connect() as conn:
            return [dict(r) for r in conn.execute(stmt).mappings()]
