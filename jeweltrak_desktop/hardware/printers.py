"""The project's receipt-printer interface over python-escpos: USB, network (port 9100) or file.

Each job (a receipt, a drawer kick) opens its own connection and closes it at the end:
a network printer on port 9100 serves one connection at a time, so a workstation that held
its connection open would lock the other workstations of the store out of the printer.

Every failure (refused, timed out, unknown USB device, unwritable file, printer offline)
is raised as one ``PrinterError`` with a sentence the clerk can act on; socket, USB and
python-escpos exceptions never leave this module.

A network printer that accepts the connection but has stopped printing (jammed, out of
paper) cannot be told apart from one that printed: a receipt fits in the socket buffers.
``PrinterConfig.check_status`` asks the printer (DLE EOT) before each job to catch that.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from types import TracebackType
from typing import Any

from escpos.exceptions import DeviceNotFoundError  # type: ignore[import-untyped]
from escpos.exceptions import Error as EscposError
from escpos.printer import File, Network, Usb  # type: ignore[import-untyped]

from jeweltrak_core.errors import ValidationError
from jeweltrak_core.payments.entities import Payment
from jeweltrak_core.sales.entities import Invoice
from jeweltrak_core.store.entities import Store
from jeweltrak_desktop.hardware.errors import (
    DRAWER_ADVICE,
    RECEIPT_ADVICE,
    PrinterError,
    no_answer,
)
from jeweltrak_desktop.hardware.escpos_receipt import receipt_needs_drawer, render_receipt
from jeweltrak_desktop.hardware.printer_config import PrinterConfig

__all__ = ["PrinterConfig", "PrinterError", "ReceiptPrinter", "open_receipt_printer"]

#: Real-time status requests (DLE EOT n) and the bits of the answers we act on.
_STATUS_PRINTER = b"\x10\x04\x01"
_STATUS_OFFLINE_CAUSE = b"\x10\x04\x02"
_OFFLINE_BIT = 0x08
_COVER_OPEN_BIT = 0x04
_PAPER_END_BIT = 0x20

#: Failures a device can raise while opening, writing or closing.
_DEVICE_ERRORS: tuple[type[BaseException], ...] = (OSError, EscposError)


class _NetworkDevice(Network):  # type: ignore[misc]
    """python-escpos's Network printer, connecting with ``socket.create_connection``.

    Network.open leaves the socket of a failed connect unclosed and hides the socket error
    behind DeviceNotFoundError; create_connection closes it and raises the error itself.
    """

    def open(self, raise_not_found: bool = True) -> None:
        if self._device:
            self.close()
        self.device = socket.create_connection((self.host, self.port), timeout=self.timeout)


class ReceiptPrinter:
    """An ESC/POS receipt printer with its cash drawer; each method is one job."""

    def __init__(self, config: PrinterConfig) -> None:
        self._config = config
        self._device: Any = None

    @property
    def config(self) -> PrinterConfig:
        """Where the printer is."""
        return self._config

    def print_receipt(
        self,
        store: Store,
        invoice: Invoice,
        payments: Sequence[Payment],
        *,
        salesperson: str | None,
        customer_name: str | None,
        now_local: datetime,
    ) -> None:
        """Print the invoice's receipt and cut; kick the drawer when cash changed hands."""
        with self._job(RECEIPT_ADVICE) as device:
            render_receipt(
                device,
                store,
                invoice,
                payments,
                salesperson=salesperson,
                customer_name=customer_name,
                now_local=now_local,
                columns=self._config.columns,
            )
            if receipt_needs_drawer(payments):
                device.cashdraw(self._config.drawer_pin)

    def kick_drawer(self) -> None:
        """Open the cash drawer wired to the printer (ESC p pulse)."""
        with self._job(DRAWER_ADVICE) as device:
            device.cashdraw(self._config.drawer_pin)

    def close(self) -> None:
        """End a job still running in another thread (e.g. when the app quits).

        Jobs close their own connection when they finish; this is safe to call at any time.
        """
        device, self._device = self._device, None
        if device is not None:
            with self._errors(RECEIPT_ADVICE):
                device.close()

    def __enter__(self) -> ReceiptPrinter:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # --- one job: connect, (check status), write, close ----------------------------------

    @contextmanager
    def _job(self, advice: str) -> Iterator[Any]:
        """Open the device, yield it for writing, close it; failures become PrinterError."""
        with self._errors(advice):
            device = self._open(advice)
            self._device = device
            try:
                if self._config.check_status:
                    self._check_ready(device, advice)
                yield device
            finally:
                self._device = None
                device.close()

    @contextmanager
    def _errors(self, advice: str) -> Iterator[None]:
        """Translate socket/USB/file/python-escpos failures into one PrinterError."""
        try:
            yield
        except PrinterError:
            raise
        except _DEVICE_ERRORS as exc:
            raise self._failure(exc, advice) from exc

    def _open(self, advice: str) -> Any:
        """A connected python-escpos device for this configuration."""
        config = self._config
        device: Any
        if config.kind == "network":
            device = _NetworkDevice(host=config.host, port=config.port, timeout=config.timeout_s)
        elif config.kind == "file":
            device = File(devfile=config.file_path)
        else:
            return self._open_usb(advice)
        device.open()
        return device

    def _open_usb(self, advice: str) -> Any:
        """The USB printer; without pyusb or a libusb backend, a PrinterError saying so."""
        config = self._config
        unavailable = PrinterError(
            "USB receipt printers cannot be used on this workstation (its USB support is not "
            f"installed). Connect the printer by network, or ask for support. {advice}",
            reason="usb_unavailable",
            printer=config.label,
        )
        if not Usb.is_usable():
            raise unavailable
        device = Usb(
            idVendor=config.usb_vendor_id,
            idProduct=config.usb_product_id,
            timeout=int(config.timeout_s * 1000),
        )
        try:
            device.open()
        except ValueError as exc:
            # pyusb's NoBackendError (a ValueError): pyusb is there but libusb is not.
            raise unavailable from exc
        return device

    def _failure(self, exc: BaseException, advice: str) -> PrinterError:
        """The clerk sentence for a failed open/write/close."""
        config = self._config
        # python-escpos raises DeviceNotFoundError from inside ``except OSError``: the
        # socket or file error it replaced is the cause worth reporting.
        cause = exc.__context__ if isinstance(exc, DeviceNotFoundError) else exc
        if config.kind == "network":
            return no_answer(config.label, cause, advice)
        if config.kind == "file":
            why = cause.strerror if isinstance(cause, OSError) and cause.strerror else "error"
            return PrinterError(
                f"The {config.label} could not be written ({why}). {advice}",
                reason="unwritable",
                printer=config.label,
            )
        if isinstance(exc, DeviceNotFoundError):
            return PrinterError(
                f"The {config.label} is not connected. Check its cable and power. {advice}",
                reason="not_found",
                printer=config.label,
            )
        return PrinterError(
            f"The {config.label} did not answer. {advice}", reason="failed", printer=config.label
        )

    def _check_ready(self, device: Any, advice: str) -> None:
        """Ask a network printer whether it is online; say why not when it is offline."""
        sock: socket.socket = device.device
        status = _ask_status(sock, _STATUS_PRINTER)
        if status is None:
            raise no_answer(self._config.label, TimeoutError(), advice)
        if not status & _OFFLINE_BIT:
            return
        cause = _ask_status(sock, _STATUS_OFFLINE_CAUSE) or 0
        if cause & _PAPER_END_BIT:
            problem, reason = "is out of paper. Load a new roll", "paper_out"
        elif cause & _COVER_OPEN_BIT:
            problem, reason = "has its cover open. Close it", "cover_open"
        else:
            problem, reason = "is offline. Check it for a paper jam or an error light", "offline"
        raise PrinterError(
            f"The {self._config.label} {problem}. {advice}",
            reason=reason,
            printer=self._config.label,
        )


def _ask_status(sock: socket.socket, request: bytes) -> int | None:
    """Send one DLE EOT request and read its one-byte answer (None: no answer in time)."""
    sock.sendall(request)
    try:
        answer = sock.recv(1)
    except TimeoutError:
        return None
    return answer[0] if answer else None


def open_receipt_printer(config: PrinterConfig) -> ReceiptPrinter:
    """The receipt printer described by ``config``; jobs connect when they run."""
    if not isinstance(config, PrinterConfig):
        raise ValidationError("The receipt printer is not set up yet.", field="printer")
    return ReceiptPrinter(config)
