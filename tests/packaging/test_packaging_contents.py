"""What the bundle holds (installers/bundle.py) against what the app really needs.

Hidden imports must import; the data files must exist at the paths the modules compute
from ``__file__`` (the bundle mirrors the repository); the service-side packages that the
spec excludes must be ones the counter app never imports — checked by importing every
bundled module in a fresh interpreter and by reading every import statement.
"""

from __future__ import annotations

import ast
import importlib.util
import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
MIGRATIONS_PACKAGE = "jeweltrak_desktop.store.migrations"


def _runs_on_import(module: str) -> bool:
    """Alembic's env.py runs a migration when imported: it is only ever loaded by Alembic."""
    return module == f"{MIGRATIONS_PACKAGE}.env"


def _in_fresh_interpreter(code: str) -> dict[str, Any]:
    """Run ``code`` (which prints one JSON object last) in a new Python; returns it."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO_ROOT, env=env,
        timeout=300, check=False,
    )
    assert result.returncode == 0, result.stderr[-4000:]
    answer: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return answer


def test_every_hidden_import_is_importable(bundle: ModuleType) -> None:
    names = bundle.hidden_imports()
    assert "jeweltrak_desktop.ui.pages.sell" in names  # imported by name when first shown
    assert "jeweltrak_desktop.ui.printing.preview" in names  # importlib.import_module
    assert "keyring.backends.SecretService" in names or sys.platform != "linux"
    assert "reportlab.graphics.barcode.code93" in names  # reportlab exec()s this import
    to_import = [name for name in names if not _runs_on_import(name)]
    code = (
        "import importlib, json\n"
        f"names = {to_import!r}\n"
        "failed = {}\n"
        "for name in names:\n"
        "    try:\n"
        "        importlib.import_module(name)\n"
        "    except Exception as exc:\n"
        "        failed[name] = f'{type(exc).__name__}: {exc}'\n"
        "print(json.dumps(failed))\n"
    )
    failed = _in_fresh_interpreter(code)
    assert not failed, f"hidden imports that do not import: {failed}"
    for name in names:
        if _runs_on_import(name):
            assert importlib.util.find_spec(name) is not None, name


def test_no_developer_tool_or_main_module_is_bundled_as_app_code(bundle: ModuleType) -> None:
    modules = bundle.app_modules()
    assert "jeweltrak_desktop.app" in modules and "jeweltrak_core.money" in modules
    assert not [m for m in modules if bundle.is_dev_module(m)]
    assert not [m for m in modules if m.endswith("__main__")]
    # The make-run tool is a package of its own now: everything inside it is left out.
    assert bundle.is_dev_module("jeweltrak_desktop.system.cli")
    assert not bundle.is_dev_module("jeweltrak_desktop.system_settings")


def test_the_service_packages_are_never_imported_by_the_desktop(bundle: ModuleType) -> None:
    """Import the app and every module the bundle holds; none of the excluded is loaded."""
    modules = [name for name in bundle.app_modules() if not _runs_on_import(name)]
    code = (
        "import importlib, json, sys\n"
        "import jeweltrak_desktop.app\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "print(json.dumps({'modules': sorted(sys.modules)}))\n"
    )
    loaded = set(_in_fresh_interpreter(code)["modules"])
    assert "jeweltrak_desktop.ui.main_window" in loaded
    tops = {name.split(".")[0] for name in loaded}
    assert not tops & set(bundle.SERVICE_PACKAGES), tops & set(bundle.SERVICE_PACKAGES)
    assert not [name for name in loaded if bundle.is_dev_module(name)]
    assert not tops & {"pytest", "hypothesis", "PyInstaller"}


def _imports(path: Path) -> set[str]:
    """Every module named by an import statement in ``path`` (function-level ones too)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
        elif (isinstance(node, ast.Call) and node.args
              and isinstance(node.args[0], ast.Constant)
              and isinstance(node.args[0].value, str)
              and getattr(node.func, "attr", getattr(node.func, "id", "")) == "import_module"):
            names.add(node.args[0].value)
    return names


