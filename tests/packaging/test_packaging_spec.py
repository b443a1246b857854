"""build.spec, run without PyInstaller building anything.

The spec is executed as PyInstaller executes it: a script whose globals hold the build
steps (Analysis, PYZ, EXE, COLLECT, BUNDLE). Here those globals record what they are
given, so the tests see exactly what the spec would hand PyInstaller: the entry script,
every data file, the hidden imports and excludes, the executable's settings.
"""

from __future__ import annotations

import ast
import importlib
import importlib.metadata
import sys
import types
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
SPEC = REPO_ROOT / "build.spec"


@dataclass
class Step:
    """One build step the spec created: its positional and keyword arguments."""

    kind: str
    args: tuple[Any, ...]
    kwargs: dict[str, Any]
    # What PyInstaller's Analysis exposes to the rest of the spec.
    binaries: list[tuple[str, str, str]] = field(default_factory=list)
    datas: list[tuple[str, str, str]] = field(default_factory=list)
    pure: list[tuple[str, str, str]] = field(default_factory=list)
    scripts: list[tuple[str, str, str]] = field(default_factory=list)


@contextmanager
def pyinstaller_hooks_importable() -> Iterator[None]:
    """``from PyInstaller.utils.hooks import copy_metadata`` works inside the block.

    With PyInstaller installed (``make package``) the real function is used. Without it
    (``make test`` installs only the dev extra) a stand-in with the same answer, the
    distribution's .dist-info folder, is registered for the block and removed after.
    """
    try:
        importlib.import_module("PyInstaller.utils.hooks")
    except ImportError:
        pass
    else:
        yield
        return

    def copy_metadata(name: str) -> list[tuple[str, str]]:
        dist = importlib.metadata.distribution(name)
        files = [f for f in dist.files or [] if f.name == "METADATA"]
        info = Path(str(dist.locate_file(files[0]))).parent
        return [(str(info), info.name)]

    added = {}
    for name in ("PyInstaller", "PyInstaller.utils", "PyInstaller.utils.hooks"):
        added[name] = types.ModuleType(name)
    added["PyInstaller.utils.hooks"].copy_metadata = copy_metadata  # type: ignore[attr-defined]
    sys.modules.update(added)
    try:
        yield
    finally:
        for name in added:
            sys.modules.pop(name, None)


@pytest.fixture(scope="module")
def spec_run(bundle: ModuleType, versions: ModuleType) -> dict[str, list[Step]]:
    """Execute build.spec with recording build steps; returns the steps by kind."""
    steps: dict[str, list[Step]] = {}

    def recorder(kind: str) -> Any:
        def make(*args: Any, **kwargs: Any) -> Step:
            step = Step(kind, args, kwargs)
            steps.setdefault(kind, []).append(step)
            return step

        return make

    namespace: dict[str, Any] = {
        "__name__": "__main__",
        "__file__": str(SPEC),
        "SPECPATH": str(REPO_ROOT),
        **{kind: recorder(kind) for kind in ("Analysis", "PYZ", "EXE", "COLLECT", "BUNDLE")},
    }
    with pyinstaller_hooks_importable():
        exec(compile(SPEC.read_text(encoding="utf-8"), str(SPEC), "exec"), namespace)
    return steps


def test_the_spec_is_valid_python() -> None:
    ast.parse(SPEC.read_text(encoding="utf-8"), filename=str(SPEC))


def test_the_spec_builds_one_folder_app_from_the_launcher(
    spec_run: dict[str, list[Step]], bundle: ModuleType
) -> None:
    (analysis,) = spec_run["Analysis"]
    (exe,) = spec_run["EXE"]
    (collect,) = spec_run["COLLECT"]
    assert [Path(script) for script in analysis.args[0]] == [bundle.LAUNCHER]
    assert bundle.LAUNCHER.is_file()
    launcher = bundle.LAUNCHER.read_text(encoding="utf-8")
    assert "from jeweltrak_desktop.app import main" in launcher
    # onedir: the executable leaves the binaries to COLLECT.
    assert exe.kwargs["exclude_binaries"] is True
    assert exe.kwargs["name"] == collect.kwargs["name"] == "jeweltrak"
    assert exe.kwargs["upx"] is False and collect.kwargs["upx"] is False
    assert exe.kwargs["console"] is False
    assert exe.args[0] is spec_run["PYZ"][0]
    assert Path(analysis.kwargs["pathex"][0]) == REPO_ROOT


def test_every_data_source_exists_and_lands_inside_the_bundle(
    spec_run: dict[str, list[Step]],
) -> None:
    (analysis,) = spec_run["Analysis"]
    datas = analysis.kwargs["datas"]
    assert len(datas) > 20
    for source, dest in datas:
        assert Path(source).exists(), f"data source missing: {source}"
        assert not Path(dest).is_absolute() and ".." not in Path(dest).parts, dest


def test_the_data_the_app_reads_is_in_the_spec(spec_run: dict[str, list[Step]]) -> None:
    (analysis,) = spec_run["Analysis"]
    dests = {(Path(src).name, dest) for src, dest in analysis.kwargs["datas"]}
    assert ("DejaVuSans.ttf", "resources/fonts") in dests
    assert ("DroidSansFallback.ttf", "resources/fonts") in dests
    assert ("env.py", "jeweltrak_desktop/store/migrations") in dests
    assert ("0001_initial_schema.py", "jeweltrak_desktop/store/migrations/versions") in dests
    assert ("capabilities.json", "escpos") in dests
    # keyring's entry points name its backends; without them keyring finds none.
    keyring_info = [src for src, _ in analysis.kwargs["datas"]
                    if Path(src).name.startswith("keyring-") and src.endswith(".dist-info")]
    assert keyring_info, "keyring's metadata is not copied"
    assert (Path(keyring_info[0]) / "entry_points.txt").is_file()


def test_the_spec_takes_its_lists_from_installers_bundle(
    spec_run: dict[str, list[Step]], bundle: ModuleType
) -> None:
    (analysis,) = spec_run["Analysis"]
    assert analysis.kwargs["hiddenimports"] == bundle.hidden_imports()
    excludes = set(analysis.kwargs["excludes"])
    assert set(bundle.SERVICE_PACKAGES) <= excludes
    assert set(bundle.DEV_MODULES) <= excludes


def test_the_bundle_version_comes_from_pyproject(
    spec_run: dict[str, list[Step]], versions: ModuleType
) -> None:
    if sys.platform == "darwin":
        (app,) = spec_run["BUNDLE"]
        assert app.kwargs["info_plist"]["CFBundleShortVersionString"] == versions.macos_version(
            versions.project_version()
        )
    else:
        assert "BUNDLE" not in spec_run  # the .app exists on macOS only
    text = SPEC.read_text(encoding="utf-8")
    assert "versions.project_version()" in text
