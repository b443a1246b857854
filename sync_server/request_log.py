"""The request log (P13): IP, user agent, method, path, status, duration and time — only.

Never bodies, query strings, headers other than the user agent, tokens or passwords: the
log is for security monitoring, and anything else in it would be a leak waiting to happen.
"""

from __future__ import annotations

import json
import logging
import time
from datetime import UTC, datetime

from starlette.types import ASGIApp, Message, Receive, Scope, Send

access_log = logging.getLogger("sync_server.access")


class RequestLogMiddleware:
    """Pure ASGI middleware (works for streaming and long-poll responses alike)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_wrapper(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            headers = dict(scope.get("headers") or [])
            client = scope.get("client")
            entry = {
                "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
                "ip": client[0] if client else None,
                "user_agent": headers.get(b"user-agent", b"").decode("latin-1")[:256],
                "method": scope.get("method"),
                "path": scope.get("path"),
                "status": status,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1),
            }
            access_log.info(json.dumps(entry, separators=(",", ":")))
