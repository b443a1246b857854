"""Change notifications for long-polls, across every service process.

A push ends with ``pg_notify('jt_changes', '<tenant>:<version>')``; PostgreSQL delivers it
on commit to every process listening, so a push handled by one process wakes the waiting
pulls on all of them. Each process keeps one listening connection and, per tenant, the
latest version it has heard of; a waiter asks "anything after version N?" so a notification
that arrives between its query and its wait is never missed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from uuid import UUID

import psycopg

from sync_server.sync.push import NOTIFY_CHANNEL

log = logging.getLogger(__name__)


class ChangeHub:
    """Per-tenant latest version and the futures of the pulls waiting on it."""

    def __init__(self) -> None:
        self._latest: dict[UUID, int] = {}
        self._waiters: dict[UUID, set[asyncio.Future[None]]] = {}

    def publish(self, tenant_id: UUID, version: int) -> None:
        """A tenant reached ``version``: wake its waiters."""
        if version > self._latest.get(tenant_id, -1):
            self._latest[tenant_id] = version
        for fut in self._waiters.pop(tenant_id, set()):
            if not fut.done():
                fut.set_result(None)

    def wake_all(self) -> None:
        """Wake every waiter (after a lost listener connection: they re-query)."""
        for tenant_id in list(self._waiters):
            for fut in self._waiters.pop(tenant_id, set()):
                if not fut.done():
                    fut.set_result(None)

    async def wait(self, tenant_id: UUID, after: int, timeout: float) -> bool:
        """Wait until the tenant passes version ``after``; False on timeout."""
        if self._latest.get(tenant_id, -1) > after:
            return True
        fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.setdefault(tenant_id, set()).add(fut)
        try:
            await asyncio.wait_for(fut, timeout)
            return True
        except TimeoutError:
            return False
        finally:
            waiting = self._waiters.get(tenant_id)
            if waiting is not None:
                waiting.discard(fut)
                if not waiting:
                    self._waiters.pop(tenant_id, None)

    @property
    def waiting(self) -> int:
        """How many pulls are waiting (for tests and metrics)."""
        return sum(len(w) for w in self._waiters.values())


def parse_payload(payload: str) -> tuple[UUID, int] | None:
    """``<tenant uuid>:<version>`` or None when malformed."""
    tenant, _, version = payload.partition(":")
    try:
        return UUID(tenant), int(version)
    except ValueError:
        return None


async def listen_forever(conninfo: str, hub: ChangeHub, ready: asyncio.Event) -> None:
    """Hold a LISTEN connection; reconnect with jittered backoff when it drops."""
    delay = 0.5
    while True:
        try:
            async with await psycopg.AsyncConnection.connect(conninfo, autocommit=True) as conn:
                await conn.execute(f"LISTEN {NOTIFY_CHANNEL}")
                ready.set()
                delay = 0.5
                # Anything committed while we were not listening: waiters re-query.
                hub.wake_all()
                async for note in conn.notifies():
                    parsed = parse_payload(note.payload)
                    if parsed is not None:
                        hub.publish(*parsed)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # the listener must survive a database restart
            log.warning("change listener lost its connection (%s); retrying", exc)
            hub.wake_all()
            await asyncio.sleep(delay * (0.5 + random.random()))
            delay = min(delay * 2, 10.0)


async def stop_listener(task: asyncio.Task[None]) -> None:
    """Cancel the listener task and wait for it."""
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
