"""One stream of sync status for the shell: from the sync worker, or read locally.

A paired workstation's ``SyncWorker`` reports its ``SyncStatus`` whenever it changes;
this feed also reads it again on a timer and after local writes (pending counts change
without the engine noticing at once). A local demo store has no worker: its state is
"local", with the same counts read from the store.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from PySide6.QtCore import QObject, QTimer, Signal

from jeweltrak_desktop.services.local_store import LocalStore
from jeweltrak_desktop.sync.pairing import pairing_of
from jeweltrak_desktop.sync.status import SyncProblem, SyncStatus, last_sync_at, sync_problems
from jeweltrak_desktop.sync.worker import SyncWorker
from jeweltrak_desktop.ui.shell.store_info import open_oversells
from jeweltrak_desktop.ui.tasks import run_op

#: Paired, but the app could not start syncing (a missing credential, a refused address).
_NOT_SYNCING = "This workstation is paired but is not syncing; restart JewelTrak to retry."


@dataclass(frozen=True)
class ShellStatus:
    """What the status bar and the offline banner show."""

    #: local / online / offline / syncing
    state: str
    pending_ops: int
    last_sync_at: datetime | None
    problems: tuple[SyncProblem, ...] = ()
    error: str | None = None
    #: Oversell exceptions no manager has resolved yet.
    oversells: int = 0


def from_sync_status(status: SyncStatus) -> ShellStatus:
    """The shell's view of a sync worker's status."""
    return ShellStatus(
        state=str(status.state),
        pending_ops=status.pending_ops,
        last_sync_at=status.last_sync_at,
        problems=status.problems,
        error=status.error,
    )


def read_local_status(store: LocalStore) -> ShellStatus:
    """The status of a workstation with no sync worker (the local demo)."""
    pairing = pairing_of(store)
    paired = pairing is not None and pairing.paired
    return ShellStatus(
        state="offline" if paired else "local",
        pending_ops=store.pending_ops(),
        last_sync_at=last_sync_at(store),
        problems=sync_problems(store),
        error=_NOT_SYNCING if paired else None,
        oversells=len(open_oversells(store)),
    )


class StatusFeed(QObject):
    """Emits ``status_changed(ShellStatus)`` on the UI thread."""

    status_changed = Signal(object)

    def __init__(
        self,
        store: LocalStore,
        worker: SyncWorker | None,
        *,
        interval_ms: int,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._store = store
        self._worker = worker
        self._reading = False
        self.latest: ShellStatus | None = None
        if worker is not None:
            worker.status_changed.connect(self._from_worker)
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.refresh)

    @property
    def syncing(self) -> bool:
        """Whether a sync worker feeds this status."""
        return self._worker is not None

    def start(self) -> None:
        """Read now and every interval."""
        self._timer.start()
        self.refresh()

    def stop(self) -> None:
        """Stop reading on the timer."""
        self._timer.stop()

    def refresh(self) -> None:
        """Read the status again (skipped while a read is running)."""
        if self._reading:
            return
        self._reading = True
        worker, store = self._worker, self._store
        if worker is not None:
            op = run_op(lambda: replace(from_sync_status(worker.current_status()),
                                        oversells=len(open_oversells(store))))
        else:
            op = run_op(lambda: read_local_status(store))
        op.success(self._read).failure(self._failed)

    def _from_worker(self, status: SyncStatus) -> None:
        oversells = self.latest.oversells if self.latest is not None else 0
        self._publish(replace(from_sync_status(status), oversells=oversells))

    def _read(self, status: ShellStatus) -> None:
        self._reading = False
        self._publish(status)

    def _failed(self, _exc: BaseException) -> None:
        self._reading = False  # the timer tries again; the last status stays on screen

    def _publish(self, status: ShellStatus) -> None:
        self.latest = status
        self.status_changed.emit(status)
