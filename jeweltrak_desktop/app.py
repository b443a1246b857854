"""Start the desktop app: ``python -m jeweltrak_desktop`` (what ``make run`` does).

The app opens the store in the data folder. On a computer with none, it asks whether to
pair with a store server or open the demo store (built on first use); run without a
display (``--screenshot``, ``--screens``, ``--quit-after``) it opens the demo store. When
the workstation is paired (``make run`` pairs it), the store syncs in the background.
The window starts on the sign-in screen: a clerk picks their name and types their PIN.
``--screenshot PATH`` saves the sign-in screen once it is ready and exits;
``--screens DIR`` signs in as the demo owner and saves one PNG per section to DIR (the
docs' screenshots); ``--quit-after`` is for smoke tests.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox

from jeweltrak_core.errors import JewelTrakError
from jeweltrak_desktop import config
from jeweltrak_desktop.demo import open_demo_store
from jeweltrak_desktop.services.card_payments import CardPayments
from jeweltrak_desktop.services.local_store import LocalStore
from jeweltrak_desktop.sync.session import BackgroundSync, start_background_sync
from jeweltrak_desktop.sync.unpairing import unpair_workstation
from jeweltrak_desktop.ui.main_window import MainWindow
from jeweltrak_desktop.ui.payments.network import wait_for_network
from jeweltrak_desktop.ui.shell.first_run import FirstRunDialog
from jeweltrak_desktop.ui.shell.screen_tour import ScreenTour
from jeweltrak_desktop.ui.tasks import error_message, run_op, wait_for_idle

log = logging.getLogger(__name__)
#: The window icon (``resources/icons`` beside the packages, in the installers too).
APP_ICON = Path(__file__).resolve().parents[1] / "resources" / "icons" / "jeweltrak-256.png"

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
        "--screens",
        type=Path,
        default=None,
        metavar="DIR",
        help="save a PNG of every section to DIR (signed in as the demo owner), then exit",
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
        self.splash = QLabel("Opening the store…")
        self.splash.setWindowTitle("JewelTrak")
        self.splash.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.splash.setMinimumSize(360, 120)

    @property
    def interactive(self) -> bool:
        """Whether someone is at the screen (not a screenshot or smoke-test run)."""
        args = self.args
        return args.screenshot is None and args.screens is None and args.quit_after is None

    def start(self) -> None:
        data_dir = self.args.data_dir or config.data_dir()
        path = self.path = config.demo_db_path(data_dir)
        if self.interactive and not path.exists():
            self._first_run(path)
            return
        self._open(path)

    def _open(self, path: Path) -> None:
        log.info("opening the store at %s", path)
        self.splash.show()
        run_op(lambda: open_demo_store(path)).success(self._opened).failure(self._failed)

    def _first_run(self, path: Path) -> None:
        dialog = FirstRunDialog(path)
        if dialog.exec() != FirstRunDialog.DialogCode.Accepted:
            self.app.exit(0)
            return
        self._open(path)  # paired: the database now exists; demo: it is built

    def _opened(self, store: LocalStore) -> None:
        self.store = store
        assert self.path is not None
        try:
            self.sync = start_background_sync(store, self.path)
        except JewelTrakError as exc:  # e.g. a plain-http address: keep selling, say why
            log.warning("not syncing: %s", exc.message)
        self.window = MainWindow(store, sync=self.sync.worker if self.sync else None)
        # Cards and e-mail go through the store server on the sync's own transport and
        # credential; a local demo store has none.
        cards = CardPayments(self.sync.worker.engine.transport) if self.sync else None
        self.window.context.payments = cards
        self.window.status_widget.watch_cards(cards)
        self.window.unpair_requested.connect(self._unpair)
        if self.args.screenshot is not None:
            self.window.ready.connect(
                lambda: QTimer.singleShot(SCREENSHOT_SETTLE_MS, self._save_screenshot)
            )
        elif self.args.screens is not None:
            shots = ScreenTour(self.window, self.args.screens)
            shots.finished.connect(self._screens_saved)
            self.window.ready.connect(shots.start)
        self.window.show()
        self.splash.close()

    def _failed(self, exc: BaseException) -> None:
        message = f"The store could not be opened: {error_message(exc)}"
        print(message, file=sys.stderr)
        self.splash.close()
        if self.interactive:
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

    def _screens_saved(self, saved: list[Path]) -> None:
        for path in saved:
            print(f"saved {path}")
        self.app.exit(self.exit_code)

    def _unpair(self, discard: bool) -> None:
        """Stop syncing, close the store, unpair (wipes it), then offer the first run again."""
        assert self.path is not None
        if self.window is not None:
            self.window.close()
            self.window = None
        self.close()
        self.store = None
        self.sync = None
        path = self.path
        try:
            unpair_workstation(path, discard_unsynced=discard)
        except JewelTrakError as exc:
            QMessageBox.warning(None, "JewelTrak", exc.message)
        self._first_run(path)

    def close(self) -> None:
        if self.sync is not None:
            self.sync.stop()
        wait_for_network()
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
    # The installers ship the same tree (build.spec); Wayland matches the window to the
    # menu entry by the desktop file name.
    app.setDesktopFileName("jeweltrak")
    if APP_ICON.is_file():
        app.setWindowIcon(QIcon(str(APP_ICON)))
    app.setStyle("Fusion")  # the same look on every platform and in screenshots
    session = _Session(app, args)
    if args.quit_after is not None:
        QTimer.singleShot(int(args.quit_after * 1000), app.quit)
    session.start()
    code = app.exec()
    session.close()
    return session.exit_code or code
