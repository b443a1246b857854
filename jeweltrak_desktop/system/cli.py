"""The command line of ``make run``: bring the system up in order, open the desktop, and
stop on the way out only what this run started."""

from __future__ import annotations

import argparse
import logging
import signal
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from types import FrameType

from jeweltrak_core.errors import JewelTrakError
from jeweltrak_desktop import config
from jeweltrak_desktop.system.demo_business import DEMO_EMAIL, OWNER_FILE
from jeweltrak_desktop.system.service import (
    DEFAULT_PORT,
    SERVICE_DIR,
    START_TIMEOUT_S,
    STOP_TIMEOUT_S,
    ServiceHandle,
    start_or_reuse_service,
)
from jeweltrak_desktop.system.workstation import (
    MIN_CONTACTS,
    MIN_PIECES,
    prepare_demo_workstation,
)


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
