"""``--screens DIR``: the sign-in screen, then every section, each saved as a PNG."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

from jeweltrak_core.errors import JewelTrakError
from jeweltrak_desktop.demo import DEMO_STAFF
from jeweltrak_desktop.services import staff
from jeweltrak_desktop.services.local_store import DEMO_OWNER, Actor, LocalStore
from jeweltrak_desktop.ui.main_window import MainWindow
from jeweltrak_desktop.ui.shell.registry import PAGES
from jeweltrak_desktop.ui.tasks import wait_for_idle

#: Time for a page's first reads to be started and painted before it is grabbed.
SETTLE_MS = 500


def demo_owner(store: LocalStore) -> Actor:
    """The demo's owner signed in with the demo PIN (every permission: the docs show every
    section); a store without the demo staff shows the built-in demo owner instead."""
    name, pin, _group = DEMO_STAFF[0]
    for member in staff.list_staff(store):
        if member.name == name:
            try:
                return staff.PinSignIn(store).sign_in(member.id, pin)
            except JewelTrakError:
                break
    return DEMO_OWNER


class ScreenTour(QObject):
    """Saves ``sign_in.png`` and ``<section>.png``; ``finished(paths)`` at the end."""

    finished = Signal(list)

    def __init__(self, window: MainWindow, folder: Path) -> None:
        super().__init__(window)
        self._window = window
        self._folder = folder
        self._keys = [spec.key for spec in PAGES]
        self.saved: list[Path] = []

    def start(self) -> None:
        """Begin (connect to the window's ``ready``)."""
        self._folder.mkdir(parents=True, exist_ok=True)
        QTimer.singleShot(SETTLE_MS, self._sign_in)

    def _sign_in(self) -> None:
        self._save("sign_in")
        self._window.sign_in_as(demo_owner(self._window.context.store))
        self._next()

    def _next(self) -> None:
        if not self._keys:
            self.finished.emit(self.saved)
            return
        key = self._keys.pop(0)
        self._window.show_page(key)
        QTimer.singleShot(SETTLE_MS, lambda: self._settled(key))

    def _settled(self, key: str) -> None:
        wait_for_idle()  # the page's reads are done; their results are queued to this thread
        QTimer.singleShot(SETTLE_MS // 2, lambda: self._grab(key))

    def _grab(self, key: str) -> None:
        self._save(key)
        self._next()

    def _save(self, name: str) -> None:
        path = self._folder / f"{name}.png"
        if self._window.grab().save(str(path), "PNG"):
            self.saved.append(path)
