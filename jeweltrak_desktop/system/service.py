"""The sync service ``make run`` talks to: the one already answering, or one it starts.

A service started here runs as ``python -m sync_server serve`` in the background, on its
embedded PostgreSQL (or ``DATABASE_URL`` when set), with its files in the given folder;
only such a service is stopped on exit (with its embedded PostgreSQL).
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from jeweltrak_desktop import config
from jeweltrak_desktop.system.errors import SystemStartError

log = logging.getLogger("jeweltrak.system")

DEFAULT_PORT = 8765
SERVICE_DIR = "sync-service"
#: The first start of the embedded PostgreSQL runs initdb; later starts take seconds.
START_TIMEOUT_S = 180.0
STOP_TIMEOUT_S = 30.0


@dataclass
class ServiceHandle:
    """The sync service ``make run`` talks to; ``process`` is None when it was reused."""

    url: str
    process: subprocess.Popen[bytes] | None = None
    log_path: Path | None = None

    def stop(self) -> None:
        """Stop the service if this run started it (SIGTERM: graceful, then kill)."""
        if self.process is None or self.process.poll() is not None:
            return
        log.info("stopping the sync service this run started (pid %s)", self.process.pid)
        self.process.terminate()
        try:
            self.process.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            log.warning("the sync service did not stop in %ss; killing it", STOP_TIMEOUT_S)
            self.process.kill()
            self.process.wait(timeout=STOP_TIMEOUT_S)


def answers_health(url: str) -> bool:
    """Whether a sync service answers at ``url``."""
    try:
        response = httpx.get(f"{url}/health", timeout=2.0)
        return response.status_code == 200 and response.json().get("status") == "ok"
    except (httpx.TransportError, ValueError, AttributeError):  # nothing, or not our service
        return False


def start_or_reuse_service(
    *, port: int, service_dir: Path, timeout: float = START_TIMEOUT_S
) -> ServiceHandle:
    """The service on 127.0.0.1:``port``: the one already running there, or a new one."""
    url = f"http://127.0.0.1:{port}"
    if answers_health(url):
        log.info("reusing the sync service already running at %s", url)
        return ServiceHandle(url)
    service_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    env = dict(os.environ)
    # The service reads the same variable name: its embedded PostgreSQL goes in here.
    env[config.DATA_DIR_ENV] = str(service_dir)
    log_path = service_dir / "service.log"
    command = [
        sys.executable,
        "-m",
        "sync_server",
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--stop-db-on-exit",
    ]
    where = "DATABASE_URL" if env.get("DATABASE_URL") else f"embedded PostgreSQL in {service_dir}"
    log.info("starting the sync service at %s (%s; log: %s)", url, where, log_path)
    with open(log_path, "ab") as log_file:
        process = subprocess.Popen(
            command,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            # Ctrl-C in the terminal reaches make run, which then stops the service in order.
            start_new_session=sys.platform != "win32",
            creationflags=getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0),
        )
    handle = ServiceHandle(url, process, log_path)
    try:
        _wait_until_healthy(handle, timeout)
    except BaseException:
        handle.stop()
        raise
    return handle


def _wait_until_healthy(handle: ServiceHandle, timeout: float) -> None:
    assert handle.process is not None
    deadline = time.monotonic() + timeout
    while not answers_health(handle.url):
        if handle.process.poll() is not None:
            raise SystemStartError(
                f"The sync service stopped while starting (exit {handle.process.returncode})."
                f"{_log_tail(handle.log_path)}"
            )
        if time.monotonic() > deadline:
            raise SystemStartError(
                f"The sync service did not answer within {timeout:.0f} seconds."
                f"{_log_tail(handle.log_path)}"
            )
        time.sleep(0.25)
    log.info("the sync service answers at %s", handle.url)


def _log_tail(path: Path | None, lines: int = 15) -> str:
    if path is None or not path.exists():
        return ""
    tail = path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:]
    return f" Its log ({path}) ends with:\n" + "\n".join(tail)
