"""Enforce the one-way import rules of CONVENTIONS.md by reading the source with ``ast``.

Reading instead of importing means the check also covers modules that are never imported
by a test, imports inside functions, ``if TYPE_CHECKING:`` blocks and
``importlib.import_module("...")`` calls with a literal name.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("jeweltrak_core", "jeweltrak_desktop", "sync_server")

QT_BINDINGS = frozenset(
    {"PySide2", "PySide6", "PyQt4", "PyQt5", "PyQt6", "shiboken2", "shiboken6", "qtpy", "Qt"}
)
# Everything the pure rules package must stay independent of: UI, web, database, network,
# payment SDK, and the two packages that build on it.
CORE_FORBIDDEN = QT_BINDINGS | {
    "fastapi",
    "starlette",
    "uvicorn",
    "sqlalchemy",
    "alembic",
    "httpx",
    "httpcore",
    "psycopg",
    "psycopg2",
    "psycopg_pool",
    "asyncpg",
    "stripe",
    "jeweltrak_desktop",
    "sync_server",
}
UI_FORBIDDEN = frozenset({"sqlalchemy", "alembic", "sqlite3", "httpx", "httpcore"})
# These two modules build the QApplication and the main window, so they may import widgets.
WIDGET_IMPORTERS_OUTSIDE_UI = frozenset({"jeweltrak_desktop.__main__", "jeweltrak_desktop.app"})


@dataclass(frozen=True)
class Violation:
    module: str
    line: int
    imported: str
    rule: str

    def __str__(self) -> str:
        return f"{self.module}:{self.line} imports {self.imported} — {self.rule}"


@dataclass(frozen=True)
class Rule:
    description: str
    applies_to: Callable[[str], bool]
    forbids: Callable[[str], bool]


def _within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def _top_level_in(names: frozenset[str] | set[str]) -> Callable[[str], bool]:
    return lambda imported: imported.split(".")[0] in names


def _is_qt_widgets(imported: str) -> bool:
    """True for QtWidgets and its siblings (QtSvgWidgets, QtOpenGLWidgets, ...)."""
    parts = imported.split(".")
    return (
        parts[0] in QT_BINDINGS
        and len(parts) > 1
        and (parts[1].endswith("Widgets") or parts[1] == "*")
    )


RULES = (
    Rule(
        "jeweltrak_core is pure Python: no Qt, web framework, database, network or app code",
        applies_to=lambda module: _within(module, "jeweltrak_core"),
        forbids=_top_level_in(CORE_FORBIDDEN),
    ),
    Rule(
        "only jeweltrak_desktop/ui/ (and the app entry points) may import Qt widgets",
        applies_to=lambda module: (
            not _within(module, "jeweltrak_desktop.ui")
            and module not in WIDGET_IMPORTERS_OUTSIDE_UI
        ),
        forbids=_is_qt_widgets,
    ),
    Rule(
        "widgets call services; they never touch SQLAlchemy, SQLite or httpx",
        applies_to=lambda module: _within(module, "jeweltrak_desktop.ui"),
        forbids=_top_level_in(UI_FORBIDDEN),
    ),
    Rule(
        "sync_server never imports the desktop app",
        applies_to=lambda module: _within(module, "sync_server"),
        forbids=lambda imported: _within(imported, "jeweltrak_desktop"),
    ),
    Rule(
        "the desktop app never imports sync_server",
        applies_to=lambda module: _within(module, "jeweltrak_desktop"),
        forbids=lambda imported: _within(imported, "sync_server"),
    ),
)


def _resolve_relative(module: str, is_package: bool, level: int, name: str | None) -> str:
    package_parts = module.split(".") if is_package else module.split(".")[:-1]
    base = package_parts[: len(package_parts) - (level - 1)] if level > 1 else package_parts
    return ".".join([*base, name] if name else base)


def imported_modules(module: str, source: str, *, is_package: bool) -> Iterator[tuple[int, str]]:
    """Yield (line, absolute module name) for every import in ``source``."""
    for node in ast.walk(ast.parse(source, filename=module)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            base = (
                _resolve_relative(module, is_package, node.level, node.module)
                if node.level
                else node.module or ""
            )
            yield node.lineno, base
            # `from PySide6 import QtWidgets` imports the submodule PySide6.QtWidgets.
            for alias in node.names:
                yield node.lineno, f"{base}.{alias.name}"
        elif isinstance(node, ast.Call) and _is_dynamic_import(node):
            first = node.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                yield node.lineno, first.value


def _is_dynamic_import(call: ast.Call) -> bool:
    func = call.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
    return name in {"import_module", "__import__"} and bool(call.args)


def find_violations(module: str, source: str, *, is_package: bool = False) -> list[Violation]:
    """Every import in ``source`` (the text of ``module``) that breaks a rule."""
    rules = [rule for rule in RULES if rule.applies_to(module)]
    found: dict[tuple[int, str], Violation] = {}
    for line, imported in imported_modules(module, source, is_package=is_package):
        for rule in rules:
            if rule.forbids(imported):
                violation = Violation(module, line, imported, rule.description)
                found.setdefault((line, rule.description), violation)
    return list(found.values())


def _module_name(path: Path) -> tuple[str, bool]:
    parts = list(path.relative_to(REPO_ROOT).with_suffix("").parts)
    is_package = parts[-1] == "__init__"
    if is_package:
        parts.pop()
    return ".".join(parts), is_package


def source_files() -> list[Path]:
    return sorted(
        path
        for package in PACKAGES
        for path in (REPO_ROOT / package).rglob("*.py")
        if "__pycache__" not in path.parts
    )


def test_the_tree_follows_the_import_rules() -> None:
    files = source_files()
    assert any(path.parts[-2] == "jeweltrak_core" for path in files), "no core sources found"
    violations: list[Violation] = []
    for path in files:
        module, is_package = _module_name(path)
        source = path.read_text(encoding="utf-8")
        violations.extend(find_violations(module, source, is_package=is_package))
    assert not violations, "Import rules broken (see CONVENTIONS.md):\n" + "\n".join(
        map(str, violations)
    )


@pytest.mark.parametrize(
    ("module", "source", "is_package"),
    [
        ("jeweltrak_core.money", "import sqlalchemy.orm\n", False),
        ("jeweltrak_core.tax", "from PySide6.QtCore import QObject\n", False),
        ("jeweltrak_core", "def f():\n    import fastapi\n", True),
        ("jeweltrak_core.sync.ops", "import importlib\nimportlib.import_module('httpx')\n", False),
        ("jeweltrak_core.sync.ops", "from stripe import StripeClient\n", False),
        ("jeweltrak_core.sales", "from jeweltrak_desktop.store import db\n", False),
        ("jeweltrak_desktop.sales.service", "from PySide6 import QtWidgets\n", False),
        ("jeweltrak_desktop.workers", "from PySide6.QtWidgets import QApplication\n", False),
        ("sync_server.main", "import PySide6.QtSvgWidgets\n", False),
        ("jeweltrak_desktop.ui.invoice_view", "from sqlalchemy.orm import Session\n", False),
        (
            "jeweltrak_desktop.ui.sync_panel",
            "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import httpx\n",
            False,
        ),
        ("sync_server.sync.router", "from jeweltrak_desktop import sync\n", False),
        ("jeweltrak_desktop.sync.client", "import sync_server.sync.schemas\n", False),
        ("jeweltrak_desktop.store.backup", "__import__('PySide6.QtWidgets')\n", False),
    ],
)
def test_checker_catches_a_violation(module: str, source: str, is_package: bool) -> None:
    assert find_violations(module, source, is_package=is_package)


@pytest.mark.parametrize(
    ("module", "source"),
    [
        ("jeweltrak_core.money", "from decimal import Decimal\nfrom . import errors\n"),
        ("jeweltrak_desktop.ui.main_window", "from PySide6.QtWidgets import QMainWindow\n"),
        ("jeweltrak_desktop.app", "from PySide6.QtWidgets import QApplication\n"),
        ("jeweltrak_desktop.__main__", "from PySide6 import QtWidgets\n"),
        ("jeweltrak_desktop.workers", "from PySide6.QtCore import QObject, Signal\n"),
        ("jeweltrak_desktop.store.db", "from sqlalchemy import create_engine\n"),
        ("jeweltrak_desktop.ui.inventory_model", "from ..inventory import service\n"),
        ("sync_server.main", "from fastapi import FastAPI\nfrom jeweltrak_core import money\n"),
    ],
)
def test_checker_allows_what_the_conventions_allow(module: str, source: str) -> None:
    assert find_violations(module, source) == []


def test_relative_imports_are_resolved_against_the_package() -> None:
    imports = {
        name
        for _, name in imported_modules(
            "jeweltrak_desktop.ui.invoice_view", "from ..store import db\n", is_package=False
        )
    }
    assert imports == {"jeweltrak_desktop.store", "jeweltrak_desktop.store.db"}
    from_init = {
        name
        for _, name in imported_modules(
            "jeweltrak_desktop.ui", "from .widgets import x\n", is_package=True
        )
    }
    assert "jeweltrak_desktop.ui.widgets" in from_init
