"""The Linux package: the menu entry, the icons, and the .deb builder on a stand-in bundle.

The .deb test gives build_deb.py a "bundle" whose executable is this machine's
``/bin/true`` (a real ELF binary, so the library scan and Depends are real) and builds
the package with dpkg-deb, then unpacks it with ``dpkg -x`` and reads what is inside.
"""

from __future__ import annotations

import configparser
import os
import shutil
import subprocess
from pathlib import Path
from types import ModuleType

import pytest
from PIL import Image

REPO_ROOT = Path(__file__).resolve().parents[2]
DESKTOP_FILE = REPO_ROOT / "installers" / "linux" / "jeweltrak.desktop"
ICON_DIR = REPO_ROOT / "resources" / "icons"
REQUIRED_KEYS = ("Type", "Name", "Exec", "Icon", "Categories", "Terminal", "Comment")


def desktop_entry() -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None, delimiters=("=",))
    parser.optionxform = str  # type: ignore[assignment, method-assign]  # keys are case-sensitive
    parser.read(DESKTOP_FILE, encoding="utf-8")
    return parser["Desktop Entry"]


def test_the_desktop_file_has_the_required_keys(bundle: ModuleType) -> None:
    entry = desktop_entry()
    for key in REQUIRED_KEYS:
        assert entry.get(key), f"{key} missing from jeweltrak.desktop"
    assert entry["Type"] == "Application"
    assert entry["Name"] == bundle.APP_NAME
    assert entry["Exec"].split()[0] == bundle.EXECUTABLE  # /usr/bin/jeweltrak
    assert entry["Terminal"] == "false"
    assert entry["Categories"].endswith(";")
    # The window's WM_CLASS is Qt's application name, which app.py sets.
    assert entry["StartupWMClass"] == bundle.APP_NAME
    app_source = (REPO_ROOT / "jeweltrak_desktop" / "app.py").read_text(encoding="utf-8")
    assert f'app.setApplicationName("{bundle.APP_NAME}")' in app_source


def test_the_desktop_file_passes_desktop_file_validate() -> None:
    tool = shutil.which("desktop-file-validate")
    if tool is None:
        pytest.skip("desktop-file-validate is not installed (apt install desktop-file-utils)")
    result = subprocess.run([tool, str(DESKTOP_FILE)], capture_output=True, text=True, check=False)
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout + result.stderr


def test_the_icon_exists_in_every_size_the_installers_use(bundle: ModuleType) -> None:
    entry = desktop_entry()
    pngs = sorted(ICON_DIR.glob(f"{entry['Icon']}-*.png"))
    sizes = set()
    for png in pngs:
        size = int(png.stem.rsplit("-", 1)[1])
        with Image.open(png) as image:
            assert image.size == (size, size), png
            assert image.mode == "RGBA"
        sizes.add(size)
    assert {16, 32, 48, 128, 256, 512} <= sizes
    with Image.open(bundle.WINDOWS_ICON) as ico:
        assert (256, 256) in ico.info["sizes"] and (16, 16) in ico.info["sizes"]
    with Image.open(bundle.MACOS_ICON) as icns:
        assert icns.format == "ICNS"
    assert bundle.WINDOW_ICON.is_file()


@pytest.fixture
def stand_in_bundle(tmp_path: Path) -> Path:
    """A folder shaped like PyInstaller's output, its executable a real ELF binary."""
    folder = tmp_path / "dist" / "jeweltrak"
    (folder / "_internal" / "resources").mkdir(parents=True)
    true = shutil.which("true")
    assert true is not None
    shutil.copy2(Path(true).resolve(), folder / "jeweltrak")
    (folder / "_internal" / "resources" / "note.txt").write_text("bundle data\n")
    return folder


def test_the_deb_installs_under_opt_with_a_command_menu_entry_and_icons(
    build_deb: ModuleType, versions: ModuleType, stand_in_bundle: Path, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    if shutil.which("dpkg-deb") is None or shutil.which("ldd") is None:
        pytest.skip("dpkg-deb and ldd are needed (Debian, Ubuntu)")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    deb = build_deb.build_deb(stand_in_bundle, tmp_path / "out",
                              maintainer="Test Builder <builder@jeweltrak.invalid>")
    version = versions.debian_version(versions.project_version())
    assert deb.name == f"jeweltrak_{version}_{build_deb.debian_architecture()}.deb"

    def field(name: str) -> str:
        return subprocess.run(["dpkg-deb", "-f", str(deb), name], capture_output=True,
                              text=True, check=True).stdout.strip()

    assert field("Version") == version
    assert field("Package") == "jeweltrak"
    assert field("Maintainer") == "Test Builder <builder@jeweltrak.invalid>"
    depends = field("Depends")
    assert depends.startswith("libc6 (>= ")
    assert "fonts-dejavu-core" in depends and "libwayland-cursor0" in depends

    root = tmp_path / "root"
    subprocess.run(["dpkg", "-x", str(deb), str(root)], check=True)
    executable = root / "opt" / "jeweltrak" / "jeweltrak"
    assert executable.is_file() and os.access(executable, os.X_OK)
    assert (root / "opt/jeweltrak/_internal/resources/note.txt").read_text() == "bundle data\n"
    link = root / "usr" / "bin" / "jeweltrak"
    assert link.is_symlink() and os.readlink(link) == "/opt/jeweltrak/jeweltrak"
    installed_entry = root / "usr/share/applications/jeweltrak.desktop"
    assert installed_entry.read_bytes() == DESKTOP_FILE.read_bytes()
    for size in (16, 48, 256, 512):
        icon = root / f"usr/share/icons/hicolor/{size}x{size}/apps/jeweltrak.png"
        with Image.open(icon) as image:
            assert image.size == (size, size)
    assert (root / "usr/share/doc/jeweltrak/copyright").is_file()
    assert (root / "usr/share/doc/jeweltrak/changelog.gz").is_file()
    # Bundle files are not executable, except the app itself.
    assert not os.access(root / "opt/jeweltrak/_internal/resources/note.txt", os.X_OK)
    listing = subprocess.run(["dpkg-deb", "-c", str(deb)], capture_output=True, text=True,
                             check=True).stdout
    assert all(" root/root " in line for line in listing.splitlines())


def test_a_missing_bundle_is_refused_with_the_command_to_run(
    build_deb: ModuleType, tmp_path: Path
) -> None:
    with pytest.raises(build_deb.PackagingError, match="make package"):
        build_deb.build_deb(tmp_path / "nothing", tmp_path / "out", maintainer="A <a@b.invalid>")


@pytest.mark.parametrize(
    ("missing", "kind"),
    [
        ({"libgtk-3.so.0": {"_internal/PySide6/Qt/plugins/platformthemes/libqgtk3.so"}}, "note"),
        ({"libwayland-cursor.so.0": {"_internal/PySide6/Qt/lib/libQt6WaylandClient.so.6"}}, "note"),
        ({"libxcb-cursor.so.0": {"_internal/PySide6/Qt/plugins/platforms/libqxcb.so"}}, "error"),
        ({"libfoo.so.1": {"_internal/libpython3.11.so.1.0"}}, "error"),
    ],
)
def test_only_optional_plugins_may_lack_a_library(
    build_deb: ModuleType, missing: dict[str, set[str]], kind: str
) -> None:
    report = build_deb.LibraryReport(missing=missing)
    if kind == "note":
        assert len(build_deb.check_missing(report)) == 1
    else:
        with pytest.raises(build_deb.PackagingError, match=next(iter(missing))):
            build_deb.check_missing(report)
