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
import operator
import types
import typing
from collections.abc import Callable
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
    # One dict lookup by exact type; the encoder of a dataclass or enum type is made the
    # first time it is seen, so encoding walks the value, not isinstance chains.
    fn = _ENCODERS.get(type(value))
    if fn is None:
        fn = _encoder_for(type(value))
    return fn(value)


def _same(value: Any) -> Any:
    return value


def _encode_datetime(value: datetime) -> str:
    if value.tzinfo is None:
        raise ValidationError("A naive datetime cannot be sent; use UTC.")
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _encode_list(value: list[Any] | tuple[Any, ...]) -> list[Any]:
    return [encode(v) for v in value]


def _encode_dict(value: dict[Any, Any]) -> dict[str, Any]:
    return {str(k): encode(v) for k, v in value.items()}


_PLAIN = frozenset({type(None), bool, int, str})
_ENCODERS: dict[type, Callable[[Any], Any]] = {
    type(None): _same,
    bool: _same,
    int: _same,
    str: _same,
    float: _same,  # passes through so decoding refuses it by its field name
    Decimal: str,
    UUID: str,
    datetime: _encode_datetime,
    date: date.isoformat,
    list: _encode_list,
    tuple: _encode_list,
    dict: _encode_dict,
}


def _encoder_for(cls: type) -> Callable[[Any], Any]:
    fn: Callable[[Any], Any]
    if issubclass(cls, enum.Enum):
        fn = _enum_value
    elif dataclasses.is_dataclass(cls):
        names = tuple(f.name for f in dataclasses.fields(cls))
        getter = operator.attrgetter(*names) if len(names) > 1 else None

        def fn(value: Any) -> Any:
            values = getter(value) if getter is not None else (getattr(value, names[0]),)
            return {
                name: v if type(v) in _PLAIN else encode(v)
                for name, v in zip(names, values, strict=True)
            }
    else:
        for base, base_fn in list(_ENCODERS.items()):
            if base is not type(None) and issubclass(cls, base):
                fn = base_fn
                break
        else:
            raise ValidationError(f"{cls.__name__} cannot be sent on the wire.")
    _ENCODERS[cls] = fn
    return fn


def _enum_value(value: enum.Enum) -> Any:
    return value.value


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


# Decoders are compiled once per type: each is a closure that knows its field plan, so
# decoding a document walks the data, not the type hints (the service decodes thousands of
# documents per push; the rules are exactly those of the one-shot version they replace).
Decoder = Callable[[Any, str], Any]


def _decode(tp: Any, data: Any, path: str) -> Any:
    return _decoder(tp)(data, path)


@functools.cache
def _decoder(tp: Any) -> Decoder:
    if tp is Any:
        return _passthrough
    origin = get_origin(tp)
    if origin in (Union, types.UnionType):
        return _union_decoder(get_args(tp))
    if origin is list or origin is tuple:
        return _sequence_decoder(get_args(tp)[0], as_tuple=origin is tuple)
    if origin is dict:
        return _dict_decoder(*get_args(tp))
    scalar = _scalar_decoder(tp)

    def not_none(data: Any, path: str) -> Any:
        if data is None:
            raise _fail(path, "a value", data)
        return scalar(data, path)

    return not_none


def _passthrough(data: Any, path: str) -> Any:
    return data


def _union_decoder(args: tuple[Any, ...]) -> Decoder:
    nullable = type(None) in args
    inners = [_decoder(a) for a in args if a is not type(None)]

    def check_none(data: Any, path: str) -> None:
        if not nullable:
            raise _fail(path, "a value", data)

    if len(inners) == 1:
        (inner,) = inners

        def optional(data: Any, path: str) -> Any:
            if data is None:
                check_none(data, path)
                return None
            return inner(data, path)

        return optional

    def first_match(data: Any, path: str) -> Any:  # Scalar: first exact type match wins
        if data is None:
            check_none(data, path)
            return None
        for inner in inners:
            try:
                return inner(data, path)
            except ValidationError:
                continue
        raise _fail(path, "a value of an allowed type", data)

    return first_match


def _sequence_decoder(item_tp: Any, *, as_tuple: bool) -> Decoder:
    item: Decoder | None = None  # resolved on first use (the item type may be recursive)
    fast, _ = _fast_type(item_tp)

    def sequence(data: Any, path: str) -> Any:
        nonlocal item
        if not isinstance(data, list):
            raise _fail(path, "a list", data)
        if not data:
            return () if as_tuple else []
        if item is None:
            item = _decoder(item_tp)
        if fast is not None and all(
            type(v) is fast and (fast is not str or _clean(v)) for v in data
        ):
            items = list(data)  # exact ints / clean texts are valid as they are
        else:
            items = [item(v, f"{path}[{i}]") for i, v in enumerate(data)]
        return tuple(items) if as_tuple else items

    return sequence


