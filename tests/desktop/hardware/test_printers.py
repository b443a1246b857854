"""The receipt printer interface: configuration, delivery over a loopback socket and to a
file, and every failure turned into a PrinterError a clerk can act on, quickly."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from escpos.printer import Dummy, Usb  # type: ignore[import-untyped]

from jeweltrak_core.errors import JewelTrakError, ValidationError
from jeweltrak_core.store.entities import Store
from jeweltrak_desktop.hardware.errors import PrinterError
from jeweltrak_desktop.hardware.escpos_receipt import render_receipt
from jeweltrak_desktop.hardware.printers import PrinterConfig, open_receipt_printer

from .conftest import LoopbackPrinter, card, cash, make_invoice, piece_line
from .test_escpos_receipt import DRAWER_PIN_2, EXPECTED_CASH_RECEIPT, FEED_6, FULL_CUT

#: Short enough to keep the suite fast, long enough for a loopback round trip.
TIMEOUT_S = 0.3
#: A failure must be reported within this long (timeout plus generous slack).
REPORTED_WITHIN_S = 2.0

SALE_SAVED = "The sale is saved; reprint from the invoice."


def network(port: int, **kw: Any) -> PrinterConfig:
    return PrinterConfig(kind="network", host="127.0.0.1", port=port, timeout_s=TIMEOUT_S, **kw)


def print_cash_sale(config: PrinterConfig, shop: Store, sale_time: datetime) -> None:
    """The cash sale whose bytes EXPECTED_CASH_RECEIPT spells out."""
    invoice = make_invoice([piece_line("D100001 14K yellow gold solitaire ring", 300_000)])
    with open_receipt_printer(config) as printer:
        printer.print_receipt(
            shop,
            invoice,
            [cash(321_000, change_cents=9_000)],
            salesperson="Maria Lopez",
            customer_name="García, Ana",
            now_local=sale_time,
        )


def assert_quick_printer_error(
    action: Callable[..., object], *args: Any, **kwargs: Any
) -> PrinterError:
    """``action`` raises PrinterError (nothing rawer) within REPORTED_WITHIN_S."""
    started = time.monotonic()
    with pytest.raises(JewelTrakError) as info:
        action(*args, **kwargs)
    assert time.monotonic() - started < REPORTED_WITHIN_S
    assert type(info.value) is PrinterError
    assert info.value.code == "printer_unavailable"
    return info.value


# --- configuration ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"kind": "serial"}, "network, USB or file"),
        ({"kind": "network"}, "needs its address"),
        ({"kind": "network", "host": "192.168.1.50", "port": 0}, "between 1 and 65535"),
        ({"kind": "network", "host": "192.168.1.50", "port": "9100"}, "between 1 and 65535"),
        ({"kind": "usb", "usb_vendor_id": 0x04B8}, "vendor and product IDs"),
        ({"kind": "file", "file_path": "  "}, "file the receipts"),
        ({"kind": "file", "file_path": "r.bin", "timeout_s": 0}, "between 0 and 60"),
        ({"kind": "file", "file_path": "r.bin", "drawer_pin": 3}, "pin 2 or pin 5"),
        ({"kind": "file", "file_path": "r.bin", "columns": 300}, "between 24 and 80"),
        ({"kind": "file", "file_path": "r.bin", "check_status": True}, "network printer"),
    ],
)
def test_unusable_configurations_are_refused_with_a_sentence(
    fields: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        PrinterConfig(**fields)


def test_configuration_round_trips_through_settings_values() -> None:
    config = PrinterConfig(kind="usb", usb_vendor_id=0x04B8, usb_product_id=0x0E15, drawer_pin=5)
    values = config.to_settings()
    assert values["usb_vendor_id"] == 0x04B8
    assert PrinterConfig.from_settings({**values, "added_in_a_later_version": 1}) == config
    assert config.label == "receipt printer on USB (04B8:0E15)"
    with pytest.raises(ValidationError, match="not set up"):
        PrinterConfig.from_settings({})


# --- delivery ---------------------------------------------------------------------------


def test_receipt_and_drawer_pulse_arrive_intact_over_the_network(
    loopback_printer: LoopbackPrinter, shop: Store, sale_time: datetime
) -> None:
    print_cash_sale(network(loopback_printer.port), shop, sale_time)

    assert loopback_printer.wait() == EXPECTED_CASH_RECEIPT + DRAWER_PIN_2


def test_card_only_receipt_does_not_open_the_drawer(
    loopback_printer: LoopbackPrinter, shop: Store, sale_time: datetime
) -> None:
    invoice = make_invoice([piece_line("D100001 Ring", 100_000)])
    printer = open_receipt_printer(network(loopback_printer.port))
    printer.print_receipt(
        shop,
        invoice,
        [card(107_000)],
        salesperson=None,
        customer_name=None,
        now_local=sale_time,
    )
    expected = Dummy()
    render_receipt(
        expected,
        shop,
        invoice,
        [card(107_000)],
        salesperson=None,
        customer_name=None,
        now_local=sale_time,
    )
    received = loopback_printer.wait()
    assert received == expected.output
    assert received.endswith(FEED_6 + FULL_CUT)
    assert b"\x1bp" not in received


def test_receipt_job_to_a_file_is_the_receipt_then_the_drawer_pulse(
    tmp_path: Path, shop: Store, sale_time: datetime
) -> None:
    target = tmp_path / "receipt.bin"
    print_cash_sale(PrinterConfig(kind="file", file_path=str(target)), shop, sale_time)
    assert target.read_bytes() == EXPECTED_CASH_RECEIPT + DRAWER_PIN_2


def test_kick_drawer_sends_only_the_pulse_on_the_configured_pin(
    tmp_path: Path, loopback_printer: LoopbackPrinter
) -> None:
    open_receipt_printer(network(loopback_printer.port)).kick_drawer()
    assert loopback_printer.wait() == b"\x1bp\x00\x32\x32"

    target = tmp_path / "drawer.bin"
    config = PrinterConfig(kind="file", file_path=str(target), drawer_pin=5)
    open_receipt_printer(config).kick_drawer()
    assert target.read_bytes() == b"\x1bp\x01\x32\x32"


# --- failures ---------------------------------------------------------------------------


def test_refused_connection_is_a_printer_error_with_the_clerk_sentence(
    closed_port: int, shop: Store, sale_time: datetime
) -> None:
    error = assert_quick_printer_error(print_cash_sale, network(closed_port), shop, sale_time)
    assert error.message == (
        f"The receipt printer at 127.0.0.1:{closed_port} did not answer. {SALE_SAVED}"
    )
    assert error.details["reason"] == "refused"


def test_printer_that_never_answers_the_connection_times_out_quickly(
    unresponsive_port: int, shop: Store, sale_time: datetime
) -> None:
    error = assert_quick_printer_error(print_cash_sale, network(unresponsive_port), shop, sale_time)
    assert error.message == (
        f"The receipt printer at 127.0.0.1:{unresponsive_port} did not answer. {SALE_SAVED}"
    )
    assert error.details["reason"] == "timeout"


def test_drawer_failure_tells_the_clerk_to_use_the_key(closed_port: int) -> None:
    printer = open_receipt_printer(network(closed_port))
    error = assert_quick_printer_error(printer.kick_drawer)
    assert error.message == (
        f"The receipt printer at 127.0.0.1:{closed_port} did not answer. "
        "Open the cash drawer with its key."
    )


def test_status_check_catches_a_printer_that_accepts_but_never_answers(
    silent_printer: int, shop: Store, sale_time: datetime
) -> None:
    config = network(silent_printer, check_status=True)
    error = assert_quick_printer_error(print_cash_sale, config, shop, sale_time)
    assert error.message == (
        f"The receipt printer at 127.0.0.1:{silent_printer} did not answer. {SALE_SAVED}"
    )


def test_status_check_prints_when_the_printer_is_online(shop: Store, sale_time: datetime) -> None:
    # DLE EOT 1 → 0x16: fixed bits 1 and 4 set, bit 3 (offline) clear.
    printer = LoopbackPrinter(answers={b"\x10\x04\x01": b"\x16"})
    print_cash_sale(network(printer.port, check_status=True), shop, sale_time)
    assert printer.wait() == b"\x10\x04\x01" + EXPECTED_CASH_RECEIPT + DRAWER_PIN_2


@pytest.mark.parametrize(
    ("cause", "says", "reason"),
    [
        (b"\x32", "is out of paper. Load a new roll.", "paper_out"),  # bit 5: paper end
        (b"\x16", "has its cover open. Close it.", "cover_open"),  # bit 2: cover open
        (b"\x12", "is offline. Check it for a paper jam or an error light.", "offline"),
    ],
)
def test_status_check_says_why_an_offline_printer_cannot_print(
    shop: Store, sale_time: datetime, cause: bytes, says: str, reason: str
) -> None:
    # DLE EOT 1 → 0x1A: bit 3 set, offline; DLE EOT 2 → the offline cause.
    printer = LoopbackPrinter(answers={b"\x10\x04\x01": b"\x1a", b"\x10\x04\x02": cause})
    config = network(printer.port, check_status=True)
    error = assert_quick_printer_error(print_cash_sale, config, shop, sale_time)
    assert error.message == f"The receipt printer at 127.0.0.1:{printer.port} {says} {SALE_SAVED}"
    assert error.details["reason"] == reason
    assert printer.wait() == b"\x10\x04\x01\x10\x04\x02", "nothing is printed on an offline printer"


def test_unwritable_file_is_a_printer_error(
    tmp_path: Path, shop: Store, sale_time: datetime
) -> None:
    missing = tmp_path / "no-such-folder" / "receipt.bin"
    error = assert_quick_printer_error(
        print_cash_sale, PrinterConfig(kind="file", file_path=str(missing)), shop, sale_time
    )
    assert error.message == (
        f"The receipt printer file “{missing}” could not be written "
        f"(No such file or directory). {SALE_SAVED}"
    )
    assert error.details["reason"] == "unwritable"

    error = assert_quick_printer_error(
        print_cash_sale, PrinterConfig(kind="file", file_path=str(tmp_path)), shop, sale_time
    )
    assert "(Is a directory)" in error.message


@pytest.mark.skipif(Usb.is_usable(), reason="pyusb is installed; covered on real hardware")
def test_usb_printer_without_usb_support_is_a_printer_error(
    shop: Store, sale_time: datetime
) -> None:
    config = PrinterConfig(kind="usb", usb_vendor_id=0x04B8, usb_product_id=0x0E15)
    error = assert_quick_printer_error(print_cash_sale, config, shop, sale_time)
    assert error.message.startswith("USB receipt printers cannot be used on this workstation")
    assert error.message.endswith(SALE_SAVED)
    assert error.details["reason"] == "usb_unavailable"


def test_close_is_safe_to_repeat(tmp_path: Path) -> None:
    printer = open_receipt_printer(PrinterConfig(kind="file", file_path=str(tmp_path / "r.bin")))
    printer.close()
    printer.close()
    printer.kick_drawer()  # each job opens its own connection, even after close()
    assert (tmp_path / "r.bin").read_bytes() == DRAWER_PIN_2
