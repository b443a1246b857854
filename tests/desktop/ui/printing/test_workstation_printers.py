"""Printing on the printers saved in Settings → Printers (``printers.json``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from jeweltrak_core.contacts.entities import Contact
from jeweltrak_core.errors import ValidationError
from jeweltrak_core.inventory.entities import Piece
from jeweltrak_desktop.hardware.printer_config import (
    PrinterConfig,
    PrinterSettings,
    printer_settings_path,
    save_printer_settings,
)
from jeweltrak_desktop.services import payments, printing, sales
from jeweltrak_desktop.services.local_store import LocalStore


def test_receipt_goes_to_the_saved_receipt_printer(
    store: LocalStore, three_pieces: list[Piece], customer: Contact, tmp_path: Path
) -> None:
    invoice = sales.new_invoice(store, contact_id=customer.id)
    invoice = sales.add_piece(store, invoice.id, three_pieces[0].stock_id)
    invoice = sales.finalize_invoice(store, invoice.id)
    payments.take_cash(store, invoice.id, invoice.balance_cents)
    with pytest.raises(ValidationError, match="No receipt printer is set up"):
        printing.print_receipt_here(store, invoice.id)

    target = tmp_path / "receipt.bin"
    save_printer_settings(printer_settings_path(store.path),
                          PrinterSettings(receipt=PrinterConfig(kind="file",
                                                                file_path=str(target))))
    said = printing.print_receipt_here(store, invoice.id)
    assert said == f"The receipt was sent to the receipt printer file “{target}”."
    data = target.read_bytes()
    assert invoice.number.encode() in data and three_pieces[0].stock_id.encode() in data
    assert b"\x1dV" in data  # the paper is cut
