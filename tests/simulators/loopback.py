"""The loopback HTTP front of the simulators: stdlib server, one thread per connection."""

from __future__ import annotations

import contextlib
import json
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self
from urllib.parse import urlsplit


@dataclass
class Response:
    """What the simulator answers, plus work to do once the answer is on the wire."""

    status: int
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)
    after: Callable[[], None] | None = None  # e.g. deliver webhooks after responding


Handler = Callable[[str, str, str, dict[str, str]], Response]
"""(method, path, query-or-body text, headers) -> Response."""


class LoopbackServer(ThreadingHTTPServer):
    """A threading server that also closes its keep-alive connections when stopped."""

    daemon_threads = True

    def __init__(self, handler: type[BaseHTTPRequestHandler]) -> None:
        super().__init__(("127.0.0.1", 0), handler)
        self.connections: set[socket.socket] = set()
        self.connections_lock = threading.Lock()
        self.thread = threading.Thread(
            target=self.serve_forever,
            kwargs={"poll_interval": 0.02},
            name="loopback-simulator",
            daemon=True,
        )

    @property
    def base_url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}"

    def stop(self) -> None:
        """Stop accepting, end open connections (their threads then finish), release the port."""
        self.shutdown()
        self.server_close()
        with self.connections_lock:
            for conn in self.connections:
                with contextlib.suppress(OSError):  # the client closed it already
                    conn.shutdown(socket.SHUT_RDWR)
        self.thread.join(timeout=5)


def serve(handle: Handler) -> LoopbackServer:
    """Serve ``handle`` on 127.0.0.1 at a free port in a daemon thread."""

    class _RequestHandler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        wbufsize = 1 << 16  # headers and body leave in one write (no Nagle/delayed-ACK stall)
        disable_nagle_algorithm = True
        server_version = "LoopbackSimulator/1.0"

        def setup(self) -> None:
            super().setup()
            with server.connections_lock:
                server.connections.add(self.connection)

        def finish(self) -> None:
            with server.connections_lock:
                server.connections.discard(self.connection)
            super().finish()

        def _run(self) -> None:
            url = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length).decode("utf-8") if length else ""
            text = body if self.command == "POST" else url.query
            headers = {k.lower(): v for k, v in self.headers.items()}
            response = handle(self.command, url.path, text, headers)
            payload = json.dumps(response.body, indent=2).encode("utf-8")
            self.send_response(response.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            for name, value in response.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(payload)
            self.wfile.flush()
            if response.after is not None:
                response.after()

        do_GET = do_POST = do_DELETE = _run

        def log_message(self, format: str, *args: Any) -> None:
            """Silent: request bodies may hold test card numbers."""

    server = LoopbackServer(_RequestHandler)
    server.thread.start()
    return server


class LoopbackSimulator:
    """Start/stop/``with`` and ``base_url`` of a simulator served by ``serve``."""

    _server: LoopbackServer | None = None

    def _handler(self) -> Handler:
        """The function that answers this simulator's requests."""
        raise NotImplementedError

    def start(self) -> Self:
        """Serve on 127.0.0.1 at a free port in a background thread."""
        if self._server is None:
            self._server = serve(self._handler())
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        if self._server is None:
            raise RuntimeError("call start() first")
        return self._server.base_url
