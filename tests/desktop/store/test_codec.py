"""Every stored entity comes back equal, and nothing is ever stored as a float."""

from __future__ import annotations

import dataclasses
import enum
import types
import typing
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any, Union, get_args, get_origin
from uuid import UUID, uuid4

import pytest

from jeweltrak_desktop.store.db import open_engine
from jeweltrak_desktop.store.migrate import migrate
from jeweltrak_desktop.store.repository import SqliteRepository
from jeweltrak_desktop.store.schema import ENTITY_TABLES

from .conftest import query, stored_type_problems

#: Not UTC, not a whole hour, on a DST-change night: the value must come back as UTC.
NEWFOUNDLAND = timezone(timedelta(hours=-2, minutes=-30))
#: Above 2**53: a float on the way would lose the last digit.
BIG = 2**53 + 1


def sample(tp: Any, default: Any, n: int) -> Any:
    """A value of type ``tp`` that differs from ``default``; ``n`` varies it."""
    origin = get_origin(tp)
    if origin in (Union, types.UnionType):
        (inner,) = [arg for arg in get_args(tp) if arg is not type(None)]
        return sample(inner, default, n)
    if origin is list:
        (item,) = get_args(tp)
        return [sample(item, None, n), sample(item, None, n + 1)]
    if origin is dict:
        _, value = get_args(tp)
        return {"cash": sample(value, None, n), "check": sample(value, None, n + 1)}
    if dataclasses.is_dataclass(tp):
        return build(tp, n)
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        others = [member for member in tp if member != default]
        return others[n % len(others)]
    values: dict[Any, Any] = {
        bool: default is not True,
        int: BIG + n,
        str: f"Ünïcødé ‘{n}’ 💍 0.1",
        Decimal: Decimal(f"{n + 1}.{'0123456789' * 3}"),
        UUID: uuid4(),
        datetime: datetime(2026, 11, 1, 1, 30, 15, 123_456, tzinfo=NEWFOUNDLAND)
        + timedelta(minutes=n),
        date: date(2031, 12, 31) - timedelta(days=n),
    }
    return values[tp]


def build(cls: type, n: int = 0) -> Any:
    """An instance with a non-default value in every field (children included)."""
    hints = typing.get_type_hints(cls)
    kwargs = {}
    for i, f in enumerate(dataclasses.fields(cls)):
        default = f.default_factory() if f.default_factory is not dataclasses.MISSING else f.default
        value = sample(hints[f.name], default, n + i)
        assert value != default, f"{cls.__name__}.{f.name}: the sample equals the default"
        kwargs[f.name] = value
    return cls(**kwargs)


def datetimes(value: Any) -> list[datetime]:
    """Every datetime inside an entity (lists and child entities included)."""
    if isinstance(value, datetime):
        return [value]
    if isinstance(value, list):
        return [d for item in value for d in datetimes(item)]
    if isinstance(value, dict):
        return [d for item in value.values() for d in datetimes(item)]
    if dataclasses.is_dataclass(value):
        return [d for f in dataclasses.fields(value) for d in datetimes(getattr(value, f.name))]
    return []


ROOTS = sorted(ENTITY_TABLES, key=lambda cls: cls.__name__)


@pytest.fixture(scope="module")
def stored_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database holding one entity of every root type (see ``stored``)."""
    return tmp_path_factory.mktemp("codec") / "store.db"


@pytest.fixture(scope="module")
def stored(stored_db: Path) -> dict[type, Any]:
    """One entity of every root type, written through the repository and committed."""
    migrate(stored_db)
    entities = {cls: build(cls) for cls in ROOTS}
    engine = open_engine(stored_db)
    try:
        with engine.begin() as conn:
            repo = SqliteRepository(conn)
            for entity in entities.values():
                repo.put(entity)
    finally:
        engine.dispose()
    return entities


@pytest.mark.parametrize("cls", ROOTS, ids=[cls.__name__ for cls in ROOTS])
def test_entity_round_trips_through_the_repository(
    cls: type, stored: dict[type, Any], stored_db: Path
) -> None:
    original = stored[cls]
    engine = open_engine(stored_db)
    try:
        with engine.connect() as conn, conn.begin():
            loaded = SqliteRepository(conn).get(cls, original.id)
    finally:
        engine.dispose()
    assert loaded == original
    assert all(moment.utcoffset() != timedelta(0) for moment in datetimes(original))
    assert all(moment.tzinfo is UTC for moment in datetimes(loaded))


def test_nothing_is_stored_as_a_float_and_money_is_integer(
    stored: dict[type, Any], stored_db: Path
) -> None:
    assert stored_type_problems(stored_db) == []
    # The samples filled every table of an entity, so the check above saw real values.
    assert query(stored_db, "SELECT count(*) FROM invoice_lines") == [(2,)]


def test_decimals_are_stored_as_exact_text(stored: dict[type, Any], stored_db: Path) -> None:
    from jeweltrak_core.store.entities import Store

    store = stored[Store]
    rows = query(
        stored_db, "SELECT tax_rate, typeof(tax_rate) FROM stores WHERE id = ?", (str(store.id),)
    )
    assert rows == [(str(store.tax_rate), "text")]
    assert len(str(store.tax_rate).split(".")[1]) == 30
