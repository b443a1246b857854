"""Start the desktop app: ``python -m jeweltrak_desktop`` (what ``make run`` does).

The app opens the store in the data folder (the demo store, built on first use when the
folder has none). When that workstation is paired with a sync service (``make run`` pairs
it), the store syncs in the background while the window is open.
``--screenshot PATH`` saves the window once its data is on screen and exits (for the
docs, and to check the UI where no display is at hand); ``--quit-after`` is for smoke tests.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox

from jeweltrak_core.errors import JewelTrakError
from jeweltrak_desktop import config
from jeweltrak_desktop.demo import open_demo_store
from jeweltrak_desktop.services.local_store import LocalStore
from jeweltrak_desktop.sync.session import BackgroundSync, start_background_sync
from jeweltrak_desktop.ui.main_window import MainWindow
from jeweltrak_desktop.ui.tasks import error_message, run_op, wait_for_idle

log = logging.getLogger(__name__)

#: Lets the last layout pass and paint finish before the window is grabbed.
SCREENSHOT_SETTLE_MS = 300


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(prog="jeweltrak", description="JewelTrak Desktop")
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        help=f"folder for the databases (default: ${config.DATA_DIR_ENV} or the user data folder)",
    )
    parser.add_argument(
        "--screenshot",
        type=Path,
        default=None,
        metavar="PATH",
        help="save a PNG of the window once its data is shown, then exit",
    )
    parser.add_argument(
        "--quit-after",
        type=float,
        default=None,
        metavar="SECONDS",
        help="exit after this many seconds (smoke tests)",
    )
    return parser.parse_args(list(argv))


class _Session:
    """What the running app holds: the store, once opened, and its window."""

    def __init__(self, app: QApplication, args: argparse.Namespace) -> None:
        self.app = app
        self.args = args
        self.store: LocalStore | None = None
        self.window: MainWindow | None = None
        self.sync: BackgroundSync | None = None
        self.path: Path | None = None
        self.exit_code = 0
        self.splash = QLabel("Opening the demo store…")
        self.splash.setWindowTitle("JewelTrak")
        self.splash.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.splash.setMinimumSize(360, 120)

    def start(self) -> None:
        data_dir = self.args.data_dir or config.data_dir()
        path = self.path = config.demo_db_path(data_dir)
        log.info("opening the demo store at %s", path)
        self.splash.show()
        run_op(lambda: open_demo_store(path)).success(self._opened).failure(self._failed)

    def _opened(self, store: LocalStore) -> None:
        self.store = store
        assert self.path is not None
        try:
            self.sync = start_background_sync(store, self.path)
        except JewelTrakError as exc:  # e.g. a plain-http address: keep selling, say why
            log.warning("not syncing: %s", exc.message)
        self.window = MainWindow(store)
        if self.args.screenshot is not None:
            self.window.ready.connect(
                lambda: QTimer.singleShot(SCREENSHOT_SETTLE_MS, self._save_screenshot)
            )
        self.window.show()
        self.splash.close()

    def _failed(self, exc: BaseException) -> None:
        message = f"The store could not be opened: {error_message(exc)}"
        print(message, file=sys.stderr)
        self.splash.close()
        if self.args.screenshot is None and self.args.quit_after is None:
            QMessageBox.critical(None, "JewelTrak", message)
        self.exit_code = 1
        self.app.exit(1)

    def _save_screenshot(self) -> None:
        assert self.window is not None
        path: Path = self.args.screenshot
        path.parent.mkdir(parents=True, exist_ok=True)
        if self.window.grab().save(str(path), "PNG"):
            print(f"saved {path}")
        else:
            print(f"could not save a screenshot to {path}", file=sys.stderr)
            self.exit_code = 1
        self.app.exit(self.exit_code)

    def close(self) -> None:
        if self.sync is not None:
            self.sync.stop()
        wait_for_idle()
        if self.store is not None:
            self.store.close()


def main(argv: Sequence[str] | None = None) -> int:
    """Run the app; returns the process exit code."""
    args = parse_args(sys.argv[1:] if argv is None else argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per long-poll otherwise
    app = QApplication([sys.argv[0] if sys.argv else "jeweltrak"])
    app.setApplicationName("JewelTrak")
    app.setOrganizationName("JewelTrak")
    app.setStyle("Fusion")  # the same look on every platform and in screenshots
    session = _Session(app, args)
    if args.quit_after is not None:
        QTimer.singleShot(int(args.quit_after * 1000), app.quit)
    session.start()
    code = app.exec()
    session.close()
    return session.exit_code or code
