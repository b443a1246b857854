"""Where the desktop app keeps its files (no Qt here: this module is not UI)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

APP_DIR_NAME = "JewelTrak"
DATA_DIR_ENV = "JEWELTRAK_DATA_DIR"
DEMO_DB_NAME = "demo.sqlite3"


def data_dir() -> Path:
    """The folder for the app's databases: $JEWELTRAK_DATA_DIR, else the user data folder."""
    override = os.environ.get(DATA_DIR_ENV, "").strip()
    if override:
        return Path(override).expanduser()
    return _platform_data_root() / APP_DIR_NAME


def demo_db_path(base: Path | None = None) -> Path:
    """The demo store's database file, in ``base`` or else in ``data_dir()``."""
    return (base if base is not None else data_dir()) / DEMO_DB_NAME


def _platform_data_root() -> Path:
    """The per-user application data root of this operating system."""
    home = Path.home()
    if sys.platform == "win32":
        # Local, not roaming: a store database must not follow the user to another PC.
        local = os.environ.get("LOCALAPPDATA") or os.environ.get("APPDATA")
        return Path(local) if local else home / "AppData" / "Local"
    if sys.platform == "darwin":
        return home / "Library" / "Application Support"
    xdg = os.environ.get("XDG_DATA_HOME", "").strip()
    # The XDG spec says a relative XDG_DATA_HOME is invalid and must be ignored.
    if xdg and Path(xdg).is_absolute():
        return Path(xdg)
    return home / ".local" / "share"
