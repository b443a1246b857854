"""What the Sell screen asks of the store: one read of everything it shows, the scan field,
quantities, invoices by number for returns, and who can be credited with a sale.

The rules of an invoice (numbering, lines, tax, finalize, reopen, void) stay in
``services.sales``; this module only composes them for the screen, so it depends on
``sales`` and never the other way (``sales`` re-exports these names for older callers).
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from jeweltrak_core.contacts.entities import Contact
from jeweltrak_core.errors import JewelTrakError, NotFound, ValidationError
from jeweltrak_core.ids import new_id
from jeweltrak_core.inventory.entities import Piece, normalize_scan
from jeweltrak_core.inventory.stock import is_available
from jeweltrak_core.payments.entities import Payment
from jeweltrak_core.sales.entities import Invoice, InvoiceLine
from jeweltrak_core.sales.operations import InvoiceDraft
from jeweltrak_core.sales.tax import InvoiceTotals, LineKind, invoice_totals
from jeweltrak_core.store.entities import User
from jeweltrak_desktop.services.inventory import find_piece
from jeweltrak_desktop.services.local_store import LocalStore, Transaction
from jeweltrak_desktop.services.sales import (
    add_piece,
    add_quantity,
    edit_invoice,
    line_on,
    new_invoice,
    piece_description,
)
from jeweltrak_desktop.services.search import resolve_scan
from jeweltrak_desktop.services.staff import list_staff
from jeweltrak_desktop.store.repository import SqliteRepository

__all__ = [
    "SaleLineView",
    "SaleView",
    "Salesperson",
    "ScanOutcome",
    "invoice_by_number",
    "piece_for_scan",
    "sale_view",
    "salespeople",
    "scan_into_sale",
    "scan_preview",
    "set_quantity",
]


@dataclass(frozen=True)
class SaleLineView:
    """One line as the Sell screen shows it (cost only matters with the view-cost right)."""

    line: InvoiceLine
    stock_id: str
    cost_cents: int


@dataclass(frozen=True)
class SaleView:
    """The invoice on the Sell screen with its payments, customer, salespeople and totals."""

    invoice: Invoice
    lines: list[SaleLineView]
    payments: list[Payment]
    totals: InvoiceTotals
    customer: Contact | None
    salesperson: str
    #: Who shares the commission (``invoice.commission_split_pct`` percent of it); "" if none.
    second_salesperson: str = ""


def sale_view(store: LocalStore, invoice_id: UUID) -> SaleView:
    """Everything the Sell screen shows about one invoice, read in one snapshot."""
    with store.reader() as repo:
        invoice = repo.get(Invoice, invoice_id)
        if invoice is None:
            raise NotFound("That invoice was not found.")
        return _view_of(store, repo, invoice)


def _view_of(store: LocalStore, repo: SqliteRepository, invoice: Invoice) -> SaleView:
    """The screen's view of an invoice already read (pieces in one query: scans are hot)."""
    ids = [str(line.piece_id) for line in invoice.lines if line.piece_id]
    pieces = {
        row["id"]: row
        for row in repo.rows(
            f"SELECT id, stock_id, cost_cents FROM pieces WHERE id IN ({','.join('?' * len(ids))})",
            tuple(ids),
        )
    } if ids else {}
    views = []
    for line in invoice.lines:
        piece = pieces.get(str(line.piece_id)) if line.piece_id else None
        cost = line.cost_cents or (piece["cost_cents"] * abs(line.quantity) if piece else 0)
        views.append(SaleLineView(line, piece["stock_id"] if piece else "", cost))
    customer = repo.get(Contact, invoice.contact_id) if invoice.contact_id else None
    payments = repo.payments_for(invoice_id=invoice.id)
    totals = invoice_totals(
        [line.priced() for line in invoice.lines], invoice.tax_rule, exempt=invoice.tax_exempt
    )
    second = invoice.second_salesperson_id
    return SaleView(invoice, views, payments, totals, customer,
                    _staff_name(store, repo, invoice.salesperson_id),
                    _staff_name(store, repo, second) if second else "")


def _staff_name(store: LocalStore, repo: SqliteRepository, user_id: UUID | None) -> str:
    """A salesperson's name; the signed-in clerk's even when the store has no staff list."""
    user = repo.get(User, user_id) if user_id else None
    if user is not None:
        return user.name
    return store.actor.name if user_id == store.actor.user_id else ""


