"""``SyncEngine``: upload, initial sync, pull, repair — once, or forever in the background.

``sync_once()`` does one full round in the calling thread: upload the outbox, download the
store if this workstation never finished a sync, pull the feed until it is drained (a 410
starts a fresh download), then refresh stale rows. Errors are raised (after the status is
updated), so a caller sees exactly what failed.

``run_forever(stop)`` runs two loops until ``stop`` is set: this thread pulls (long-polling
while online, so another workstation's sale shows up within a second or two) and a second
thread uploads whenever the outbox has pending operations (``notify_local_change()`` wakes
it at once; it also looks every ``upload_poll_seconds``). Two loops because a long-poll
holds its request for many seconds and a sale must not wait for it. While the service
cannot be reached both loops back off exponentially with jitter; 401/403/426 wait longer.

Thread safety: pulls (and the initial download) run one at a time; uploads run one at a
time; a page apply and a stale-row refresh never interleave (``_apply_lock`` plus a
generation counter, so a refresh fetched before a page was applied is not written over
it). The engine never touches Qt: listeners get a ``SyncStatus`` from whichever thread
changed it (``worker.py`` turns that into a Qt signal).
"""

from __future__ import annotations

import contextlib
import logging
import random
import threading
from collections.abc import Callable, Iterator
from datetime import datetime

from jeweltrak_core.clock import utc_now
from jeweltrak_core.errors import JewelTrakError
from jeweltrak_desktop.services.local_store import LocalStore
from jeweltrak_desktop.sync.applier import apply_pull_page, read_cursor
from jeweltrak_desktop.sync.errors import CursorExpired, Offline, Unauthorized, UpgradeRequired
from jeweltrak_desktop.sync.repair import fetch_stale_rows, write_fetched_rows
from jeweltrak_desktop.sync.snapshot import SnapshotDownload, initial_sync_needed
from jeweltrak_desktop.sync.status import (
    SyncState,
    SyncStatus,
    last_sync_at,
    sync_problems,
)
from jeweltrak_desktop.sync.transport import SyncTransport
from jeweltrak_desktop.sync.uploader import DEFAULT_BATCH, Uploader, UploadReport

log = logging.getLogger(__name__)

StatusListener = Callable[[SyncStatus], None]


class Backoff:
    """Exponential backoff with jitter: each delay is drawn from [d/2, d], d doubling."""

    def __init__(self, *, base: float = 1.0, cap: float = 30.0, rng: random.Random | None = None
                 ) -> None:
        self.base = base
        self.cap = cap
        self._rng = rng or random.Random()
        self._failures = 0

    def next_delay(self) -> float:
        """The wait before the next attempt (and count this failure)."""
        ceiling = min(self.cap, self.base * 2 ** min(self._failures, 30))
        self._failures += 1
        return float(ceiling / 2 + self._rng.uniform(0, ceiling / 2))

    def reset(self) -> None:
        """A success: the next failure starts from the base delay again."""
        self._failures = 0


