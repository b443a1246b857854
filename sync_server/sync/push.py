"""The exactly-once push: a device's ordered batch of operations, applied with the core rules.

Per batch, in one transaction under the tenant's role:

1. lock the tenant's ``sync_state`` row (version order = commit order; concurrent pushes of
   one tenant queue here, so a repeated batch sees the first one's ``applied_ops``);
2. ops already in ``applied_ops`` return their stored result — a retry after a lost
   response, or the same batch pushed twice at once, applies nothing again;
3. the device's next op must carry ``last_seq + 1`` (gaps and reorderings are refused
   before anything is applied: the client must resend in order);
4. each new op is applied alone (buffered layer, see ``repository.py``): a rejected op
   writes nothing but its ``applied_ops`` record, which keeps it visible to the store;
5. rows, change-log entries, op records, the device's seq and the version are written,
   then ``pg_notify`` wakes the long-polls of every service process (delivered on commit).

If the buffered write hits a database constraint the rules did not foresee, the batch is
redone op by op with a savepoint each, so only the offending op is rejected.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from psycopg import Cursor
from psycopg import errors as pg_errors
from sqlalchemy import Connection, Engine

from jeweltrak_core.errors import JewelTrakError
from jeweltrak_core.sync.ops import Authority, Operation, apply_operation
from sync_server.audit.entries import Actor, AuditEntry, audit_entry, write_audit
from sync_server.db.engine import enter_tenant
from sync_server.db.names import TenantRef
from sync_server.errors import ServiceError
from sync_server.safe_errors import describe
from sync_server.sync import jsontext
from sync_server.sync.repository import Change, PgRepository

log = logging.getLogger(__name__)
NOTIFY_CHANNEL = "jt_changes"


@dataclass
class OpResult:
    """What the device learns about one op; stored, and returned again on a repeat."""

    op_id: UUID
    seq: int
    status: str  # applied / conflict / rejected
    version: int | None = None
    detail: str | None = None
    error: dict[str, Any] | None = None
    exceptions: list[str] = field(default_factory=list)
    repeat: bool = False

    def to_json(self) -> dict[str, Any]:
        """JSON form (API response and the stored ``result``)."""
        return {
            "op_id": str(self.op_id),
            "seq": self.seq,
            "status": self.status,
            "version": self.version,
            "detail": self.detail,
            "error": self.error,
            "exceptions": self.exceptions,
            "repeat": self.repeat,
        }

    @staticmethod
    def from_stored(data: dict[str, Any]) -> OpResult:
        """A stored result, marked as a repeat."""
        return OpResult(
            op_id=UUID(data["op_id"]),
            seq=int(data["seq"]),
            status=data["status"],
            version=data.get("version"),
            detail=data.get("detail"),
            error=data.get("error"),
            exceptions=list(data.get("exceptions") or []),
            repeat=True,
        )


@dataclass(frozen=True)
class PushOutcome:
    """The batch's results and the tenant's version after it."""

    results: list[OpResult]
    version: int


def _json(data: Any) -> str:
    return jsontext.dumps(data)


class _Unforeseen(Exception):
    """A constraint violation during the buffered write: redo the batch carefully."""


def _rejection(exc: JewelTrakError) -> dict[str, Any]:
    details = {
        k: v if isinstance(v, str | int | bool | None) else str(v)
        for k, v in (exc.details or {}).items()
    }
    return {"code": exc.code, "message": exc.message, "details": details}


class _Batch:
    """One push being applied inside an open transaction."""

    def __init__(self, cur: Cursor[Any], tenant: TenantRef, device_id: UUID) -> None:
        self.cur = cur
        self.tenant = tenant
        self.device_id = device_id
        self.repo = PgRepository(cur)
        self.changes: list[tuple[int, int, Change, UUID]] = []
        self.records: list[tuple[Any, ...]] = []
        self.audit: list[tuple[int, AuditEntry, Actor]] = []
        self.version = 0

    def lock(self) -> None:
        self.cur.execute("SELECT version FROM sync_state WHERE id = 1 FOR UPDATE")
        row = self.cur.fetchone()
        if row is None:
            raise RuntimeError(f"tenant {self.tenant.schema} has no sync_state row")
        self.version = int(row[0])

    def stored_results(self, op_ids: list[UUID]) -> dict[UUID, OpResult]:
        self.cur.execute(
            "SELECT op_id, result FROM applied_ops WHERE op_id = ANY(%s)", (op_ids,)
        )
        return {op_id: OpResult.from_stored(result) for op_id, result in self.cur.fetchall()}

    def last_seq(self) -> int:
        self.cur.execute(
            "SELECT last_seq FROM device_seqs WHERE device_id = %s", (self.device_id,)
        )
        row = self.cur.fetchone()
        return int(row[0]) if row else 0

    def apply(self, op: Operation, envelope: dict[str, Any]) -> OpResult:
        """Apply one op in its own layer; rejection leaves only its record."""
        self.repo.begin_op()
        version = self.version + 1
        try:
            outcome = apply_operation(op, self.repo, authority=Authority.SERVER, version=version)
        except JewelTrakError as exc:
            self.repo.rollback_op()
            result = OpResult(op.op_id, op.seq, "rejected", error=_rejection(exc))
        except Exception as exc:
            # A bug must not block the store's queue forever: the op is kept, rejected and
            # visible as a sync problem; the log gets where it failed, not the message
            # (which may quote the op's content, P13).
            log.error("operation %s (%s) failed unexpectedly: %s", op.op_id, op.op_type,
                      describe(exc))
            self.repo.rollback_op()
            result = OpResult(
                op.op_id,
                op.seq,
                "rejected",
                error={
                    "code": "internal_error",
                    "message": "The service could not apply this change; support has "
                    "been notified. Nothing was lost: the change is kept on the server.",
                    "details": {},
                },
            )
        else:
            changes = self.repo.commit_op(version)
            if changes:
                self.version = version
                actor = Actor(op.op_id, op.op_type, op.device_id, op.user_id)
                for seq, change in enumerate(changes):
                    self.changes.append((version, seq, change, op.op_id))
                    entry = audit_of(change)
                    if entry is not None:
                        self.audit.append((version, entry, actor))
            result = OpResult(
                op.op_id,
                op.seq,
                outcome.status,
                version=version if changes else None,
                detail=outcome.detail,
                exceptions=[str(e) for e in outcome.exceptions],
            )
        self.records.append(
            (
                op.op_id,
                op.device_id,
                op.seq,
                op.op_type,
                result.status,
                _json(result.to_json()),
                result.version,
                _json(envelope),
            )
        )
        return result

    def write(self, last_seq: int, start_version: int) -> None:
        """Flush rows, change log, op records, the device's seq and the version."""
        self.repo.flush()
        write_change_log(self.cur, self.changes)
        self.changes = []
        write_audit(self.cur, self.audit)
        self.audit = []
        if self.records:
            # COPY: the fastest way in for rows that are only ever inserted.
            with self.cur.copy(
                "COPY applied_ops (op_id, device_id, seq, op_type, status, result, version, "
                "envelope) FROM STDIN"
            ) as copy:
                for record in self.records:
                    copy.write_row(record)
            self.records = []
        self.cur.execute(
            "INSERT INTO device_seqs (device_id, last_seq) VALUES (%s, %s) "
            "ON CONFLICT (device_id) DO UPDATE SET last_seq = excluded.last_seq",
            (self.device_id, last_seq),
        )
        if self.version != start_version:
            self.cur.execute(
                "UPDATE sync_state SET version = %s WHERE id = 1", (self.version,)
            )
            self.cur.execute(
                "SELECT pg_notify(%s, %s)",
                (NOTIFY_CHANNEL, f"{self.tenant.id}:{self.version}"),
            )