def scan_preview(store: LocalStore, raw: str) -> SaleLineView | None:
    """The line a scan is about to add, read without waiting for the write (None when the
    scan is not a plain one-of-a-kind piece in stock: the saved sale alone will tell)."""
    if "*" in raw:
        return None
    try:
        found = resolve_scan(store, raw)
    except JewelTrakError:
        return None  # the scan itself reports what is wrong
    piece = found.piece
    if piece is None or piece.is_quantity_item or not is_available(piece.status):
        return None
    line = InvoiceLine(id=new_id(), kind=LineKind.PIECE, description=piece_description(piece),
                       unit_price_cents=piece.retail_cents, piece_id=piece.id)
    return SaleLineView(line, piece.stock_id, piece.cost_cents)


@dataclass(frozen=True)
class ScanOutcome:
    """What a scan did: the sale with the piece added, or a work order to hand back."""

    sale: SaleView | None = None
    work_order_id: UUID | None = None


def _parse_quantity_scan(raw: str) -> tuple[int, str]:
    """``3*CODE`` sells three of a quantity item; anything else is one."""
    count, star, code = raw.partition("*")
    if star and count.strip().isdigit() and code.strip():
        return int(count.strip()), code
    return 1, raw


def scan_into_sale(
    store: LocalStore,
    invoice_id: UUID | None,
    raw: str,
    *,
    contact_id: UUID | None = None,
    salesperson_id: UUID | None = None,
) -> ScanOutcome:
    """A scan at the Sell screen: a claim stub opens its work order, a tag goes on the sale.

    With no invoice yet, the first scanned piece starts one (for ``contact_id`` and
    ``salesperson_id``), so no empty invoice is ever made by a scan.
    """
    quantity, code = _parse_quantity_scan(raw)
    found = resolve_scan(store, code)
    if found.work_order is not None:
        return ScanOutcome(work_order_id=found.work_order.id)
    if invoice_id is None:
        invoice_id = new_invoice(store, contact_id=contact_id, salesperson_id=salesperson_id).id
    if quantity > 1:
        invoice = add_quantity(store, invoice_id, code, quantity)
    else:
        invoice = add_piece(store, invoice_id, code)
    with store.reader() as repo:
        return ScanOutcome(sale=_view_of(store, repo, invoice))


def piece_for_scan(store: LocalStore, raw: str) -> Piece:
    """What a scan refers to (for the Sell screen's scan field)."""
    normalize_scan(raw)
    with store.reader() as repo:
        return find_piece(repo, raw)


def set_quantity(store: LocalStore, invoice_id: UUID, line_id: UUID, quantity: int) -> Invoice:
    """Change how many of a quantity, service or misc line are sold."""
    if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 1:
        raise ValidationError("Quantity must be a whole number of 1 or more.", field="quantity")

    def change(_tx: Transaction, draft: InvoiceDraft) -> None:
        line = line_on(draft, line_id)
        if line.kind not in (LineKind.QUANTITY, LineKind.SERVICE, LineKind.MISC):
            raise ValidationError("Only quantity items, services and misc lines have a quantity.")
        line.quantity = quantity

    return edit_invoice(store, invoice_id, change)


def invoice_by_number(store: LocalStore, number: str) -> Invoice:
    """An invoice by its printed number (for returns and exchanges)."""
    wanted = number.strip()
    if not wanted:
        raise ValidationError("Type the invoice number from the receipt.")
    with store.reader() as repo:
        found = repo.query(
            Invoice, "SELECT * FROM invoices WHERE number = ? LIMIT 1", (wanted,)
        )
    if not found:
        raise NotFound(f"No invoice has number {wanted}.")
    return found[0]


@dataclass(frozen=True)
class Salesperson:
    """Someone who can be credited with a sale."""

    user_id: UUID | None
    name: str


def salespeople(store: LocalStore) -> list[Salesperson]:
    """Active staff, by name; just the signed-in clerk when the store has no staff list."""
    people = [Salesperson(m.id, m.name) for m in list_staff(store)]
    actor = store.actor
    if not any(p.user_id == actor.user_id for p in people):
        people.insert(0, Salesperson(actor.user_id, actor.name))
    return people
