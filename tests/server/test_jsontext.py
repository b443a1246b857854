"""The push's JSON text: the same values as the standard library, for every value it accepts."""

from __future__ import annotations

import json
from typing import Any

import pytest

from sync_server.sync.jsontext import dumps


@pytest.mark.parametrize(
    "value",
    [
        {"stock_id": "R-1", "cost_cents": 125_000, "photos": [], "notes": None},
        {"name": "Zoë Ñúñez — 18K", "emoji": "💍"},  # raw UTF-8 instead of \u escapes
        {"huge": 2**70},  # beyond 64 bits: the standard library writes it
        {"negative": -(2**64)},
        {1: "a non-text key"},  # likewise
        [True, False, None, 0, -1, "x"],
    ],
)
def test_text_reads_back_as_the_standard_library_value(value: Any) -> None:
    text = dumps(value)
    assert isinstance(text, str)
    assert json.loads(text) == json.loads(json.dumps(value))
    assert " " not in text.replace("Zoë Ñúñez — 18K", "").replace("a non-text key", "")


def test_what_neither_can_write_is_refused() -> None:
    with pytest.raises(TypeError):
        dumps({"when": object()})
