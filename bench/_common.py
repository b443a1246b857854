"""Shared helpers for benchmarks: timing, percentiles, the results file."""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).with_name("results")


def time_ms(fn: Callable[[], Any], repeat: int) -> list[float]:
    """Wall time of each call in milliseconds."""
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def percentile(samples: list[float], pct: float) -> float:
    """The pct-th percentile (nearest rank)."""
    ordered = sorted(samples)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered)) - 1))
    return ordered[index]


def median(samples: list[float]) -> float:
    """Median."""
    return statistics.median(samples)


def report(bench: str, figures: dict[str, Any], units: dict[str, str]) -> None:
    """Print ``name: value unit`` lines and write bench/results/<bench>.json."""
    for name, value in figures.items():
        shown = f"{value:.4g}" if isinstance(value, float) else value
        print(f"{name}: {shown} {units.get(name, '')}".rstrip())
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{bench}.json").write_text(json.dumps(figures, indent=2, sort_keys=True) + "\n")