def _dict_decoder(key_tp: Any, val_tp: Any) -> Decoder:
    def mapping(data: Any, path: str) -> Any:
        if not isinstance(data, dict):
            raise _fail(path, "an object", data)
        key, val = _decoder(key_tp), _decoder(val_tp)
        return {key(k, f"{path}.<key>"): val(v, f"{path}.{k}") for k, v in data.items()}

    return mapping


def _dataclass_decoder(cls: type, *, compiled: bool = True) -> Decoder:
    plan: list[tuple[str, Decoder, bool, type | None, bool]] | None = None
    names: frozenset[str] = frozenset()

    def build() -> list[tuple[str, Decoder, bool, type | None, bool]]:
        nonlocal names
        hints = _hints(cls)
        fields = [f for f in dataclasses.fields(cls) if f.init]
        names = frozenset(f.name for f in fields)
        return [
            (
                f.name,
                _decoder(hints[f.name]),
                f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING,
                *_fast_type(hints[f.name]),
            )
            for f in fields
        ]

    def dataclass_(data: Any, path: str) -> Any:
        nonlocal plan
        if not isinstance(data, dict):
            raise _fail(path, "an object", data)
        if plan is None:
            plan = build()
        if not names.issuperset(data):
            unknown = sorted(set(data) - names)
            raise ValidationError(
                f"{path} has unknown field(s): {', '.join(unknown)}.", path=path
            )
        kwargs: dict[str, Any] = {}
        for name, decode_field, required, fast, nullable in plan:
            if name in data:
                value = data[name]
                # Fast path, same rules: an exact int/bool/str (clean text) needs no call.
                if type(value) is fast and (
                    fast is not str or _clean(value)
                ):
                    kwargs[name] = value
                elif value is None and nullable:
                    kwargs[name] = None
                else:
                    kwargs[name] = decode_field(value, f"{path}.{name}")
            elif required:
                raise ValidationError(f"{path}.{name} is missing.", path=f"{path}.{name}")
        try:
            return cls(**kwargs)
        except (TypeError, ValueError) as exc:
            raise ValidationError(f"{path}: {exc}", path=path) from exc

    if not compiled:
        return dataclass_
    fast_: Decoder | None = None

    def compiled_(data: Any, path: str) -> Any:
        nonlocal fast_, plan
        if fast_ is None:
            if plan is None:
                plan = build()
            fast_ = _compile_dataclass(cls, plan, names, dataclass_)
        return fast_(data, path)

    return compiled_


_MISSING = object()


def _compile_dataclass(
    cls: type,
    plan: list[tuple[str, Decoder, bool, type | None, bool]],
    names: frozenset[str],
    slow: Decoder,
) -> Decoder:
    """The same decoding as ``slow``, as straight-line code generated once per class.

    It only ever takes the happy path: values the rules accept as they are (exact ints and
    bools, clean text, None where allowed) are copied, others go through their field
    decoder. On anything unusual — a missing field, any error — it hands the document to
    ``slow``, which gives the precise error with its JSON path (or, should the two ever
    disagree, the slow path's answer). A snapshot decodes 100,000 pieces this way.
    """
    hints = _hints(cls)
    env: dict[str, Any] = {"cls": cls, "slow": slow, "superset": names.issuperset,
                           "M": _MISSING}
    body = [
        "def fast(data, path):",
        "    if type(data) is not dict or not superset(data):",
        "        return slow(data, path)",
        "    get = data.get",
        "    k = {}",
        "    try:",
    ]
    for i, (name, decode_field, required, fast, nullable) in enumerate(plan):
        env[f"d{i}"] = decode_field
        key = repr(name)
        body.append(f"        v = get({key}, M)")
        body.append("        if v is not M:")
        if nullable:
            body.append(f"            if v is None: k[{key}] = None")
            branch = "elif"
        else:
            branch = "if"
        if fast is str:
            body.append(f"            {branch} type(v) is str and v.isascii() and "
                        f"'\\x00' not in v: k[{key}] = v")
            body.append(f"            else: k[{key}] = d{i}(v, path)")
        elif fast is not None:
            body.append(f"            {branch} type(v) is {fast.__name__}: k[{key}] = v")
            body.append(f"            else: k[{key}] = d{i}(v, path)")
        elif (members := _text_enum_members(hints[name])) is not None:
            env[f"m{i}"] = members  # value → member; a miss falls back (KeyError)
            body.append(f"            {branch} type(v) is str: k[{key}] = m{i}[v]")
            body.append(f"            else: k[{key}] = d{i}(v, path)")
        elif nullable:
            body.append(f"            else: k[{key}] = d{i}(v, path)")
        else:
            body.append(f"            k[{key}] = d{i}(v, path)")
        if required:
            body.append("        else: return slow(data, path)")
    body += [
        "        return cls(**k)",
        "    except Exception:",  # the slow path raises the precise error
        "        return slow(data, path)",
    ]
    exec("\n".join(body), env)
    return env["fast"]  # type: ignore[no-any-return]


