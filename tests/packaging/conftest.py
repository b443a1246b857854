"""Fixtures of the packaging tests: the installers/ helpers, loaded by path.

installers/ is not a package on the import path (build.spec and the scripts load these
files by path too), so the tests do the same.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
INSTALLERS = REPO_ROOT / "installers"


def load_installer_module(name: str, relative_path: str) -> ModuleType:
    """Import ``installers/<relative_path>`` under ``name`` (once per test session)."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, INSTALLERS / relative_path)
    assert spec is not None and spec.loader is not None, relative_path
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def bundle() -> ModuleType:
    """installers/bundle.py: what the PyInstaller bundle holds."""
    # The same module names build.spec uses, so the spec reuses these objects when run.
    return load_installer_module("jeweltrak_installers_bundle", "bundle.py")


@pytest.fixture(scope="session")
def versions() -> ModuleType:
    """installers/version.py: the version from pyproject.toml in each installer's form."""
    return load_installer_module("jeweltrak_installers_version", "version.py")


@pytest.fixture(scope="session")
def build_deb() -> ModuleType:
    """installers/linux/build_deb.py: the .deb builder."""
    return load_installer_module("jeweltrak_installers_build_deb", "linux/build_deb.py")
