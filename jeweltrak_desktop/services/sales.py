"""Building and closing invoices at the counter."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import fields
from typing import TYPE_CHECKING, Any
from uuid import UUID

from jeweltrak_core.errors import NotFound, ValidationError
from jeweltrak_core.ids import new_id
from jeweltrak_core.inventory.entities import Piece
from jeweltrak_core.money import require_cents
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
from jeweltrak_core.sales.tax import LineKind
from jeweltrak_core.store.entities import User
from jeweltrak_desktop.services.inventory import find_piece
from jeweltrak_desktop.services.local_store import LocalStore, Transaction

if TYPE_CHECKING:  # moved out; still importable from here (see the end of this module)
    from jeweltrak_desktop.services.returns import add_return as add_return
    from jeweltrak_desktop.services.sell_screen import SaleLineView as SaleLineView
    from jeweltrak_desktop.services.sell_screen import Salesperson as Salesperson
    from jeweltrak_desktop.services.sell_screen import SaleView as SaleView
    from jeweltrak_desktop.services.sell_screen import ScanOutcome as ScanOutcome
    from jeweltrak_desktop.services.sell_screen import invoice_by_number as invoice_by_number
    from jeweltrak_desktop.services.sell_screen import piece_for_scan as piece_for_scan
    from jeweltrak_desktop.services.sell_screen import sale_view as sale_view
    from jeweltrak_desktop.services.sell_screen import salespeople as salespeople
    from jeweltrak_desktop.services.sell_screen import scan_into_sale as scan_into_sale
    from jeweltrak_desktop.services.sell_screen import scan_preview as scan_preview
    from jeweltrak_desktop.services.sell_screen import set_quantity as set_quantity

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


def line_on(draft: InvoiceDraft, line_id: UUID) -> InvoiceLine:
    """A line of the draft by its ID (NotFound when it is not on this invoice)."""
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
        line_on(draft, line_id).adjustment_cents = adjustment_cents

    return edit_invoice(store, invoice_id, change)


def override_price(
    store: LocalStore, invoice_id: UUID, line_id: UUID, unit_price_cents: int
) -> Invoice:
    """Change a line's unit price (needs the override-price permission)."""
    store.actor.require(Permission.OVERRIDE_PRICE)
    require_cents(unit_price_cents, "unit price", allow_negative=False)

    def change(_tx: Transaction, draft: InvoiceDraft) -> None:
        line_on(draft, line_id).unit_price_cents = unit_price_cents

    return edit_invoice(store, invoice_id, change)


def set_trade_concession(
    store: LocalStore, invoice_id: UUID, line_id: UUID, concession_cents: int
) -> Invoice:
    """Record the (hidden) trade concession on a sold line."""
    require_cents(concession_cents, "trade concession", allow_negative=False)

    def change(_tx: Transaction, draft: InvoiceDraft) -> None:
        line_on(draft, line_id).trade_concession_cents = concession_cents

    return edit_invoice(store, invoice_id, change)


def remove_line(store: LocalStore, invoice_id: UUID, line_id: UUID) -> Invoice:
    """Take a line off an open invoice."""

    def change(_tx: Transaction, draft: InvoiceDraft) -> None:
        line = line_on(draft, line_id)
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


def set_salesperson(store: LocalStore, invoice_id: UUID, salesperson_id: UUID | None) -> Invoice:
    """Credit the sale to someone else; a split stays, unless they were the one sharing it."""

    def change(_tx: Transaction, draft: InvoiceDraft) -> None:
        draft.salesperson_id = salesperson_id
        if draft.second_salesperson_id == salesperson_id:
            draft.second_salesperson_id, draft.commission_split_pct = None, 0

    return edit_invoice(store, invoice_id, change)


def split_commission(
    store: LocalStore, invoice_id: UUID, *, second_salesperson_id: UUID | None, split_pct: int
) -> Invoice:
    """Share the commission: ``split_pct`` percent to the second salesperson (None: no split).

    The core keeps the share between 0 and 100; a split also needs someone other than the
    salesperson, known at this counter, with a share of at least 1%.
    """
    second = second_salesperson_id
    if second is None and split_pct:
        raise ValidationError("Choose who shares the commission.", field="second_salesperson")

    def change(tx: Transaction, draft: InvoiceDraft) -> None:
        if second is not None:
            if second == draft.salesperson_id:
                raise ValidationError("The salesperson cannot share the commission with "
                                      "themselves; choose someone else.")
            user = tx.repo.get(User, second)
            if second != store.actor.user_id and (user is None or not user.active):
                raise NotFound("That salesperson is not on this workstation (or is inactive).")
            if split_pct < 1:
                raise ValidationError("Give the second salesperson a share of at least 1%.",
                                      field="split_pct")
        draft.second_salesperson_id = second
        draft.commission_split_pct = split_pct if second is not None else 0

    return edit_invoice(store, invoice_id, change)


def exempt_reason_text(reason: str | None, certificate: str | None = None) -> str:
    """The reason kept (and printed) for a tax-exempt sale: “Resale, certificate 85-80123”."""
    text = (reason or "").strip()
    number = (certificate or "").strip()
    return f"{text}, certificate {number}" if text and number else text


def set_tax_exempt(
    store: LocalStore,
    invoice_id: UUID,
    *,
    exempt: bool,
    reason: str | None = None,
    certificate: str | None = None,
) -> Invoice:
    """Mark the sale tax-exempt (out of state, resale ...) with its reason, and the buyer's
    exemption certificate # when there is one; the core refuses an exemption without a reason."""

    def change(_tx: Transaction, draft: InvoiceDraft) -> None:
        draft.tax_exempt = exempt
        draft.exempt_reason = exempt_reason_text(reason, certificate) if exempt else None

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


#: Names that moved to modules built on this one (``sell_screen``: what the Sell screen
#: reads; ``returns``: returns and exchanges). They still resolve here for older callers,
#: imported on first use so that no two modules import each other while loading.
_MOVED = {
    **dict.fromkeys(("SaleLineView", "SaleView", "Salesperson", "ScanOutcome",
                     "invoice_by_number", "piece_for_scan", "sale_view", "salespeople",
                     "scan_into_sale", "scan_preview", "set_quantity"), "sell_screen"),
    "add_return": "returns",
}

if not TYPE_CHECKING:

    def __getattr__(name: str) -> Any:
        """``sales.SaleView``, ``sales.add_return`` and the other names that moved."""
        module = _MOVED.get(name)
        if module is None:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        return getattr(importlib.import_module(f"jeweltrak_desktop.services.{module}"), name)
