"""The app as ``make run`` starts it, in a child process; and where it keeps its files."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from jeweltrak_desktop import config

REPO_ROOT = Path(__file__).resolve().parents[3]


def run_app(*args: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run(
        [sys.executable, "-m", "jeweltrak_desktop", "--data-dir", str(data_dir), *args],
        cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=120, check=False,
    )


def test_the_app_opens_the_demo_store_and_saves_a_screenshot(demo_db: Path, tmp_path: Path
                                                              ) -> None:
    shot = tmp_path / "shots" / "main.png"
    result = run_app("--screenshot", str(shot), data_dir=demo_db.parent)
    assert result.returncode == 0, result.stderr
    image = QImage(str(shot))
    assert not image.isNull()
    assert image.width() >= 960 and image.height() >= 640


def test_the_app_saves_one_screenshot_per_section(demo_db: Path, tmp_path: Path) -> None:
    from jeweltrak_desktop.ui.shell.registry import PAGES

    folder = tmp_path / "screens"
    result = run_app("--screens", str(folder), data_dir=demo_db.parent)
    assert result.returncode == 0, result.stderr
    expected = {"sign_in.png", *(f"{spec.key}.png" for spec in PAGES)}
    assert {p.name for p in folder.iterdir()} == expected
    for name in expected:
        image = QImage(str(folder / name))
        assert not image.isNull() and image.width() >= 1024, name


def test_the_app_quits_after_the_time_asked(demo_db: Path) -> None:
    result = run_app("--quit-after", "1.5", data_dir=demo_db.parent)
    assert result.returncode == 0, result.stderr


def test_a_store_that_cannot_be_opened_is_reported(tmp_path: Path) -> None:
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("this is a file, not a folder")
    result = run_app("--quit-after", "30", data_dir=not_a_folder)
    assert result.returncode == 1
    assert "The store could not be opened" in result.stderr


def test_the_data_dir_can_be_set_in_the_environment(monkeypatch: pytest.MonkeyPatch,
                                                    tmp_path: Path) -> None:
    monkeypatch.setenv(config.DATA_DIR_ENV, str(tmp_path / "jt"))
    assert config.data_dir() == tmp_path / "jt"
    assert config.demo_db_path() == tmp_path / "jt" / "demo.sqlite3"
    assert config.demo_db_path(tmp_path) == tmp_path / "demo.sqlite3"


@pytest.mark.skipif(sys.platform != "linux", reason="XDG data folders are a Linux rule")
def test_on_linux_the_data_dir_follows_xdg(monkeypatch: pytest.MonkeyPatch,
                                           tmp_path: Path) -> None:
    monkeypatch.delenv(config.DATA_DIR_ENV, raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert config.data_dir() == tmp_path / "xdg" / "JewelTrak"
    monkeypatch.setenv("XDG_DATA_HOME", "relative/is/ignored")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert config.data_dir() == tmp_path / "home" / ".local" / "share" / "JewelTrak"
