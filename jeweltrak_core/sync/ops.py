"""The sync operation envelope (wire format v1) and the registry of operation types.

An operation is an *intent* (``finalize_invoice``, ``adjust_stock``), not a row snapshot.
The desktop applies it locally and stores it in its outbox in one transaction; the service
applies the very same payload class to Postgres. Both call ``payload.apply(ctx)``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, ClassVar, Protocol, TypeVar
from uuid import UUID

from jeweltrak_core.errors import UnsupportedOperation, ValidationError
from jeweltrak_core.sync.wire import decode, encode

#: Version of the wire format. Bump it when a payload changes shape; the service refuses
#: ops newer than it knows and answers 426 to clients older than it supports.
SCHEMA_VERSION = 1
MIN_SUPPORTED_SCHEMA_VERSION = 1

E = TypeVar("E")


class Authority(StrEnum):
    """Where an op is being applied: strict checks locally, conflict rules on the server."""

    LOCAL = "local"
    SERVER = "server"


class Repository(Protocol):
    """What an operation needs from a database; the desktop (SQLite) and service (Postgres)
    each implement it. Entities are the plain dataclasses of ``jeweltrak_core``."""

    def get(self, kind: type[E], entity_id: UUID) -> E | None:
        """The entity (with its child lines) or None."""

    def get_many(self, kind: type[E], entity_ids: Iterable[UUID]) -> dict[UUID, E]:
        """The entities among ``entity_ids`` that ``get`` would return, by ID, read in one
        go (an invoice's pieces); missing ones are left out."""

    def put(self, entity: object) -> None:
        """Insert or update the entity and its child lines."""

    def delete(self, kind: type[Any], entity_id: UUID) -> None:
        """Remove an entity that may be deleted (an open invoice); leaves a tombstone."""

    def piece_by_stock_id(self, stock_id: str) -> Any | None:
        """The piece with this StockID (case-insensitive), or None."""

    def piece_by_barcode(self, barcode: str) -> Any | None:
        """The piece with this barcode, or None."""

    def number_taken(self, kind: type[Any], number: str, exclude_id: UUID) -> bool:
        """Whether another document of this kind already has this number."""

    def payments_for(
        self,
        *,
        invoice_id: UUID | None = None,
        refund_of_id: UUID | None = None,
        drawer_session_id: UUID | None = None,
    ) -> list[Any]:
        """Payments matching one of the filters."""

    def open_drawer_for(self, device_id: UUID) -> Any | None:
        """The device's open drawer session, if any."""

    def repoint_contact(self, from_id: UUID, to_id: UUID) -> None:
        """Move every document of one contact to another (merge)."""


@dataclass(kw_only=True)
class ApplyContext:
    """Everything an op's ``apply`` may use besides its payload."""

    repo: Repository
    authority: Authority
    op: Operation
    #: The version this change will carry (the server's change-feed version); 0 locally.
    version: int = 0

    @property
    def now(self) -> datetime:
        """Business time of the op: the client's timestamp, so both sides write equal rows."""
        return self.op.client_ts

    @property
    def strict(self) -> bool:
        """Local application refuses what the server would accept and flag."""
        return self.authority is Authority.LOCAL


@dataclass(frozen=True)
class Outcome:
    """Result of applying one op: applied, or applied with a conflict to review."""

    status: str = "applied"
    detail: str | None = None
    exceptions: tuple[UUID, ...] = ()

    @staticmethod
    def conflict(detail: str) -> Outcome:
        """Applied, but something needs a person's review."""
        return Outcome(status="conflict", detail=detail)


APPLIED = Outcome()
_REGISTRY: dict[str, type[OpPayload]] = {}


@dataclass(kw_only=True)
class OpPayload:
    """Base of every operation payload; subclasses set ``op_type`` and implement ``apply``."""

    op_type: ClassVar[str] = ""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.op_type:
            if cls.op_type in _REGISTRY and _REGISTRY[cls.op_type] is not cls:
                raise RuntimeError(f"operation type {cls.op_type!r} registered twice")
            _REGISTRY[cls.op_type] = cls

    def validate(self) -> None:
        """Shape checks beyond types (non-empty lists, positive amounts ...)."""

    def apply(self, ctx: ApplyContext) -> Outcome:
        """Apply to the repository; raise JewelTrakError to reject."""
        raise NotImplementedError


def op_types() -> dict[str, type[OpPayload]]:
    """Every registered operation type (importing the domains registers them)."""
    import jeweltrak_core.sync.registry  # noqa: F401 - registers all payloads

    return dict(_REGISTRY)


@dataclass(frozen=True, kw_only=True)
class Operation:
    """The envelope: who, when, in what order, on which version — plus the intent."""

    op_id: UUID
    device_id: UUID
    seq: int
    store_id: UUID
    client_ts: datetime
    payload: OpPayload
    user_id: UUID | None = None
    base_version: int | None = None
    schema_version: int = SCHEMA_VERSION

    @property
    def op_type(self) -> str:
        """The payload's registered type name."""
        return self.payload.op_type

    def to_wire(self) -> dict[str, Any]:
        """JSON-ready dict."""
        data = {f.name: encode(getattr(self, f.name)) for f in dataclasses.fields(self)}
        data["op_type"] = self.op_type
        return data

    @classmethod
    def from_wire(cls, data: Mapping[str, Any]) -> Operation:
        """Validate and build an operation; raises ValidationError / UnsupportedOperation."""
        if not isinstance(data, Mapping):
            raise ValidationError("An operation must be a JSON object.")
        version = data.get("schema_version")
        if isinstance(version, bool) or not isinstance(version, int):
            raise ValidationError("schema_version must be a whole number.")
        if version > SCHEMA_VERSION:
            raise UnsupportedOperation(
                f"This operation uses format v{version}; this side knows up to "
                f"v{SCHEMA_VERSION}. Update the app.",
                schema_version=version,
            )
        if version < MIN_SUPPORTED_SCHEMA_VERSION:
            raise UnsupportedOperation(f"Operation format v{version} is no longer supported.")
        op_type = data.get("op_type")
        payload_cls = op_types().get(op_type) if isinstance(op_type, str) else None
        if payload_cls is None:
            raise UnsupportedOperation(f"Unknown operation type {op_type!r}.", op_type=op_type)
        envelope = {k: v for k, v in data.items() if k not in ("op_type", "payload")}
        payload = decode(payload_cls, data.get("payload"), "payload")
        env = decode(_Envelope, envelope, "op")
        if env.seq < 1:
            raise ValidationError("op.seq must be 1 or more.")
        payload.validate()
        fields = {f.name: getattr(env, f.name) for f in dataclasses.fields(env)}
        return cls(payload=payload, **fields)


@dataclass(frozen=True, kw_only=True)
class _Envelope:
    op_id: UUID
    device_id: UUID
    seq: int
    store_id: UUID
    client_ts: datetime
    user_id: UUID | None = None
    base_version: int | None = None
    schema_version: int = SCHEMA_VERSION


def apply_operation(op: Operation, ctx_repo: Repository, *, authority: Authority,
                    version: int = 0) -> Outcome:
    """Apply one operation through its payload's rules."""
    op.payload.validate()
    ctx = ApplyContext(repo=ctx_repo, authority=authority, op=op, version=version)
    return op.payload.apply(ctx)
