"""Build the .deb of the counter app from PyInstaller's output folder.

    python installers/linux/build_deb.py [--bundle dist/jeweltrak] [--out dist]

The package installs the bundle under /opt/jeweltrak, the command /usr/bin/jeweltrak
(a symlink), the menu entry (jeweltrak.desktop) and the icon in every hicolor size; the
icon and menu caches are refreshed by the dpkg triggers of hicolor-icon-theme and
desktop-file-utils, so there are no maintainer scripts. Depends is worked out from the
bundle itself: every shared library its binaries load from the system (PyInstaller leaves
out libc, OpenGL/EGL, libxcb, libdrm, Wayland) is looked up with ``dpkg-query -S`` on
this machine, and libc6 must be at least this machine's version (the binaries were
linked against it). Needs dpkg-deb and ldd (Debian and Ubuntu have both).
Uses only the standard library.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parents[1]


def _load_version_module() -> ModuleType:
    """installers/version.py, by path (installers/ is not a package on the import path)."""
    name = "jeweltrak_installers_version"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, REPO_ROOT / "installers" / "version.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


project_version = _load_version_module()
PACKAGE = "jeweltrak"
EXECUTABLE = "jeweltrak"
INSTALL_DIR = Path("opt") / PACKAGE
DESKTOP_FILE = HERE / "jeweltrak.desktop"
CONTROL_TEMPLATE = HERE / "control.in"
COPYRIGHT = HERE / "copyright"
ICON_DIR = REPO_ROOT / "resources" / "icons"
ICON_NAME = re.compile(r"^jeweltrak-(\d+)\.png$")
DEFAULT_MAINTAINER = "JewelTrak Packaging <packaging@jeweltrak.invalid>"
MAINTAINER_ENV = "JEWELTRAK_DEB_MAINTAINER"

#: Packages the bundle needs that no ELF dependency reveals: the Wayland platform plugin's
#: libraries (absent from a build machine without Wayland, so not found by ldd there),
#: fontconfig's configuration for the bundled libfontconfig, and fonts for the UI.
EXTRA_DEPENDS = (
    "libwayland-client0",
    "libwayland-cursor0",
    "libwayland-egl1",
    "fontconfig-config",
    "fonts-dejavu-core",
)
#: Libraries a build machine without Wayland lacks, which EXTRA_DEPENDS installs.
PROVIDED_BY_EXTRA_DEPENDS = {
    "libwayland-client.so.0": "libwayland-client0",
    "libwayland-cursor.so.0": "libwayland-cursor0",
    "libwayland-egl.so.1": "libwayland-egl1",
}
#: Qt plugin folders whose plugins load only where their system libraries exist (GTK's
#: theme on a GNOME desktop, TIFF images): their missing libraries are noted, not required.
OPTIONAL_PLUGIN_DIRS = ("platformthemes", "imageformats")


class PackagingError(RuntimeError):
    """The .deb cannot be built; the message says what to do."""


@dataclass
class LibraryReport:
    """What the bundle's binaries load from outside the bundle."""

    system: set[Path] = field(default_factory=set)
    #: soname → the bundle files that need it and could not find it.
    missing: dict[str, set[str]] = field(default_factory=dict)


def run(command: list[str]) -> subprocess.CompletedProcess[str]:
    """Run a command, raising PackagingError with its output when it fails."""
    try:
        return subprocess.run(command, check=True, capture_output=True, text=True)
    except FileNotFoundError as exc:
        raise PackagingError(f"{command[0]} is not installed") from exc
    except subprocess.CalledProcessError as exc:
        raise PackagingError(f"{' '.join(command)} failed:\n{exc.stdout}{exc.stderr}") from exc


def debian_architecture() -> str:
    return run(["dpkg", "--print-architecture"]).stdout.strip()


def render_control(
    template: str, *, version: str, arch: str, installed_kb: int, depends: Iterable[str],
    maintainer: str,
) -> str:
    """control.in with its fields filled; refuses a template field left unfilled."""
    fields = {
        "@VERSION@": version,
        "@ARCH@": arch,
        "@INSTALLED_SIZE@": str(installed_kb),
        "@DEPENDS@": ", ".join(depends),
        "@MAINTAINER@": maintainer,
    }
    text = template
    for key, value in fields.items():
        text = text.replace(key, value)
    left = re.findall(r"@[A-Z_]+@", text)
    if left:
        raise PackagingError(f"control.in has fields this script does not fill: {left}")
    return text if text.endswith("\n") else text + "\n"


def is_elf(path: Path) -> bool:
    if path.is_symlink() or not path.is_file():
        return False
    with path.open("rb") as handle:
        return handle.read(4) == b"\x7fELF"


def elf_files(root: Path) -> Iterator[Path]:
    for path in sorted(root.rglob("*")):
        if is_elf(path):
            yield path


