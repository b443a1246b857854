"""One ``StripeGateway`` per app, made on first use (503 while Stripe is not configured)."""

from __future__ import annotations

import threading
from typing import Annotated

from fastapi import Depends, FastAPI, Request

from sync_server.payments.stripe_gateway import StripeGateway

_lock = threading.Lock()


def gateway_for(app: FastAPI) -> StripeGateway:
    """The app's gateway, built from its settings the first time."""
    with _lock:
        gateway: StripeGateway | None = getattr(app.state, "stripe_gateway", None)
        if gateway is None:
            gateway = StripeGateway(app.state.settings)
            app.state.stripe_gateway = gateway
        return gateway


def get_gateway(request: Request) -> StripeGateway:
    """Dependency form of ``gateway_for``."""
    return gateway_for(request.app)


GatewayDep = Annotated[StripeGateway, Depends(get_gateway)]
