"""First run: the demo choice, the form's checks, and pairing with the real sync service."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from jeweltrak_desktop.services.local_store import LocalStore
from jeweltrak_desktop.sync.pairing import local_pairing
from jeweltrak_desktop.ui.shell.first_run import DEMO, PAIR, FirstRunDialog
from tests.desktop.pairing.conftest import MemoryKeychain, Owner, open_business

pytestmark = pytest.mark.qt


@pytest.fixture
def dialog(qtbot: QtBot, tmp_path: Path) -> FirstRunDialog:
    shown = FirstRunDialog(tmp_path / "data" / "demo.sqlite3", label="Counter 1")
    qtbot.addWidget(shown)
    shown.open()
    return shown


def fill(qtbot: QtBot, dialog: FirstRunDialog, url: str, email: str, password: str) -> None:
    for field, text in ((dialog.url_field, url), (dialog.email_field, email),
                        (dialog.password_field, password)):
        field.clear()
        qtbot.keyClicks(field, text)


def pair(qtbot: QtBot, dialog: FirstRunDialog) -> None:
    with qtbot.waitSignal(dialog.attempt_finished, timeout=30_000):
        qtbot.mouseClick(dialog.pair_button, Qt.MouseButton.LeftButton)


def test_the_demo_choice(qtbot: QtBot, dialog: FirstRunDialog) -> None:
    with qtbot.waitSignal(dialog.accepted):
        qtbot.mouseClick(dialog.demo_button, Qt.MouseButton.LeftButton)
    assert dialog.choice == DEMO


def test_missing_fields_are_named(qtbot: QtBot, dialog: FirstRunDialog) -> None:
    pair(qtbot, dialog)
    assert dialog.message.text() == (
        "Type the server address, your e-mail, your password first.")
    qtbot.keyClicks(dialog.url_field, "https://sync.example.com")
    pair(qtbot, dialog)
    assert dialog.message.text() == "Type your e-mail, your password first."
    assert dialog.isVisible() and dialog.choice is None


def test_plain_http_to_another_computer_is_refused(qtbot: QtBot, dialog: FirstRunDialog) -> None:
    fill(qtbot, dialog, "http://sync.example.com", "ada@example.com", "secret")
    pair(qtbot, dialog)
    assert "encrypted connection" in dialog.message.text()
    assert dialog.choice is None


def test_a_server_nobody_answers_is_said(qtbot: QtBot, dialog: FirstRunDialog) -> None:
    fill(qtbot, dialog, "http://127.0.0.1:9", "ada@example.com", "secret")
    pair(qtbot, dialog)
    assert dialog.message.text()
    assert dialog.choice is None and dialog.pair_button.isEnabled()


def test_pairing_with_the_sync_service(qtbot: QtBot, tmp_path: Path, service_url: str,
                                       keychain: MemoryKeychain) -> None:
    business: Owner = open_business(service_url, store_codes=("MAIN", "EAST"))
    database = tmp_path / "data" / "demo.sqlite3"
    dialog = FirstRunDialog(database, label="Counter 1")
    qtbot.addWidget(dialog)
    dialog.open()
    fill(qtbot, dialog, service_url, business.email, "not the password")
    pair(qtbot, dialog)
    assert "not right" in dialog.message.text()
    dialog.password_field.clear()
    qtbot.keyClicks(dialog.password_field, business.password)
    pair(qtbot, dialog)  # two stores: the dialog offers them
    assert "several stores" in dialog.message.text()
    east = next(s for s in business.stores if s["code"] == "EAST")
    choices = [dialog.store_choice.itemText(i) for i in range(dialog.store_choice.count())]
    assert sorted(choices) == ["EAST – Ada Jewelers EAST", "MAIN – Ada Jewelers MAIN"]
    dialog.store_choice.setCurrentIndex(choices.index("EAST – Ada Jewelers EAST"))
    with qtbot.waitSignal(dialog.accepted, timeout=30_000):
        qtbot.mouseClick(dialog.pair_button, Qt.MouseButton.LeftButton)
    assert dialog.choice == PAIR
    assert dialog.pairing is not None and str(dialog.pairing.store.id) == east["id"]
    recorded = local_pairing(database)
    assert recorded is not None and recorded.paired and recorded.store_code == "EAST"
    local = LocalStore(database)
    try:
        assert local.is_set_up and local.identity.store_code == "EAST"
    finally:
        local.close()
