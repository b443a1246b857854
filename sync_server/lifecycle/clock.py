"""The lifecycle's clock: the 30-day window is measured on it, so tests can move it.

The app's clock is ``app.state.lifecycle_clock`` when set (tests set it to a fixed
instant), else the system's UTC time. ``prune`` takes ``now`` as an argument instead.
Session expiry is not measured here: sessions are issued and checked on the system clock.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Annotated

from fastapi import Depends, Request

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    """The current time, UTC."""
    return datetime.now(UTC)


def get_clock(request: Request) -> Clock:
    """The clock the app was given, else the system clock."""
    clock: Clock = getattr(request.app.state, "lifecycle_clock", system_clock)
    return clock


ClockDep = Annotated[Clock, Depends(get_clock)]
