"""Engine pieces that need no service: the backoff schedule."""

from __future__ import annotations

import random

from jeweltrak_desktop.sync.engine import Backoff


def test_backoff_doubles_with_jitter_up_to_the_cap_and_resets() -> None:
    backoff = Backoff(base=1.0, cap=8.0, rng=random.Random(5))
    delays = [backoff.next_delay() for _ in range(6)]
    for delay, ceiling in zip(delays, [1, 2, 4, 8, 8, 8], strict=True):
        assert ceiling / 2 <= delay <= ceiling
    assert len(set(delays)) == len(delays), "jitter: two workstations do not retry in step"
    backoff.reset()
    assert backoff.next_delay() <= 1.0
