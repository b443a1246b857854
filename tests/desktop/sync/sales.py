"""Counter work done through the desktop services, for the sync tests."""

from __future__ import annotations

from typing import Any

from jeweltrak_core.inventory.entities import Piece
from jeweltrak_core.inventory.stock import Family
from jeweltrak_core.payments.rules import Tender
from jeweltrak_core.sales.entities import Invoice
from jeweltrak_desktop.services import inventory, payments, sales
from jeweltrak_desktop.services.local_store import LocalStore


def new_piece(local: LocalStore, **fields: Any) -> Piece:
    """A $3,000.00 ring (or what ``fields`` say) created at this workstation."""
    args: dict[str, Any] = {
        "family": Family.JEWELRY,
        "description": "14K yellow gold ring",
        "cost_cents": 120_000,
    }
    args.update(fields)
    return inventory.create_piece(local, **args)


def sell(local: LocalStore, piece: Piece) -> Invoice:
    """A whole cash sale of one piece: invoice, line, payment, finalize."""
    invoice = sales.add_piece(local, sales.new_invoice(local).id, piece.stock_id)
    payments.take_payment(
        local, invoice.id, tender=Tender.CASH, amount_cents=invoice.balance_cents
    )
    return sales.finalize_invoice(local, invoice.id)
