"""Benchmark of the desktop sync client: offline upload, initial sync, sale fan-out A → B.

The real desktop client (``jeweltrak_desktop.sync``: ``SyncTransport`` over
``service_client``, ``SyncEngine``, ``Uploader``, ``SnapshotDownload``) and the real
``LocalStore`` talk to a real uvicorn process of the service on loopback (the same process
``bench/sync_server.py`` starts) against a throwaway database ``jt_bench_<random>`` on the
PostgreSQL server (``JEWELTRAK_BENCH_PG``, else ``JEWELTRAK_TEST_PG``, else 127.0.0.1:5432),
dropped at the end with its tenant roles. Tenants, stores and devices are made directly
(``create_tenant``, ``write_entities``, ``pair_device``); each workstation's local database
is set up the way pairing does it (``LocalStore.set_up(..., paired=True, server_url=...)``
with the store's settings and the device's codes), in a temporary directory.

Figures:

* **upload** — 10,000 pieces added through ``inventory.create_piece`` on a workstation
  while it is offline (an upload attempt against a closed port fails with ``Offline``
  first), then, with the transport pointing at the service, ``SyncEngine.upload()`` until
  every op is acknowledged (batches of 200, the client's default). ``upload_10k_s`` is
  that wall time (the figure for however many ops ``--upload-ops`` asks for).
* **initial sync** — 100,000 demo-store pieces COPYed into a tenant's ``pieces`` table
  (as ``bench/sync_server.py`` seeds them), downloaded by ``SnapshotDownload.run()`` into
  an empty, freshly paired workstation (pages of 5,000, the engine's default); median of
  ``--snapshot-repeat`` downloads, each into a new workstation. Floor: the same rows, read
  back from the synced workstation, inserted with ``sqlite3.executemany`` in one
  transaction into a fresh file with the same schema (WAL, ``synchronous=FULL``, as in
  ``bench/local_store.py``); ``initial_sync_ratio_to_floor`` = median download / floor.
* **A → B** — two workstations of one store, each running ``SyncEngine.run_forever`` in a
  thread (long-polling pulls, upload loop woken by ``notify_local_change()`` as the app's
  worker does after each local write). A sells a piece through the services
  (``sales.new_invoice``, ``add_piece``, ``finalize_invoice``); latency = from the start
  of the sale on A until B's SQLite file shows the invoice finalized (polled every 2 ms
  with a separate read-only sqlite3 connection). ``--ab-samples`` sales (≥ 30), one at a
  time, p50 and p95.

Goals: upload ≤ 5 s; initial sync ≤ 10 s and ≤ 4× the floor; A → B p95 ≤ 2 s
(``*_goal_met``). The 1-minute load average at start and end and the CPU count are
recorded: on a shared machine they explain outliers. ``--quick`` makes a small run.
Run alone: ``python bench/desktop_sync.py``.
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import sqlite3
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from random import Random
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx
import psycopg
from psycopg.types.json import Jsonb

from bench._common import median, percentile, report
from bench.sync_server import (
    BenchTenant,
    ServiceProcess,
    Workstation,
    drop_database,
    free_port,
    maintenance_url,
    make_tenant,
    tenant_conn,
    vacuum,
    with_database,
)
from jeweltrak_core.inventory.entities import Piece
from jeweltrak_core.inventory.stock import Family
from jeweltrak_core.sync.wire import encode
from jeweltrak_desktop.demo import make_pieces
from jeweltrak_desktop.services import inventory, sales
from jeweltrak_desktop.services.local_store import DeviceIdentity, LocalStore
from jeweltrak_desktop.store.schema import table_of
from jeweltrak_desktop.sync.engine import SyncEngine
from jeweltrak_desktop.sync.errors import Offline
from jeweltrak_desktop.sync.snapshot import SnapshotDownload
from jeweltrak_desktop.sync.tls import service_client
from jeweltrak_desktop.sync.transport import SyncTransport
from sync_server.db.engine import make_engine
from sync_server.db.migrate import upgrade_platform

GOAL_UPLOAD_S = 5.0
GOAL_INITIAL_SYNC_S = 10.0
GOAL_INITIAL_SYNC_RATIO = 4.0
GOAL_A_TO_B_P95_S = 2.0
POLL_S = 0.002


# =====================================================================================
# Workstations
# =====================================================================================


@dataclass
class Desktop:
    """A paired workstation: its local store and its sync client."""

    local: LocalStore
    client: httpx.Client
    transport: SyncTransport
    engine: SyncEngine

    def close(self) -> None:
        self.transport.close()
        self.client.close()
        self.local.close()


def set_up_local(path: Path, tenant: BenchTenant, ws: Workstation, server_url: str
                 ) -> LocalStore:
    """The local database as pairing leaves it: identity, store settings, paired."""
    local = LocalStore(path)
    local.set_up(
        DeviceIdentity(device_id=ws.device_id, store_id=tenant.store.id,
                       store_code=tenant.store.code, workstation_code=ws.code),
        tenant.store,
        paired=True,
        server_url=server_url,
    )
    return local


def connect(local: LocalStore, ws: Workstation, server_url: str, **engine_options: Any
            ) -> Desktop:
    """The sync client of a workstation, the way ``session.start_background_sync`` builds it."""
    client = service_client(server_url)
    token = ws.token
    transport = SyncTransport(server_url, lambda: token, client=client)
    return Desktop(local, client, transport, SyncEngine(local, transport, **engine_options))


# =====================================================================================
# Upload of offline ops
# =====================================================================================


def run_upload(args: argparse.Namespace, workdir: Path, base: str, tenant: BenchTenant
               ) -> dict[str, Any]:
    ws = tenant.devices[0]
    local = set_up_local(workdir / "upload.db", tenant, ws, base)
    # Offline: the service cannot be reached (nothing listens on this port).
    offline = connect(local, ws, f"http://127.0.0.1:{free_port()}")
    started = time.perf_counter()
    for n in range(args.upload_ops):
        inventory.create_piece(local, family=Family.JEWELRY, description=f"Bench ring {n}",
                               cost_cents=10_000 + n)
    create_s = time.perf_counter() - started
    try:
        offline.engine.upload()
        raise RuntimeError("upload to a closed port did not fail")
    except Offline:
        pass
    offline.transport.close()
    offline.client.close()
    pending = local.pending_ops()
    if pending != args.upload_ops:
        raise RuntimeError(f"{pending} ops pending, expected {args.upload_ops}")

    online = connect(local, ws, base)
    started = time.perf_counter()
    result = online.engine.upload()
    upload_s = time.perf_counter() - started
    left = local.pending_ops()
    online.close()
    if left or result.applied != args.upload_ops:
        raise RuntimeError(f"upload: {result}, {left} still pending")
    return {
        "upload_ops": args.upload_ops,
        "upload_batches": result.batches,
        "upload_10k_s": upload_s,
        "upload_ops_per_s": args.upload_ops / upload_s,
        "offline_create_ops_per_s": args.upload_ops / create_s,
    }


# =====================================================================================
# Initial sync
# =====================================================================================


def seed_pieces(url: str, tenant: BenchTenant, count: int, seed: int) -> None:
    """``count`` demo-store pieces COPYed into the tenant, valid wire encodings."""
    with tenant_conn(url, tenant.ref) as conn, conn.cursor() as cur:
        with cur.copy("COPY pieces (id, version, deleted, doc) FROM STDIN") as copy:
            for piece in make_pieces(Random(seed), tenant.store, count):
                piece.version = 1
                copy.write_row((piece.id, 1, False, Jsonb(encode(piece))))
        conn.commit()
    vacuum(url, [tenant.ref], ("pieces",))


def piece_columns() -> list[str]:
    return [c.name for c in table_of(Piece).table.columns]


def sync_floor(workdir: Path, tenant: BenchTenant, ws: Workstation, base: str,
               rows: list[tuple[Any, ...]]) -> float:
    """Seconds for sqlite3.executemany of ``rows`` into a fresh file of the same schema."""
    path = workdir / "floor.db"
    set_up_local(path, tenant, ws, base).close()
    columns = piece_columns()
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    sql = f"INSERT INTO pieces ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
    started = time.perf_counter()
    conn.execute("BEGIN IMMEDIATE")
    conn.executemany(sql, rows)
    conn.execute("COMMIT")
    elapsed = time.perf_counter() - started
    conn.close()
    return elapsed


def run_initial_sync(args: argparse.Namespace, workdir: Path, base: str, tenant: BenchTenant
                     ) -> dict[str, Any]:
    samples: list[float] = []
    rows: list[tuple[Any, ...]] = []
    for n in range(args.snapshot_repeat):
        ws = tenant.devices[n]
        path = workdir / f"snapshot-{n}.db"
        desktop = connect(set_up_local(path, tenant, ws, base), ws, base)
        download = SnapshotDownload(desktop.local, desktop.transport,
                                    page_size=args.snapshot_page)
        started = time.perf_counter()
        download.run()
        samples.append(time.perf_counter() - started)
        with desktop.local.engine.connect() as conn:
            got = conn.exec_driver_sql(
                f"SELECT {', '.join(piece_columns())} FROM pieces ORDER BY id"
            ).all()
        desktop.close()
        if len(got) != args.snapshot_pieces:
            raise RuntimeError(f"synced {len(got)} pieces, expected {args.snapshot_pieces}")
        rows = [tuple(r) for r in got]
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    floor_s = sync_floor(workdir, tenant, tenant.devices[0], base, rows)
    sync_s = median(samples)
    return {
        "initial_sync_pieces": args.snapshot_pieces,
        "initial_sync_100k_s": sync_s,
        "initial_sync_min_s": min(samples),
        "initial_sync_max_s": max(samples),
        "initial_sync_rows_per_s": args.snapshot_pieces / sync_s,
        "initial_sync_floor_s": floor_s,
        "initial_sync_floor_rows_per_s": args.snapshot_pieces / floor_s,
        "initial_sync_ratio_to_floor": sync_s / floor_s,
    }


# =====================================================================================
# A sale on A appearing on B
# =====================================================================================


def invoice_status(reader: sqlite3.Connection, invoice_id: str) -> str | None:
    row = reader.execute("SELECT status FROM invoices WHERE id = ?", (invoice_id,)).fetchone()
    return None if row is None else str(row[0])


def run_a_to_b(args: argparse.Namespace, workdir: Path, base: str, tenant: BenchTenant
               ) -> dict[str, Any]:
    a_ws, b_ws = tenant.devices[0], tenant.devices[1]
    a = connect(set_up_local(workdir / "a.db", tenant, a_ws, base), a_ws, base)
    b = connect(set_up_local(workdir / "b.db", tenant, b_ws, base), b_ws, base)
    a.engine.sync_once()  # initial sync of both, untimed
    b.engine.sync_once()
    with a.local.engine.connect() as conn:
        codes = [r[0] for r in conn.exec_driver_sql(
            "SELECT stock_id FROM pieces WHERE status = 'in_stock' ORDER BY stock_id LIMIT ?",
            (args.ab_samples,),
        )]
    if len(codes) < args.ab_samples:
        raise RuntimeError(f"only {len(codes)} pieces in stock for {args.ab_samples} sales")
    stop = threading.Event()
    threads = [threading.Thread(target=d.engine.run_forever, args=(stop,), daemon=True,
                                name=f"bench-sync-{n}") for n, d in enumerate((a, b))]
    for thread in threads:
        thread.start()
    reader = sqlite3.connect(f"file:{workdir / 'b.db'}?mode=ro", uri=True,
                             check_same_thread=False)
    samples: list[float] = []
    missed = 0
    rng = Random(5)
    try:
        time.sleep(0.5)  # both engines in their long-poll
        for code in codes:
            started = time.perf_counter()
            invoice = sales.new_invoice(a.local)
            a.engine.notify_local_change()
            sales.add_piece(a.local, invoice.id, code)
            a.engine.notify_local_change()
            sales.finalize_invoice(a.local, invoice.id)
            a.engine.notify_local_change()
            invoice_id = str(invoice.id)
            deadline = started + args.ab_timeout
            while invoice_status(reader, invoice_id) != "finalized":
                if time.perf_counter() > deadline:
                    missed += 1
                    break
                time.sleep(POLL_S)
            else:
                samples.append(time.perf_counter() - started)
            time.sleep(rng.uniform(0.05, 0.15))  # sales do not come back to back
    finally:
        reader.close()
        stop.set()
        a.engine.notify_local_change()
    return {
        "a_to_b_samples": len(samples),
        "a_to_b_missed": missed,
        "a_to_b_p50_s": median(samples) if samples else float("inf"),
        "a_to_b_p95_s": percentile(samples, 95) if samples else float("inf"),
        "a_to_b_max_s": max(samples) if samples else float("inf"),
        "_threads": threads,
        "_desktops": [a, b],
    }


# =====================================================================================
# Main
# =====================================================================================


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true",
                        help="small run: 1,000 ops, 10,000 pieces, 30 sales")
    parser.add_argument("--upload-ops", type=int, default=10_000)
    parser.add_argument("--snapshot-pieces", type=int, default=100_000)
    parser.add_argument("--snapshot-page", type=int, default=5000)
    parser.add_argument("--snapshot-repeat", type=int, default=3)
    parser.add_argument("--ab-samples", type=int, default=40)
    parser.add_argument("--ab-timeout", type=float, default=30.0,
                        help="seconds before a sale not seen on B counts as missed")
    args = parser.parse_args()
    if args.quick:
        args.upload_ops = min(args.upload_ops, 1000)
        args.snapshot_pieces = min(args.snapshot_pieces, 10_000)
        args.snapshot_repeat = min(args.snapshot_repeat, 2)
        args.ab_samples = min(args.ab_samples, 30)
    args.ab_samples = max(args.ab_samples, 30)
    return args


def main() -> int:
    """Run the benchmark and write bench/results/desktop_sync.json."""
    args = parse_args()
    run_started = time.perf_counter()
    admin = maintenance_url()
    name = f"jt_bench_{secrets.token_hex(4)}"
    secret = "bench-" + secrets.token_hex(24)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = with_database(admin, name)
    engine = make_engine(url, pool_size=2)
    workdir = Path(tempfile.mkdtemp(prefix="jt-bench-desktop-"))
    server: ServiceProcess | None = None
    figures: dict[str, Any] = {"cpus": os.cpu_count() or 0}
    ab: dict[str, Any] = {}
    try:
        upgrade_platform(engine)
        upload_tenant = make_tenant(engine, "Bench Upload", 1, secret)
        snap_tenant = make_tenant(engine, "Bench Initial Sync", args.snapshot_repeat, secret)
        ab_tenant = make_tenant(engine, "Bench A to B", 2, secret)
        seed_pieces(url, snap_tenant, args.snapshot_pieces, seed=3)
        seed_pieces(url, ab_tenant, args.ab_samples + 20, seed=4)
        setup_s = time.perf_counter() - run_started

        server = ServiceProcess(url, secret, "desktop")
        server.wait_ready()
        figures["load_avg_1m_start"] = os.getloadavg()[0]
        figures.update(run_upload(args, workdir, server.base, upload_tenant))
        figures.update(run_initial_sync(args, workdir, server.base, snap_tenant))
        ab = run_a_to_b(args, workdir, server.base, ab_tenant)
        figures.update({k: v for k, v in ab.items() if not k.startswith("_")})
        figures["load_avg_1m_end"] = os.getloadavg()[0]
    except BaseException:
        if server is not None and server.proc.poll() is not None:
            print(f"--- service log:\n{server.tail()}", file=sys.stderr)
        raise
    finally:
        if server is not None:
            server.stop()  # ends the engines' long-polls
        for thread in ab.get("_threads", []):
            thread.join(timeout=30)
        for desktop in ab.get("_desktops", []):
            desktop.close()
        engine.dispose()
        drop_database(admin, url, name)
        shutil.rmtree(workdir, ignore_errors=True)

    figures["upload_goal_met"] = figures["upload_10k_s"] <= GOAL_UPLOAD_S
    figures["initial_sync_goal_met"] = figures["initial_sync_100k_s"] <= GOAL_INITIAL_SYNC_S
    figures["initial_sync_ratio_goal_met"] = (
        figures["initial_sync_ratio_to_floor"] <= GOAL_INITIAL_SYNC_RATIO
    )
    figures["a_to_b_goal_met"] = (  # a sale that never arrived fails it too
        figures["a_to_b_p95_s"] <= GOAL_A_TO_B_P95_S and figures["a_to_b_missed"] == 0
    )
    units = {k: "s" for k in figures if k.endswith("_s")}
    units.update({k: "ops/s" for k in figures if k.endswith("ops_per_s")})
    units.update({k: "rows/s" for k in figures if k.endswith("rows_per_s")})
    units.update({
        "upload_ops": "ops", "upload_batches": "batches", "initial_sync_pieces": "pieces",
        "a_to_b_samples": "sales", "a_to_b_missed": "sales",
    })
    report("desktop_sync", figures, units)
    print(f"(setup {setup_s:.1f} s, whole run {time.perf_counter() - run_started:.1f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
