"""Network calls off the UI thread, beside (not behind) the one database worker.

A charge long-polls the service for up to 20 s at a time; on the serialized database
worker that would hold every sale's writes back, so service calls get their own pool.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from PySide6.QtCore import QThreadPool
from PySide6.QtWidgets import QWidget

from jeweltrak_desktop.ui.tasks import Op, run_op

T = TypeVar("T")

#: Enough for a long-poll, a cancel and a reader check at once.
NETWORK_THREADS = 4
_pool: QThreadPool | None = None


def network_pool() -> QThreadPool:
    """The workers that call the JewelTrak service (never the database worker)."""
    global _pool
    if _pool is None:
        _pool = QThreadPool()
        _pool.setObjectName("jeweltrak-network")
        _pool.setMaxThreadCount(NETWORK_THREADS)
    return _pool


def run_net(fn: Callable[[], T], *, parent: QWidget | None = None) -> Op[T]:
    """``run_op`` on the network pool: chain ``.success`` / ``.failure`` as usual."""
    return run_op(fn, parent=parent, pool=network_pool())


def wait_for_network(msecs: int = 60_000) -> bool:
    """Block until running service calls have returned (at exit, and between tests)."""
    return network_pool().waitForDone(msecs)
