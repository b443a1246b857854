"""Response shapes: Stripe's published example objects, copied then filled in."""

from __future__ import annotations

import copy
import json
import secrets
import string
import time
from functools import cache
from pathlib import Path
from typing import Any

_SHAPES = Path(__file__).with_name("shapes.json")
_ALPHABET = string.ascii_letters + string.digits


@cache
def _all_shapes() -> dict[str, dict[str, Any]]:
    data = json.loads(_SHAPES.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def shape(kind: str, **fields: Any) -> dict[str, Any]:
    """A fresh copy of Stripe's example ``kind`` object with ``fields`` set on top."""
    obj = copy.deepcopy(_all_shapes()[kind])
    obj.update(fields)
    return obj


def new_id(prefix: str, length: int = 24) -> str:
    """An ID in Stripe's style, e.g. ``pi_3PzX…``."""
    return prefix + "_" + "".join(secrets.choice(_ALPHABET) for _ in range(length))


def now() -> int:
    """Unix seconds, as Stripe's ``created`` fields."""
    return int(time.time())


def stripe_list(url: str, data: list[dict[str, Any]], has_more: bool = False) -> dict[str, Any]:
    """A Stripe list object."""
    return {"object": "list", "url": url, "has_more": has_more, "data": data}
