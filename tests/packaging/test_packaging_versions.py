"""One version, pyproject.toml's, in every installer — never written in an installer file."""

from __future__ import annotations

import plistlib
import re
import tomllib
from pathlib import Path
from types import ModuleType

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
INSTALLERS = REPO_ROOT / "installers"
ISS = INSTALLERS / "windows" / "jeweltrak.iss"
BUILD_PS1 = INSTALLERS / "windows" / "build.ps1"
INFO_PLIST = INSTALLERS / "macos" / "Info.plist.in"
BUILD_MACOS = INSTALLERS / "macos" / "build_macos.sh"
CONTROL = INSTALLERS / "linux" / "control.in"
# A literal version such as 0.1.0 or 1.2 (not inside a longer dotted number like an IP).
VERSION_LITERAL = re.compile(r"(?<![\d.])\d+\.\d+(?:\.\d+)?(?![\d.])")


def pyproject_version() -> str:
    with (REPO_ROOT / "pyproject.toml").open("rb") as handle:
        version: str = tomllib.load(handle)["project"]["version"]
    return version


def test_version_py_reads_pyproject(versions: ModuleType) -> None:
    assert versions.project_version() == pyproject_version()


@pytest.mark.parametrize(
    ("version", "debian", "windows", "macos"),
    [
        ("0.1.0", "0.1.0", "0.1.0.0", "0.1.0"),
        ("1.2", "1.2", "1.2.0.0", "1.2.0"),
        ("1.2.0rc1", "1.2.0~rc1", "1.2.0.0", "1.2.0"),
        ("1.2.0.dev3", "1.2.0~dev3", "1.2.0.0", "1.2.0"),
        ("1.2.0.post2", "1.2.0+post2", "1.2.0.2", "1.2.0"),
        ("2.0.1+store7", "2.0.1+store7", "2.0.1.0", "2.0.1"),
    ],
)
def test_each_installer_gets_its_own_form_of_the_version(
    versions: ModuleType, version: str, debian: str, windows: str, macos: str
) -> None:
    assert versions.debian_version(version) == debian
    assert versions.windows_version(version) == windows
    assert versions.macos_version(version) == macos


def test_debian_pre_releases_sort_before_the_release(versions: ModuleType) -> None:
    import subprocess

    pre, final = versions.debian_version("1.2.0rc1"), versions.debian_version("1.2.0")
    result = subprocess.run(["dpkg", "--compare-versions", pre, "lt", final], check=False)
    if result.returncode not in (0, 1):
        pytest.skip("dpkg is not available")
    assert result.returncode == 0


@pytest.mark.parametrize("bad", ["", "v1.0", "1.0-beta", "1.0.0rc", "latest"])
def test_a_version_the_installers_cannot_express_is_refused(
    versions: ModuleType, bad: str
) -> None:
    with pytest.raises(versions.VersionFormatError):
        versions.formatted(bad, "debian")


def test_the_inno_setup_script_takes_the_version_from_the_build(versions: ModuleType) -> None:
    iss = ISS.read_text(encoding="utf-8")
    assert "AppVersion={#AppVersion}" in iss
    assert "VersionInfoVersion={#AppVersionNumeric}" in iss
    assert "#error AppVersion is not defined" in iss
    code_lines = [line for line in iss.splitlines() if not line.lstrip().startswith(";")]
    literals = [line for line in code_lines if VERSION_LITERAL.search(line)
                and "MinVersion" not in line]
    assert not literals, f"a version written into the .iss: {literals}"
    # build.ps1 passes both forms, read from pyproject through installers/version.py.
    ps1 = BUILD_PS1.read_text(encoding="utf-8")
    assert "installers\\version.py --format pep440" in ps1
    assert "installers\\version.py --format windows" in ps1
    assert '"/DAppVersion=$Version"' in ps1 and '"/DAppVersionNumeric=$VersionNumeric"' in ps1


def test_the_per_machine_install_has_a_start_menu_entry_and_an_uninstaller() -> None:
    iss = ISS.read_text(encoding="utf-8")
    assert "PrivilegesRequired=admin" in iss
    assert "DefaultDirName={autopf}\\{#AppName}" in iss
    start_menu = r'^Name: "\{autoprograms\}\\\{#AppName\}"; Filename: "\{app\}\\\{#AppExeName\}"'
    assert re.search(start_menu, iss, re.MULTILINE)
    assert '#define AppExeName "jeweltrak.exe"' in iss
    assert "UninstallDisplayIcon={app}\\{#AppExeName}" in iss
    assert "Uninstallable=no" not in iss
    assert (REPO_ROOT / "resources" / "icons" / "jeweltrak.ico").is_file()


def test_the_info_plist_template_is_filled_from_pyproject(
    bundle: ModuleType, versions: ModuleType
) -> None:
    raw = plistlib.loads(INFO_PLIST.read_bytes())  # the template is a valid plist itself
    assert raw["CFBundleShortVersionString"] == raw["CFBundleVersion"] == "@VERSION@"
    written = {key: value for key, value in raw.items() if key != "LSMinimumSystemVersion"
               and isinstance(value, str) and VERSION_LITERAL.search(value)}
    assert not written, f"a version written into Info.plist.in: {written}"
    plist = bundle.info_plist(versions.macos_version(versions.project_version()))
    expected = versions.macos_version(pyproject_version())
    assert plist["CFBundleShortVersionString"] == plist["CFBundleVersion"] == expected
    assert plist["CFBundleIdentifier"] == bundle.BUNDLE_IDENTIFIER
    assert plist["CFBundleExecutable"] == bundle.EXECUTABLE
    assert "@" not in "".join(str(value) for value in plist.values())
    # The build script checks the built app carries the same version.
    assert "version.py --format macos" in BUILD_MACOS.read_text(encoding="utf-8")


def test_the_deb_control_is_filled_from_pyproject(
    build_deb: ModuleType, versions: ModuleType
) -> None:
    template = CONTROL.read_text(encoding="utf-8")
    assert "Version: @VERSION@" in template
    assert not VERSION_LITERAL.search(template)
    control = build_deb.render_control(
        template, version=versions.debian_version(pyproject_version()), arch="amd64",
        installed_kb=1234, depends=["libc6 (>= 2.36)", "libgl1"], maintainer="A <a@b.invalid>",
    )
    fields = dict(line.split(": ", 1) for line in control.splitlines()
                  if line and not line.startswith(" "))
    assert fields["Version"] == versions.debian_version(pyproject_version())
    assert fields["Package"] == "jeweltrak"
    assert fields["Depends"] == "libc6 (>= 2.36), libgl1"
    assert fields["Installed-Size"] == "1234"
    assert not fields["Description"].lower().startswith("jeweltrak")  # Debian's rule


def test_a_control_field_left_unfilled_is_refused(build_deb: ModuleType) -> None:
    with pytest.raises(build_deb.PackagingError, match="@HOMEPAGE@"):
        build_deb.render_control(
            "Package: jeweltrak\nVersion: @VERSION@\nHomepage: @HOMEPAGE@\n", version="1",
            arch="amd64", installed_kb=1, depends=[], maintainer="A <a@b.invalid>")
