"""What the counter prints, from the local store: receipt/invoice PDFs, ESC/POS receipts
(with the drawer kick on cash), and barbell tags. Widgets call these; printers never
touch the sale: a printer failure raises ``PrinterError`` after the sale is saved."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from uuid import UUID

from jeweltrak_core.clock import utc_now
from jeweltrak_core.contacts.entities import Contact
from jeweltrak_core.errors import NotFound, ValidationError
from jeweltrak_core.ids import new_id
from jeweltrak_core.inventory.entities import Piece
from jeweltrak_core.inventory.stock import Family
from jeweltrak_core.payments.entities import Payment
from jeweltrak_core.sales.entities import Invoice, InvoiceLine
from jeweltrak_core.sales.invoice_state import InvoiceStatus
from jeweltrak_core.sales.tax import LineKind
from jeweltrak_core.store.entities import Store, User
from jeweltrak_desktop.documents.context import DocumentContext
from jeweltrak_desktop.documents.receipt import render_invoice, render_receipt
from jeweltrak_desktop.hardware.printer_config import (
    PrinterConfig,
    PrinterSettings,
    TagPrinterConfig,
    load_printer_settings,
    printer_settings_path,
)
from jeweltrak_desktop.hardware.printers import open_receipt_printer
from jeweltrak_desktop.hardware.zpl import batch_zpl, save_zpl, send_zpl, tag_zpl
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


def tags_zpl(store: LocalStore, piece_ids: list[UUID], *, cost_code: str | None = None) -> str:
    """Barbell tags for the chosen pieces (batch printing from the inventory list).

    ``cost_code`` overrides the store's cost-code letters (the workstation's printer settings).
    """
    with store.reader() as repo:
        settings = _store(repo, store)
        pieces = [p for pid in piece_ids if (p := repo.get(Piece, pid)) is not None]
    if len(pieces) != len(piece_ids):
        raise NotFound("Some of the chosen pieces were not found.")
    if cost_code:
        settings = replace(settings, cost_code=cost_code)
    return batch_zpl(pieces, settings)


def print_tags(store: LocalStore, piece_ids: list[UUID], *, host: str, port: int = 9100
               ) -> None:
    """Send the tags to a network tag printer."""
    send_zpl(tags_zpl(store, piece_ids), host, port)


def deliver_tags(store: LocalStore, piece_ids: list[UUID], config: TagPrinterConfig | None,
                 *, cost_code: str | None = None, file_path: str | Path | None = None) -> str:
    """Print the tags on the tag printer, or save them to ``file_path``; says what was done."""
    if not piece_ids:
        raise ValidationError("Choose the pieces to print tags for.", field="pieces")
    zpl = tags_zpl(store, piece_ids, cost_code=cost_code)
    count = f"{len(piece_ids)} tag{'' if len(piece_ids) == 1 else 's'}"
    if file_path is None and config is not None and config.kind == "file":
        file_path = config.file_path
    if file_path is not None:
        target = Path(file_path)
        save_zpl(zpl, target)
        return f"{count} saved to {target}."
    if config is None:
        raise ValidationError(
            "No tag printer is set up. Set it up in Settings → Printers, or save the tags to "
            "a file.", field="tag_printer")
    send_zpl(zpl, config.host, config.port)
    return f"{count} sent to the {config.label}."


def print_test_tag(store: LocalStore, config: TagPrinterConfig, *, cost_code: str | None = None
             ) -> str:
    """Print (or save) one sample tag, to check the tag printer and the cost code."""
    with store.reader() as repo:
        settings = _store(repo, store)
    if cost_code:
        settings = replace(settings, cost_code=cost_code)
    sample = Piece(id=new_id(), store_id=settings.id, stock_id="TEST1", family=Family.JEWELRY,
                   description="Printer test tag", cost_cents=123_400, retail_cents=308_500)
    zpl = tag_zpl(sample, settings)
    if config.kind == "file":
        save_zpl(zpl, config.file_path)
        return f"A test tag was saved to {config.file_path}."
    send_zpl(zpl, config.host, config.port)
    return f"A test tag was sent to the {config.label}."


def print_test_receipt(store: LocalStore, config: PrinterConfig) -> str:
    """Print a short test receipt (no sale, no drawer kick) on the receipt printer."""
    with store.reader() as repo:
        settings = _store(repo, store)
    ctx = DocumentContext.for_store(settings)
    now = utc_now()
    line = InvoiceLine(id=new_id(), kind=LineKind.MISC, description="Printer test — no sale",
                       taxable=False)
    invoice = Invoice(id=new_id(), store_id=settings.id, number="TEST",
                      status=InvoiceStatus.FINALIZED, lines=[line], finalized_at=now)
    with open_receipt_printer(config) as printer:
        printer.print_receipt(settings, invoice, [], salesperson=None, customer_name=None,
                              now_local=ctx.local(now))
    return f"A test receipt was sent to the {config.label}."


def workstation_printers(store: LocalStore) -> PrinterSettings:
    """This workstation's printers and cost code (``printers.json`` beside its database)."""
    return load_printer_settings(printer_settings_path(store.path))


def print_receipt_here(store: LocalStore, invoice_id: UUID) -> str:
    """Print the receipt on this workstation's receipt printer (Settings → Printers)."""
    config = workstation_printers(store).receipt
    if config is None:
        raise ValidationError(
            "No receipt printer is set up. Set it up in Settings → Printers, or print the "
            "PDF receipt.", field="receipt_printer")
    print_receipt(store, invoice_id, config)
    return f"The receipt was sent to the {config.label}."
