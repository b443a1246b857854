"""StripeSimulator: the public face tests use (see docs/simulators.md)."""

from __future__ import annotations

import copy
from typing import Any

from ..loopback import Handler, LoopbackSimulator
from . import cards, links, refunds, terminal
from .accounts import finish_onboarding
from .api import Api
from .core import Core, RequestRecord
from .errors import StripeApiError
from .state import Ctx, Obj
from .webhooks import Delivery, WebhookTarget

DEFAULT_WEBHOOK_SECRET = "whsec_test_simulator_0123456789abcdef"


class StripeSimulator(LoopbackSimulator):
    """A stateful Stripe test-mode API on loopback, with signed Connect webhooks."""

    def __init__(
        self,
        webhook_url: WebhookTarget | None = None,
        webhook_secret: str = DEFAULT_WEBHOOK_SECRET,
        secret_key: str = "sk_test_sim",
        *,
        auto_deliver: bool = True,
    ) -> None:
        self.secret_key = secret_key
        self._core = Core(webhook_url, webhook_secret, auto_deliver)
        self._api = Api(self._core, secret_key)

    # --- lifecycle ------------------------------------------------------------------
    def _handler(self) -> Handler:
        return self._api.handle

    # --- webhooks -------------------------------------------------------------------
    @property
    def webhook_secret(self) -> str:
        return self._core.secret

    @property
    def auto_deliver(self) -> bool:
        return self._core.auto_deliver

    @auto_deliver.setter
    def auto_deliver(self, value: bool) -> None:
        self._core.auto_deliver = value

    def set_webhook(self, url: WebhookTarget, secret: str | None = None) -> None:
        """Where Connect events go: a URL, or a callable(body, headers) -> status."""
        self._core.target = url
        if secret is not None:
            self._core.secret = secret

    @property
    def events(self) -> list[Obj]:
        """Every event raised so far, oldest first (delivered or not)."""
        return list(self._core.events)

    @property
    def deliveries(self) -> list[Delivery]:
        """Every delivery attempt with the HTTP status the target answered."""
        return list(self._core.deliveries)

    @property
    def delivered_events(self) -> list[Obj]:
        """The event of every delivery attempt, in order (a replay appears twice)."""
        return [d.event for d in self._core.deliveries]

    def pending_events(self) -> list[Obj]:
        """Events held back (``auto_deliver=False`` or no target yet), oldest first."""
        return list(self._core.pending)

    def deliver_pending(self) -> list[Delivery]:
        """Deliver and clear the held-back events, oldest first."""
        with self._core.lock:
            pending, self._core.pending = self._core.pending, []
        return [d for event in pending for d in self._core.deliver(event, 1)]

    def deliver(
        self,
        event: Obj,
        times: int = 1,
        *,
        secret: str | None = None,
        timestamp: int | None = None,
    ) -> list[Delivery]:
        """Deliver ``event`` ``times`` times; it leaves the pending queue.

        It is signed afresh with the webhook secret and the current time, unless ``secret``
        (e.g. a wrong one) or ``timestamp`` (e.g. 10 minutes old, for replay checks) is given.
        """
        with self._core.lock:
            self._core.pending = [e for e in self._core.pending if e["id"] != event["id"]]
        return self._core.deliver(event, times, secret, timestamp)

    def redeliver_failed(self) -> list[Delivery]:
        """Retry, like Stripe does, every event whose latest delivery did not get a 2xx."""
        latest: dict[str, Delivery] = {}
        for delivery in self._core.deliveries:
            latest[delivery.event["id"]] = delivery
        failed = [d.event for d in latest.values() if not (d.status and 200 <= d.status < 300)]
        return [d for event in failed for d in self._core.deliver(event, 1)]

    def wait_idle(self, timeout: float = 5.0) -> bool:
        """Wait until events raised by API calls have been delivered (they follow the reply)."""
        return self._core.wait_idle(timeout)

    # --- inspection -----------------------------------------------------------------
    @property
    def internal_errors(self) -> list[Exception]:
        """Exceptions the simulator itself raised (answered as 500 api_error); should be []."""
        return list(self._core.internal_errors)

    @property
    def requests(self) -> list[RequestRecord]:
        """(method, path, account, idempotency_key, params) per request; no card numbers."""
        return list(self._core.requests)

    def get(self, account: str | None, kind: str, object_id: str) -> Obj:
        """A copy of a stored object, e.g. ``get(acct, "payment_intent", pi_id)``."""
        with self._core.lock:
            state = self._core.accounts[account]
            return copy.deepcopy(state.get(kind, object_id))

    def objects(self, account: str | None, kind: str) -> list[Obj]:
        """Copies of every stored ``kind`` object on ``account``, newest first."""
        with self._core.lock:
            return copy.deepcopy(self._core.accounts[account].all(kind))

    def stored_text(self) -> str:
        """Everything the simulator holds, as text (for the P2 card-number scan)."""
        import json

        with self._core.lock:
            dump = {str(k): v.objects for k, v in self._core.accounts.items()}
            return json.dumps([dump, self._core.events, [r._asdict() for r in self._core.requests]])

    # --- Connect --------------------------------------------------------------------
    def create_connected_account(self, charges_enabled: bool = True, **fields: Any) -> str:
        """A Standard connected account; onboarded unless ``charges_enabled=False``."""
        with self._core.lock:
            state = self._core.new_account(fields)
            assert state.obj is not None
            if charges_enabled:
                finish_onboarding(state.obj)
            return str(state.obj["id"])

    def complete_onboarding(self, account: str) -> Obj:
        """The owner finishes onboarding: ``account.updated`` goes to the webhook."""

        def act(ctx: Ctx) -> Obj:
            assert ctx.account.obj is not None
            previous = finish_onboarding(ctx.account.obj)
            ctx.emit("account.updated", ctx.account.obj, previous)
            return ctx.account.obj

        return self._core.run(account, act)

    # --- Terminal -------------------------------------------------------------------
    def present_payment_method(
        self, account: str, reader_id: str, number: str = cards.DEFAULT_CARD
    ) -> Obj:
        """A customer taps card ``number`` (a Stripe test card) on a simulated reader."""
        params = {"type": "card_present", "card_present": {"number": number}}
        return self._core.run(
            account, lambda ctx: terminal.present_payment_method(ctx, params, reader_id)
        )

    def set_reader_status(self, account: str, reader_id: str, status: str) -> Obj:
        """Take a reader ``offline`` (unplugged, no Wi-Fi) or bring it back ``online``."""
        if status not in ("online", "offline"):
            raise ValueError("status is 'online' or 'offline'")

        def act(ctx: Ctx) -> Obj:
            reader = ctx.account.get("terminal.reader", reader_id)
            reader["status"] = status
            return reader

        return self._core.run(account, act)

    def fail_reader_action(
        self,
        account: str,
        reader_id: str,
        code: str = "customer_canceled",
        message: str = "The customer canceled the payment on the reader.",
    ) -> Obj:
        """End the reader's in-progress action as failed (customer cancel, timeout …)."""

        def act(ctx: Ctx) -> Obj:
            reader = ctx.account.get("terminal.reader", reader_id)
            if reader["action"] is None or reader["action"]["status"] != "in_progress":
                raise ValueError(f"{reader_id} has no in-progress action")
            terminal.fail_action(ctx, reader, code, message)
            return reader

        return self._core.run(account, act)

    # --- after the payment ----------------------------------------------------------
    def dashboard_refund(
        self, account: str, charge_id: str, amount: int | None = None, reason: str | None = None
    ) -> Obj:
        """A refund made on Stripe's dashboard: only the webhook tells the service."""

        def act(ctx: Ctx) -> Obj:
            params: dict[str, Any] = {"charge": charge_id}
            if amount is not None:
                params["amount"] = str(amount)
            if reason is not None:
                params["reason"] = reason
            return refunds.create_refund(ctx, params)

        return self._core.run(account, act)

    def open_dispute(
        self, account: str, charge_id: str, reason: str = "fraudulent", amount: int | None = None
    ) -> Obj:
        """The cardholder's bank opens a dispute (``charge.dispute.created``)."""
        return self._core.run(
            account,
            lambda ctx: refunds.open_dispute(
                ctx, ctx.account.get("charge", charge_id), reason, amount
            ),
        )

    def close_dispute(self, account: str, dispute_id: str, status: str = "won") -> Obj:
        """The bank decides the dispute ``won`` or ``lost`` (``charge.dispute.closed``)."""
        return self._core.run(
            account,
            lambda ctx: refunds.close_dispute(ctx, ctx.account.get("dispute", dispute_id), status),
        )

    def pay_payment_link(
        self,
        account: str,
        link_id: str,
        email: str = "customer@example.com",
        number: str = cards.DEFAULT_CARD,
    ) -> Obj:
        """A customer pays the link: returns the completed checkout session.

        Raises ``StripeApiError`` if the link is inactive; with a decline card returns the
        failed PaymentIntent and no session completes.
        """
        return self._core.run(
            account, lambda ctx: links.pay_payment_link(ctx, link_id, email, number)
        )


__all__ = ["DEFAULT_WEBHOOK_SECRET", "StripeApiError", "StripeSimulator"]
