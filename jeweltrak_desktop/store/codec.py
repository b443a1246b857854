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
import json
import types
import typing
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, Union, get_args, get_origin
from uuid import UUID

from jeweltrak_core.sync.wire import decode, encode

_HINTS: dict[type, dict[str, Any]] = {}


def hints(cls: type) -> dict[str, Any]:
    """Resolved type hints of a dataclass (cached)."""
    found = _HINTS.get(cls)
    if found is None:
        found = _HINTS[cls] = typing.get_type_hints(cls)
    return found


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
    if value.tzinfo is UTC and value.year >= 1000:  # the usual case, the same text faster
        return value.isoformat(timespec="microseconds")[:-6] + "Z"
    if value.tzinfo is None:
        raise ValueError("naive datetime: store UTC")
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _encoder(tp: Any) -> Callable[[Any], Any]:
    """The function storing a value of hint ``tp`` (chosen once per field)."""
    inner, _ = base_type(tp)
    if is_json(inner):
        return _to_json
    if inner is datetime:
        return format_datetime
    if isinstance(inner, type) and issubclass(inner, enum.Enum):
        return lambda v: v.value
    if inner in (UUID, Decimal, date):
        return str
    return _identity


def _to_json(value: Any) -> str:
    if not value and type(value) in (list, dict):  # most lists are empty: no encoder call
        return "[]" if type(value) is list else "{}"
    return json.dumps(encode(value), separators=(",", ":"), sort_keys=True)


def _decoder(tp: Any) -> Callable[[Any], Any]:
    """The function reading a stored value of hint ``tp`` (chosen once per field)."""
    inner, _ = base_type(tp)
    if is_json(inner):
        return lambda v: decode_value(inner, json.loads(v))
    if inner is UUID:
        return UUID
    if inner is Decimal:
        return Decimal
    if inner is datetime:
        return lambda v: datetime.fromisoformat(v).astimezone(UTC)
    if inner is date:
        return date.fromisoformat
    if inner is bool:
        return bool
    if isinstance(inner, type) and issubclass(inner, enum.Enum):
        return inner
    return _identity


def _identity(value: Any) -> Any:
    return value


def to_db(tp: Any, value: Any) -> Any:
    """One field value in its stored form."""
    return None if value is None else _encoder(tp)(value)


def from_db(tp: Any, value: Any) -> Any:
    """One stored value as the entity's field value."""
    return None if value is None else _decoder(tp)(value)


def decode_value(tp: Any, data: Any) -> Any:
    """Decode JSON data of a list/dict field with the strict wire rules."""
    from jeweltrak_core.sync.wire import _decode

    return _decode(tp, data, "$")


_PLANS: dict[type, Any] = {}


def _plan(
    cls: type,
) -> tuple[tuple[tuple[str, Callable[[Any], Any], Callable[[Any], Any]], ...], tuple[str, ...]]:
    """Per class, once: (scalar fields with their encoder/decoder, child-list fields)."""
    plan = _PLANS.get(cls)
    if plan is None:
        plan = _PLANS[cls] = _make_plan(cls)
    return plan  # type: ignore[no-any-return]


def _make_plan(cls: type) -> Any:
    scalars = []
    children = []
    for f in dataclasses.fields(cls):
        tp = hints(cls)[f.name]
        if child_type(tp) is not None:
            children.append(f.name)
        else:
            scalars.append((f.name, _encoder(tp), _decoder(tp)))
    return tuple(scalars), tuple(children)


def entity_to_row(entity: Any) -> dict[str, Any]:
    """Column values of an entity's own fields (child lists excluded)."""
    scalars, _ = _plan(type(entity))
    row: dict[str, Any] = {}
    for name, enc, _dec in scalars:
        value = getattr(entity, name)
        row[name] = None if value is None else enc(value)
    return row


def row_function(
    cls: type, columns: Sequence[str], computed: Mapping[str, Callable[[Any], Any]]
) -> Callable[[Any], tuple[Any, ...]]:
    """A function giving an entity's stored values in ``columns`` order: what
    ``entity_to_row`` gives, plus the computed columns, as one generated expression per
    table (a snapshot stores 100,000 pieces through it)."""
    scalars, _ = _plan(cls)
    encoders = {name: enc for name, enc, _dec in scalars}
    env: dict[str, Any] = {}
    parts = []
    for i, column in enumerate(columns):
        if column in computed:
            env[f"c{i}"] = computed[column]
            parts.append(f"c{i}(e)")
        elif column in encoders:
            if not column.isidentifier():
                raise ValueError(f"{cls.__name__}.{column} is not a plain field name")
            enc = encoders[column]
            if enc is _identity:
                parts.append(f"e.{column}")
            else:
                env[f"c{i}"] = enc
                parts.append(f"(None if (v := e.{column}) is None else c{i}(v))")
        else:
            raise ValueError(f"column {column!r} is not a field of {cls.__name__}")
    exec("def row(e):\n    return (" + ", ".join(parts) + ",)", env)
    return env["row"]  # type: ignore[no-any-return]


def entity_from_row(cls: type, row: Any, children: Mapping[str, list[Any]]) -> Any:
    """Build an entity from its row and already-built child lists."""
    scalars, child_fields = _plan(cls)
    kwargs: dict[str, Any] = {}
    for name, _enc, dec in scalars:
        value = row[name]
        kwargs[name] = None if value is None else dec(value)
    for name in child_fields:
        kwargs[name] = children.get(name, [])
    return cls(**kwargs)


def entity_to_json(entity: Any) -> str:
    """The whole entity as wire JSON (for the outbox, audits, change feeds)."""
    return json.dumps(encode(entity), separators=(",", ":"), sort_keys=True)


def entity_from_json(cls: type, text: str) -> Any:
    """Inverse of ``entity_to_json``."""
    return decode(cls, json.loads(text))
