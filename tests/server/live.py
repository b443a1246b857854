"""The service answering real HTTP on a loopback port, and a capture of every log line.

For tests whose clients (the ``stripe`` library, a workstation's sync engine, a simulator
sending webhooks) must reach the service over a socket rather than through TestClient.
"""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import uvicorn
from fastapi import FastAPI


@contextmanager
def serving(make_app: Callable[[str], FastAPI], *, timeout: float = 20.0) -> Iterator[str]:
    """Serve ``make_app(url)`` on a free loopback port in a thread; yields the base URL.

    The app is built once the port (so the URL) is known: services that put their own
    address into links (webhooks, onboarding return pages) get it in their settings.
    """
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    server = uvicorn.Server(uvicorn.Config(make_app(url), host="127.0.0.1", port=0,
                                           log_config=None, access_log=False, lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + timeout
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            sock.close()
            raise RuntimeError(f"the test service at {url} did not start")
        time.sleep(0.02)
    try:
        yield url
    finally:
        server.should_exit = True
        thread.join(timeout=15)
        sock.close()


class LogCapture(logging.Handler):
    """Every log record, formatted with its traceback (scanned for secrets and card data)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []
        self.lock_ = threading.Lock()

    def emit(self, record: logging.LogRecord) -> None:
        text = record.getMessage()
        if record.exc_info:
            text += logging.Formatter().formatException(record.exc_info)
        with self.lock_:
            self.lines.append(text)


@contextmanager
def capturing_logs() -> Iterator[LogCapture]:
    """Every log line of every logger, at DEBUG, while the block runs."""
    handler = LogCapture()
    root = logging.getLogger()
    previous = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield handler
    finally:
        root.removeHandler(handler)
        root.setLevel(previous)
