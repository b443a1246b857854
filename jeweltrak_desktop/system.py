"""``make run``: the whole system in one command — sync service, demo business, paired desktop.

    python -m jeweltrak_desktop.system [--no-gui] [--port 8765] [--data-dir DIR]

1. The sync service: one already answering ``/health`` on 127.0.0.1:PORT is reused;
   otherwise ``python -m sync_server serve`` is started in the background, on its
   embedded PostgreSQL (or ``DATABASE_URL`` when set), its files in ``DIR/sync-service``.
   Only a service started here is stopped on exit (with its embedded PostgreSQL).
2. The demo business: owner ``demo@jeweltrak.test`` with a password generated on first
   use and kept in ``DIR/demo-owner.json`` (mode 0600) — never a secret in the
   repository — and its store D, each created only if absent.
3. This workstation: paired with store D like any workstation (token in the keychain, or
   the logged file fallback), then synced from the service. A store with no pieces yet
   gets the demo's pieces, contacts and history as operations on this workstation, which
   are uploaded, so the service — and any other workstation — holds the same store.
4. The desktop: ``python -m jeweltrak_desktop --data-dir DIR/synced-demo`` (skipped with
   ``--no-gui``). ``DIR`` defaults to the desktop's data folder (``JEWELTRAK_DATA_DIR``).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import random
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from uuid import UUID

import httpx
from sqlalchemy import func, select

from jeweltrak_core.contacts.operations import CreateContact
from jeweltrak_core.errors import JewelTrakError
from jeweltrak_core.ids import new_id
from jeweltrak_core.inventory.entities import Piece
from jeweltrak_core.inventory.operations import CreatePiece
from jeweltrak_desktop import config
from jeweltrak_desktop.demo import (
    DEMO_STAFF,
    DEMO_STORE_CODE,
    demo_store_settings,
    make_contacts,
    make_history,
    make_pieces,
)
from jeweltrak_desktop.services.local_store import LocalStore
from jeweltrak_desktop.store.schema import table_of
from jeweltrak_desktop.sync.credentials import load_device_token
from jeweltrak_desktop.sync.pairing import (
    AlreadyPaired,
    ServiceRefused,
    StoreSummary,
    UserSession,
    WrongPassword,
    call,
    list_stores,
    pair_workstation,
    sign_in,
    sign_out,
)
from jeweltrak_desktop.sync.snapshot import SnapshotDownload, initial_sync_needed
from jeweltrak_desktop.sync.tls import service_client
from jeweltrak_desktop.sync.transport import SyncTransport
from jeweltrak_desktop.sync.unpairing import unpair_workstation
from jeweltrak_desktop.sync.uploader import Uploader
from jeweltrak_desktop.system_staff import ensure_demo_staff

log = logging.getLogger("jeweltrak.system")

DEFAULT_PORT = 8765
DEMO_EMAIL = "demo@jeweltrak.test"
DEMO_OWNER_NAME = DEMO_STAFF[0][0]  # "Dana Owner", as in the local demo store
OWNER_FILE = "demo-owner.json"
SERVICE_DIR = "sync-service"
#: The desktop opens ``demo.sqlite3`` of its ``--data-dir``; the paired store takes that
#: name in a folder of its own, apart from the local-only demo of a plain start.
WORKSTATION_DIR = "synced-demo"
#: The first start of the embedded PostgreSQL runs initdb; later starts take seconds.
START_TIMEOUT_S = 180.0
STOP_TIMEOUT_S = 30.0
# make_history reads 31 customers and 23 pieces of the seeded data.
MIN_PIECES, MIN_CONTACTS = 30, 40


class SystemStartError(JewelTrakError):
    """``make run`` could not bring the system up; the message says what to do."""

    code = "system_start_failed"


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


@dataclass(frozen=True)
class DemoWorkstation:
    """The paired demo workstation, ready for the desktop."""

    desktop_dir: Path
    database: Path
    store: StoreSummary
    pieces: int


# --- the sync service -----------------------------------------------------------------


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


# --- the demo business ----------------------------------------------------------------


def demo_owner_password(base: Path) -> str:
    """The demo owner's password: generated once, kept 0600 in the data folder."""
    path = base / OWNER_FILE
    if path.exists():
        return str(json.loads(path.read_text(encoding="utf-8"))["password"])
    base.mkdir(parents=True, exist_ok=True, mode=0o700)
    password = secrets.token_urlsafe(18)
    # Written before signing up: a crash in between must not lose the password.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump({"email": DEMO_EMAIL, "password": password}, handle)
    log.info("generated the demo owner's password (kept in %s)", path)
    return password