_LDD_LINE = re.compile(r"^\s*(\S+)\s+=>\s+(not found|\S+)")


def system_libraries(bundle: Path) -> LibraryReport:
    """Libraries the bundle's binaries resolve outside it, as the frozen app would.

    The bootloader puts the bundle's ``_internal`` first on the library path, so ldd runs
    with the same setting.
    """
    internal = bundle / "_internal"
    env = dict(os.environ, LD_LIBRARY_PATH=str(internal))
    report = LibraryReport()
    root = bundle.resolve()
    for path in elf_files(bundle):
        result = subprocess.run(["ldd", str(path)], capture_output=True, text=True, env=env,
                                check=False)
        if result.returncode != 0:  # static or not loadable here (another arch): skip
            continue
        for line in result.stdout.splitlines():
            match = _LDD_LINE.match(line)
            if not match:
                continue
            soname, target = match.groups()
            if target == "not found":
                report.missing.setdefault(soname, set()).add(str(path.relative_to(bundle)))
                continue
            resolved = Path(target).resolve()
            if not resolved.is_relative_to(root):
                report.system.add(Path(target))
    return report


def owning_package(library: Path) -> str:
    """The Debian package that installed ``library`` (tries the usrmerge spellings)."""
    candidates = [library, library.resolve()]
    for path in list(candidates):
        text = str(path)
        if text.startswith("/usr/"):
            candidates.append(Path(text[4:]))
        else:
            candidates.append(Path("/usr" + text))
    for path in candidates:
        result = subprocess.run(["dpkg-query", "-S", str(path)], capture_output=True,
                                text=True, check=False)
        if result.returncode == 0 and result.stdout:
            name = result.stdout.split(":", 1)[0].strip()
            return name.split(",")[0].strip()
    raise PackagingError(f"no installed Debian package owns {library}")


def libc_floor() -> str:
    """``libc6 (>= X)`` with this machine's glibc: the binaries were linked against it."""
    full = run(["dpkg-query", "-W", "-f=${Version}", "libc6"]).stdout.strip()
    upstream = re.split(r"[-+~]", full.split(":")[-1], maxsplit=1)[0]
    return f"libc6 (>= {upstream})"


def depends_for(report: LibraryReport) -> list[str]:
    """The Depends list: the libraries' packages plus EXTRA_DEPENDS, libc6 versioned."""
    names = {owning_package(library) for library in report.system}
    names.update(EXTRA_DEPENDS)
    names.discard("libc6")
    return [libc_floor(), *sorted(names)]


def is_optional(bundle_file: str) -> bool:
    """Whether ``bundle_file`` is a Qt plugin that may stay unloaded."""
    parts = Path(bundle_file).parts
    return "plugins" in parts and any(folder in parts for folder in OPTIONAL_PLUGIN_DIRS)


def check_missing(report: LibraryReport) -> list[str]:
    """Notes for libraries Depends brings or optional plugins want; PackagingError otherwise."""
    notes: list[str] = []
    required: list[str] = []
    for soname, users in sorted(report.missing.items()):
        needed_by = sorted(users)
        shown = ", ".join(needed_by[:2]) + (" …" if len(needed_by) > 2 else "")
        if soname in PROVIDED_BY_EXTRA_DEPENDS:
            notes.append(f"{soname} (Depends: {PROVIDED_BY_EXTRA_DEPENDS[soname]}; for {shown})")
        elif all(is_optional(user) for user in needed_by):
            notes.append(f"{soname} (optional plugin {shown} stays unloaded without it)")
        else:
            required.append(f"{soname} needed by {', '.join(needed_by)}")
    if required:
        raise PackagingError(
            "the bundle needs libraries this machine does not have; install them and "
            "rebuild (make deps-debian):\n  " + "\n  ".join(required))
    return notes


def debian_changelog(version: str, maintainer: str, when: float) -> str:
    """A one-entry Debian changelog (the app's own history is in its repository)."""
    stamp = time.strftime("%a, %d %b %Y %H:%M:%S +0000", time.gmtime(when))
    return (f"{PACKAGE} ({version}) stable; urgency=medium\n\n"
            f"  * JewelTrak Desktop {version}, built from its repository.\n\n"
            f" -- {maintainer}  {stamp}\n")


