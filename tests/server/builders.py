"""Operations as a workstation would send them (wire dicts), for server tests."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from jeweltrak_core.ids import new_id
from jeweltrak_core.inventory.entities import Piece
from jeweltrak_core.inventory.operations import CreatePiece
from jeweltrak_core.inventory.stock import Family
from jeweltrak_core.sales.entities import InvoiceLine
from jeweltrak_core.sales.operations import FinalizeInvoice, InvoiceDraft, SaveInvoice
from jeweltrak_core.sales.tax import LineKind
from jeweltrak_core.sync.ops import Operation, OpPayload

from .conftest import Workstation

_stock = itertools.count(1)
_numbers = itertools.count(1)


def op(
    ws: Workstation,
    payload: OpPayload,
    *,
    seq: int | None = None,
    base_version: int | None = None,
    client_ts: datetime | None = None,
) -> dict[str, Any]:
    """The wire form of ``payload`` from workstation ``ws`` (next seq unless given)."""
    return Operation(
        op_id=new_id(),
        device_id=ws.ctx.device_id,
        seq=ws.next_seq() if seq is None else seq,
        store_id=ws.ctx.store_id,
        client_ts=client_ts or datetime.now(UTC),
        base_version=base_version,
        payload=payload,
    ).to_wire()


def piece(store_id: UUID, **fields: Any) -> Piece:
    """A one-of-a-kind ring priced $2,500."""
    values: dict[str, Any] = {
        "id": new_id(),
        "store_id": store_id,
        "stock_id": f"R{next(_stock):06d}",
        "family": Family.JEWELRY,
        "description": "14K yellow gold ring",
        "cost_cents": 100_000,
        "price1_cents": 150_000,
        "price2_cents": 180_000,
        "price3_cents": 200_000,
        "retail_cents": 250_000,
    }
    values.update(fields)
    return Piece(**values)


def create_piece(ws: Workstation, **fields: Any) -> tuple[Piece, dict[str, Any]]:
    """A new piece and the op creating it."""
    p = piece(ws.ctx.store_id, **fields)
    return p, op(ws, CreatePiece(piece=p))


def sale(ws: Workstation, p: Piece, *, total_cents: int | None = None,
         number: str | None = None) -> tuple[UUID, list[dict[str, Any]]]:
    """Save and finalize an untaxed invoice selling ``p``: (invoice ID, the two ops)."""
    invoice_id = new_id()
    line = InvoiceLine(
        id=new_id(), kind=LineKind.PIECE, description=p.description,
        unit_price_cents=p.retail_cents, piece_id=p.id,
    )
    draft = InvoiceDraft(
        id=invoice_id,
        number=number or f"{ws.ctx.workstation_code}-{next(_numbers)}",
        lines=[line],
    )
    save = op(ws, SaveInvoice(invoice=draft))
    fin = op(ws, FinalizeInvoice(
        invoice_id=invoice_id,
        expected_total_cents=p.retail_cents if total_cents is None else total_cents,
    ))
    return invoice_id, [save, fin]