def ensure_demo_owner(client: httpx.Client, *, password: str, owner_file: Path) -> UserSession:
    """Sign the demo owner in, signing the demo business up first if it does not exist."""
    try:
        return sign_in(client, email=DEMO_EMAIL, password=password)
    except WrongPassword:
        pass  # no such account yet (or another password: signup will say so)
    try:
        body = call(
            client,
            "POST",
            "/v1/auth/signup",
            json={
                "name": DEMO_OWNER_NAME,
                "business_name": demo_store_settings(new_id()).name,
                "email": DEMO_EMAIL,
                "password": password,
            },
        )
    except ServiceRefused as exc:
        if exc.details.get("status") != 409:
            raise
        raise SystemStartError(
            f"The sync service at {client.base_url} already has a demo account "
            f"({DEMO_EMAIL}) with a password other than the one in {owner_file}. Stop that "
            "service, or use another --port or --data-dir, and run again."
        ) from exc
    log.info("signed up the demo business (owner %s)", DEMO_EMAIL)
    return UserSession(
        token=body["token"], tenant_id=UUID(body["tenant_id"]), user_id=UUID(body["user_id"])
    )


def ensure_demo_store(client: httpx.Client, session: UserSession) -> StoreSummary:
    """The demo store D of the demo business, opened with the demo's settings if absent."""
    for store in list_stores(client, session):
        if store.code == DEMO_STORE_CODE:
            return store
    s = demo_store_settings(new_id())
    body = call(
        client,
        "POST",
        "/v1/stores",
        token=session.token,
        json={
            "name": s.name,
            "code": s.code,
            "address": s.address,
            "phone": s.phone,
            "tax_number": s.tax_number,
            "timezone": s.timezone,
            "tax_rate": str(s.tax_rate),
            "surtax_rate": str(s.surtax_rate),
            "surtax_threshold_cents": s.surtax_threshold_cents,
            "disclaimer": s.disclaimer,
        },
    )
    log.info("opened the demo store %s", body["code"])
    return StoreSummary(id=UUID(body["id"]), code=body["code"], name=body["name"])


# --- this workstation -----------------------------------------------------------------


def ensure_paired(*, url: str, password: str, store: StoreSummary, database: Path) -> None:
    """Pair the demo workstation with ``store``, replacing a copy that belongs elsewhere."""

    def pair() -> None:
        pair_workstation(
            server_url=url,
            email=DEMO_EMAIL,
            password=password,
            store_id=store.id,
            label=f"{socket.gethostname()[:40] or 'This computer'} (make run)",
            local_store_path=database,
        )

    try:
        pair()
    except AlreadyPaired as exc:
        # This folder only ever holds make run's demo copy (paired elsewhere, revoked, or
        # its credential lost): replace it; unpairing logs any changes it discards.
        log.warning("%s Replacing the demo copy in %s.", exc.message, database)
        unpair_workstation(database, email=DEMO_EMAIL, password=password, discard_unsynced=True)
        pair()


def sync_demo_store(*, url: str, database: Path, pieces: int, contacts: int) -> int:
    """Download the store, seed an empty one with the demo, upload; the piece count."""
    token = load_device_token(_device_id(database), data_dir=database.parent)
    if token is None:
        raise SystemStartError(
            f"The credential of the workstation in {database} is missing; delete that "
            "folder and run again."
        )
    local = LocalStore(database)
    try:
        with service_client(url) as client:
            transport = SyncTransport(url, lambda: token, client=client)
            if initial_sync_needed(local):
                SnapshotDownload(local, transport).run()
            count = _piece_count(local)
            if count == 0:
                log.info(
                    "the store is empty: adding the demo's %s pieces and %s contacts",
                    pieces,
                    contacts,
                )
                seed_demo_store(local, pieces=pieces, contacts=contacts)
                count = _piece_count(local)
            report = Uploader(local, transport).upload()
            if report.batches:
                log.info(
                    "uploaded: %s applied, %s conflicts, %s rejected",
                    report.applied,
                    report.conflicts,
                    report.rejected,
                )
    finally:
        local.close()
    return count


def seed_demo_store(local: LocalStore, *, pieces: int, contacts: int, seed: int = 7) -> None:
    """The demo's pieces and contacts, then its sales, memo, repairs and appraisal, as
    operations of this workstation (so they reach the service like counter work)."""
    rng = random.Random(seed)
    with local.transaction() as tx:
        store = tx.store_settings()
        for piece in make_pieces(rng, store, pieces):
            tx.apply(CreatePiece(piece=piece))
        for contact in make_contacts(rng, contacts):
            tx.apply(CreateContact(contact=contact))
    make_history(local, rng)


