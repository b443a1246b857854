"""Faults that only real processes can show: the service SIGKILLed in the middle of a
batch, and the workstation SIGKILLed between its local commit, its upload and the
acknowledgement. After healing, every op is applied exactly once and the workstation
equals the service."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from jeweltrak_core.inventory.stock import Family
from jeweltrak_desktop.services import inventory
from jeweltrak_desktop.services.local_store import LocalStore
from jeweltrak_desktop.sync.engine import SyncEngine
from jeweltrak_desktop.sync.errors import SyncError
from jeweltrak_desktop.sync.transport import SyncTransport
from tests.desktop.sync.conftest import OpenStation, _free_port, assert_equal_to_service
from tests.desktop.sync.service_process import APPLICATION_NAME, ServiceProcess
from tests.server.conftest import TenantFixture, make_tenant, rows

CRASH_CLIENT = Path(__file__).with_name("crash_client.py")
#: Uploader batch size in these tests, and the ops made offline (several whole batches).
BATCH = 100
OFFLINE_OPS = 6 * BATCH


@pytest.fixture
def service(pg_url: str, engine: Engine, tmp_path: Path) -> Iterator[ServiceProcess]:
    """A killable service process on the session database (platform already at head)."""
    process = ServiceProcess(pg_url, _free_port(), tmp_path / "service.log")
    process.start()
    yield process
    process.stop()


def _applied_seqs(tenant: TenantFixture, device_id: object) -> list[int]:
    found = rows(tenant.engine, tenant.ref,
                 "SELECT seq FROM applied_ops WHERE device_id = %s ORDER BY seq", device_id)
    return [seq for (seq,) in found]


def _open_transaction(engine: Engine) -> bool:
    """Whether the service process has a transaction open right now."""
    with engine.connect() as conn:
        return bool(conn.execute(text(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE application_name = :app AND xact_start IS NOT NULL"
        ), {"app": APPLICATION_NAME}).scalar_one())


def _make_pieces(local: LocalStore, count: int) -> None:
    for n in range(count):
        inventory.create_piece(
            local, family=Family.JEWELRY, description=f"Offline ring {n}", cost_cents=80_000
        )


def test_service_killed_mid_batch_then_restarted_applies_every_op_once(
    engine: Engine, open_station: OpenStation, service: ServiceProcess
) -> None:
    tenant = make_tenant(engine)
    a = open_station(tenant, "A", url=service.url, batch_size=BATCH)
    a.sync.sync_once()
    _make_pieces(a.local, OFFLINE_OPS)
    seqs = [int(e["seq"]) for e in a.local.outbox_entries(status="pending", limit=10_000)]

    failure: list[BaseException] = []

    def upload() -> None:
        try:
            a.sync.upload()
        except SyncError as exc:
            failure.append(exc)

    uploading = threading.Thread(target=upload)
    uploading.start()
    deadline = time.monotonic() + 60
    # Kill only once a later batch is inside its transaction (the first may be done).
    while not (_open_transaction(engine) and a.local.pending_ops() < OFFLINE_OPS):
        assert uploading.is_alive(), "the upload finished before a batch could be caught"
        assert time.monotonic() < deadline
    service.kill()
    uploading.join(60)
    assert failure, "the upload should have failed when the service died"

    # The killed batch left nothing behind: only whole batches are on the service.
    done = _applied_seqs(tenant, a.device.ctx.device_id)
    assert len(done) % BATCH == 0 and 0 < len(done) < OFFLINE_OPS
    assert done == seqs[: len(done)]
    assert a.local.pending_ops() >= OFFLINE_OPS - len(done)

    service.start()
    for _ in range(5):
        a.sync.sync_once()
        if a.local.pending_ops() == 0:
            break
    assert a.local.pending_ops() == 0
    assert _applied_seqs(tenant, a.device.ctx.device_id) == seqs  # each exactly once
    assert {e["status"] for e in a.local.outbox_entries(limit=10_000)} == {"applied"}
    assert_equal_to_service(a.local, tenant)


def _run_client_until(
    station_db: Path, url: str, token: str, phase: str, word: str, count: int
) -> None:
    """Start the crash client, wait for it to say ``word``, then SIGKILL it."""
    child = subprocess.Popen(
        [sys.executable, str(CRASH_CLIENT), str(station_db), url, phase, str(count), str(BATCH)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "JT_DEVICE_TOKEN": token},
    )
    try:
        assert child.stdout is not None
        line = child.stdout.readline().strip()
        assert line == word, child.stderr.read() if child.stderr else line
    finally:
        child.kill()
        child.wait(10)
    assert child.returncode == -9


@pytest.mark.parametrize("phase, word", [("after-commit", "committed"), ("after-push", "pushed")])
def test_client_killed_between_commit_upload_and_ack_loses_and_repeats_nothing(
    engine: Engine, open_station: OpenStation, service_url: str, phase: str, word: str
) -> None:
    tenant = make_tenant(engine)
    a = open_station(tenant, "A", batch_size=BATCH)
    a.sync.sync_once()
    path = a.local.path
    a.local.close()  # the counter process owns the database now

    _run_client_until(path, service_url, a.device.token, phase, word, count=BATCH + 20)

    reopened = LocalStore(path)
    try:
        pending = reopened.outbox_entries(status="pending", limit=10_000)
        assert len(pending) == BATCH + 20  # every committed sale survived the kill
        on_service = _applied_seqs(tenant, a.device.ctx.device_id)
        # Killed before uploading: nothing there. Killed before the ack: the first batch is
        # on the service although the workstation still thinks it pending.
        assert len(on_service) == (0 if phase == "after-commit" else BATCH)

        engine_after = SyncEngine(reopened, SyncTransport(service_url, lambda: a.device.token))
        engine_after.sync_once()

        assert reopened.pending_ops() == 0
        seqs = [int(e["seq"]) for e in reopened.outbox_entries(limit=10_000)]
        assert _applied_seqs(tenant, a.device.ctx.device_id) == sorted(seqs)
        repeats = [json.loads(e["result"])["repeat"] for e in reopened.outbox_entries(limit=10_000)]
        assert sum(repeats) == len(on_service)  # the service answered those from its record
        assert_equal_to_service(reopened, tenant)
    finally:
        reopened.close()
