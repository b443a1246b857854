"""Fixtures of the local-store tests: a temp database file per test."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from jeweltrak_desktop.store.migrate import migrate
from jeweltrak_desktop.store.schema import metadata

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
        return {
            name: con.execute(f'SELECT * FROM "{name}" ORDER BY rowid').fetchall() for name in names
        }
    finally:
        con.close()


def stored_type_problems(path: Path) -> list[str]:
    """Floats anywhere, or money (``*_cents``) stored as anything but whole-cent integers."""
    problems = []
    for table in metadata.tables.values():
        declared = {
            name: kind.upper()
            for _, name, kind, *_ in query(path, f'PRAGMA table_info("{table.name}")')
        }
        for column in table.columns:
            name = column.name
            sql = f'SELECT DISTINCT typeof("{name}") FROM "{table.name}"'
            kinds = {kind for (kind,) in query(path, sql)}
            if "real" in kinds:
                problems.append(f"{table.name}.{name} holds a float")
            if not name.endswith("_cents"):
                continue
            if declared[name] == "TEXT":  # amounts by tender, as JSON: whole cents too
                for (text,) in query(path, f'SELECT "{name}" FROM "{table.name}"'):
                    amounts = json.loads(text, parse_float=_refuse_float)
                    if not all(type(v) is int for v in amounts.values()):
                        problems.append(f"{table.name}.{name} holds {amounts}")
            elif "INT" not in declared[name] or not kinds <= {"integer", "null"}:
                problems.append(f"{table.name}.{name} is {declared[name]} holding {kinds}")
    return problems


def _refuse_float(text: str) -> Any:
    raise AssertionError(f"a float in stored JSON: {text}")
