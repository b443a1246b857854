"""Building and closing invoices at the counter."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields
from uuid import UUID

from sqlalchemy import select

from jeweltrak_core.contacts.entities import Contact
from jeweltrak_core.errors import JewelTrakError, NotFound, ValidationError
from jeweltrak_core.ids import new_id
from jeweltrak_core.inventory.entities import Piece, normalize_scan
from jeweltrak_core.inventory.stock import is_available
from jeweltrak_core.money import require_cents
from jeweltrak_core.payments.entities import Payment
from jeweltrak_core.permissions import Permission
from jeweltrak_core.sales.entities import Invoice, InvoiceLine
from jeweltrak_core.sales.invoice_state import InvoiceStatus
from jeweltrak_core.sales.operations import (
    DeleteInvoice,
    FinalizeInvoice,
    InvoiceDraft,
    ReopenInvoice,
    SaveInvoice,
    VoidInvoice,
)
from jeweltrak_core.sales.tax import InvoiceTotals, LineKind, invoice_totals
from jeweltrak_core.store.entities import User
from jeweltrak_desktop.services.inventory import find_piece
from jeweltrak_desktop.services.local_store import LocalStore, Transaction
from jeweltrak_desktop.services.search import resolve_scan
from jeweltrak_desktop.services.staff import list_staff
from jeweltrak_desktop.store.repository import SqliteRepository
from jeweltrak_desktop.store.schema import metadata

_DRAFT_FIELDS = tuple(f.name for f in fields(InvoiceDraft))
PRICE_TIERS = ("retail", "price1", "price2", "price3")


def draft_of(invoice: Invoice) -> InvoiceDraft:
    """The editable part of an invoice, ready to change and save."""
    return InvoiceDraft(**{name: getattr(invoice, name) for name in _DRAFT_FIELDS})


def get_invoice(store: LocalStore, invoice_id: UUID) -> Invoice:
    """An invoice with its lines."""
    with store.reader() as repo:
        invoice = repo.get(Invoice, invoice_id)
    if invoice is None:
        raise NotFound("That invoice was not found.")
    return invoice


def new_invoice(
    store: LocalStore, *, contact_id: UUID | None = None, salesperson_id: UUID | None = None
) -> Invoice:
    """An empty open invoice numbered by this workstation, with the store's tax rule."""
    store.actor.require(Permission.SELL)
    with store.transaction() as tx:
        settings = tx.store_settings()
        draft = InvoiceDraft(
            id=new_id(),
            number=tx.next_number("invoice"),
            contact_id=contact_id,
            salesperson_id=salesperson_id or store.actor.user_id,
            tax_rate=settings.tax_rate,
            surtax_rate=settings.surtax_rate,
            surtax_threshold_cents=settings.surtax_threshold_cents,
        )
        tx.apply(SaveInvoice(invoice=draft))
        return tx.fetch(Invoice, draft.id)


def edit_invoice(
    store: LocalStore, invoice_id: UUID, change: Callable[[Transaction, InvoiceDraft], None]
) -> Invoice:
    """Load an open invoice, let ``change`` edit its draft, save it as one operation."""
    store.actor.require(Permission.SELL)
    with store.transaction() as tx:
        invoice = tx.repo.get(Invoice, invoice_id)
        if invoice is None:
            raise NotFound("That invoice was not found.")
        if invoice.status is not InvoiceStatus.OPEN:
            raise ValidationError(
                f"Invoice {invoice.number} is {invoice.status.value}; reopen it to change it."
            )
        draft = draft_of(invoice)
        change(tx, draft)
        tx.apply(SaveInvoice(invoice=draft))
        return tx.fetch(Invoice, invoice_id)


def _piece_price(piece: Piece, tier: str) -> int:
    if tier not in PRICE_TIERS:
        raise ValidationError(f"Price tier must be one of {', '.join(PRICE_TIERS)}.")
    return int(getattr(piece, f"{tier}_cents"))


