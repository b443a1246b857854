"""Simulator state and webhook plumbing shared by the HTTP front and the test helpers."""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable
from typing import Any, NamedTuple, TypeVar

from .accounts import new_account_object
from .cards import redact
from .state import AccountState, Ctx, Obj, Params
from .webhooks import Delivery, WebhookTarget, make_event, post_event

T = TypeVar("T")


class RequestRecord(NamedTuple):
    """One API request as the simulator saw it; card numbers are reduced to last four."""

    method: str
    path: str
    account: str | None
    idempotency_key: str | None
    params: dict[str, Any]


def scrub(value: Any) -> Any:
    """``value`` with every long digit run (a would-be card number) cut to its last four."""
    if isinstance(value, dict):
        return {k: scrub(v) for k, v in value.items()}
    if isinstance(value, list):
        return [scrub(v) for v in value]
    if isinstance(value, str):
        return redact(value)
    return value


class Core:
    """Accounts, requests, events; every state change happens under ``lock``."""

    def __init__(self, target: WebhookTarget | None, secret: str, auto_deliver: bool) -> None:
        self.lock = threading.RLock()
        self.accounts: dict[str | None, AccountState] = {None: AccountState(None)}
        self.shared: dict[str, Any] = {"accounts": []}
        self.requests: list[RequestRecord] = []
        self.events: list[Obj] = []
        self.shared["events"] = self.events  # read by GET /v1/events
        self.deliveries: list[Delivery] = []
        self.pending: list[Obj] = []
        self.internal_errors: list[Exception] = []
        self.target = target
        self.secret = secret
        self.auto_deliver = auto_deliver
        self._delivery_lock = threading.RLock()
        self._in_flight = 0
        self._idle = threading.Condition(threading.Lock())

    # --- accounts -------------------------------------------------------------------
    def new_account(self, params: Params) -> AccountState:
        obj = new_account_object(params)
        state = AccountState(obj["id"], obj)
        self.accounts[obj["id"]] = state
        self.shared["accounts"].append(obj)
        return state

    def find_account(self, account_id: str) -> AccountState | None:
        return self.accounts.get(account_id) if account_id else None

    def ctx(
        self, state: AccountState, request_id: str | None = None, idempotency_key: str | None = None
    ) -> Ctx:
        return Ctx(
            state, self.new_account, self.find_account, request_id, idempotency_key, self.shared
        )

    def run(self, account: str | None, action: Callable[[Ctx], T]) -> T:
        """Run a test helper on ``account`` and deliver its events before returning."""
        with self.lock:
            state = self.accounts.get(account)
            if state is None:
                raise KeyError(f"unknown account {account!r}")
            ctx = self.ctx(state)
            result = copy.deepcopy(action(ctx))
            events = self.record_events(ctx)
        self.dispatch(events)
        return result

    # --- events ---------------------------------------------------------------------
    def record_events(self, ctx: Ctx) -> list[Obj]:
        """Turn what ``ctx`` emitted into events; counts them as in flight until dispatched."""
        events = [
            make_event(
                t,
                obj,
                account=ctx.account.id,
                previous=prev,
                request_id=ctx.request_id,
                idempotency_key=ctx.idempotency_key,
            )
            for t, obj, prev in ctx.events
        ]
        self.events.extend(events)
        if events:
            with self._idle:
                self._in_flight += 1
        return events

    def dispatch(self, events: list[Obj]) -> None:
        """Deliver now (auto mode, target set) or queue for the test to deliver."""
        if not events:
            return
        try:
            with self._delivery_lock:
                for event in events:
                    if self.auto_deliver and self.target is not None:
                        self.deliveries.append(post_event(self.target, self.secret, event))
                    else:
                        self.pending.append(event)
        finally:
            with self._idle:
                self._in_flight -= 1
                self._idle.notify_all()

    def deliver(
        self, event: Obj, times: int, secret: str | None = None, timestamp: int | None = None
    ) -> list[Delivery]:
        if self.target is None:
            raise RuntimeError("no webhook target: call set_webhook(url, secret) first")
        key = self.secret if secret is None else secret
        with self._delivery_lock:
            done = [post_event(self.target, key, event, timestamp) for _ in range(times)]
            self.deliveries.extend(done)
        return done

    def wait_idle(self, timeout: float) -> bool:
        """Wait until every raised event has been delivered or queued."""
        with self._idle:
            return self._idle.wait_for(lambda: self._in_flight == 0, timeout)
