"""The embedded PostgreSQL: made in a temp dir, reused, recovered after a crash, stopped."""

from __future__ import annotations

import json
import logging
import os
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import text

from sync_server.db.engine import make_engine
from sync_server.db.migrate import tenant_refs, upgrade_all
from sync_server.embedded import (
    CREDENTIALS_FILE,
    DATABASE,
    SERVICE_ROLE,
    EmbeddedPostgres,
    EmbeddedPostgresError,
)
from sync_server.tenancy import create_tenant, delete_tenant
from tests.server.pg import with_database

REPO = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow


def _wait_until(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.05)


@pytest.fixture(scope="module")
def cluster() -> Iterator[EmbeddedPostgres]:
    """One non-durable cluster for this module, in its own temp dir, removed afterwards."""
    root = Path(tempfile.mkdtemp(prefix="jt-embedded-test-"))
    pg = EmbeddedPostgres(root / "pg", durable=False, timeout=30)
    try:
        pg.start()
        yield pg
    finally:
        try:
            pg.stop()
        finally:
            shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def running(cluster: EmbeddedPostgres) -> EmbeddedPostgres:
    """The module's cluster, started again if a test stopped it."""
    cluster.start()
    return cluster


def _credentials(pg: EmbeddedPostgres) -> dict[str, str]:
    data = json.loads((pg.data_dir / CREDENTIALS_FILE).read_text())
    assert isinstance(data, dict)
    return data


def test_serves_the_service_database_on_loopback_with_passwords(running: EmbeddedPostgres) -> None:
    url = running.url()
    assert url.startswith(f"postgresql+psycopg://{SERVICE_ROLE}:")
    assert url.endswith(f"@127.0.0.1:{running.port}/{DATABASE}")
    engine = make_engine(url, pool_size=1)
    try:
        with engine.connect() as conn:
            row = conn.execute(
                text(
                    "SELECT current_database(), current_user, rolsuper, rolcreaterole "
                    "FROM pg_roles WHERE rolname = current_user"
                )
            ).one()
    finally:
        engine.dispose()
    assert tuple(row) == (DATABASE, SERVICE_ROLE, False, True)

    admin = running.maintenance_url()
    assert admin.startswith("postgresql://postgres:") and admin.endswith("/postgres")
    with psycopg.connect(admin, connect_timeout=5) as conn:
        settings: dict[str, str] = dict(
            conn.execute(
                "SELECT name, setting FROM pg_settings WHERE name IN "
                "('listen_addresses', 'unix_socket_directories', 'data_directory')"
            ).fetchall()
        )
    assert settings == {
        "listen_addresses": "127.0.0.1",
        "unix_socket_directories": "",
        "data_directory": str(running.data_dir),
    }
    # Every connection needs the password, even from loopback.
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(
            host="127.0.0.1", port=running.port, user="postgres", dbname="postgres",
            password="wrong", connect_timeout=5,
        ).close()
    mode = (running.data_dir / CREDENTIALS_FILE).stat().st_mode
    assert stat.S_IMODE(mode) == 0o600


def test_a_second_instance_and_a_second_process_reuse_the_running_server(
    running: EmbeddedPostgres,
) -> None:
    pid, url = running.pid(), running.url()
    assert pid is not None

    again = EmbeddedPostgres(running.data_dir)
    started = time.monotonic()
    assert again.start() == url
    assert time.monotonic() - started < 5
    assert again.pid() == pid

    code = (
        "import sys\n"
        "from sync_server.embedded import EmbeddedPostgres\n"
        "pg = EmbeddedPostgres(sys.argv[1])\n"
        "pg.start()\n"
        "print(pg.pid(), pg.port)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(running.data_dir)],
        cwd=REPO, capture_output=True, text=True, timeout=60, check=True,
    ).stdout.split()
    assert out == [str(pid), str(running.port)]
    with psycopg.connect(running.maintenance_url(), connect_timeout=5) as conn:
        assert conn.execute("SELECT 1").fetchone() == (1,)


def test_the_service_role_can_create_and_drop_tenants(running: EmbeddedPostgres) -> None:
    engine = make_engine(running.url(), pool_size=2)
    try:
        upgrade_all(engine)
        with engine.begin() as conn:
            ref = create_tenant(conn, "Embedded Jewelers")
        assert ref in tenant_refs(engine)
        assert upgrade_all(engine) >= 1
        delete_tenant(engine, ref)
        assert ref not in tenant_refs(engine)
    finally:
        engine.dispose()