def add_piece(store: LocalStore, invoice_id: UUID, code: str, *, tier: str = "retail") -> Invoice:
    """Scan or type a StockID/barcode: the piece goes on the invoice at its tier price."""

    def change(tx: Transaction, draft: InvoiceDraft) -> None:
        piece = find_piece(tx.repo, code)
        kind = LineKind.QUANTITY if piece.is_quantity_item else LineKind.PIECE
        if kind is LineKind.QUANTITY:
            for line in draft.lines:
                if line.piece_id == piece.id and line.kind is LineKind.QUANTITY:
                    line.quantity += 1
                    return
        draft.lines.append(
            InvoiceLine(
                id=new_id(),
                kind=kind,
                description=piece_description(piece),
                quantity=1,
                unit_price_cents=_piece_price(piece, tier),
                piece_id=piece.id,
            )
        )

    return edit_invoice(store, invoice_id, change)


def piece_description(piece: Piece) -> str:
    """A line description: StockID and the piece's own description."""
    return f"{piece.stock_id} {piece.description}"


def add_quantity(store: LocalStore, invoice_id: UUID, code: str, quantity: int) -> Invoice:
    """A quantity item (chains by the unit) with a quantity."""
    if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 1:
        raise ValidationError("Quantity must be a whole number of 1 or more.", field="quantity")

    def change(tx: Transaction, draft: InvoiceDraft) -> None:
        piece = find_piece(tx.repo, code)
        if not piece.is_quantity_item:
            raise ValidationError(f"{piece.stock_id} is one of a kind; scan it as a piece.")
        draft.lines.append(
            InvoiceLine(
                id=new_id(),
                kind=LineKind.QUANTITY,
                description=piece_description(piece),
                quantity=quantity,
                unit_price_cents=piece.retail_cents,
                piece_id=piece.id,
            )
        )

    return edit_invoice(store, invoice_id, change)


def add_charge(
    store: LocalStore,
    invoice_id: UUID,
    *,
    kind: LineKind,
    description: str,
    price_cents: int,
    quantity: int = 1,
    taxable: bool = True,
) -> Invoice:
    """A service (sizing, engraving) or misc line."""
    if kind not in (LineKind.SERVICE, LineKind.MISC):
        raise ValidationError("Only service and misc lines are added this way.")
    require_cents(price_cents, "price", allow_negative=False)

    def change(_tx: Transaction, draft: InvoiceDraft) -> None:
        draft.lines.append(
            InvoiceLine(
                id=new_id(),
                kind=kind,
                description=description,
                quantity=quantity,
                unit_price_cents=price_cents,
                taxable=taxable,
            )
        )

    return edit_invoice(store, invoice_id, change)


def add_trade_in(
    store: LocalStore,
    invoice_id: UUID,
    *,
    description: str,
    allowance_cents: int,
    actual_value_cents: int | None = None,
) -> Invoice:
    """A trade-in credited at ``allowance``; its real worth is kept hidden for gross profit."""
    require_cents(allowance_cents, "trade-in allowance", allow_negative=False)

    def change(tx: Transaction, draft: InvoiceDraft) -> None:
        settings = tx.store_settings()
        draft.lines.append(
            InvoiceLine(
                id=new_id(),
                kind=LineKind.TRADE_IN,
                description=description,
                quantity=1,
                unit_price_cents=allowance_cents,
                taxable=settings.trade_in_reduces_tax,
                actual_trade_value_cents=actual_value_cents,
            )
        )

    return edit_invoice(store, invoice_id, change)


def add_return(store: LocalStore, invoice_id: UUID, original_line_id: UUID) -> Invoice:
    """Return a line of an earlier finalized invoice: quantity −1, every amount negative."""
    store.actor.require(Permission.REFUND)

    def change(tx: Transaction, draft: InvoiceDraft) -> None:
        original, source = _original_line(tx, original_line_id)
        already = [ln for ln in draft.lines if ln.returned_line_id == original.id]
        if already or _returned_elsewhere(tx, original.id, draft.id):
            raise ValidationError("That line was already returned.")
        # The return carries the original discount: it refunds exactly what was charged
        # and its tax is the exact mirror of the sale line's tax.
        draft.lines.append(
            InvoiceLine(
                id=new_id(),
                kind=LineKind.RETURN,
                description=f"Return: {original.description}",
                quantity=-original.quantity,
                unit_price_cents=original.unit_price_cents,
                adjustment_cents=original.adjustment_cents,
                # Tax comes back only if it was charged: not on an exempt sale.
                taxable=original.taxable and not source.tax_exempt,
                piece_id=original.piece_id,
                returned_line_id=original.id,
            )
        )
        if draft.contact_id is None:
            draft.contact_id = source.contact_id

    return edit_invoice(store, invoice_id, change)


