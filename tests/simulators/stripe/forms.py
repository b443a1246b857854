"""Decode Stripe's form encoding (``a[b][0][c]=v``) into nested dicts and lists."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qsl

from .errors import invalid

_SEGMENT = re.compile(r"\[([^\[\]]*)\]")


def _split_key(key: str) -> list[str]:
    head, bracket, _ = key.partition("[")
    if not bracket:
        return [key]
    return [head, *_SEGMENT.findall(key[len(head) :])]


def _listify(node: Any) -> Any:
    if not isinstance(node, dict):
        return node
    converted = {k: _listify(v) for k, v in node.items()}
    if converted and all(k.isdigit() for k in converted):
        return [converted[k] for k in sorted(converted, key=int)]
    return converted


def decode_form(text: str) -> dict[str, Any]:
    """Nested params from a form body or query string; numeric keys become lists."""
    root: dict[str, Any] = {}
    for key, value in parse_qsl(text, keep_blank_values=True):
        parts = _split_key(key)
        node = root
        for part in parts[:-1]:
            nxt = node.get(part)
            if not isinstance(nxt, dict):
                nxt = {}
                node[part] = nxt
            node = nxt
        # "a[]=x" appends, like Rack; stripe-python itself always sends indexes.
        node[parts[-1] if parts[-1] else str(len(node))] = value
    listified = _listify(root)
    assert isinstance(listified, dict)
    return listified


def integer(params: dict[str, Any], name: str) -> int | None:
    """An integer param, or None if absent; a non-integer is a 400 like Stripe's."""
    raw = params.get(name)
    if raw is None or raw == "":
        return None
    if not isinstance(raw, str) or not re.fullmatch(r"-?\d+", raw):
        raise invalid(name, f"Invalid integer: {raw}", code="parameter_invalid_integer")
    return int(raw)


def boolean(params: dict[str, Any], name: str) -> bool | None:
    """A boolean param ("true"/"false"), or None if absent."""
    raw = params.get(name)
    if raw is None:
        return None
    if raw not in ("true", "false"):
        raise invalid(name, f"Invalid boolean: {raw}", code="parameter_invalid_boolean")
    return bool(raw == "true")


def metadata(params: dict[str, Any], current: dict[str, str] | None = None) -> dict[str, str]:
    """Merge ``metadata[...]`` into ``current``; an empty value unsets the key, as on Stripe."""
    merged = dict(current or {})
    raw = params.get("metadata")
    if raw is None:
        return merged
    if raw == "":
        return {}
    if not isinstance(raw, dict):
        raise invalid("metadata", "Invalid hash", code="parameter_invalid_hash")
    for key, value in raw.items():
        if value == "":
            merged.pop(key, None)
        else:
            merged[key] = str(value)
    return merged


def string_list(params: dict[str, Any], name: str) -> list[str] | None:
    """A list-of-strings param, or None if absent."""
    raw = params.get(name)
    if raw is None:
        return None
    if isinstance(raw, str):
        return [raw]
    if isinstance(raw, list) and all(isinstance(v, str) for v in raw):
        return list(raw)
    raise invalid(name, f"Invalid array: {name}", code="parameter_invalid_array")
