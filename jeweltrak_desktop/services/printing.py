"""What the counter prints, from the local store: receipt/invoice PDFs, ESC/POS receipts
(with the drawer kick on cash), and barbell tags. Widgets call these; printers never
touch the sale: a printer failure raises ``PrinterError`` after the sale is saved."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from jeweltrak_core.clock import utc_now
from jeweltrak_core.contacts.entities import Contact
from jeweltrak_core.errors import NotFound
from jeweltrak_core.inventory.entities import Piece
from jeweltrak_core.payments.entities import Payment
from jeweltrak_core.sales.entities import Invoice
from jeweltrak_core.store.entities import Store, User
from jeweltrak_desktop.documents.context import DocumentContext
from jeweltrak_desktop.documents.receipt import render_invoice, render_receipt
from jeweltrak_desktop.hardware.printer_config import PrinterConfig
from jeweltrak_desktop.hardware.printers import open_receipt_printer
from jeweltrak_desktop.hardware.zpl import batch_zpl, send_zpl
from jeweltrak_desktop.services.local_store import LocalStore
from jeweltrak_desktop.store.repository import SqliteRepository


@dataclass(frozen=True)
class SaleRecord:
    """Everything a receipt shows, read in one snapshot."""

    store: Store
    invoice: Invoice
    payments: list[Payment]
    customer: Contact | None
    salesperson: str
    pieces: dict[UUID, Piece]


def sale_record(store: LocalStore, invoice_id: UUID) -> SaleRecord:
    """The invoice with its payments, customer, salesperson name and pieces."""
    with store.reader() as repo:
        invoice = repo.get(Invoice, invoice_id)
        if invoice is None:
            raise NotFound("That invoice was not found.")
        settings = _store(repo, store)
        customer = repo.get(Contact, invoice.contact_id) if invoice.contact_id else None
        user = repo.get(User, invoice.salesperson_id) if invoice.salesperson_id else None
        pieces = {line.piece_id: piece for line in invoice.lines if line.piece_id
                  if (piece := repo.get(Piece, line.piece_id)) is not None}
        return SaleRecord(store=settings, invoice=invoice,
                          payments=repo.payments_for(invoice_id=invoice_id),
                          customer=customer, salesperson=user.name if user else "",
                          pieces=pieces)


def _store(repo: SqliteRepository, store: LocalStore) -> Store:
    settings = repo.get(Store, store.identity.store_id)
    if settings is None:
        raise NotFound("This workstation has no store settings yet.")
    return settings


def receipt_pdf(store: LocalStore, invoice_id: UUID, *, letter: bool = False) -> bytes:
    """The 80 mm receipt (or the letter invoice) as PDF bytes, to preview, save or email."""
    sale = sale_record(store, invoice_id)
    render = render_invoice if letter else render_receipt
    return render(sale.invoice, ctx=DocumentContext.for_store(sale.store),
                  customer=sale.customer, salesperson=sale.salesperson,
                  payments=sale.payments, pieces=sale.pieces)


def print_receipt(store: LocalStore, invoice_id: UUID, config: PrinterConfig) -> None:
    """Print on the ESC/POS receipt printer; the drawer opens when cash changed hands."""
    sale = sale_record(store, invoice_id)
    ctx = DocumentContext.for_store(sale.store)
    customer = sale.customer.display_name if sale.customer else None
    with open_receipt_printer(config) as printer:
        printer.print_receipt(sale.store, sale.invoice, sale.payments,
                              salesperson=sale.salesperson or None, customer_name=customer,
                              now_local=ctx.local(utc_now()))


def tags_zpl(store: LocalStore, piece_ids: list[UUID]) -> str:
    """Barbell tags for the chosen pieces (batch printing from the inventory list)."""
    with store.reader() as repo:
        settings = _store(repo, store)
        pieces = [p for pid in piece_ids if (p := repo.get(Piece, pid)) is not None]
    if len(pieces) != len(piece_ids):
        raise NotFound("Some of the chosen pieces were not found.")
    return batch_zpl(pieces, settings)


def print_tags(store: LocalStore, piece_ids: list[UUID], *, host: str, port: int = 9100
               ) -> None:
    """Send the tags to a network tag printer."""
    send_zpl(tags_zpl(store, piece_ids), host, port)
