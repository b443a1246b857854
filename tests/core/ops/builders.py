"""Small builders shared by the operation tests: entities, drafts and common op sequences."""

from __future__ import annotations

import itertools
from dataclasses import replace
from decimal import Decimal
from typing import Any
from uuid import UUID

import pytest

from jeweltrak_core.contacts.entities import Contact
from jeweltrak_core.contacts.operations import CreateContact
from jeweltrak_core.errors import JewelTrakError
from jeweltrak_core.ids import new_id
from jeweltrak_core.inventory.entities import Piece
from jeweltrak_core.inventory.operations import CreatePiece
from jeweltrak_core.inventory.stock import Family
from jeweltrak_core.payments.operations import AddPayment, TenderDetails
from jeweltrak_core.payments.rules import Tender
from jeweltrak_core.sales.entities import Invoice, InvoiceLine
from jeweltrak_core.sales.operations import FinalizeInvoice, InvoiceDraft, SaveInvoice
from jeweltrak_core.sales.tax import LineKind
from jeweltrak_core.sync.ops import Authority, OpPayload, Outcome

from .memory_repo import LOCAL, STORE_ID, MemoryRepository, run

#: Florida: 6% state tax plus a 1% surtax on the first $5,000 of each item.
FLORIDA = {
    "tax_rate": Decimal("0.06"),
    "surtax_rate": Decimal("0.01"),
    "surtax_threshold_cents": 500_000,
}

_numbers = itertools.count(1001)
_stock_ids = itertools.count(1)


def number(prefix: str = "A1-") -> str:
    """A fresh document number."""
    return f"{prefix}{next(_numbers)}"


def piece(**fields: Any) -> Piece:
    """A valid one-of-a-kind jewelry piece (fields override)."""
    base = Piece(
        id=new_id(), store_id=STORE_ID, stock_id=f"R{next(_stock_ids):05d}",
        family=Family.JEWELRY, description="14K yellow gold ring", cost_cents=100_000,
        price1_cents=150_000, price2_cents=180_000, price3_cents=200_000,
        retail_cents=250_000,
    )
    return replace(base, **fields)


def create_piece(repo: MemoryRepository, **fields: Any) -> Piece:
    """Create a piece through ``create_piece`` and return it as stored."""
    p = piece(**fields)
    assert run(repo, CreatePiece(piece=p)).status == "applied"
    stored = repo.get(Piece, p.id)
    assert stored is not None
    return stored


def create_chain(repo: MemoryRepository, purchased: int = 10, **fields: Any) -> Piece:
    """A quantity item (chains sold by the unit)."""
    return create_piece(repo, is_quantity_item=True, qty_purchased=purchased,
                        description="18in rope chain", **fields)


def create_contact(repo: MemoryRepository, **fields: Any) -> Contact:
    """Create a customer through ``create_contact`` and return it as stored."""
    c = Contact(id=new_id(), first_name="Ada", last_name="Lovelace", phones=["305-555-0101"])
    c = replace(c, **fields)
    assert run(repo, CreateContact(contact=c)).status == "applied"
    stored = repo.get(Contact, c.id)
    assert stored is not None
    return stored


def piece_line(p: Piece, price: int | None = None, **fields: Any) -> InvoiceLine:
    """An invoice line selling piece ``p`` (at its retail unless ``price`` is given)."""
    line = InvoiceLine(
        id=new_id(), kind=LineKind.QUANTITY if p.is_quantity_item else LineKind.PIECE,
        description=p.description, unit_price_cents=p.retail_cents if price is None else price,
        piece_id=p.id,
    )
    return replace(line, **fields)


def misc_line(price: int, **fields: Any) -> InvoiceLine:
    """A misc line (no piece)."""
    return replace(InvoiceLine(id=new_id(), kind=LineKind.MISC, description="Gift box",
                               unit_price_cents=price), **fields)


def draft(lines: list[InvoiceLine], **fields: Any) -> InvoiceDraft:
    """An invoice draft with a fresh ID and number."""
    fields.setdefault("id", new_id())
    fields.setdefault("number", number())
    return InvoiceDraft(lines=lines, **fields)


#: Keyword arguments of ``run`` (the op envelope), as opposed to fields of a payload.
_ENVELOPE = ("version", "device_id", "user_id", "base_version", "client_ts", "seq")


def envelope(fields: dict[str, Any]) -> dict[str, Any]:
    """Pop the ``run`` keywords out of ``fields``."""
    return {k: fields.pop(k) for k in _ENVELOPE if k in fields}


def save_invoice(repo: MemoryRepository, lines: list[InvoiceLine],
                 authority: Authority = LOCAL, **fields: Any) -> Invoice:
    """Save an open invoice and return it as stored."""
    kw = envelope(fields)
    d = draft(lines, **fields)
    assert run(repo, SaveInvoice(invoice=d), authority, **kw).status == "applied"
    return get_invoice(repo, d.id)


def get_invoice(repo: MemoryRepository, invoice_id: UUID) -> Invoice:
    """The stored invoice (asserting it exists)."""
    invoice = repo.get(Invoice, invoice_id)
    assert invoice is not None
    return invoice


def finalize(repo: MemoryRepository, invoice_id: UUID, authority: Authority = LOCAL,
             **kw: Any) -> Outcome:
    """Finalize with the total the clerk sees."""
    total = get_invoice(repo, invoice_id).total_cents
    return run(repo, FinalizeInvoice(invoice_id=invoice_id, expected_total_cents=total),
               authority, **kw)


def sell(repo: MemoryRepository, lines: list[InvoiceLine], authority: Authority = LOCAL,
         **fields: Any) -> Invoice:
    """Save and finalize an invoice; return it as stored."""
    kw = envelope(fields)
    invoice = save_invoice(repo, lines, authority, **kw, **fields)
    finalize(repo, invoice.id, authority, **kw)
    return get_invoice(repo, invoice.id)


def pay(repo: MemoryRepository, invoice_id: UUID, amount: int, tender: Tender = Tender.CASH,
        authority: Authority = LOCAL, **fields: Any) -> UUID:
    """Take a payment; return its ID."""
    details = fields.pop("details", None) or TenderDetails(
        tender=tender,
        check_number="1234" if tender is Tender.CHECK else None,
        reference="REF-1" if tender in (Tender.WIRE, Tender.GIFT_CARD) else None,
    )
    payment_id = fields.pop("payment_id", None) or new_id()
    kw = envelope(fields)
    run(repo, AddPayment(payment_id=payment_id, invoice_id=invoice_id, details=details,
                         amount_cents=amount, **fields), authority, **kw)
    return payment_id


def refuse(repo: MemoryRepository, payload: OpPayload, error: type[JewelTrakError],
           authority: Authority = LOCAL, match: str | None = None,
           **kw: Any) -> JewelTrakError:
    """Apply ``payload`` expecting exactly ``error``; the repository must be unchanged."""
    before = repo.snapshot()
    with pytest.raises(JewelTrakError, match=match) as info:
        run(repo, payload, authority, **kw)
    assert type(info.value) is error, f"expected {error.__name__}, got {info.value!r}"
    assert repo.snapshot() == before, "a refused operation changed the repository"
    return info.value
