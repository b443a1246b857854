"""The app's version, read from pyproject.toml — the one place it is written.

    python installers/version.py [--format pep440|debian|windows|macos]

Every installer takes its version from here: build.spec (Windows version resource, macOS
Info.plist), the Inno Setup script (``/DAppVersion=`` from build.ps1), the .deb control
file (build_deb.sh) and the macOS build script. Only the standard library is used, so
the scripts can run it with any Python 3.11+.
"""

from __future__ import annotations

import argparse
import re
import sys
import tomllib
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = REPO_ROOT / "pyproject.toml"

# PEP 440 public versions as this project writes them: N(.N)*[{a|b|rc}N][.postN][.devN].
_PEP440 = re.compile(
    r"^(?P<release>\d+(?:\.\d+)*)"
    r"(?:(?P<pre_kind>a|b|rc)(?P<pre_number>\d+))?"
    r"(?:\.post(?P<post>\d+))?"
    r"(?:\.dev(?P<dev>\d+))?"
    r"(?:\+(?P<local>[a-z0-9]+(?:\.[a-z0-9]+)*))?$"
)
FORMATS = ("pep440", "debian", "windows", "macos")


class VersionFormatError(ValueError):
    """pyproject.toml's version is not one the installers can express."""


def project_version(pyproject: Path = PYPROJECT) -> str:
    """``[project] version`` from pyproject.toml."""
    with pyproject.open("rb") as handle:
        data = tomllib.load(handle)
    version = data.get("project", {}).get("version")
    if not isinstance(version, str) or not version:
        raise VersionFormatError(f"{pyproject} has no [project] version")
    return version


def _parts(version: str) -> re.Match[str]:
    match = _PEP440.match(version)
    if match is None:
        raise VersionFormatError(
            f"version {version!r} is not of the form 1.2.3[rc1][.post1][.dev1][+local]"
        )
    return match


def release_numbers(version: str) -> tuple[int, ...]:
    """The numeric release part: ``1.2.0rc1`` → (1, 2, 0)."""
    return tuple(int(n) for n in _parts(version)["release"].split("."))


def debian_version(version: str) -> str:
    """The Debian form: pre-releases and dev builds sort before the release (``~``)."""
    match = _parts(version)
    text = match["release"]
    if match["pre_kind"]:
        text += f"~{match['pre_kind']}{match['pre_number']}"
    if match["post"]:
        text += f"+post{match['post']}"
    if match["dev"]:
        text += f"~dev{match['dev']}"
    if match["local"]:
        text += f"+{match['local']}"
    return text


def windows_version(version: str) -> str:
    """Four numbers for the .exe version resource and Inno Setup's VersionInfoVersion."""
    numbers = list(release_numbers(version))[:3]
    numbers += [0] * (3 - len(numbers))
    post = _parts(version)["post"]
    return ".".join(str(n) for n in [*numbers, int(post) if post else 0])


def macos_version(version: str) -> str:
    """CFBundleShortVersionString: three numbers, nothing else (Apple's rule)."""
    numbers = list(release_numbers(version))[:3]
    numbers += [0] * (3 - len(numbers))
    return ".".join(str(n) for n in numbers)


def formatted(version: str, form: str) -> str:
    """``version`` in one of FORMATS."""
    if form == "pep440":
        _parts(version)
        return version
    if form == "debian":
        return debian_version(version)
    if form == "windows":
        return windows_version(version)
    if form == "macos":
        return macos_version(version)
    raise VersionFormatError(f"unknown version format {form!r}; use one of {FORMATS}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--format", choices=FORMATS, default="pep440")
    args = parser.parse_args(argv)
    try:
        print(formatted(project_version(), args.format))
    except VersionFormatError as exc:
        print(f"version.py: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
