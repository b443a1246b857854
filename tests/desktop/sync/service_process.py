"""The sync service as a real OS process (``python -m sync_server serve``) that a test can
SIGKILL and start again on the same port and database."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.server.conftest import TEST_SECRET

#: The service's connections carry this name, so a test can see its open transactions.
APPLICATION_NAME = "jt-killable-service"


class ServiceProcess:
    """One ``sync_server serve`` process on ``port``; ``kill()`` is SIGKILL, no goodbye."""

    def __init__(self, pg_url: str, port: int, log_path: Path) -> None:
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.log_path = log_path
        separator = "&" if "?" in pg_url else "?"
        self.env = os.environ | {
            "DATABASE_URL": f"{pg_url}{separator}application_name={APPLICATION_NAME}",
            "JEWELTRAK_ENVIRONMENT": "test",
            "JEWELTRAK_SECRET_KEY": TEST_SECRET,
        }
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 30.0) -> None:
        """Start the process and wait until it answers ``/health``."""
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "sync_server", "serve", "--port", str(self.port)],
                env=self.env, stdout=log, stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the service exited: {self.log_path.read_text()[-2000:]}")
            try:
                if httpx.get(f"{self.url}/health", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.05)
        raise RuntimeError("the service did not answer /health in time")

    def kill(self) -> None:
        """SIGKILL: no shutdown, no rollback by the process, sockets just close."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)
        assert self.process.returncode == -signal.SIGKILL

    def stop(self) -> None:
        """Terminate politely if still running (test teardown)."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