def test_no_import_statement_in_the_app_reaches_an_excluded_package(bundle: ModuleType) -> None:
    """Also the imports inside functions, which importing the modules does not run."""
    excluded = set(bundle.SERVICE_PACKAGES)
    offenders: list[str] = []
    for module in bundle.app_modules():
        path = REPO_ROOT.joinpath(*module.split("."))
        path = path / "__init__.py" if path.is_dir() else path.with_suffix(".py")
        for imported in _imports(path):
            if imported.split(".")[0] in excluded or bundle.is_dev_module(imported):
                offenders.append(f"{module} imports {imported}")
    assert not offenders, offenders


def test_fonts_are_bundled_where_documents_look_for_them(bundle: ModuleType) -> None:
    from jeweltrak_desktop.documents import fonts

    relative = fonts.FONT_DIR.relative_to(REPO_ROOT).as_posix()
    bundled = {(f.source.name, f.dest) for f in bundle.data_files()}
    for file_name in fonts._FILES.values():
        assert (file_name, relative) in bundled, f"{file_name} not bundled in {relative}"


def test_migrations_are_bundled_where_the_store_looks_for_them(bundle: ModuleType) -> None:
    from jeweltrak_desktop.store import migrate

    relative = migrate.MIGRATIONS.relative_to(REPO_ROOT)
    bundled = {f.source.resolve() for f in bundle.data_files()}
    scripts = [p for p in migrate.MIGRATIONS.rglob("*.py") if "__pycache__" not in p.parts]
    assert any(p.parent.name == "versions" for p in scripts)
    for script in scripts:
        assert script.resolve() in bundled, f"{script} is not bundled"
    dests = {f.dest for f in bundle.data_files() if f.source.suffix == ".py"}
    assert relative.as_posix() in dests and (relative / "versions").as_posix() in dests


def test_the_package_data_pyproject_lists_is_bundled(bundle: ModuleType) -> None:
    with (REPO_ROOT / "pyproject.toml").open("rb") as handle:
        package_data = tomllib.load(handle)["tool"]["setuptools"]["package-data"]
    bundled = {f.source.resolve() for f in bundle.data_files()}
    patterns = package_data["jeweltrak_desktop"]
    assert patterns
    for pattern in patterns:
        for path in (REPO_ROOT / "jeweltrak_desktop").glob(pattern):
            if path.is_file() and "__pycache__" not in path.parts:
                assert path.resolve() in bundled, f"{path} (package data) is not bundled"


def test_third_party_data_without_a_pyinstaller_hook_is_bundled(bundle: ModuleType) -> None:
    dests = {(f.source.name, f.dest) for f in bundle.data_files()}
    assert ("capabilities.json", "escpos") in dests  # read when escpos is imported
    assert any(dest == "reportlab/fonts" for _, dest in dests)


@pytest.mark.parametrize(
    ("dest", "platform", "kept"),
    [
        ("PySide6/Qt/plugins/platforms/libqxcb.so", "linux", True),
        ("PySide6/Qt/plugins/platforms/libqwayland.so", "linux", True),
        ("PySide6/Qt/plugins/platforms/libqoffscreen.so", "linux", True),
        ("PySide6/Qt/plugins/platforms/libqeglfs.so", "linux", False),
        ("PySide6/Qt/plugins/platforms/libqvnc.so", "linux", False),
        ("PySide6/Qt/plugins/platforms/qwindows.dll", "win32", True),
        ("PySide6/Qt/plugins/platforms/qdirect2d.dll", "win32", False),
        ("PySide6/Qt/plugins/platforms/libqcocoa.dylib", "darwin", True),
        ("PySide6/Qt/plugins/printsupport/libcupsprintersupport.so", "linux", True),
        ("PySide6/Qt/lib/libQt6Gui.so.6", "linux", True),
    ],
)
def test_only_unused_qt_platform_plugins_are_dropped(
    bundle: ModuleType, dest: str, platform: str, kept: bool
) -> None:
    assert bundle.kept_qt_plugin(dest, platform) is kept


def test_every_kept_qt_platform_plugin_exists_in_pyside6(bundle: ModuleType) -> None:
    plugins = bundle.package_dir("PySide6") / "Qt" / "plugins" / "platforms"
    present = {p.name for p in plugins.iterdir()}
    kept = [name for name in present
            if bundle.kept_qt_plugin(f"PySide6/Qt/plugins/platforms/{name}")]
    expected = bundle.QT_PLATFORM_PLUGINS[bundle.platform_key()]
    assert len(kept) == len(expected), (kept, expected)
