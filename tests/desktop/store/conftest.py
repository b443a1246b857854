"""Fixtures of the local-store tests: a temp database file per test."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from jeweltrak_desktop.store.migrate import migrate

DATA = Path(__file__).with_name("data")


@pytest.fixture
def head_db(tmp_path: Path) -> Path:
    """A new, empty database migrated to the newest schema."""
    path = tmp_path / "store.db"
    migrate(path)
    return path


def query(path: Path, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Rows of one statement, read with the plain sqlite3 module (none of our code)."""
    con = sqlite3.connect(path)
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


def table_rows(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every ordinary table (FTS internals and virtual tables excluded)."""
    con = sqlite3.connect(path)
    try:
        names = [
            name
            for (name, sql) in con.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'table'"
                " AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
            if "_fts" not in name and not sql.upper().startswith("CREATE VIRTUAL")
        ]
        return {name: con.execute(f'SELECT * FROM "{name}" ORDER BY rowid').fetchall()
                for name in names}
    finally:
        con.close()
