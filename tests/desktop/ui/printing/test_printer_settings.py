"""Settings → Printers: saved and read back, checked, and test prints that really print."""

from __future__ import annotations

import json
import socket
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from jeweltrak_desktop.hardware.printer_config import (
    PrinterConfig,
    TagPrinterConfig,
    load_printer_settings,
)
from jeweltrak_desktop.services.local_store import LocalStore
from jeweltrak_desktop.ui.context import CounterContext
from jeweltrak_desktop.ui.printing.printer_settings import PrinterSettingsWidget

pytestmark = pytest.mark.qt


@pytest.fixture
def widget(qtbot: QtBot, store: LocalStore) -> PrinterSettingsWidget:
    settings = PrinterSettingsWidget(CounterContext(store))
    qtbot.addWidget(settings)
    settings.show()
    return settings


def click(qtbot: QtBot, button: QWidget) -> None:
    QTest.mouseClick(button, Qt.MouseButton.LeftButton)


def test_settings_are_saved_and_read_back(
    qtbot: QtBot, widget: PrinterSettingsWidget, store: LocalStore, tmp_path: Path
) -> None:
    widget.receipt.set_kind("network")
    QTest.keyClicks(widget.receipt.host, "192.168.1.50")
    widget.tag.set_kind("file")
    QTest.keyClicks(widget.tag.file_path, str(tmp_path / "tags.zpl"))
    QTest.keyClicks(widget.cost_code, "blackhorse")
    assert widget.cost_code.text() == "BLACKHORSE"
    click(qtbot, widget.save_button)
    qtbot.waitUntil(lambda: widget.result.text() == "Printer settings saved.", timeout=5000)

    saved = load_printer_settings(widget.path)
    assert saved.receipt == PrinterConfig(kind="network", host="192.168.1.50", port=9100)
    assert saved.tag == TagPrinterConfig(kind="file", file_path=str(tmp_path / "tags.zpl"))
    assert saved.cost_code == "BLACKHORSE"
    assert widget.path.parent == store.path.parent

    again = PrinterSettingsWidget(CounterContext(store))
    qtbot.addWidget(again)
    assert again.receipt.current_kind() == "network"
    assert again.receipt.host.text() == "192.168.1.50" and again.receipt.port.value() == 9100
    assert again.tag.current_kind() == "file"
    assert again.tag.file_path.text() == str(tmp_path / "tags.zpl")
    assert again.cost_code.text() == "BLACKHORSE"


def test_usb_ids_are_hex(qtbot: QtBot, widget: PrinterSettingsWidget, store: LocalStore) -> None:
    widget.receipt.set_kind("usb")
    QTest.keyClicks(widget.receipt.vendor, "04B8")
    QTest.keyClicks(widget.receipt.product, "0E15")
    click(qtbot, widget.save_button)
    qtbot.waitUntil(lambda: widget.result.text() == "Printer settings saved.", timeout=5000)
    receipt = load_printer_settings(widget.path).receipt
    assert receipt is not None and (receipt.usb_vendor_id, receipt.usb_product_id) == (
        0x04B8, 0x0E15)
    again = PrinterSettingsWidget(CounterContext(store))
    qtbot.addWidget(again)
    assert (again.receipt.vendor.text(), again.receipt.product.text()) == ("04B8", "0E15")


def test_bad_settings_are_refused_with_a_reason(
    qtbot: QtBot, widget: PrinterSettingsWidget
) -> None:
    QTest.keyClicks(widget.cost_code, "MAKEMONEY")
    click(qtbot, widget.save_button)
    assert "must be exactly ten letters" in widget.result.text()
    widget.cost_code.clear()
    widget.receipt.set_kind("network")  # no address
    click(qtbot, widget.save_button)
    assert "needs its address" in widget.result.text()
    assert not widget.path.exists()


def _listen() -> tuple[int, bytearray, threading.Thread]:
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(5)
    received = bytearray()

    def serve() -> None:
        with server:
            conn, _ = server.accept()
            with conn:
                conn.settimeout(5)
                while chunk := conn.recv(65536):
                    received.extend(chunk)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    return server.getsockname()[1], received, thread


def test_test_print_sends_a_sample_tag(qtbot: QtBot, widget: PrinterSettingsWidget) -> None:
    port, received, thread = _listen()
    widget.tag.set_kind("network")
    QTest.keyClicks(widget.tag.host, "127.0.0.1")
    widget.tag.port.setValue(port)
    click(qtbot, widget.tag.test_button)
    qtbot.waitUntil(lambda: "sent" in widget.tag.result.text(), timeout=5000)
    thread.join(5)
    zpl = received.decode()
    assert zpl.startswith("^XA") and "^FDTEST1^FS" in zpl and "^FDPrinter test^FS" in zpl
    assert widget.tag.result.text() == (
        f"A test tag was sent to the tag printer at 127.0.0.1:{port}.")


def test_test_receipt_to_a_file_and_an_offline_printer(
    qtbot: QtBot, widget: PrinterSettingsWidget, tmp_path: Path
) -> None:
    target = tmp_path / "receipt.bin"
    widget.receipt.set_kind("file")
    QTest.keyClicks(widget.receipt.file_path, str(target))
    click(qtbot, widget.receipt.test_button)
    qtbot.waitUntil(lambda: "test receipt was sent" in widget.receipt.result.text(),
                    timeout=5000)
    data = target.read_bytes()
    assert data.startswith(b"\x1b@") and b"Printer test" in data

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    widget.receipt.set_kind("network")
    QTest.keyClicks(widget.receipt.host, "127.0.0.1")
    widget.receipt.port.setValue(closed)
    click(qtbot, widget.receipt.test_button)
    qtbot.waitUntil(lambda: "did not answer" in widget.receipt.result.text(), timeout=10_000)
    assert widget.receipt.test_button.isEnabled()


def test_the_file_is_plain_json(qtbot: QtBot, widget: PrinterSettingsWidget) -> None:
    widget.tag.set_kind("network")
    QTest.keyClicks(widget.tag.host, "tags.local")
    click(qtbot, widget.save_button)
    qtbot.waitUntil(lambda: widget.result.text() == "Printer settings saved.", timeout=5000)
    values = json.loads(widget.path.read_text())
    assert values["tag"] == {"kind": "network", "host": "tags.local", "port": 9100,
                             "file_path": ""}
    assert values["receipt"] is None and values["cost_code"] is None
