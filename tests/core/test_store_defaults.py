"""A store's defaults must work out of the box."""

from __future__ import annotations

from uuid import uuid4

from jeweltrak_core.store.entities import Store


def test_the_default_cost_code_has_ten_different_letters() -> None:
    """A tag's hidden cost code maps each digit to its own letter (0–9)."""
    code = Store(id=uuid4(), name="Shop", code="S").cost_code
    assert len(code) == 10 and code.isalpha() and len(set(code)) == 10
