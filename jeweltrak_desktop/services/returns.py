"""Returns and exchanges: lines of an earlier finalized invoice come back on a new sale.

A return line is the sold line's mirror (quantity −1, the same unit price and discount, so
every amount and its tax are exactly negated); new pieces scanned on the same invoice make
it an exchange. Needs the refund permission.
"""

from __future__ import annotations

from uuid import UUID

from sqlalchemy import select

from jeweltrak_core.errors import NotFound, ValidationError
from jeweltrak_core.ids import new_id
from jeweltrak_core.permissions import Permission
from jeweltrak_core.sales.entities import Invoice, InvoiceLine
from jeweltrak_core.sales.invoice_state import InvoiceStatus
from jeweltrak_core.sales.operations import InvoiceDraft
from jeweltrak_core.sales.tax import LineKind
from jeweltrak_desktop.services.local_store import LocalStore, Transaction
from jeweltrak_desktop.services.sales import edit_invoice
from jeweltrak_desktop.store.schema import metadata


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
