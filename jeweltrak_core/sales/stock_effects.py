"""What finalizing, reopening and voiding an invoice does to stock, memos and vendor memos."""

from __future__ import annotations

from uuid import UUID, uuid5

from jeweltrak_core.errors import IllegalTransition
from jeweltrak_core.inventory.entities import Piece
from jeweltrak_core.inventory.stock import StockAction, piece_transition
from jeweltrak_core.memos.entities import CustomerMemo, VendorMemo
from jeweltrak_core.memos.rules import (
    MemoLineAction,
    MemoLineStatus,
    VendorMemoAction,
    VendorMemoLineStatus,
    memo_line_transition,
    vendor_memo_line_transition,
)
from jeweltrak_core.sales.entities import Invoice, InvoiceLine
from jeweltrak_core.sales.tax import LineKind
from jeweltrak_core.store.entities import OversellException
from jeweltrak_core.sync.helpers import require
from jeweltrak_core.sync.ops import ApplyContext


def commit_stock(ctx: ApplyContext, invoice: Invoice) -> list[UUID]:
    """Move stock for every line; returns the IDs of oversell exceptions raised.

    Locally an unavailable piece is refused. On the server the first sale to arrive wins:
    a later sale of the same one-of-a-kind piece is still accepted (the money was taken)
    and an ``OversellException`` is recorded for a manager.
    """
    exceptions: list[UUID] = []
    for line in invoice.lines:
        if line.piece_id is None or line.committed:
            continue
        piece = require(ctx.repo, Piece, line.piece_id, "piece")
        if piece.is_quantity_item:
            piece.qty_invoiced += line.quantity
            if line.memo_line_id is not None:
                piece.qty_on_memo -= 1
        else:
            if line.kind is LineKind.RETURN and _paid_out(ctx, piece):
                # The vendor was already paid for it: the returned piece is the store's own.
                piece.consigned = False
            action = _sale_action(line)
            try:
                piece.status = piece_transition(piece.status, action, consigned=piece.consigned)
            except IllegalTransition as exc:
                if ctx.strict:
                    raise IllegalTransition(
                        "piece", exc.state, exc.action,
                        f"{piece.stock_id} cannot be sold: {exc.message}",
                    ) from exc
                exceptions.append(_oversell(ctx, invoice, piece))
                continue
            _vendor_memo(ctx, piece, VendorMemoAction.SELL if line.kind is not LineKind.RETURN
                         else VendorMemoAction.UNSELL)
        _touch(ctx, piece)
        line.committed = True
    return exceptions


def release_stock(ctx: ApplyContext, invoice: Invoice) -> None:
    """Undo ``commit_stock`` for the lines it moved (reopen / void)."""
    for line in invoice.lines:
        if line.piece_id is None or not line.committed:
            continue
        piece = require(ctx.repo, Piece, line.piece_id, "piece")
        if piece.is_quantity_item:
            piece.qty_invoiced -= line.quantity
            if line.memo_line_id is not None:
                piece.qty_on_memo += 1
        else:
            if line.kind is LineKind.RETURN:
                action = StockAction.SELL
            elif line.memo_line_id is not None:
                action = StockAction.REVERSE_MEMO_INVOICE
            else:
                action = StockAction.UNSELL
            piece.status = piece_transition(piece.status, action, consigned=piece.consigned)
            _vendor_memo(ctx, piece, VendorMemoAction.UNSELL if line.kind is not LineKind.RETURN
                         else VendorMemoAction.SELL)
        _touch(ctx, piece)
        line.committed = False


def release_memo_lines(ctx: ApplyContext, invoice: Invoice) -> None:
    """Memo lines converted onto an invoice that is deleted or voided go back out on memo."""
    for line in invoice.lines:
        if line.memo_id is None or line.memo_line_id is None:
            continue
        memo = require(ctx.repo, CustomerMemo, line.memo_id, "memo")
        memo_line = memo.line(line.memo_line_id)
        if memo_line is None or memo_line.status is not MemoLineStatus.INVOICED:
            continue
        memo_line.status = memo_line_transition(memo_line.status, MemoLineAction.REVERSE)
        memo_line.invoice_id = None
        memo_line.resolved_at = None
        memo.version = ctx.version
        ctx.repo.put(memo)


def _sale_action(line: InvoiceLine) -> StockAction:
    if line.kind is LineKind.RETURN:
        return StockAction.UNSELL
    if line.memo_line_id is not None:
        return StockAction.INVOICE_MEMO
    return StockAction.SELL


def _paid_out(ctx: ApplyContext, piece: Piece) -> bool:
    """Whether a consigned piece's vendor memo line was settled (the vendor was paid)."""
    if not piece.consigned or piece.vendor_memo_id is None:
        return False
    memo = require(ctx.repo, VendorMemo, piece.vendor_memo_id, "vendor memo")
    return any(v.piece_id == piece.id and v.status is VendorMemoLineStatus.SETTLED
               for v in memo.lines)


def _vendor_memo(ctx: ApplyContext, piece: Piece, action: VendorMemoAction) -> None:
    if not piece.consigned or piece.vendor_memo_id is None:
        return
    memo = require(ctx.repo, VendorMemo, piece.vendor_memo_id, "vendor memo")
    for vline in memo.lines:
        if vline.piece_id == piece.id:
            vline.status = vendor_memo_line_transition(vline.status, action)
            vline.resolved_at = ctx.now
    memo.version = ctx.version
    ctx.repo.put(memo)


def _oversell(ctx: ApplyContext, invoice: Invoice, piece: Piece) -> UUID:
    exc = OversellException(
        id=uuid5(ctx.op.op_id, str(piece.id)),  # same ID wherever the op is applied
        piece_id=piece.id,
        losing_invoice_id=invoice.id,
        detail=(
            f"{piece.stock_id} ({piece.description}) was sold on invoice {invoice.number} "
            f"but was already {piece.status.value.replace('_', ' ')}. The sale stands; "
            "decide whether to substitute a piece or refund the customer."
        ),
        created_at=ctx.now,
        version=ctx.version,
    )
    ctx.repo.put(exc)
    return exc.id


def _touch(ctx: ApplyContext, piece: Piece) -> None:
    piece.updated_at = ctx.now
    piece.version = ctx.version
    ctx.repo.put(piece)
