"""``GET /v1/events``: the events of the account the request is made for (last 30 days)."""

from __future__ import annotations

from .common import LIST_PARAMS, allow, list_objects
from .errors import no_such
from .state import Ctx, Obj, Params


def _own_events(ctx: Ctx) -> list[Obj]:
    events: list[Obj] = ctx.shared.get("events", [])
    return [e for e in reversed(events) if e.get("account") == ctx.account.id]


def retrieve_event(ctx: Ctx, params: Params, event_id: str) -> Obj:
    allow(params)
    for event in _own_events(ctx):
        if event["id"] == event_id:
            return event
    raise no_such("event", event_id)


def list_events(ctx: Ctx, params: Params) -> Obj:
    allow(params, *LIST_PARAMS, "type", "types", "delivery_success")
    wanted = params.get("type")
    return list_objects(
        _own_events(ctx), params, "/v1/events", lambda e: wanted is None or e["type"] == wanted
    )


ROUTES = [
    ("GET", r"/v1/events", list_events),
    ("GET", r"/v1/events/(?P<id>[^/]+)", retrieve_event),
]
