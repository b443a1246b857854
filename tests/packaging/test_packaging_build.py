"""The real thing: PyInstaller builds the app from build.spec, and the frozen app runs.

Skipped unless ``JT_PACKAGING_BUILD=1``: a build takes a few minutes (about 40 s of
PyInstaller, 70 s to compress the .deb on this 2-core machine). It needs the ``build``
extra (``pip install -e '.[build]'``, which ``make package`` does).

    JT_PACKAGING_BUILD=1 .venv/bin/python -m pytest -q tests/packaging/test_packaging_build.py

1. PyInstaller builds into a temporary folder.
2. The bundle's contents: every app module (pages included) and keyring backend in the
   archive, no service package, the data files where the code looks for them.
3. The frozen binary starts offscreen on a new demo store and saves a screenshot of the
   sign-in screen and of every section of the main window (``--screens``).
4. On Debian/Ubuntu: the .deb is built from it, unpacked with ``dpkg -x``, and the
   unpacked app starts through a symlink, as /usr/bin/jeweltrak starts it.
"""

from __future__ import annotations

import importlib
import os
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
from PIL import Image

REPO_ROOT = Path(__file__).resolve().parents[2]
BUILD_ENV = "JT_PACKAGING_BUILD"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(os.environ.get(BUILD_ENV) != "1",
                       reason=f"a real PyInstaller build takes minutes: set {BUILD_ENV}=1"),
]


def _hermetic_env(home: Path) -> dict[str, str]:
    """Offscreen Qt, and a home of its own so the run leaves nothing in the user's."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", HOME=str(home),
               XDG_CONFIG_HOME=str(home / ".config"), XDG_DATA_HOME=str(home / ".local/share"),
               XDG_CACHE_HOME=str(home / ".cache"))
    env.pop("JEWELTRAK_DATA_DIR", None)
    return env


def _run_app(executable: Path, args: list[str], home: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(executable), *args], capture_output=True, text=True,
                          env=_hermetic_env(home), timeout=300, check=False, cwd=home)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """PyInstaller's output folder, built from build.spec into a temporary folder."""
    try:
        importlib.import_module("PyInstaller")
    except ImportError:
        pytest.fail("PyInstaller is not installed: pip install -e '.[build]' (make package)")
    work = tmp_path_factory.mktemp("pyinstaller")
    result = subprocess.run(
        [sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean",
         "--distpath", str(work / "dist"), "--workpath", str(work / "build"), "build.spec"],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=1200, check=False)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-6000:]
    folder = work / "dist" / "jeweltrak"
    assert (folder / ("jeweltrak.exe" if sys.platform == "win32" else "jeweltrak")).is_file()
    return folder


def _archive_modules(executable: Path) -> set[str]:
    """The module names in the executable's embedded PYZ archive."""
    readers = importlib.import_module("PyInstaller.archive.readers")
    pyz = readers.CArchiveReader(str(executable)).open_embedded_archive("PYZ.pyz")
    return set(pyz.toc)


def test_the_bundle_holds_the_app_and_none_of_the_service(built: Path, bundle: ModuleType) -> None:
    modules = _archive_modules(built / "jeweltrak")
    missing = [m for m in bundle.app_modules() if m not in modules]
    assert not missing, f"app modules not in the bundle: {missing}"
    for backend in bundle.KEYRING_BACKENDS:
        assert backend in modules, backend
    tops = {name.split(".")[0] for name in modules}
    assert not tops & set(bundle.SERVICE_PACKAGES), tops & set(bundle.SERVICE_PACKAGES)
    assert not [name for name in modules if bundle.is_dev_module(name)]
    assert not tops & {"pytest", "hypothesis", "PyInstaller", "tkinter"}

    internal = built / "_internal"
    from jeweltrak_desktop.documents import fonts
    from jeweltrak_desktop.store import migrate

    font_dir = internal / fonts.FONT_DIR.relative_to(REPO_ROOT)
    for file_name in fonts._FILES.values():
        assert (font_dir / file_name).is_file(), file_name
    migrations = internal / migrate.MIGRATIONS.relative_to(REPO_ROOT)
    assert (migrations / "env.py").is_file()
    assert sorted(p.name for p in (migrations / "versions").glob("0*.py")) == sorted(
        p.name for p in (migrate.MIGRATIONS / "versions").glob("0*.py"))
    assert (internal / "escpos" / "capabilities.json").is_file()
    assert (internal / "certifi" / "cacert.pem").is_file()
    entry_points = list(internal.glob("keyring-*.dist-info/entry_points.txt"))
    assert entry_points and "keyring.backends" in entry_points[0].read_text()
    platforms = internal / "PySide6" / "Qt" / "plugins" / "platforms"
    kept = {p.name for p in platforms.iterdir()}
    assert len(kept) == len(bundle.QT_PLATFORM_PLUGINS[bundle.platform_key()]), kept


def _expected_screens() -> set[str]:
    from jeweltrak_desktop.ui.shell.registry import PAGES

    return {"sign_in.png", *(f"{spec.key}.png" for spec in PAGES)}


def _assert_screens(folder: Path, output: str) -> None:
    saved = {p.name for p in folder.glob("*.png")}
    assert saved == _expected_screens(), output
    for png in folder.glob("*.png"):
        with Image.open(png) as image:
            assert image.width >= 800 and image.height >= 500, (png, image.size)
            # A real screen, not a blank grab: many colours.
            colours = image.convert("RGB").getcolors(maxcolors=1_000_000)
            assert colours is not None and len(colours) > 20, png


def test_the_frozen_app_opens_the_demo_store_and_shows_every_section(
    built: Path, tmp_path: Path
) -> None:
    shots = tmp_path / "screens"
    result = _run_app(built / "jeweltrak",
                      ["--data-dir", str(tmp_path / "data"), "--screens", str(shots)], tmp_path)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-6000:]
    assert "Traceback" not in output, output[-6000:]
    assert (tmp_path / "data" / "demo.sqlite3").is_file()  # migrated and built, frozen
    _assert_screens(shots, output)


@pytest.mark.skipif(shutil.which("dpkg-deb") is None, reason="the .deb is built on Debian/Ubuntu")
def test_the_deb_unpacks_to_an_app_that_starts_from_its_command(
    built: Path, build_deb: ModuleType, tmp_path: Path
) -> None:
    deb = build_deb.build_deb(built, tmp_path / "out",
                              maintainer="Test Builder <builder@jeweltrak.invalid>")
    root = tmp_path / "root"
    subprocess.run(["dpkg", "-x", str(deb), str(root)], check=True)
    assert os.readlink(root / "usr/bin/jeweltrak") == "/opt/jeweltrak/jeweltrak"
    # Installed, /usr/bin/jeweltrak is a symlink to /opt: start the unpacked app the same way.
    command = tmp_path / "bin" / "jeweltrak"
    command.parent.mkdir()
    command.symlink_to(root / "opt" / "jeweltrak" / "jeweltrak")
    shot = tmp_path / "sign_in.png"
    result = _run_app(command, ["--data-dir", str(tmp_path / "data"), "--screenshot", str(shot)],
                      tmp_path)
    assert result.returncode == 0, (result.stdout + result.stderr)[-6000:]
    with Image.open(shot) as image:
        assert image.width >= 800
