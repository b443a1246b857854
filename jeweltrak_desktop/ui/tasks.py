"""Run service calls off the UI thread: ``run_op(fn).success(cb).failure(cb)``.

In the style of Anki's ``CollectionOp``: ``fn`` runs on a worker, and its result (or the
exception it raised) comes back to the UI thread as a queued Qt signal, so callbacks may
touch widgets. Database work goes to one serialized worker because SQLite has one writer.

The job starts at once; chaining ``.success()`` / ``.failure()`` on the same line is still
in time, because the result is queued to the UI thread and handled only when control
returns to the event loop. Without a failure callback, the error is shown to the clerk.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import partial
from typing import Any, Generic, TypeVar

import shiboken6
from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, QTimer, Signal, Slot
from PySide6.QtWidgets import QMessageBox, QWidget

from jeweltrak_core.errors import JewelTrakError

log = logging.getLogger(__name__)

T = TypeVar("T")

_database_pool: QThreadPool | None = None
#: Ops started but not yet delivered; holding them keeps their Qt objects alive.
_in_flight: set[Op[Any]] = set()


def database_pool() -> QThreadPool:
    """The one worker that runs database work, in order, one job at a time."""
    global _database_pool
    if _database_pool is None:
        _database_pool = QThreadPool()
        _database_pool.setObjectName("jeweltrak-database")
        _database_pool.setMaxThreadCount(1)
        _database_pool.setExpiryTimeout(-1)  # keep the same thread for the app's lifetime
    return _database_pool


def wait_for_idle(msecs: int = 30_000) -> bool:
    """Block until queued database work has finished (at exit, and between tests)."""
    return database_pool().waitForDone(msecs)


def error_message(exc: BaseException) -> str:
    """The sentence to show a clerk for an exception."""
    if isinstance(exc, JewelTrakError):
        return exc.message
    detail = str(exc) or type(exc).__name__
    return f"Something went wrong: {detail}. The details are in the log."


def show_error(parent: QWidget | None, exc: BaseException) -> QMessageBox:
    """Show the exception's sentence in a window-modal message box (not blocking)."""
    box = QMessageBox(
        QMessageBox.Icon.Warning,
        "JewelTrak",
        error_message(exc),
        QMessageBox.StandardButton.Ok,
        parent,
    )
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box


class _Relay(QObject):
    """Lives on the UI thread; the worker emits, Qt queues the call back to this thread."""

    succeeded = Signal(object)
    failed = Signal(object)

    def __init__(self, op: Op[Any]) -> None:
        super().__init__()
        self._op = op
        self.succeeded.connect(self._on_succeeded, Qt.ConnectionType.QueuedConnection)
        self.failed.connect(self._on_failed, Qt.ConnectionType.QueuedConnection)

    @Slot(object)
    def _on_succeeded(self, result: object) -> None:
        self._op._deliver_success(result)

    @Slot(object)
    def _on_failed(self, exc: object) -> None:
        assert isinstance(exc, BaseException)
        self._op._deliver_failure(exc)


class _Job(QRunnable):
    def __init__(self, fn: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self.setAutoDelete(False)  # the Op owns it until the result is delivered
        self._fn = fn
        self._relay = relay

    def run(self) -> None:
        try:
            result = self._fn()
        except Exception as exc:  # every failure goes back to the UI thread to be shown
            self._relay.failed.emit(exc)
        else:
            self._relay.succeeded.emit(result)


class Op(Generic[T]):
    """A call running on a worker; its callbacks run on the UI thread."""

    def __init__(self, fn: Callable[[], T], *, parent: QWidget | None = None) -> None:
        self._parent = parent
        self._on_success: Callable[[T], None] | None = None
        self._on_failure: Callable[[BaseException], None] | None = None
        self._relay = _Relay(self)
        self._job = _Job(fn, self._relay)

    def success(self, callback: Callable[[T], None]) -> Op[T]:
        """Call ``callback(result)`` on the UI thread when ``fn`` returns."""
        self._on_success = callback
        return self

    def failure(self, callback: Callable[[BaseException], None]) -> Op[T]:
        """Call ``callback(exception)`` on the UI thread instead of showing the error."""
        self._on_failure = callback
        return self

    def _start(self, pool: QThreadPool) -> None:
        _in_flight.add(self)
        pool.start(self._job)

    def _parent_gone(self) -> bool:
        # A window closed while its op ran: its widgets no longer exist to be updated.
        return self._parent is not None and not shiboken6.isValid(self._parent)

    def _release(self) -> None:
        # Dropping the last reference now would delete the relay inside its own slot call;
        # let the event loop finish delivering first.
        QTimer.singleShot(0, partial(_in_flight.discard, self))

    def _deliver_success(self, result: object) -> None:
        self._release()
        if self._parent_gone():
            return
        if self._on_success is not None:
            self._on_success(result)  # type: ignore[arg-type]  # fn's result, typed T

    def _deliver_failure(self, exc: BaseException) -> None:
        self._release()
        if not isinstance(exc, JewelTrakError):
            log.error("background operation failed", exc_info=exc)
        if self._parent_gone():
            return
        if self._on_failure is not None:
            self._on_failure(exc)
        else:
            show_error(self._parent, exc)


def run_op(
    fn: Callable[[], T], *, parent: QWidget | None = None, pool: QThreadPool | None = None
) -> Op[T]:
    """Start ``fn`` on the database worker (or ``pool``); chain ``.success``/``.failure``."""
    op = Op(fn, parent=parent)
    op._start(pool if pool is not None else database_pool())
    return op
