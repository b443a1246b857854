"""The print preview renders a real receipt PDF to page images, prints and saves it."""

from __future__ import annotations

from collections.abc import Iterator
from io import BytesIO
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from jeweltrak_core.contacts.entities import Contact
from jeweltrak_core.inventory.entities import Piece
from jeweltrak_desktop.services import payments, printing, sales
from jeweltrak_desktop.services.local_store import LocalStore
from jeweltrak_desktop.ui.printing.preview import PdfPreviewDialog, show_pdf_preview

pytestmark = pytest.mark.qt


@pytest.fixture
def receipt(store: LocalStore, three_pieces: list[Piece], customer: Contact) -> bytes:
    invoice = sales.new_invoice(store, contact_id=customer.id)
    for piece in three_pieces[:2]:
        invoice = sales.add_piece(store, invoice.id, piece.stock_id)
    invoice = sales.finalize_invoice(store, invoice.id)
    payments.take_cash(store, invoice.id, invoice.balance_cents)
    return printing.receipt_pdf(store, invoice.id, letter=True)


@pytest.fixture
def preview(qtbot: QtBot, receipt: bytes) -> Iterator[PdfPreviewDialog]:
    parent = QWidget()  # held until the test ends: the dialog closes with its window
    qtbot.addWidget(parent)
    dialog = show_pdf_preview(parent, receipt, "Invoice DA-1001")
    qtbot.waitUntil(lambda: dialog.is_rendered, timeout=20_000)
    yield dialog
    parent.close()


def test_pages_are_rendered_as_images(preview: PdfPreviewDialog, receipt: bytes) -> None:
    pages = len(PdfReader(BytesIO(receipt)).pages)
    assert len(preview.page_labels) == len(preview.pages) == pages
    image = preview.pages[0]
    # Letter at 150 dpi, and not a blank page: some pixels are dark (the text).
    assert (image.width(), image.height()) == (1275, 1650)
    dark = sum(1 for x in range(0, image.width(), 7) for y in range(0, image.height(), 7)
               if image.pixelColor(x, y).lightness() < 100)
    assert dark > 200
    assert preview.page_labels[0].pixmap().width() <= 820
    assert preview.print_button.isEnabled()


def test_save_pdf_writes_the_same_bytes(
    preview: PdfPreviewDialog, receipt: bytes, tmp_path: Path
) -> None:
    target = tmp_path / "invoice.pdf"
    preview.save_to(target)
    assert target.read_bytes() == receipt


def test_print_puts_every_page_on_the_printer(
    preview: PdfPreviewDialog, tmp_path: Path
) -> None:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    out = tmp_path / "printed.pdf"
    printer.setOutputFileName(str(out))
    preview.print_to(printer)
    assert len(PdfReader(out).pages) == len(preview.pages)


def test_a_damaged_pdf_says_so(qtbot: QtBot) -> None:
    dialog = show_pdf_preview(None, b"%PDF-1.4 this is not a pdf", "Broken")
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: "could not be shown" in dialog.status.text(), timeout=20_000)
    assert not dialog.print_button.isEnabled()
    assert dialog.save_button.isEnabled()
