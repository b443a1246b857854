"""The FastAPI application: routers, error handlers, request log, change listener."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.gzip import GZipMiddleware
from sqlalchemy import Engine

from sync_server.config import Settings
from sync_server.db.engine import make_engine
from sync_server.errors import install_error_handlers
from sync_server.limits import BodySizeLimitMiddleware
from sync_server.request_log import RequestLogMiddleware
from sync_server.safe_errors import SafeErrorMiddleware
from sync_server.sync.notify import ChangeHub, listen_forever, stop_listener
from sync_server.sync.router import router as sync_router


def libpq_url(engine: Engine) -> str:
    """The engine's URL in the form psycopg's own connect() takes."""
    url = engine.url.set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


def create_app(settings: Settings, *, engine: Engine | None = None) -> FastAPI:
    """Build the service. ``engine`` may be passed in (tests, the embedded runner)."""
    if engine is None:
        if not settings.database_url:
            raise RuntimeError(
                "No DATABASE_URL: start the service with `python -m sync_server`, which "
                "starts the embedded PostgreSQL when none is configured."
            )
        engine = make_engine(settings.database_url, pool_size=settings.pool_size)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.loop = asyncio.get_running_loop()
        ready = asyncio.Event()
        listener = asyncio.create_task(listen_forever(libpq_url(engine), app.state.hub, ready))
        # Pushes work without it; long-polls fall back to their timeout until it connects.
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(ready.wait(), timeout=10)
        try:
            yield
        finally:
            await stop_listener(listener)

    app = FastAPI(
        title="JewelTrak sync service",
        version="1",
        description="Accounts, device pairing and exactly-once sync for JewelTrak stores.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.hub = ChangeHub()
    install_error_handlers(app)
    app.add_middleware(SafeErrorMiddleware)
    app.add_middleware(GZipMiddleware, minimum_size=2048, compresslevel=5)
    app.add_middleware(BodySizeLimitMiddleware, max_bytes=settings.max_body_bytes)
    app.add_middleware(RequestLogMiddleware)
    app.include_router(sync_router)
    _include_optional_routers(app)

    @app.get("/health", tags=["service"])
    def health() -> dict[str, str]:
        """Liveness: the process answers."""
        return {"status": "ok"}

    return app


def _include_optional_routers(app: FastAPI) -> None:
    from sync_server.accounts.router import router as accounts_router
    from sync_server.audit.router import router as audit_router
    from sync_server.devices.router import router as devices_router
    from sync_server.email.router import router as email_router
    from sync_server.integrations.quickbooks.router import router as quickbooks_router
    from sync_server.integrations.shopify.router import router as shopify_router
    from sync_server.lifecycle.router import router as lifecycle_router
    from sync_server.payments.router import router as payments_router
    from sync_server.payments.webhooks import router as stripe_webhook_router
    from sync_server.stores.router import router as stores_router

    app.include_router(accounts_router)
    app.include_router(audit_router)
    app.include_router(devices_router)
    app.include_router(stores_router)
    app.include_router(payments_router)
    app.include_router(stripe_webhook_router)
    app.include_router(email_router)
    app.include_router(quickbooks_router)
    app.include_router(shopify_router)
    app.include_router(lifecycle_router)