def test_stop_then_start_keeps_the_data_and_never_logs_passwords(
    running: EmbeddedPostgres, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    with psycopg.connect(with_database(running.maintenance_url(), DATABASE)) as conn:
        conn.execute("CREATE TABLE IF NOT EXISTS kept (v int)")
        conn.execute("INSERT INTO kept VALUES (42)")
    port = running.port
    running.stop()
    assert not running.is_running()
    assert running.pid() is None
    assert not (running.data_dir / "postmaster.pid").exists()
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(host="127.0.0.1", port=port, dbname="postgres", connect_timeout=2)

    running.start()
    assert running.port == port  # the port is kept while it is free
    with psycopg.connect(with_database(running.maintenance_url(), DATABASE)) as conn:
        assert conn.execute("SELECT v FROM kept").fetchall() == [(42,)]
        conn.execute("DROP TABLE kept")

    logged = caplog.text
    assert "***@127.0.0.1" in logged
    for secret in _credentials(running).values():
        if secret not in ("postgres", SERVICE_ROLE):
            assert secret not in logged


def test_a_stale_pid_file_is_recovered(
    running: EmbeddedPostgres, caplog: pytest.LogCaptureFixture
) -> None:
    running.stop()
    # A crash left postmaster.pid behind and its PID now belongs to another program.
    other = subprocess.Popen(["sleep", "60"]) if sys.platform != "win32" else None
    try:
        fake_pid = other.pid if other is not None else 999_999
        (running.data_dir / "postmaster.pid").write_text(
            f"{fake_pid}\n{running.data_dir}\n1700000000\n{running.port}\n\n127.0.0.1\n"
            "  5432001  32768\nready   \n"
        )
        with caplog.at_level(logging.WARNING, logger="sync_server.embedded"):
            running.start()
        assert "stale postmaster.pid" in caplog.text
        assert running.pid() not in (None, fake_pid)
        with psycopg.connect(running.maintenance_url(), connect_timeout=5) as conn:
            assert conn.execute("SELECT 1").fetchone() == (1,)
    finally:
        if other is not None:
            other.kill()
            other.wait()


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_restarts_after_the_server_was_killed(running: EmbeddedPostgres) -> None:
    pid = running.pid()
    assert pid is not None
    os.kill(pid, signal.SIGKILL)
    _wait_until(lambda: not running.is_running(), 10, "the killed server to be gone")
    assert (running.data_dir / "postmaster.pid").exists()  # what a crash leaves

    running.start()
    assert running.pid() not in (None, pid)
    with psycopg.connect(running.url().replace("+psycopg", ""), connect_timeout=5) as conn:
        assert conn.execute("SELECT current_database()").fetchone() == (DATABASE,)


def test_refuses_a_non_empty_directory_that_is_not_a_cluster(tmp_path: Path) -> None:
    data = tmp_path / "pg"
    data.mkdir()
    (data / "notes.txt").write_text("mine")
    with pytest.raises(EmbeddedPostgresError, match="not empty"):
        EmbeddedPostgres(data).start()
    assert [p.name for p in data.iterdir()] == ["notes.txt"]


def test_shared_for_tests_is_one_cluster_removed_at_exit() -> None:
    code = (
        "import psycopg\n"
        "from sync_server.embedded import EmbeddedPostgres\n"
        "pg = EmbeddedPostgres.shared_for_tests()\n"
        "assert EmbeddedPostgres.shared_for_tests() is pg\n"
        "url = pg.maintenance_url()\n"
        "assert url.startswith('postgresql://') and url.endswith('/postgres'), url\n"
        "with psycopg.connect(url, connect_timeout=5) as conn:\n"
        "    conn.execute('SELECT 1')\n"
        "print(pg.data_dir, pg.port)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=90
    )
    assert result.returncode == 0, result.stderr
    data_dir, port = result.stdout.split()
    root = Path(data_dir).parent
    assert root.parent == Path(tempfile.gettempdir())
    assert root.name.startswith("jeweltrak-test-pg-")
    assert not root.exists()  # stopped and deleted when the process ended
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(host="127.0.0.1", port=int(port), dbname="postgres", connect_timeout=2)