class SyncEngine:
    """The sync client of one workstation (see the module docstring)."""

    def __init__(
        self,
        store: LocalStore,
        transport: SyncTransport,
        *,
        batch_size: int = DEFAULT_BATCH,
        pull_limit: int = 1000,
        long_poll_seconds: float = 10.0,
        snapshot_page_size: int = 5000,
        upload_poll_seconds: float = 1.0,
        backoff_base: float = 1.0,
        backoff_cap: float = 30.0,
        refused_retry_seconds: float = 60.0,
    ) -> None:
        self.store = store
        self.transport = transport
        self.uploader = Uploader(store, transport, batch_size=batch_size)
        self.pull_limit = pull_limit
        self.long_poll_seconds = long_poll_seconds
        self.snapshot_page_size = snapshot_page_size
        self.upload_poll_seconds = upload_poll_seconds
        self.backoff_base = backoff_base
        self.backoff_cap = backoff_cap
        self.refused_retry_seconds = refused_retry_seconds
        self._upload_lock = threading.Lock()
        self._pull_lock = threading.Lock()
        self._apply_lock = threading.RLock()
        self._state_lock = threading.Lock()
        self._generation = 0
        self._busy = 0
        self._offline = False
        self._error: str | None = None
        self._progress: tuple[int, int] | None = None
        self._last_success: datetime | None = None
        self._listeners: list[StatusListener] = []
        self._wake = threading.Event()

    # --- status -------------------------------------------------------------------------

    def add_listener(self, listener: StatusListener) -> None:
        """Call ``listener(status)`` (from an engine thread) whenever the status changes."""
        with self._state_lock:
            self._listeners.append(listener)

    def status(self) -> SyncStatus:
        """The current status, read fresh from the local store."""
        with self._state_lock:
            busy, offline, error, progress = self._busy, self._offline, self._error, self._progress
            success = self._last_success
        state = SyncState.SYNCING if busy else SyncState.OFFLINE if offline else SyncState.ONLINE
        stored = last_sync_at(self.store)
        if success is None or (stored is not None and stored > success):
            success = stored
        return SyncStatus(
            state=state,
            pending_ops=self.store.pending_ops(),
            last_sync_at=success,
            problems=sync_problems(self.store),
            error=error,
            snapshot_progress=progress,
        )

    def _emit(self) -> None:
        with self._state_lock:
            listeners = list(self._listeners)
        if not listeners:
            return
        status = self.status()
        for listener in listeners:
            listener(status)

    @contextlib.contextmanager
    def _tracked(self, *, busy: bool = True) -> Iterator[None]:
        """Count the block as sync work and record how it ended."""
        if busy:
            with self._state_lock:
                self._busy += 1
            self._emit()
        try:
            yield
        except Offline as exc:
            self._finish(offline=True, error=exc.message)
            raise
        except JewelTrakError as exc:
            self._finish(offline=False, error=exc.message)
            raise
        else:
            self._finish(offline=False, error=None)
        finally:
            if busy:
                with self._state_lock:
                    self._busy -= 1
            self._emit()

    def _finish(self, *, offline: bool, error: str | None) -> None:
        with self._state_lock:
            self._offline = offline
            self._error = error

    def _snapshot_progress(self, done: int, total: int) -> None:
        with self._state_lock:
            self._progress = (done, total)
        self._emit()

    # --- one round ----------------------------------------------------------------------

    def notify_local_change(self) -> None:
        """A local write happened: upload now rather than at the next poll."""
        self._wake.set()

    def sync_once(self) -> SyncStatus:
        """Upload, (initial sync,) pull until drained, refresh stale rows; raises on failure."""
        self.upload()
        self.pull()
        return self.status()

    def upload(self) -> UploadReport:
        """Upload every pending operation, then refresh rows the service did not change."""
        with self._upload_lock, self._tracked():
            report = self.uploader.upload()
        if report.batches:
            self.refresh_stale()
        return report

    def pull(self, *, wait: float = 0.0) -> int:
        """Initial sync if needed, then the feed until drained; returns changes applied.

        With ``wait`` the first request long-polls: it returns when a change arrives or
        after ``wait`` seconds (not counted as sync work while it waits).
        """
        with self._pull_lock:
            if initial_sync_needed(self.store):
                self._download(fresh=False)
            applied = 0
            first = True
            downloaded = False
            while True:
                cursor = read_cursor(self.store)
                try:
                    with self._tracked(busy=not (first and wait > 0)):
                        page = self.transport.pull(
                            cursor, limit=self.pull_limit, wait=wait if first else 0.0
                        )
                except CursorExpired:
                    if downloaded:  # a fresh copy's cursor refused too: not a loop to repeat
                        raise
                    log.warning("cursor %s expired: downloading a fresh copy", cursor)
                    self._download(fresh=True)
                    downloaded, first = True, False
                    continue
                first = False
                if page.changes:
                    with self._tracked(), self._apply_lock:
                        apply_pull_page(self.store, page, cursor=cursor)
                        self._generation += 1
                    applied += len(page.changes)
                if not page.has_more:
                    break
            with self._state_lock:
                self._last_success = utc_now()
        self.refresh_stale()
        return applied

    def _download(self, *, fresh: bool) -> None:
        download = SnapshotDownload(
            self.store,
            self.transport,
            page_size=self.snapshot_page_size,
            on_progress=self._snapshot_progress,
        )
        try:
            with self._tracked(), self._apply_lock:
                download.run(fresh=fresh)
                self._generation += 1
        finally:
            with self._state_lock:
                self._progress = None

    def refresh_stale(self) -> int:
        """Replace stale rows with the service's copies (skipped if a page lands meanwhile)."""
        with self._apply_lock:
            generation = self._generation
        with self._tracked(busy=False):
            rows = fetch_stale_rows(self.store, self.transport)
        if not rows:
            return 0
        with self._apply_lock:
            if generation != self._generation:
                return 0  # a page may have brought newer copies; the rows stay stale
            return write_fetched_rows(self.store, rows)

    # --- forever --------------------------------------------------------------------------

    def run_forever(self, stop: threading.Event) -> None:
        """Pull (long-polling) in this thread and upload in another, until ``stop`` is set."""
        uploader = threading.Thread(
            target=self._upload_loop, args=(stop,), name="jeweltrak-upload", daemon=True
        )
        uploader.start()
        try:
            self._pull_loop(stop)
        finally:
            stop.set()
            self._wake.set()
            uploader.join()

    def _pull_loop(self, stop: threading.Event) -> None:
        backoff = Backoff(base=self.backoff_base, cap=self.backoff_cap)
        drained = False
        while not stop.is_set():
            try:
                self.pull(wait=self.long_poll_seconds if drained else 0.0)
                drained = True
                backoff.reset()
            except Exception as exc:  # the loop must survive; _delay_after logs it
                drained = False
                stop.wait(self._delay_after(exc, backoff))

    def _upload_loop(self, stop: threading.Event) -> None:
        backoff = Backoff(base=self.backoff_base, cap=self.backoff_cap)
        while not stop.is_set():
            self._wake.wait(self.upload_poll_seconds)
            self._wake.clear()
            if stop.is_set():
                return
            try:
                if self.store.pending_ops():
                    self.upload()
                backoff.reset()
            except Exception as exc:  # the loop must survive; _delay_after logs it
                stop.wait(self._delay_after(exc, backoff))

    def _delay_after(self, exc: Exception, backoff: Backoff) -> float:
        if isinstance(exc, Offline):
            delay = backoff.next_delay()
            log.info("sync service unreachable; retrying in %.1f s", delay)
            return delay
        if isinstance(exc, Unauthorized | UpgradeRequired):
            log.warning("sync refused: %s", exc)
            return self.refused_retry_seconds
        if isinstance(exc, JewelTrakError):
            log.warning("sync failed: %s (%s)", exc.message, exc.code)
        else:
            log.exception("sync failed unexpectedly")
            self._finish(offline=False, error="Sync stopped on an unexpected error; retrying.")
            self._emit()
        return backoff.next_delay()
