"""Compact JSON text for what the push writes: op records, results and row documents.

A push of 500 operations writes some 1,500 JSON texts; ``orjson`` makes them several times
faster than the standard library. Anything ``orjson`` refuses (an integer beyond 64 bits, a
non-text key) is written by the standard library instead, so every value the standard
library accepts still goes through. The text differs only in spelling (raw UTF-8 instead of
``\\u`` escapes); the columns are ``jsonb``, which stores the same value either way.
"""

from __future__ import annotations

import json
from typing import Any

import orjson


def dumps(data: Any) -> str:
    """``data`` as compact JSON text."""
    try:
        return orjson.dumps(data).decode()
    except TypeError:  # orjson.JSONEncodeError is a TypeError
        return json.dumps(data, separators=(",", ":"))