def stage(bundle: Path, root: Path, *, version: str, maintainer: str) -> None:
    """Lay out the package's files under ``root``."""
    target = root / INSTALL_DIR
    shutil.copytree(bundle, target, symlinks=True)
    bin_dir = root / "usr" / "bin"
    bin_dir.mkdir(parents=True)
    # Absolute: it points from /usr into /opt (Debian policy 10.5).
    (bin_dir / EXECUTABLE).symlink_to(Path("/") / INSTALL_DIR / EXECUTABLE)
    applications = root / "usr" / "share" / "applications"
    applications.mkdir(parents=True)
    shutil.copy2(DESKTOP_FILE, applications / "jeweltrak.desktop")
    icons = 0
    for icon in sorted(ICON_DIR.glob("jeweltrak-*.png")):
        match = ICON_NAME.match(icon.name)
        if not match:
            continue
        size = match.group(1)
        folder = root / "usr" / "share" / "icons" / "hicolor" / f"{size}x{size}" / "apps"
        folder.mkdir(parents=True)
        shutil.copy2(icon, folder / "jeweltrak.png")
        icons += 1
    if icons == 0:
        raise PackagingError(f"no jeweltrak-<size>.png in {ICON_DIR}; run installers/make_icons.py")
    docs = root / "usr" / "share" / "doc" / PACKAGE
    docs.mkdir(parents=True)
    shutil.copy2(COPYRIGHT, docs / "copyright")
    # SOURCE_DATE_EPOCH (reproducible builds) fixes the date; otherwise now.
    when = float(os.environ.get("SOURCE_DATE_EPOCH") or time.time())
    changelog = debian_changelog(version, maintainer, when).encode("utf-8")
    # A version without a Debian revision makes a native package: changelog.gz (policy 12.7).
    (docs / "changelog.gz").write_bytes(gzip.compress(changelog, mtime=int(when)))


def normalize_permissions(root: Path) -> None:
    """Folders 0755, files 0644, the executable 0755 (owners are set by dpkg-deb)."""
    for path in root.rglob("*"):
        if path.is_symlink():
            continue
        path.chmod(0o755 if path.is_dir() else 0o644)
    root.chmod(0o755)
    (root / INSTALL_DIR / EXECUTABLE).chmod(0o755)


def installed_size_kb(root: Path) -> int:
    """Installed-Size in KiB, counted as dpkg-gencontrol does: each file rounded up, 1 per
    folder or symlink."""
    total = 0
    for path in root.rglob("*"):
        if path.is_symlink() or path.is_dir():
            total += 1
        else:
            total += (path.stat().st_size + 1023) // 1024
    return total


def write_md5sums(root: Path, debian_dir: Path) -> None:
    lines = []
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink() and debian_dir not in path.parents:
            digest = hashlib.md5(path.read_bytes(), usedforsecurity=False).hexdigest()
            lines.append(f"{digest}  {path.relative_to(root).as_posix()}\n")
    (debian_dir / "md5sums").write_text("".join(lines), encoding="utf-8")
    (debian_dir / "md5sums").chmod(0o644)


def build_deb(bundle: Path, out_dir: Path, *, maintainer: str) -> Path:
    """Build the .deb from ``bundle``; returns its path."""
    if not (bundle / EXECUTABLE).is_file():
        raise PackagingError(f"{bundle / EXECUTABLE} does not exist; run PyInstaller first "
                             "(make package)")
    version = project_version.debian_version(project_version.project_version())
    arch = debian_architecture()
    report = system_libraries(bundle)
    for note in check_missing(report):
        print(f"build_deb: note: not on this machine: {note}")
    depends = depends_for(report)
    out_dir.mkdir(parents=True, exist_ok=True)
    deb = out_dir / f"{PACKAGE}_{version}_{arch}.deb"
    with tempfile.TemporaryDirectory(prefix="jeweltrak-deb-", dir=out_dir) as work:
        root = Path(work) / "root"
        root.mkdir()
        stage(bundle, root, version=version, maintainer=maintainer)
        normalize_permissions(root)
        debian_dir = root / "DEBIAN"
        debian_dir.mkdir(mode=0o755)
        control = render_control(
            CONTROL_TEMPLATE.read_text(encoding="utf-8"), version=version, arch=arch,
            installed_kb=installed_size_kb(root), depends=depends, maintainer=maintainer)
        (debian_dir / "control").write_text(control, encoding="utf-8")
        (debian_dir / "control").chmod(0o644)
        write_md5sums(root, debian_dir)
        run(["dpkg-deb", "--root-owner-group", "-Zxz", "--build", str(root), str(deb)])
    print(f"build_deb: {deb} ({deb.stat().st_size / 1e6:.1f} MB); Depends: {', '.join(depends)}")
    return deb


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bundle", type=Path, default=REPO_ROOT / "dist" / EXECUTABLE,
                        help="PyInstaller's output folder (default: dist/jeweltrak)")
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "dist",
                        help="folder for the .deb (default: dist)")
    args = parser.parse_args(argv)
    maintainer = os.environ.get(MAINTAINER_ENV, "").strip() or DEFAULT_MAINTAINER
    try:
        build_deb(args.bundle, args.out, maintainer=maintainer)
    except PackagingError as exc:
        print(f"build_deb: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