def _original_line(tx: Transaction, line_id: UUID) -> tuple[InvoiceLine, Invoice]:
    lines = metadata.tables["invoice_lines"]
    invoice_id = tx.conn.execute(
        select(lines.c.invoice_id).where(lines.c.id == str(line_id))
    ).scalar_one_or_none()
    source = tx.repo.get(Invoice, UUID(invoice_id)) if invoice_id else None
    if source is None:
        raise NotFound("The line to return was not found.")
    if source.status is not InvoiceStatus.FINALIZED:
        raise ValidationError(f"Invoice {source.number} is not finalized; edit it instead.")
    line = next(ln for ln in source.lines if ln.id == line_id)
    if line.kind not in (LineKind.PIECE, LineKind.QUANTITY, LineKind.SERVICE, LineKind.MISC):
        raise ValidationError("Only sold items can be returned.")
    return line, source


def _returned_elsewhere(tx: Transaction, line_id: UUID, this_invoice: UUID) -> bool:
    lines = metadata.tables["invoice_lines"]
    invoices = metadata.tables["invoices"]
    row = tx.conn.execute(
        select(lines.c.id)
        .join(invoices, invoices.c.id == lines.c.invoice_id)
        .where(
            lines.c.returned_line_id == str(line_id),
            invoices.c.status != InvoiceStatus.VOIDED.value,
            invoices.c.id != str(this_invoice),
        )
        .limit(1)
    ).first()
    return row is not None


def _line(draft: InvoiceDraft, line_id: UUID) -> InvoiceLine:
    for line in draft.lines:
        if line.id == line_id:
            return line
    raise NotFound("That line is not on this invoice.")


def adjust_line(
    store: LocalStore, invoice_id: UUID, line_id: UUID, adjustment_cents: int
) -> Invoice:
    """A dollar discount on a line, without changing its unit price."""
    store.actor.require(Permission.DISCOUNT)
    require_cents(adjustment_cents, "adjustment", allow_negative=False)

    def change(_tx: Transaction, draft: InvoiceDraft) -> None:
        _line(draft, line_id).adjustment_cents = adjustment_cents

    return edit_invoice(store, invoice_id, change)


def override_price(
    store: LocalStore, invoice_id: UUID, line_id: UUID, unit_price_cents: int
) -> Invoice:
    """Change a line's unit price (needs the override-price permission)."""
    store.actor.require(Permission.OVERRIDE_PRICE)
    require_cents(unit_price_cents, "unit price", allow_negative=False)

    def change(_tx: Transaction, draft: InvoiceDraft) -> None:
        _line(draft, line_id).unit_price_cents = unit_price_cents

    return edit_invoice(store, invoice_id, change)


def set_trade_concession(
    store: LocalStore, invoice_id: UUID, line_id: UUID, concession_cents: int
) -> Invoice:
    """Record the (hidden) trade concession on a sold line."""
    require_cents(concession_cents, "trade concession", allow_negative=False)

    def change(_tx: Transaction, draft: InvoiceDraft) -> None:
        _line(draft, line_id).trade_concession_cents = concession_cents

    return edit_invoice(store, invoice_id, change)


def remove_line(store: LocalStore, invoice_id: UUID, line_id: UUID) -> Invoice:
    """Take a line off an open invoice."""

    def change(_tx: Transaction, draft: InvoiceDraft) -> None:
        line = _line(draft, line_id)
        if line.memo_line_id is not None:
            raise ValidationError("This line came from a memo; reverse it on the memo instead.")
        draft.lines.remove(line)

    return edit_invoice(store, invoice_id, change)


def set_customer(store: LocalStore, invoice_id: UUID, contact_id: UUID | None) -> Invoice:
    """Choose (or clear) the invoice's customer."""

    def change(_tx: Transaction, draft: InvoiceDraft) -> None:
        draft.contact_id = contact_id

    return edit_invoice(store, invoice_id, change)