def check_order(ops: list[Operation], stored: dict[UUID, OpResult], last_seq: int) -> None:
    """New ops must continue the device's sequence exactly; else 409, nothing applied."""
    expected = last_seq + 1
    for op in ops:
        if op.op_id in stored:
            continue
        if op.seq != expected:
            raise ServiceError(
                409,
                "out_of_order",
                f"Operations must be sent in order: expected seq {expected}, got {op.seq}. "
                "Nothing in this batch was applied; resend from the expected seq.",
                expected_seq=expected,
                got_seq=op.seq,
            )
        expected += 1


def _driver_cursor(conn: Connection) -> Cursor[Any]:
    raw = conn.connection.driver_connection
    return raw.cursor()  # type: ignore[union-attr, no-any-return]


def push_batch(
    engine: Engine,
    tenant: TenantRef,
    device_id: UUID,
    ops: list[Operation],
    envelopes: list[dict[str, Any]],
) -> PushOutcome:
    """Apply a device's batch exactly once (see the module docstring)."""
    try:
        return _push(engine, tenant, device_id, ops, envelopes, careful=False)
    except _Unforeseen:
        log.warning("batch hit a constraint; redoing it op by op with savepoints")
        return _push(engine, tenant, device_id, ops, envelopes, careful=True)


def _push(
    engine: Engine,
    tenant: TenantRef,
    device_id: UUID,
    ops: list[Operation],
    envelopes: list[dict[str, Any]],
    *,
    careful: bool,
) -> PushOutcome:
    with engine.begin() as conn:
        enter_tenant(conn, tenant)
        cur = _driver_cursor(conn)
        batch = _Batch(cur, tenant, device_id)
        batch.lock()
        start_version = batch.version
        stored = batch.stored_results([op.op_id for op in ops])
        last_seq = batch.last_seq()
        check_order(ops, stored, last_seq)
        batch.repo.prefetch(
            [env.get("payload") for op, env in zip(ops, envelopes, strict=True)
             if op.op_id not in stored]
        )
        results: list[OpResult] = []
        for op, envelope in zip(ops, envelopes, strict=True):
            if op.op_id in stored:
                results.append(stored[op.op_id])
                continue
            if careful:
                results.append(_apply_with_savepoint(conn, batch, op, envelope))
            else:
                results.append(batch.apply(op, envelope))
            last_seq = op.seq
        try:
            batch.write(last_seq, start_version)
        except pg_errors.IntegrityError as exc:
            if careful:
                raise
            raise _Unforeseen() from exc
        return PushOutcome(results=results, version=batch.version)


