"""Rows ⇄ core entities.

The core dataclasses are the single description of every record: the table columns are
derived from their fields (see ``schema.py``) and this codec converts values both ways.
Values are stored in plain, inspectable forms: UUIDs as 36-character text, datetimes as
fixed-width UTC ISO text (so they sort as text), Decimals as text (never a float), enums
by value, lists and dicts as JSON.
"""

from __future__ import annotations

import dataclasses
import enum
import functools
import json
import types
import typing
from collections.abc import Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, Union, get_args, get_origin
from uuid import UUID

from jeweltrak_core.sync.wire import decode, encode


@functools.cache
def hints(cls: type) -> dict[str, Any]:
    """Resolved type hints of a dataclass."""
    return typing.get_type_hints(cls)


def base_type(tp: Any) -> tuple[Any, bool]:
    """(the non-None type, nullable) of a hint such as ``int | None``."""
    if get_origin(tp) in (Union, types.UnionType):
        args = [a for a in get_args(tp) if a is not type(None)]
        return (args[0] if len(args) == 1 else Any), True
    return tp, False


def child_type(tp: Any) -> type | None:
    """The dataclass of a ``list[SomeDataclass]`` field (a child table), else None."""
    if get_origin(tp) is list:
        (item,) = get_args(tp)
        if isinstance(item, type) and dataclasses.is_dataclass(item):
            return item
    return None


def is_json(tp: Any) -> bool:
    """Lists, dicts and free-form values are stored as JSON text."""
    return get_origin(tp) in (list, dict) or tp is Any


def format_datetime(value: datetime) -> str:
    """Fixed-width UTC text: sorts correctly as text."""
    if value.tzinfo is None:
        raise ValueError("naive datetime: store UTC")
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def to_db(tp: Any, value: Any) -> Any:
    """One field value in its stored form."""
    if value is None:
        return None
    inner, _ = base_type(tp)
    if is_json(inner):
        return json.dumps(encode(value), separators=(",", ":"), sort_keys=True)
    if isinstance(value, datetime):
        return format_datetime(value)
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, UUID | Decimal | date):
        return str(value)
    return value


def from_db(tp: Any, value: Any) -> Any:
    """One stored value as the entity's field value."""
    if value is None:
        return None
    inner, _ = base_type(tp)
    if is_json(inner):
        return decode_value(inner, json.loads(value))
    if inner is UUID:
        return UUID(value)
    if inner is Decimal:
        return Decimal(value)
    if inner is datetime:
        return datetime.fromisoformat(value).astimezone(UTC)
    if inner is date:
        return date.fromisoformat(value)
    if inner is bool:
        return bool(value)
    if isinstance(inner, type) and issubclass(inner, enum.Enum):
        return inner(value)
    return value


def decode_value(tp: Any, data: Any) -> Any:
    """Decode JSON data of a list/dict field with the strict wire rules."""
    from jeweltrak_core.sync.wire import _decode

    return _decode(tp, data, "$")


def entity_to_row(entity: Any) -> dict[str, Any]:
    """Column values of an entity's own fields (child lists excluded)."""
    cls = type(entity)
    row: dict[str, Any] = {}
    for name, tp in hints(cls).items():
        if name in _field_names(cls) and child_type(tp) is None:
            row[name] = to_db(tp, getattr(entity, name))
    return row


def entity_from_row(cls: type, row: Mapping[str, Any], children: Mapping[str, list[Any]]) -> Any:
    """Build an entity from its row and already-built child lists."""
    kwargs: dict[str, Any] = {}
    for name in _field_names(cls):
        tp = hints(cls)[name]
        if child_type(tp) is not None:
            kwargs[name] = children.get(name, [])
        else:
            kwargs[name] = from_db(tp, row[name])
    return cls(**kwargs)


@functools.cache
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls))


def entity_to_json(entity: Any) -> str:
    """The whole entity as wire JSON (for the outbox, audits, change feeds)."""
    return json.dumps(encode(entity), separators=(",", ":"), sort_keys=True)


def entity_from_json(cls: type, text: str) -> Any:
    """Inverse of ``entity_to_json``."""
    return decode(cls, json.loads(text))
