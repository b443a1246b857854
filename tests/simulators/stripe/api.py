"""One HTTP request through the simulator: key, account, route, idempotency, expand, log."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from ..loopback import Response
from . import accounts, charges, event_routes, intents, links, refunds, terminal
from .core import Core, RequestRecord, scrub
from .errors import StripeApiError
from .forms import decode_form
from .shapes import new_id
from .state import AccountState, Ctx, Obj, Params

RouteHandler = Callable[..., Obj]
_ROUTES: list[tuple[str, re.Pattern[str], RouteHandler]] = [
    (method, re.compile(pattern + r"/?"), handler)
    for module in (accounts, intents, charges, refunds, terminal, links, event_routes)
    for method, pattern, handler in module.ROUTES
]
_SAVED_STATUSES = (200, 402)  # Stripe saves results only for requests that ran


class Api:
    """Turns (method, path, params text, headers) into a Stripe-like response."""

    def __init__(self, core: Core, secret_key: str) -> None:
        self.core = core
        self.secret_key = secret_key
        self._saved: dict[tuple[str | None, str], tuple[str, Params, Response]] = {}

    def handle(self, method: str, path: str, text: str, headers: dict[str, str]) -> Response:
        request_id = new_id("req", 14)
        account_id = headers.get("stripe-account")
        key = headers.get("idempotency-key") if method == "POST" else None
        try:
            params = decode_form(text)
        except ValueError:
            params = {}
        with self.core.lock:
            self.core.requests.append(RequestRecord(method, path, account_id, key, scrub(params)))
            response, ctx = self._respond(method, path, params, headers, request_id)
            events = self.core.record_events(ctx) if ctx is not None else []
        response.headers["Request-Id"] = request_id
        if events:
            if path.startswith("/v1/test_helpers/"):
                self.core.dispatch(events)  # test helpers: delivered before they return
            else:
                response.after = lambda: self.core.dispatch(events)
        return response

    def _respond(
        self, method: str, path: str, params: Params, headers: dict[str, str], request_id: str
    ) -> tuple[Response, Ctx | None]:
        account_id = headers.get("stripe-account")
        key = headers.get("idempotency-key") if method == "POST" else None
        ctx: Ctx | None = None
        try:
            self._authenticate(headers.get("authorization", ""))
            state = self._account(account_id)
            handler, ids = self._route(method, path)
            if key is not None:
                replay = self._replay(account_id, key, f"{method} {path}", params)
                if replay is not None:
                    return replay, None
            ctx = self.core.ctx(state, request_id, key)
            ctx.api_version = headers.get("stripe-version") or ctx.api_version
            body = json.loads(json.dumps(handler(ctx, params, *ids)))
            response = Response(200, _expand(state, body, params.get("expand")))
        except StripeApiError as exc:
            response = Response(exc.status, json.loads(json.dumps(exc.body())))
            ctx = ctx if exc.keep_events else None
        except Exception as exc:  # a simulator bug: answer 500 and keep it for the test to see
            self.core.internal_errors.append(exc)
            body = {"error": {"type": "api_error", "message": f"Simulator error: {exc!r}"}}
            response, ctx = Response(500, body), None
        if key is not None and response.status in _SAVED_STATUSES:
            self._saved[(account_id, key)] = (f"{method} {path}", params, response)
        return response, ctx

    def _authenticate(self, authorization: str) -> None:
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not token:
            raise StripeApiError(
                401,
                "You did not provide an API key. You need to provide your API key in the "
                "Authorization header, using Bearer auth (e.g. 'Authorization: Bearer "
                "YOUR_SECRET_KEY').",
            )
        if token != self.secret_key:
            raise StripeApiError(401, f"Invalid API Key provided: {token[:8]}****{token[-4:]}")

    def _account(self, account_id: str | None) -> AccountState:
        state = self.core.accounts.get(account_id)
        if state is None:
            raise StripeApiError(
                403,
                f"The provided key '{self.secret_key[:8]}***' does not have access to account "
                f"'{account_id}' (or that account does not exist). Application access may "
                "have been revoked.",
                code="account_invalid",
            )
        return state

    def _route(self, method: str, path: str) -> tuple[RouteHandler, tuple[str, ...]]:
        for route_method, pattern, handler in _ROUTES:
            match = pattern.fullmatch(path)
            if match and route_method == method:
                return handler, tuple(match.groups())
        raise StripeApiError(
            404,
            f"Unrecognized request URL ({method}: {path}). Please see https://stripe.com/docs "
            "or we can help at https://support.stripe.com/.",
        )

    def _replay(
        self, account_id: str | None, key: str, target: str, params: Params
    ) -> Response | None:
        saved = self._saved.get((account_id, key))
        if saved is None:
            return None
        saved_target, saved_params, response = saved
        if saved_target != target or saved_params != params:
            raise StripeApiError(
                400,
                "Keys for idempotent requests can only be used with the same parameters they "
                f"were first used with. Try using a key other than '{key}' if you meant to "
                "execute a different request.",
                type_="idempotency_error",
            )
        return Response(response.status, response.body, {"Idempotent-Replayed": "true"})


def _expand(state: AccountState, body: Obj, paths: Any) -> Obj:
    """Replace expandable ID fields named in ``expand`` by the objects (one level)."""
    if not paths:
        return body
    for path in paths if isinstance(paths, list) else [paths]:
        parts = str(path).split(".")
        targets = [body]
        if parts[0] == "data" and body.get("object") == "list":
            targets, parts = body["data"], parts[1:]
        for target in targets:
            value = target.get(parts[0]) if len(parts) == 1 else None
            if isinstance(value, str):
                found = _find_any(state, value)
                if found is not None:
                    target[parts[0]] = json.loads(json.dumps(found))
    return body


def _find_any(state: AccountState, object_id: str) -> Obj | None:
    for objects in state.objects.values():
        if object_id in objects:
            return objects[object_id]
    return None
