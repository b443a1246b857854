"""Fixtures of the operation tests."""

from __future__ import annotations

import pytest

from .memory_repo import MemoryRepository


@pytest.fixture
def repo() -> MemoryRepository:
    """An empty in-memory repository."""
    return MemoryRepository()