def _text_enum_members(tp: Any) -> dict[str, enum.Enum] | None:
    """For an enum whose values are all text (``X`` or ``X | None``): value → member."""
    if get_origin(tp) in (Union, types.UnionType):
        args = [a for a in get_args(tp) if a is not type(None)]
        if len(args) != 1:
            return None
        tp = args[0]
    if not (isinstance(tp, type) and issubclass(tp, enum.Enum)):
        return None
    members = {m.value: m for m in tp}
    return members if all(type(v) is str for v in members) else None


def _clean(text: Any) -> bool:
    return bool(text.isascii() and "\x00" not in text)


def _fast_type(tp: Any) -> tuple[type | None, bool]:
    """(int, str or bool when a value of exactly that type is valid as is, nullable)."""
    nullable = False
    if get_origin(tp) in (Union, types.UnionType):
        args = [a for a in get_args(tp) if a is not type(None)]
        nullable = len(args) < len(get_args(tp))
        if len(args) != 1:
            return None, nullable
        tp = args[0]
    return (tp if tp in (int, str, bool) else None), nullable


def _bool(data: Any, path: str) -> Any:
    if not isinstance(data, bool):
        raise _fail(path, "true or false", data)
    return data


def _int(data: Any, path: str) -> Any:
    if isinstance(data, bool) or not isinstance(data, int):
        if path.endswith("_cents") or "_cents." in path:
            label = field_label(path)
            sentence = (f"{label[0].upper()}{label[1:]} must be a whole number of cents, "
                        f"not {type(data).__name__}.")
            raise InvalidMoney(f"{sentence[:-1]} (at {path}).", path=path,
                               clerk_message=sentence)
        raise _fail(path, "a whole number", data)
    return data


def _str(data: Any, path: str) -> Any:
    if not isinstance(data, str):
        raise _fail(path, "text", data)
    if not data.isascii() or "\x00" in data:
        check_text(data, path)
    return data


def check_text(data: str, path: str) -> None:
    """Text must be storable anywhere: no NUL character, no lone UTF-16 surrogate."""
    if "\x00" in data:
        raise _fail(path, "text without NUL characters", "NUL")
    try:
        data.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise _fail(path, "valid Unicode text", "a lone surrogate") from exc


def _decimal(data: Any, path: str) -> Any:
    if not isinstance(data, str):
        raise _fail(path, "a decimal number written as text", data)
    try:
        value = Decimal(data)
    except InvalidOperation as exc:
        raise _fail(path, "a decimal number", data) from exc
    if not value.is_finite():
        raise _fail(path, "a finite decimal number", data)
    return value


def _uuid(data: Any, path: str) -> Any:
    if not isinstance(data, str):
        raise _fail(path, "an ID", data)
    try:
        return UUID(data)
    except ValueError as exc:
        raise _fail(path, "an ID (UUID)", data) from exc


def _datetime(data: Any, path: str) -> Any:
    if not isinstance(data, str):
        raise _fail(path, "a date-time", data)
    try:
        value = datetime.fromisoformat(data)
    except ValueError as exc:
        raise _fail(path, "an ISO 8601 date-time", data) from exc
    if value.tzinfo is None:
        raise _fail(path, "a date-time with a time zone", data)
    try:
        return value.astimezone(UTC)
    except OverflowError as exc:  # valid ISO text whose UTC instant leaves years 1..9999
        raise _fail(path, "a date-time between the years 1 and 9999", data) from exc


def _date(data: Any, path: str) -> Any:
    if not isinstance(data, str):
        raise _fail(path, "a date", data)
    try:
        return date.fromisoformat(data)
    except ValueError as exc:
        raise _fail(path, "a date (YYYY-MM-DD)", data) from exc


def _enum_decoder(tp: type[enum.Enum]) -> Decoder:
    def enum_(data: Any, path: str) -> Any:
        try:
            return tp(data)
        except ValueError as exc:
            allowed = ", ".join(str(m.value) for m in tp)
            raise _fail(path, f"one of {allowed}", data) from exc

    return enum_


_SCALARS: dict[Any, Decoder] = {
    bool: _bool,
    int: _int,
    str: _str,
    Decimal: _decimal,
    UUID: _uuid,
    datetime: _datetime,
    date: _date,
}


def _scalar_decoder(tp: Any) -> Decoder:
    found = _SCALARS.get(tp)
    if found is not None:
        return found
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return _enum_decoder(tp)
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        return _dataclass_decoder(tp)

    def not_allowed(data: Any, path: str) -> Any:
        raise ValidationError(f"{path}: type {tp!r} is not allowed on the wire.")

    return not_allowed
