"""``SyncWorker``: runs a ``SyncEngine`` on a QThread and re-emits its status as a signal.

The engine knows nothing of Qt; this is the only sync module that imports it (QtCore
only). ``status_changed`` carries a ``SyncStatus`` and is emitted from the engine's
threads; Qt queues it to receivers living on the UI thread, so slots there may update
widgets directly.
"""

from __future__ import annotations

import logging
import threading
from collections import deque

from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot

from jeweltrak_desktop.sync.engine import SyncEngine
from jeweltrak_desktop.sync.status import SyncStatus

log = logging.getLogger(__name__)


class _Runner(QObject):
    """Lives on the sync thread; runs the engine until the stop event is set."""

    finished = Signal()

    def __init__(self, engine: SyncEngine, stop: threading.Event) -> None:
        super().__init__()
        self._engine = engine
        self._stop = stop

    @Slot()
    def run(self) -> None:
        try:
            self._engine.run_forever(self._stop)
        finally:
            self.finished.emit()


class SyncWorker(QObject):
    """Background sync for the UI: ``start()``, ``stop()``, ``status_changed``."""

    status_changed = Signal(object)  # SyncStatus
    #: Internal: "statuses are waiting", emitted from the engine's threads (no payload).
    _statuses_waiting = Signal()

    def __init__(self, engine: SyncEngine, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.engine = engine
        self._stop = threading.Event()
        self._thread: QThread | None = None
        self._runner: _Runner | None = None
        # Statuses cross threads through this queue, and ``status_changed`` is emitted on
        # the worker's own (UI) thread only: emitting a Python payload straight from the
        # engine's plain threads to UI receivers crashed PySide under load.
        self._pending: deque[SyncStatus] = deque()
        self._pending_lock = threading.Lock()
        self._statuses_waiting.connect(
            self._emit_pending, Qt.ConnectionType.QueuedConnection
        )
        engine.add_listener(self._forward)

    def _forward(self, status: SyncStatus) -> None:
        with self._pending_lock:
            self._pending.append(status)
        self._statuses_waiting.emit()

    @Slot()
    def _emit_pending(self) -> None:
        while True:
            with self._pending_lock:
                if not self._pending:
                    return
                status = self._pending.popleft()
            self.status_changed.emit(status)

    @property
    def running(self) -> bool:
        """Whether the sync thread is running."""
        return self._thread is not None and self._thread.isRunning()

    def start(self) -> None:
        """Start syncing in the background (does nothing if already running)."""
        if self.running:
            return
        self._stop.clear()
        thread = QThread()
        thread.setObjectName("jeweltrak-sync")
        runner = _Runner(self.engine, self._stop)
        runner.moveToThread(thread)
        thread.started.connect(runner.run)
        # Direct: the thread object lives on the UI thread, which may be blocked in stop().
        runner.finished.connect(thread.quit, Qt.ConnectionType.DirectConnection)
        self._thread, self._runner = thread, runner
        thread.start()

    def stop(self, *, timeout_ms: int | None = None) -> bool:
        """Ask the engine to stop and wait for the thread; False if it did not end in time.

        The default timeout covers one long-poll request, the longest the engine can be
        inside a call that does not look at the stop flag.
        """
        thread = self._thread
        if thread is None:
            return True
        self._stop.set()
        self.engine.notify_local_change()
        thread.quit()  # its event loop ends as soon as the engine returns
        if timeout_ms is None:
            timeout_ms = int((self.engine.long_poll_seconds + 20) * 1000)
        ended = bool(thread.wait(timeout_ms))
        if ended:
            self._thread = self._runner = None
        else:
            log.warning("the sync thread did not stop within %s ms", timeout_ms)
        return ended

    @Slot()
    def notify_local_change(self) -> None:
        """Connect to the services' "saved" signals: the outbox is uploaded at once."""
        self.engine.notify_local_change()

    def current_status(self) -> SyncStatus:
        """The status now (reads the local store)."""
        return self.engine.status()
