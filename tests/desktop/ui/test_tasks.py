"""run_op: work runs on the worker, answers come back on the UI thread, errors are shown."""

from __future__ import annotations

import threading
import time
from functools import partial

import pytest
import shiboken6
from PySide6.QtCore import QThread
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from jeweltrak_core.errors import JewelTrakError, NotFound
from jeweltrak_desktop.ui import tasks
from jeweltrak_desktop.ui.tasks import error_message, run_op, wait_for_idle

pytestmark = pytest.mark.qt


def ui_thread() -> QThread:
    app = QApplication.instance()
    assert app is not None
    return app.thread()


def test_the_result_comes_back_on_the_ui_thread(qtbot: QtBot) -> None:
    ran_on: list[QThread] = []
    answered_on: list[QThread] = []
    results: list[int] = []

    def work() -> int:
        ran_on.append(QThread.currentThread())
        return 6 * 7

    def answer(result: int) -> None:
        answered_on.append(QThread.currentThread())
        results.append(result)

    run_op(work).success(answer)
    qtbot.waitUntil(lambda: results == [42])
    assert ran_on[0] is not ui_thread()
    assert answered_on == [ui_thread()]


def test_a_failure_delivers_the_exception_and_its_message(qtbot: QtBot) -> None:
    failures: list[BaseException] = []

    def work() -> None:
        raise NotFound("No piece has StockID “X1”.")

    run_op(work).success(lambda _r: pytest.fail("must not succeed")).failure(failures.append)
    qtbot.waitUntil(lambda: len(failures) == 1)
    assert isinstance(failures[0], NotFound)
    assert error_message(failures[0]) == "No piece has StockID “X1”."


def test_without_a_failure_callback_the_message_is_shown(qtbot: QtBot) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    parent.show()

    def work() -> None:
        raise JewelTrakError("The drawer is closed; open it first.")

    run_op(work, parent=parent)

    def shown_box() -> QMessageBox | None:
        box = parent.findChild(QMessageBox)
        return box if box is not None and box.isVisible() else None

    qtbot.waitUntil(lambda: shown_box() is not None)
    box = shown_box()
    assert box is not None
    assert box.text() == "The drawer is closed; open it first."
    box.close()


def test_an_unexpected_error_is_described_not_hidden() -> None:
    assert error_message(RuntimeError("disk I/O error")) == (
        "Something went wrong: disk I/O error. The details are in the log.")
    assert error_message(KeyError()) == (
        "Something went wrong: KeyError. The details are in the log.")


def test_work_runs_one_job_at_a_time_in_order(qtbot: QtBot) -> None:
    running = 0
    most_at_once = 0
    results: list[int] = []
    lock = threading.Lock()

    def job(n: int) -> int:
        nonlocal running, most_at_once
        with lock:
            running += 1
            most_at_once = max(most_at_once, running)
        time.sleep(0.02)
        with lock:
            running -= 1
        return n

    for n in range(5):
        run_op(partial(job, n)).success(results.append)
    qtbot.waitUntil(lambda: len(results) == 5)
    assert results == [0, 1, 2, 3, 4]
    assert most_at_once == 1


def test_nothing_is_delivered_to_a_window_that_was_closed(qtbot: QtBot) -> None:
    parent = QWidget()
    release = threading.Event()
    delivered: list[object] = []
    run_op(lambda: release.wait(5), parent=parent).success(delivered.append)
    shiboken6.delete(parent)
    release.set()
    assert wait_for_idle(5000)
    qtbot.wait(50)  # let the queued answer arrive, if it were going to
    assert delivered == []


def test_a_delivered_op_is_released(qtbot: QtBot) -> None:
    results: list[int] = []
    run_op(lambda: 1).success(results.append)
    qtbot.waitUntil(lambda: results == [1])
    qtbot.waitUntil(lambda: not tasks._in_flight)
