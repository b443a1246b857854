"""Unexpected errors: a plain 500 for the client, a log line without the error's text.

Database errors quote the data they choke on ("JSON data: … description …"), so the text of
an unexpected exception may hold request content, which the log must never keep (P13).
This middleware logs the exception's type, its SQLSTATE when it has one, and where it was
raised (file:line of each frame), and answers a JSON 500 — the error never reaches the
server's default handler, which would print the message.
"""

from __future__ import annotations

import json
import logging
import traceback

from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("sync_server.errors")

_BODY = json.dumps(
    {
        "error": {
            "code": "internal_error",
            "message": "The service hit an unexpected error; nothing was changed by this "
            "request. Try again; if it keeps happening, contact support.",
            "details": {},
        }
    }
).encode()


def describe(exc: BaseException) -> str:
    """Type, SQLSTATE and frames of an exception — never its message."""
    sqlstate = getattr(getattr(exc, "orig", exc), "sqlstate", None)
    frames = " < ".join(
        f"{frame.filename.rsplit('/', 2)[-1]}:{frame.lineno}"
        for frame in reversed(traceback.extract_tb(exc.__traceback__))
    )
    kind = type(exc).__name__
    return f"{kind}{f' (SQLSTATE {sqlstate})' if sqlstate else ''} at {frames}"


class SafeErrorMiddleware:
    """Catch what no handler did; answer 500 unless a response already started."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception as exc:
            log.error("unhandled error on %s %s: %s", scope.get("method"), scope.get("path"),
                      describe(exc))
            if started:
                return
            await send(
                {
                    "type": "http.response.start",
                    "status": 500,
                    "headers": [
                        (b"content-type", b"application/json"),
                        (b"content-length", str(len(_BODY)).encode()),
                    ],
                }
            )
            await send({"type": "http.response.body", "body": _BODY})
