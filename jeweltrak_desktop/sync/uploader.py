"""Uploading the outbox: pending operations in seq order, in batches, results recorded.

Each batch's results are written back to the outbox in one transaction: ``status`` becomes
``applied``, ``conflict`` or ``rejected`` and ``result`` keeps the service's answer (its
sentence for the clerk included). Nothing is deleted and nothing rejected is retried: a
rejected or conflicting operation stays in the outbox, visible as a sync problem.

A lost response is harmless: the operations are still pending, so the same batch goes
again and the service answers with the stored results (``repeat``). When the service
answers 409 ``out_of_order`` the upload resumes from the seq it expects:

* expected < first seq sent — the service lost operations it had acknowledged (restored
  from a backup): they are sent again from the outbox, whatever their local status;
* expected > first seq sent — the service has those operations but no longer keeps their
  results: they are recorded as applied (and their rows refreshed from the service).

Rows touched by an operation that changed nothing on the service (rejected, or applied
without a version) are marked stale, so their local copy is replaced by the service's.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from uuid import UUID

from jeweltrak_desktop.services.local_store import LocalStore
from jeweltrak_desktop.sync.applier import mark_stale, write_transaction
from jeweltrak_desktop.sync.errors import OutOfOrder, RequestRefused, SyncError
from jeweltrak_desktop.sync.responses import OpResult
from jeweltrak_desktop.sync.transport import SyncTransport

log = logging.getLogger(__name__)

#: Operations per push: the service's largest batch (its ``max_batch_ops``). A service
#: configured smaller answers 413 ``batch_too_large`` and the batch is halved.
DEFAULT_BATCH = 500


@dataclass(frozen=True)
class _Queued:
    seq: int
    op_id: str
    #: The wire JSON text as the outbox stores it (sent as is).
    envelope: str


@dataclass(frozen=True)
class UploadReport:
    """What one ``upload`` call achieved."""

    batches: int = 0
    applied: int = 0
    conflicts: int = 0
    rejected: int = 0

    def __add__(self, other: UploadReport) -> UploadReport:
        return UploadReport(
            self.batches + other.batches,
            self.applied + other.applied,
            self.conflicts + other.conflicts,
            self.rejected + other.rejected,
        )


class Uploader:
    """Sends the outbox of one workstation through a transport."""

    def __init__(
        self, store: LocalStore, transport: SyncTransport, *, batch_size: int = DEFAULT_BATCH
    ) -> None:
        self.store = store
        self.transport = transport
        self.batch_size = batch_size

    def upload(self) -> UploadReport:
        """Upload until nothing is pending; raises the transport's errors (state is kept)."""
        report = UploadReport()
        resend_from: int | None = None
        last_refusal: int | None = None
        while True:
            batch = self._load(resend_from)
            if not batch:
                return report
            try:
                result = self.transport.push_encoded(
                    [q.envelope for q in batch], [(UUID(q.op_id), q.seq) for q in batch]
                )
            except RequestRefused as exc:
                if exc.details.get("service_code") != "batch_too_large" or len(batch) == 1:
                    self._count_attempt(batch)
                    raise
                self.batch_size = max(1, len(batch) // 2)
                log.info("the service takes smaller batches: now %s ops", self.batch_size)
                continue
            except OutOfOrder as exc:
                if exc.expected_seq == last_refusal:
                    raise SyncError(
                        "The sync service keeps refusing this workstation's changes in "
                        "their order; contact support (nothing is lost).",
                        expected_seq=exc.expected_seq,
                    ) from None
                last_refusal = exc.expected_seq
                resend_from = self._realign(batch, exc.expected_seq)
                continue
            except SyncError:
                self._count_attempt(batch)
                raise
            last_refusal = None
            report += self._record(batch, result.results)
            if resend_from is not None:
                resend_from = self._next_resend(batch[-1].seq)

    # --- outbox ---------------------------------------------------------------------------

    def _load(self, resend_from: int | None) -> list[_Queued]:
        if resend_from is None:
            sql = "SELECT seq, op_id, envelope FROM outbox WHERE status = 'pending' "
            params: tuple[int, ...] = (self.batch_size,)
        else:
            sql = "SELECT seq, op_id, envelope FROM outbox WHERE seq >= ? "
            params = (resend_from, self.batch_size)
        with self.store.engine.connect() as conn:
            rows = conn.exec_driver_sql(sql + "ORDER BY seq LIMIT ?", params).all()
        return [_Queued(int(s), op_id, env) for s, op_id, env in rows]

    def _next_resend(self, last_sent: int) -> int | None:
        """Keep resending in order until the first pending operation, then back to normal."""
        with self.store.engine.connect() as conn:
            first_pending = conn.exec_driver_sql(
                "SELECT min(seq) FROM outbox WHERE status = 'pending'"
            ).scalar()
        if first_pending is None or first_pending <= last_sent + 1:
            return None
        return last_sent + 1

    def _realign(self, batch: list[_Queued], expected: int) -> int | None:
        first = batch[0].seq
        if expected < first:
            log.warning("service expects seq %s, behind %s: resending from there", expected,
                        first)
            with self.store.engine.connect() as conn:
                have = conn.exec_driver_sql(
                    "SELECT 1 FROM outbox WHERE seq = ?", (expected,)
                ).first()
            if have is None:
                raise SyncError(
                    "The sync service is missing changes this workstation no longer has; "
                    "contact support.",
                    expected_seq=expected,
                )
            return expected
        log.warning("service is past seq %s without stored results: recording them", expected)
        acknowledged = [q for q in batch if q.seq < expected]
        self._record(acknowledged, [_acknowledged(q) for q in acknowledged])
        return None

    def _count_attempt(self, batch: list[_Queued]) -> None:
        with write_transaction(self.store) as db:
            db.executemany(
                "UPDATE outbox SET attempts = attempts + 1 WHERE seq = ?", [(q.seq,) for q in batch]
            )

    def _record(self, batch: list[_Queued], results: list[OpResult]) -> UploadReport:
        counts = {"applied": 0, "conflict": 0, "rejected": 0}
        with write_transaction(self.store) as db:
            stale: list[str] = []
            for queued, result in zip(batch, results, strict=True):
                counts[result.status] += 1
                db.execute(
                    "UPDATE outbox SET status = ?, result = ?, attempts = attempts + 1 "
                    "WHERE seq = ? AND op_id = ?",
                    (
                        result.status,
                        json.dumps(result.raw, separators=(",", ":")),
                        queued.seq,
                        queued.op_id,
                    ),
                )
                if result.status == "rejected" or result.version is None:
                    (touched,) = db.execute(
                        "SELECT touched FROM outbox WHERE seq = ?", (queued.seq,)
                    ).fetchone()
                    stale.extend(json.loads(touched))
            mark_stale(db, stale)
        return UploadReport(1, counts["applied"], counts["conflict"], counts["rejected"])


_ACKNOWLEDGED = "Acknowledged by the service's sequence; its result was no longer kept."


def _acknowledged(queued: _Queued) -> OpResult:
    raw = {
        "op_id": queued.op_id,
        "seq": queued.seq,
        "status": "applied",
        "version": None,
        "detail": _ACKNOWLEDGED,
        "error": None,
        "exceptions": [],
        "repeat": True,
    }
    return OpResult(
        op_id=UUID(queued.op_id),
        seq=queued.seq,
        status="applied",
        version=None,
        detail=_ACKNOWLEDGED,
        error_code=None,
        error_message=None,
        exceptions=(),
        repeat=True,
        raw=raw,
    )
