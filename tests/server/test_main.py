"""``python -m sync_server``: serve, migrate and prune, run as real processes."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import psycopg
import pytest

from sync_server.__main__ import parse_args
from sync_server.embedded import CREDENTIALS_FILE, EmbeddedPostgres
from tests.server.conftest import make_tenant
from tests.server.pg import maintenance_url, with_database

REPO = Path(__file__).resolve().parents[2]
STRONG_SECRET = "main-test-secret-" + "y" * 40


def free_port() -> int:
    """A port nobody listens on right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def service_env(**extra: str) -> dict[str, str]:
    """Our environment without service settings, plus ``extra``."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("JEWELTRAK_") and k != "DATABASE_URL"
    }
    env["PYTHONUNBUFFERED"] = "1"
    env.update(extra)
    return env


class Service:
    """A ``python -m sync_server`` process whose output goes to a file."""

    def __init__(self, args: list[str], env: dict[str, str], log_dir: Path) -> None:
        self.log_path = log_dir / f"service-{uuid.uuid4().hex[:8]}.log"
        self._log = open(self.log_path, "wb")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "sync_server", *args],
            cwd=REPO,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    @property
    def output(self) -> str:
        self._log.flush()
        return self.log_path.read_text(errors="replace")

    def wait_healthy(self, base: str, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                pytest.fail(f"the service exited with {self.proc.returncode}:\n{self.output}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    return
            time.sleep(0.1)
        pytest.fail(f"no answer from {base}/health within {timeout} s:\n{self.output}")

    def signal_and_wait(self, sig: int, timeout: float = 20) -> int:
        self.proc.send_signal(sig)
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            pytest.fail(f"the service ignored {signal.Signals(sig).name}:\n{self.output}")

    def stop(self) -> None:
        """Make sure the process is gone (always called, in ``finally``)."""
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        self._log.close()


@contextlib.contextmanager
def service(args: list[str], env: dict[str, str], log_dir: Path) -> Iterator[Service]:
    svc = Service(args, env, log_dir)
    try:
        yield svc
    finally:
        svc.stop()


def run_command(
    args: list[str], env: dict[str, str], timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sync_server", *args],
        cwd=REPO,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.fixture
def throwaway_db() -> Iterator[str]:
    """A new database on the test server; dropped afterwards with its tenants' roles."""
    admin = maintenance_url()
    name = f"jt_main_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin, autocommit=True, connect_timeout=10) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = with_database(admin, name)
    try:
        yield url
    finally:
        roles: list[str] = []
        with contextlib.suppress(psycopg.Error), psycopg.connect(url, connect_timeout=10) as conn:
            roles = [r[0] for r in conn.execute("SELECT role_name FROM platform.tenants")]
        with psycopg.connect(admin, autocommit=True, connect_timeout=10) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            for role in roles:
                if role.startswith("jt_t_"):
                    conn.execute(f'DROP ROLE IF EXISTS "{role}"')


def test_no_command_means_serve() -> None:
    args = parse_args([])
    assert (args.command, args.host, args.port, args.workers) == ("serve", None, None, 1)
    assert not args.stop_db_on_exit
    args = parse_args(["--port", "9000", "--workers", "3", "--stop-db-on-exit"])
    assert (args.command, args.port, args.workers, args.stop_db_on_exit) == ("serve", 9000, 3, True)
    assert parse_args(["prune", "--days", "7"]).days == 7
    assert parse_args(["migrate"]).command == "migrate"


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_serve_answers_and_stops_cleanly(throwaway_db: str, tmp_path: Path, sig: int) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = service_env(DATABASE_URL=throwaway_db, JEWELTRAK_SECRET_KEY=STRONG_SECRET)
    with service(["serve", "--port", str(port)], env, tmp_path) as svc:
        svc.wait_healthy(base, timeout=30)
        health = httpx.get(f"{base}/health", timeout=5)
        assert health.json() == {"status": "ok"}
        spec = httpx.get(f"{base}/openapi.json", timeout=5)
        assert spec.status_code == 200
        assert spec.json()["info"]["title"] == "JewelTrak sync service"
        assert "/health" in spec.json()["paths"]
        assert svc.signal_and_wait(sig) == 0, svc.output
        output = svc.output
    assert f"serving on {base}" in output
    assert "Application shutdown complete" in output
    with psycopg.connect(throwaway_db) as conn:  # serve migrated the database
        assert conn.execute("SELECT count(*) FROM platform.tenants").fetchone() == (0,)