def _apply_with_savepoint(
    conn: Connection, batch: _Batch, op: Operation, envelope: dict[str, Any]
) -> OpResult:
    """Apply and write one op under a savepoint; a constraint violation rejects only it."""
    version_before = batch.version
    savepoint = conn.begin_nested()
    try:
        result = batch.apply(op, envelope)
        batch.repo.flush()
        _write_changes(batch)
        savepoint.commit()
        return result
    except pg_errors.IntegrityError as exc:
        savepoint.rollback()
        batch.repo.discard_batch()
        batch.changes = []
        batch.audit = []
        batch.version = version_before
        result = OpResult(
            op.op_id,
            op.seq,
            "rejected",
            error={
                "code": "duplicate",
                "message": "This change would duplicate a StockID, barcode or document "
                "number that another workstation already used.",
                "details": {"constraint": getattr(exc.diag, "constraint_name", None)},
            },
        )
        batch.records[-1] = (
            op.op_id, op.device_id, op.seq, op.op_type, "rejected", _json(result.to_json()),
            None, _json(envelope),
        )
        return result


def _write_changes(batch: _Batch) -> None:
    write_change_log(batch.cur, batch.changes)
    batch.changes = []
    write_audit(batch.cur, batch.audit)
    batch.audit = []


def audit_of(change: Change) -> AuditEntry | None:
    """The audit-log entry of a written row, if the change concerns money, stock or settings."""
    return audit_entry(change.table, change.entity_id, change.before, change.doc,
                       deleted=change.deleted)


def write_change_log(cur: Cursor[Any], changes: list[tuple[int, int, Change, UUID]]) -> None:
    """Append change-log entries (tombstones carry no document) with one COPY."""
    if not changes:
        return
    with cur.copy(
        "COPY change_log (version, seq, entity, entity_id, deleted, doc, op_id) FROM STDIN"
    ) as copy:
        for version, seq, change, op_id in changes:
            copy.write_row(
                (version, seq, change.table, change.entity_id, change.deleted,
                 None if change.deleted else change.text, op_id)
            )