def set_salespeople(
    store: LocalStore,
    invoice_id: UUID,
    *,
    salesperson_id: UUID | None,
    second_salesperson_id: UUID | None = None,
    split_pct: int = 0,
) -> Invoice:
    """Salesperson and an optional split commission."""

    def change(_tx: Transaction, draft: InvoiceDraft) -> None:
        draft.salesperson_id = salesperson_id
        draft.second_salesperson_id = second_salesperson_id
        draft.commission_split_pct = split_pct

    return edit_invoice(store, invoice_id, change)


def set_tax_exempt(
    store: LocalStore, invoice_id: UUID, *, exempt: bool, reason: str | None = None
) -> Invoice:
    """Mark the sale tax-exempt (out of state, resale ...) with its reason."""

    def change(_tx: Transaction, draft: InvoiceDraft) -> None:
        draft.tax_exempt = exempt
        draft.exempt_reason = reason if exempt else None

    return edit_invoice(store, invoice_id, change)


def finalize_invoice(store: LocalStore, invoice_id: UUID) -> Invoice:
    """Lock the invoice and commit its stock."""
    store.actor.require(Permission.SELL)
    with store.transaction() as tx:
        # The total the clerk is looking at is the stored one (the whole invoice is loaded
        # once, by the operation itself).
        found = tx.repo.rows("SELECT total_cents FROM invoices WHERE id = ?", (str(invoice_id),))
        if not found:
            raise NotFound("That invoice was not found.")
        tx.apply(
            FinalizeInvoice(invoice_id=invoice_id, expected_total_cents=found[0]["total_cents"])
        )
        return tx.fetch(Invoice, invoice_id)


def reopen_invoice(store: LocalStore, invoice_id: UUID, reason: str) -> Invoice:
    """Back to open (needs the reopen permission)."""
    store.actor.require(Permission.REOPEN_INVOICE)
    with store.transaction() as tx:
        tx.apply(ReopenInvoice(invoice_id=invoice_id, reason=reason))
        return tx.fetch(Invoice, invoice_id)


def void_invoice(store: LocalStore, invoice_id: UUID, reason: str) -> Invoice:
    """Void for good (needs the void permission)."""
    store.actor.require(Permission.VOID_INVOICE)
    with store.transaction() as tx:
        tx.apply(VoidInvoice(invoice_id=invoice_id, reason=reason))
        return tx.fetch(Invoice, invoice_id)


def delete_invoice(store: LocalStore, invoice_id: UUID) -> None:
    """Delete an open invoice with no payments."""
    store.actor.require(Permission.SELL)
    store.execute(DeleteInvoice(invoice_id=invoice_id))


def piece_for_scan(store: LocalStore, raw: str) -> Piece:
    """What a scan refers to (for the Sell screen's scan field)."""
    normalize_scan(raw)
    with store.reader() as repo:
        return find_piece(repo, raw)


# --- The Sell screen: one read of everything it shows, and the scan field ---------------


@dataclass(frozen=True)
class SaleLineView:
    """One line as the Sell screen shows it (cost only matters with the view-cost right)."""

    line: InvoiceLine
    stock_id: str
    cost_cents: int


@dataclass(frozen=True)
class SaleView:
    """The invoice on the Sell screen with its payments, customer, salesperson and totals."""

    invoice: Invoice
    lines: list[SaleLineView]
    payments: list[Payment]
    totals: InvoiceTotals
    customer: Contact | None
    salesperson: str


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
    user = repo.get(User, invoice.salesperson_id) if invoice.salesperson_id else None
    payments = repo.payments_for(invoice_id=invoice.id)
    totals = invoice_totals(
        [line.priced() for line in invoice.lines], invoice.tax_rule, exempt=invoice.tax_exempt
    )
    mine = invoice.salesperson_id == store.actor.user_id
    name = user.name if user else (store.actor.name if mine else "")
    return SaleView(invoice, views, payments, totals, customer, name)


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


def set_quantity(store: LocalStore, invoice_id: UUID, line_id: UUID, quantity: int) -> Invoice:
    """Change how many of a quantity, service or misc line are sold."""
    if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 1:
        raise ValidationError("Quantity must be a whole number of 1 or more.", field="quantity")

    def change(_tx: Transaction, draft: InvoiceDraft) -> None:
        line = _line(draft, line_id)
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