def test_migrate_then_prune_every_tenant(throwaway_db: str) -> None:
    env = service_env(DATABASE_URL=throwaway_db, JEWELTRAK_SECRET_KEY=STRONG_SECRET)
    migrated = run_command(["migrate"], env)
    assert migrated.returncode == 0, migrated.stderr
    assert "0 tenant schema(s)" in migrated.stdout

    from sync_server.db.engine import make_engine

    engine = make_engine(throwaway_db, pool_size=1)
    try:
        tenants = [make_tenant(engine, "Prune One"), make_tenant(engine, "Prune Two")]
    finally:
        engine.dispose()

    kept = run_command(["prune", "--days", "30"], env)
    assert kept.returncode == 0, kept.stderr
    assert "pruned 0 change(s)" in kept.stdout

    pruned = run_command(["prune", "--days", "0"], env)
    assert pruned.returncode == 0, pruned.stderr
    for tenant in tenants:
        assert f"tenant {tenant.ref.id}: pruned 1 change(s)" in pruned.stdout
    assert "pruned 2 change(s)" in pruned.stdout


@pytest.mark.slow
def test_serve_without_database_url_runs_the_embedded_postgres(tmp_path: Path) -> None:
    data_root = Path(tempfile.mkdtemp(prefix="jt-main-embedded-"))
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = service_env(JEWELTRAK_DATA_DIR=str(data_root))
    pg = EmbeddedPostgres(data_root / "pg")
    try:
        args = ["serve", "--port", str(port), "--stop-db-on-exit"]
        with service(args, env, tmp_path) as svc:
            svc.wait_healthy(base, timeout=30)
            assert httpx.get(f"{base}/openapi.json", timeout=5).status_code == 200
            assert pg.is_running()
            assert svc.signal_and_wait(signal.SIGTERM) == 0, svc.output
            output = svc.output
        assert f"serving on {base} (database: embedded PostgreSQL in {pg.data_dir})" in output
        assert not pg.is_running()  # --stop-db-on-exit
        # The generated passwords never reach the log.
        for secret in (pg.data_dir / CREDENTIALS_FILE).read_text().split('"'):
            if len(secret) >= 32:
                assert secret not in output
    finally:
        try:
            if pg.is_running():
                pg.stop()
        finally:
            shutil.rmtree(data_root, ignore_errors=True)


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none"}, "JEWELTRAK_SECRET_KEY"),
        ({"JEWELTRAK_SECRET_KEY": STRONG_SECRET}, "DATABASE_URL must be set in production"),
    ],
    ids=["default-secret", "no-database-url"],
)
def test_production_refuses_unsafe_settings(extra: dict[str, str], message: str) -> None:
    env = service_env(JEWELTRAK_ENVIRONMENT="production", **extra)
    result = run_command(["serve", "--port", str(free_port())], env, timeout=30)
    assert result.returncode == 2
    assert "refusing to start" in result.stderr
    assert message in result.stderr


def test_rotate_integration_keys_re_encrypts_every_tenant(throwaway_db: str) -> None:
    """P9 key rotation as an operator runs it: new key first, rotate, old key dropped."""
    from cryptography.fernet import Fernet

    from sync_server.db.engine import make_engine, tenant_transaction
    from sync_server.integrations.connections import (
        IntegrationConnection,
        load_connection,
        save_connection,
    )
    from sync_server.integrations.vault import TokenVault

    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    env = service_env(DATABASE_URL=throwaway_db, JEWELTRAK_SECRET_KEY=STRONG_SECRET,
                      JEWELTRAK_INTEGRATION_KEYS=old)
    assert run_command(["migrate"], env).returncode == 0
    engine = make_engine(throwaway_db, pool_size=1)
    try:
        tenant = make_tenant(engine, "Rotating Jewelers")
        with tenant_transaction(engine, tenant.ref) as conn:
            save_connection(conn, TokenVault([old]), IntegrationConnection(
                provider="shopify", account_ref="rotating.myshopify.com",
                access_token="shpat_rotate_me"))
        # Nothing is connected to QuickBooks: the job has nothing to do and says so.
        idle = run_command(["push-quickbooks"], env)
        assert idle.returncode == 0, idle.stderr
        assert idle.stdout.strip() == ""
        env["JEWELTRAK_INTEGRATION_KEYS"] = f"{new},{old}"
        rotated = run_command(["rotate-integration-keys"], env)
        assert rotated.returncode == 0, rotated.stderr
        assert "re-encrypted 1 connection(s)" in rotated.stdout
        with tenant_transaction(engine, tenant.ref) as conn:
            loaded = load_connection(conn, TokenVault([new]), "shopify")  # old key gone
        assert loaded is not None and loaded.access_token == "shpat_rotate_me"
        env["JEWELTRAK_INTEGRATION_KEYS"] = new
        refused = run_command(["rotate-integration-keys"], env)  # nothing left to rotate
        assert refused.returncode == 0 and "re-encrypted 0" in refused.stdout
    finally:
        engine.dispose()
