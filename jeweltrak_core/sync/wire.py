"""Strict JSON codec for the dataclasses that travel between desktop and service.

Types allowed on the wire: str, int, bool, Decimal (as a string), UUID, date, datetime
(ISO 8601, UTC), StrEnum members, ``X | None``, ``list[X]``, ``dict[str, X]`` and nested
dataclasses. Decoding is strict: unknown or missing fields, a float where an int or a
Decimal is expected, a naive datetime — all raise ``ValidationError`` with the JSON path,
so a malformed operation is refused before it can touch a database. Each error also
carries ``details["clerk_message"]``, the same sentence without the path, for screens.
"""

from __future__ import annotations

import dataclasses
import enum
import functools
import types
import typing
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar, Union, get_args, get_origin
from uuid import UUID

from jeweltrak_core.errors import InvalidMoney, ValidationError

T = TypeVar("T")

#: A JSON scalar, for field-level patches whose value type depends on the field name.
Scalar = str | int | bool | None


@functools.cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def encode(value: Any) -> Any:
    """Turn a wire dataclass (or any allowed value) into JSON-ready data."""
    if value is None or (isinstance(value, bool | int | str) and not isinstance(value, enum.Enum)):
        return value
    if isinstance(value, float):
        return value  # passes through so decoding refuses it by its field name
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValidationError("A naive datetime cannot be sent; use UTC.")
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, list | tuple):
        return [encode(v) for v in value]
    if isinstance(value, dict):
        return {str(k): encode(v) for k, v in value.items()}
    raise ValidationError(f"{type(value).__name__} cannot be sent on the wire.")


def decode(cls: type[T], data: Any, path: str = "$") -> T:
    """Build ``cls`` (a dataclass) from JSON data, validating every field."""
    return typing.cast(T, _decode(cls, data, path))


def field_label(path: str) -> str:
    """“payload.piece.carat_weight” → “the carat weight” (what a clerk calls the field)."""
    last = path.rsplit(".", 1)[-1].split("[", 1)[0]
    for suffix in ("_cents", "_id"):
        last = last.removesuffix(suffix)
    text = last.replace("_", " ").strip()
    return f"the {text}" if text else "the value"


def _fail(path: str, expected: str, data: Any) -> ValidationError:
    shown = type(data).__name__ if not isinstance(data, str | int) else repr(data)[:40]
    label = field_label(path)
    sentence = f"{label[0].upper()}{label[1:]} must be {expected} (got {shown})."
    return ValidationError(
        f"{sentence[:-1]}; at {path}).", path=path, clerk_message=sentence
    )


def _decode_dataclass(cls: type, data: Any, path: str) -> Any:
    if not isinstance(data, dict):
        raise _fail(path, "an object", data)
    hints = _hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls) if f.init}
    unknown = sorted(set(data) - set(fields))
    if unknown:
        raise ValidationError(f"{path} has unknown field(s): {', '.join(unknown)}.", path=path)
    kwargs: dict[str, Any] = {}
    for name, f in fields.items():
        if name in data:
            kwargs[name] = _decode(hints[name], data[name], f"{path}.{name}")
        elif f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
            raise ValidationError(f"{path}.{name} is missing.", path=f"{path}.{name}")
    try:
        return cls(**kwargs)
    except (TypeError, ValueError) as exc:
        raise ValidationError(f"{path}: {exc}", path=path) from exc


def _decode_scalar(tp: Any, data: Any, path: str) -> Any:
    if tp is Any:
        return data
    if tp is bool:
        if not isinstance(data, bool):
            raise _fail(path, "true or false", data)
        return data
    if tp is int:
        if isinstance(data, bool) or not isinstance(data, int):
            if path.endswith("_cents") or "_cents." in path:
                label = field_label(path)
                sentence = (f"{label[0].upper()}{label[1:]} must be a whole number of cents, "
                            f"not {type(data).__name__}.")
                raise InvalidMoney(f"{sentence[:-1]} (at {path}).", path=path,
                                   clerk_message=sentence)
            raise _fail(path, "a whole number", data)
        return data
    if tp is str:
        if not isinstance(data, str):
            raise _fail(path, "text", data)
        return data
    if tp is Decimal:
        if not isinstance(data, str):
            raise _fail(path, "a decimal number written as text", data)
        try:
            value = Decimal(data)
        except InvalidOperation as exc:
            raise _fail(path, "a decimal number", data) from exc
        if not value.is_finite():
            raise _fail(path, "a finite decimal number", data)
        return value
    if tp is UUID:
        if not isinstance(data, str):
            raise _fail(path, "an ID", data)
        try:
            return UUID(data)
        except ValueError as exc:
            raise _fail(path, "an ID (UUID)", data) from exc
    if tp is datetime:
        if not isinstance(data, str):
            raise _fail(path, "a date-time", data)
        try:
            value_dt = datetime.fromisoformat(data)
        except ValueError as exc:
            raise _fail(path, "an ISO 8601 date-time", data) from exc
        if value_dt.tzinfo is None:
            raise _fail(path, "a date-time with a time zone", data)
        return value_dt.astimezone(UTC)
    if tp is date:
        if not isinstance(data, str):
            raise _fail(path, "a date", data)
        try:
            return date.fromisoformat(data)
        except ValueError as exc:
            raise _fail(path, "a date (YYYY-MM-DD)", data) from exc
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        try:
            return tp(data)
        except ValueError as exc:
            allowed = ", ".join(str(m.value) for m in tp)
            raise _fail(path, f"one of {allowed}", data) from exc
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        return _decode_dataclass(tp, data, path)
    raise ValidationError(f"{path}: type {tp!r} is not allowed on the wire.")


def _decode(tp: Any, data: Any, path: str) -> Any:
    if tp is Any:
        return data
    origin = get_origin(tp)
    if origin in (Union, types.UnionType):
        args = get_args(tp)
        if data is None:
            if type(None) in args:
                return None
            raise _fail(path, "a value", data)
        non_none = [a for a in args if a is not type(None)]
        if len(non_none) == 1:
            return _decode(non_none[0], data, path)
        for arg in non_none:  # Scalar: first exact type match wins
            try:
                return _decode(arg, data, path)
            except ValidationError:
                continue
        raise _fail(path, "a value of an allowed type", data)
    if origin is list or origin is tuple:
        if not isinstance(data, list):
            raise _fail(path, "a list", data)
        (item,) = get_args(tp)[:1]
        items = [_decode(item, v, f"{path}[{i}]") for i, v in enumerate(data)]
        return items if origin is list else tuple(items)
    if origin is dict:
        if not isinstance(data, dict):
            raise _fail(path, "an object", data)
        key_tp, val_tp = get_args(tp)
        return {
            _decode(key_tp, k, f"{path}.<key>"): _decode(val_tp, v, f"{path}.{k}")
            for k, v in data.items()
        }
    if data is None:
        raise _fail(path, "a value", data)
    return _decode_scalar(tp, data, path)
