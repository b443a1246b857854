"""Printing from the local store: PDFs, ESC/POS to a loopback printer, tags."""

from __future__ import annotations

import socket
import threading
from io import BytesIO

import pytest
from pypdf import PdfReader

from jeweltrak_core.contacts.entities import Contact
from jeweltrak_core.inventory.entities import Piece
from jeweltrak_core.sales.entities import Invoice
from jeweltrak_desktop.hardware.errors import PrinterError
from jeweltrak_desktop.hardware.printer_config import PrinterConfig
from jeweltrak_desktop.services import payments, printing, sales
from jeweltrak_desktop.services.local_store import LocalStore


def _sale(store: LocalStore, piece: Piece, customer: Contact) -> Invoice:
    invoice = sales.new_invoice(store, contact_id=customer.id)
    invoice = sales.add_piece(store, invoice.id, piece.stock_id)
    invoice = sales.finalize_invoice(store, invoice.id)
    payments.take_cash(store, invoice.id, invoice.balance_cents + 2_000)
    return invoice


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages)


def test_receipt_and_invoice_pdfs_show_the_sale(
    store: LocalStore, three_pieces: list[Piece], customer: Contact
) -> None:
    invoice = _sale(store, three_pieces[0], customer)
    for letter in (False, True):
        text = _text(printing.receipt_pdf(store, invoice.id, letter=letter))
        assert invoice.number in text
        assert three_pieces[0].stock_id in text
        assert "García" in text


def _listener() -> tuple[socket.socket, list[bytes], threading.Thread]:
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(5)
    received: list[bytes] = []

    def serve() -> None:
        conn, _ = server.accept()
        with conn:
            conn.settimeout(5)
            while chunk := conn.recv(65536):
                received.append(chunk)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    return server, received, thread


def test_escpos_receipt_reaches_the_printer_and_kicks_the_drawer_on_cash(
    store: LocalStore, three_pieces: list[Piece], customer: Contact
) -> None:
    invoice = _sale(store, three_pieces[1], customer)
    server, received, thread = _listener()
    try:
        config = PrinterConfig(kind="network", host="127.0.0.1", port=server.getsockname()[1],
                               timeout_s=3.0)
        printing.print_receipt(store, invoice.id, config)
        thread.join(5)
    finally:
        server.close()
    data = b"".join(received)
    assert invoice.number.encode() in data
    assert b"\x1bp" in data  # ESC p: the drawer pulse, because cash was taken
    assert b"\x1dV" in data  # GS V: the cut


def test_an_offline_printer_is_a_clear_error_and_the_sale_stands(
    store: LocalStore, three_pieces: list[Piece], customer: Contact
) -> None:
    invoice = _sale(store, three_pieces[2], customer)
    closed = socket.create_server(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()
    config = PrinterConfig(kind="network", host="127.0.0.1", port=port, timeout_s=1.0)
    with pytest.raises(PrinterError, match="saved"):
        printing.print_receipt(store, invoice.id, config)
    assert sales.get_invoice(store, invoice.id).status.value == "finalized"


def test_tags_for_chosen_pieces(store: LocalStore, three_pieces: list[Piece]) -> None:
    zpl = printing.tags_zpl(store, [p.id for p in three_pieces])
    assert zpl.count("^XA") == 3
    for piece in three_pieces:
        assert piece.stock_id in zpl
