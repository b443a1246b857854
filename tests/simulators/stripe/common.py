"""Checks and list handling shared by the endpoint modules."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .errors import StripeApiError, invalid, missing
from .forms import integer
from .shapes import stripe_list
from .state import Obj, Params

COMMON = frozenset({"expand"})
LIST_PARAMS = frozenset({"expand", "limit", "starting_after", "ending_before", "created"})


def allow(params: Params, *names: str) -> None:
    """Stripe refuses parameters an endpoint does not know."""
    known = COMMON | set(names)
    for name in params:
        if name not in known:
            raise StripeApiError(
                400,
                f"Received unknown parameter: {name}",
                code="parameter_unknown",
                param=name,
            )


def required(params: Params, name: str) -> Any:
    value = params.get(name)
    if value is None or value == "":
        raise missing(name)
    return value


def required_str(params: Params, name: str) -> str:
    value = required(params, name)
    if not isinstance(value, str):
        raise invalid(name, f"Invalid string: {name}", code="parameter_invalid_string")
    return value


def one_of(params: Params, name: str, choices: tuple[str, ...], default: str | None) -> str | None:
    value = params.get(name, default)
    if value is not None and value not in choices:
        raise invalid(name, f"Invalid {name}: must be one of {', '.join(choices)}")
    return value


def positive_amount(params: Params, name: str, *, required_: bool) -> int | None:
    """A positive integer amount in the smallest currency unit."""
    value = integer(params, name)
    if value is None:
        if required_:
            raise missing(name)
        return None
    if value < 1:
        raise invalid(
            name, "This value must be greater than or equal to 1.", code="parameter_invalid_integer"
        )
    return value


def list_objects(
    objects: list[Obj], params: Params, url: str, keep: Callable[[Obj], bool] | None = None
) -> Obj:
    """A page of ``objects`` (newest first) honouring limit/starting_after/ending_before."""
    limit = integer(params, "limit") or 10
    if not 1 <= limit <= 100:
        raise invalid("limit", "This value must be less than or equal to 100.")
    rows = [o for o in objects if keep is None or keep(o)]
    after, before = params.get("starting_after"), params.get("ending_before")
    ids = [o["id"] for o in rows]
    if after:
        if after not in ids:
            raise invalid("starting_after", f"No such object: '{after}'", "resource_missing")
        rows = rows[ids.index(after) + 1 :]
    elif before:
        if before not in ids:
            raise invalid("ending_before", f"No such object: '{before}'", "resource_missing")
        rows = rows[: ids.index(before)][-limit:]
    return stripe_list(url, rows[:limit], has_more=len(rows) > limit)


def dollars(cents: int) -> str:
    """``$12.34`` the way Stripe words amounts in its messages."""
    return f"${cents // 100}.{cents % 100:02d}"
