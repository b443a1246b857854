"""``make run`` without its window: service, demo business, paired and synced workstation.

``python -m jeweltrak_desktop.system --no-gui`` runs as a real subprocess. The first test
gives it a database of its own (DATABASE_URL), so "created once" can be counted exactly;
the second points it at the test service already running on loopback.
"""

from __future__ import annotations

import os
import signal
import socket
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import psycopg
import pytest

from jeweltrak_core.permissions import Permission
from jeweltrak_desktop.services.local_store import LocalStore
from jeweltrak_desktop.services.staff import PinSignIn, list_staff
from jeweltrak_desktop.sync.credentials import fallback_path
from tests.server.pg import throwaway_database

REPO = Path(__file__).resolve().parents[3]
RUN_TIMEOUT_S = 120
PIECES, CONTACTS = "40", "40"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _answers(url: str) -> bool:
    try:
        return httpx.get(f"{url}/health", timeout=2).status_code == 200
    except httpx.TransportError:
        return False


def _run_system(data_dir: Path, port: int, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """One ``--no-gui`` run; on timeout it gets SIGTERM (it stops its service), then KILL."""
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "jeweltrak_desktop.system",
            "--no-gui",
            "--port",
            str(port),
            "--data-dir",
            str(data_dir),
            "--pieces",
            PIECES,
            "--contacts",
            CONTACTS,
        ],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        out, _ = process.communicate(timeout=RUN_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGTERM)
        try:
            out, _ = process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            out, _ = process.communicate()
        pytest.fail(f"make run did not finish in {RUN_TIMEOUT_S}s:\n{out}")
    return subprocess.CompletedProcess(process.args, process.returncode, out, "")


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "JEWELTRAK_DATA_DIR")}
    # Never touch the keychain of the machine running the tests: no keychain, file fallback.
    env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
    env.update(extra)
    return env


@pytest.fixture
def own_database() -> Iterator[str]:
    """An empty database for one make-run test, dropped with its tenant roles afterwards."""
    with throwaway_database("jt_system") as url:
        yield url


def _server_counts(url: str) -> dict[str, int]:
    with psycopg.connect(url) as conn:
        (schema,) = conn.execute("SELECT schema_name FROM platform.tenants").fetchone() or ("",)
        return {
            "tenants": conn.execute("SELECT count(*) FROM platform.tenants").fetchone()[0],
            "demo_accounts": conn.execute(
                "SELECT count(*) FROM platform.accounts WHERE email = 'demo@jeweltrak.test'"
            ).fetchone()[0],
            "live_devices": conn.execute(
                "SELECT count(*) FROM platform.devices WHERE revoked_at IS NULL"
            ).fetchone()[0],
            "stores": conn.execute(f"SELECT count(*) FROM {schema}.stores").fetchone()[0],
            "pieces": conn.execute(f"SELECT count(*) FROM {schema}.pieces").fetchone()[0],
            "contacts": conn.execute(f"SELECT count(*) FROM {schema}.contacts").fetchone()[0],
            "invoices": conn.execute(f"SELECT count(*) FROM {schema}.invoices").fetchone()[0],
        }


@pytest.mark.slow
def test_make_run_sets_up_the_demo_once_and_stops_its_service(
    own_database: str, tmp_path: Path
) -> None:
    """The demo's data reaches the service; a second run creates nothing new (P16: the
    workstation keeps its one pairing; its credential falls back to a 0600 file, logged)."""
    data_dir, port = tmp_path / "data", _free_port()
    env = _env(DATABASE_URL=own_database)

    first = _run_system(data_dir, port, env)
    assert first.returncode == 0, first.stdout
    assert "JewelTrak is ready: store D" in first.stdout
    assert "No usable OS keychain" in first.stdout
    after_first = _server_counts(own_database)
    assert after_first["pieces"] == int(PIECES) and after_first["contacts"] == int(CONTACTS)
    assert after_first["invoices"] > 0  # the demo's sales were uploaded as operations
    assert not _answers(f"http://127.0.0.1:{port}")  # the service it started is stopped

    owner_file = data_dir / "demo-owner.json"
    assert stat.S_IMODE(owner_file.stat().st_mode) == 0o600
    database = data_dir / "synced-demo" / "demo.sqlite3"
    local = LocalStore(database)
    try:
        device_id = local.identity.device_id
        assert local.pending_ops() == 0
        # The synced staff can sign in at the counter with the README's demo PINs.
        staff = {m.name: m.id for m in list_staff(local)}
        pins = PinSignIn(local)
        dana = pins.sign_in(staff["Dana Owner"], "1111")
        sam = pins.sign_in(staff["Sam Clerk"], "2222")
        assert Permission.VIEW_COST in dana.permissions
        assert Permission.SELL in sam.permissions
        assert Permission.VIEW_COST not in sam.permissions
    finally:
        local.close()
    token_file = fallback_path(device_id, database.parent)
    assert stat.S_IMODE(token_file.stat().st_mode) == 0o600

    second = _run_system(data_dir, port, env)
    assert second.returncode == 0, second.stdout
    after_second = _server_counts(own_database)
    assert after_second == after_first
    assert after_second["tenants"] == after_second["demo_accounts"] == 1
    assert after_second["stores"] == after_second["live_devices"] == 1
    assert not _answers(f"http://127.0.0.1:{port}")


@pytest.mark.slow
def test_make_run_reuses_a_running_service_and_leaves_it_running(
    service_url: str, tmp_path: Path
) -> None:
    port = int(service_url.rsplit(":", 1)[1])
    result = _run_system(tmp_path / "data", port, _env())
    assert result.returncode == 0, result.stdout
    assert "reusing the sync service already running" in result.stdout
    assert "stopping the sync service" not in result.stdout
    assert _answers(service_url)