def _device_id(database: Path) -> UUID:
    local = LocalStore(database)
    try:
        return local.identity.device_id
    finally:
        local.close()


def _piece_count(local: LocalStore) -> int:
    pieces = table_of(Piece).table
    with local.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(pieces)).scalar_one())


def prepare_demo_workstation(
    url: str, base: Path, *, pieces: int, contacts: int
) -> DemoWorkstation:
    """Demo business, store and paired workstation, in step with the service."""
    password = demo_owner_password(base)
    with service_client(url) as client:
        session = ensure_demo_owner(client, password=password, owner_file=base / OWNER_FILE)
        try:
            store = ensure_demo_store(client, session)
            ensure_demo_staff(client, session, owner_email=DEMO_EMAIL)
        finally:
            sign_out(client, session)
    desktop_dir = base / WORKSTATION_DIR
    database = config.demo_db_path(desktop_dir)
    ensure_paired(url=url, password=password, store=store, database=database)
    count = sync_demo_store(url=url, database=database, pieces=pieces, contacts=contacts)
    return DemoWorkstation(desktop_dir=desktop_dir, database=database, store=store, pieces=count)


# --- the desktop and the command line -------------------------------------------------


def run_desktop(desktop_dir: Path, *, quit_after: float | None = None) -> int:
    """The desktop app on the paired store, until its window closes."""
    command = [sys.executable, "-m", "jeweltrak_desktop", "--data-dir", str(desktop_dir)]
    if quit_after is not None:
        command += ["--quit-after", str(quit_after)]
    process = subprocess.Popen(command)
    try:
        return process.wait()
    except BaseException:
        process.terminate()
        try:
            process.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            process.kill()
        raise


def _at_least(minimum: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        value = int(text)
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be at least {minimum}")
        return value

    return parse


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(
        prog="python -m jeweltrak_desktop.system",
        description="Start the sync service, the demo store and a paired desktop (make run).",
    )
    parser.add_argument(
        "--no-gui", action="store_true", help="do everything but open the window (tests, servers)"
    )
    parser.add_argument(
        "--port",
        type=int,
        default=DEFAULT_PORT,
        help=f"sync service port on 127.0.0.1 (default {DEFAULT_PORT})",
    )
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        help=f"folder for everything (default: ${config.DATA_DIR_ENV} or the user data folder)",
    )
    parser.add_argument(
        "--pieces",
        type=_at_least(MIN_PIECES),
        default=2000,
        help="pieces of a newly seeded demo store",
    )
    parser.add_argument(
        "--contacts",
        type=_at_least(MIN_CONTACTS),
        default=300,
        help="contacts of a newly seeded demo store",
    )
    parser.add_argument(
        "--quit-after",
        type=float,
        default=None,
        metavar="SECONDS",
        help="close the desktop after this many seconds (smoke tests)",
    )
    parser.add_argument(
        "--start-timeout",
        type=float,
        default=START_TIMEOUT_S,
        help="seconds the sync service may take to start",
    )
    return parser.parse_args(list(argv))


def _stop_on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)  # unwinds through ``finally``: the service is stopped


def main(argv: Sequence[str] | None = None) -> int:
    """Run the whole system; the exit status."""
    args = parse_args(sys.argv[1:] if argv is None else argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    for chatty in ("httpx", "alembic"):  # one line per request / per migration check
        logging.getLogger(chatty).setLevel(logging.WARNING)
    base = (args.data_dir or config.data_dir()).expanduser()
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    service: ServiceHandle | None = None
    try:
        service = start_or_reuse_service(
            port=args.port, service_dir=base / SERVICE_DIR, timeout=args.start_timeout
        )
        demo = prepare_demo_workstation(
            service.url, base, pieces=args.pieces, contacts=args.contacts
        )
        print(
            f"JewelTrak is ready: store {demo.store} with {demo.pieces} pieces, synced with "
            f"{service.url}. Demo sign-in: {DEMO_EMAIL} (password in {base / OWNER_FILE}).",
            flush=True,
        )
        if args.no_gui:
            return 0
        return run_desktop(demo.desktop_dir, quit_after=args.quit_after)
    except JewelTrakError as exc:
        print(f"make run: {exc.message}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    finally:
        if service is not None:
            service.stop()


if __name__ == "__main__":
    raise SystemExit(main())
