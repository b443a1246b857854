"""Inventory operations: create and edit pieces, stock deltas and counts, status changes."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any
from uuid import UUID

from jeweltrak_core.errors import Duplicate, ValidationError
from jeweltrak_core.inventory.entities import EDITABLE_PIECE_FIELDS, Piece
from jeweltrak_core.inventory.pricing import MultiplierMode, Multipliers, price_tiers_from_cost
from jeweltrak_core.inventory.stock import StockAction, available_status, piece_transition
from jeweltrak_core.sync.helpers import apply_patch, require
from jeweltrak_core.sync.ops import APPLIED, ApplyContext, OpPayload, Outcome, Repository

_STATUS_ACTIONS = frozenset(
    {StockAction.SCRAP, StockAction.SEND_FOR_SERVICE, StockAction.BACK_FROM_SERVICE}
)


def check_unique_codes(repo: Repository, piece: Piece) -> None:
    """StockID and barcode are unique among pieces (case-insensitive)."""
    other = repo.piece_by_stock_id(piece.stock_id)
    if other is not None and other.id != piece.id:
        raise Duplicate(f"StockID {piece.stock_id} is already used by another piece.",
                        field="stock_id")
    if piece.barcode:
        other = repo.piece_by_barcode(piece.barcode)
        if other is not None and other.id != piece.id:
            raise Duplicate(f"Barcode {piece.barcode} is already on another piece.",
                            field="barcode")


def insert_piece(ctx: ApplyContext, piece: Piece) -> None:
    """Validate and store a new piece (shared by create_piece and vendor memo intake)."""
    piece.validate()
    if ctx.repo.get(Piece, piece.id) is not None:
        raise Duplicate("This piece was already created.", id=str(piece.id))
    check_unique_codes(ctx.repo, piece)
    piece.status = available_status(piece.consigned)
    # Stock movements come only from operations; a new piece starts with none.
    piece.qty_adjustments = piece.qty_invoiced = piece.qty_on_memo = 0
    piece.qty_returned_to_vendor = piece.qty_scrapped = 0
    piece.created_at = piece.updated_at = ctx.now
    piece.version = ctx.version
    ctx.repo.put(piece)


@dataclass(kw_only=True)
class CreatePiece(OpPayload):
    """Add a piece (or a quantity item) to inventory."""

    op_type = "create_piece"
    piece: Piece

    def apply(self, ctx: ApplyContext) -> Outcome:
        """Store the piece after checking its fields and unique codes."""
        if self.piece.store_id != ctx.op.store_id:
            raise ValidationError("The piece belongs to another store.")
        if self.piece.deleted:
            raise ValidationError("A new piece cannot start out deleted.")
        insert_piece(ctx, replace(self.piece))
        return APPLIED


@dataclass(kw_only=True)
class UpdatePiece(OpPayload):
    """Field-level edit of a piece; a cost edit does not re-price."""

    op_type = "update_piece"
    piece_id: UUID
    changes: dict[str, Any] = field(default_factory=dict)

    def apply(self, ctx: ApplyContext) -> Outcome:
        """Patch, re-validate, keep codes unique."""
        piece = require(ctx.repo, Piece, self.piece_id, "piece")
        apply_patch(piece, self.changes, EDITABLE_PIECE_FIELDS, "piece")
        piece.validate()
        check_unique_codes(ctx.repo, piece)
        piece.updated_at = ctx.now
        piece.version = ctx.version
        ctx.repo.put(piece)
        return APPLIED


def _quantity_piece(ctx: ApplyContext, piece_id: UUID) -> Piece:
    piece = require(ctx.repo, Piece, piece_id, "piece")
    if not piece.is_quantity_item:
        raise ValidationError(
            f"{piece.stock_id} is a one-of-a-kind piece; only quantity items take stock deltas."
        )
    return piece


@dataclass(kw_only=True)
class AdjustStock(OpPayload):
    """A quantity delta (received, damaged, found ...). Negative stock is flagged, not refused."""

    op_type = "adjust_stock"
    piece_id: UUID
    delta: int
    reason: str = ""
    purchase: bool = False

    def validate(self) -> None:
        """A delta of zero changes nothing."""
        if self.delta == 0:
            raise ValidationError("A stock adjustment needs a non-zero quantity.")

    def apply(self, ctx: ApplyContext) -> Outcome:
        """Add the delta to purchases or adjustments."""
        piece = _quantity_piece(ctx, self.piece_id)
        if self.purchase:
            piece.qty_purchased += self.delta
        else:
            piece.qty_adjustments += self.delta
        piece.updated_at = ctx.now
        piece.version = ctx.version
        ctx.repo.put(piece)
        if piece.ledger.is_negative:
            return Outcome.conflict(f"{piece.stock_id} now shows negative stock.")
        return APPLIED


@dataclass(kw_only=True)
class CountStock(OpPayload):
    """A physical count: ``observed`` against the ``expected_seen`` the counter was shown.

    Applied as the delta ``observed − expected_seen``, so sales made elsewhere while the count
    was taken (or while this workstation was offline) still count against stock.
    """

    op_type = "count_stock"
    piece_id: UUID
    observed: int
    expected_seen: int
    as_of_version: int = 0

    def validate(self) -> None:
        """Counts are never negative."""
        if self.observed < 0:
            raise ValidationError("A counted quantity cannot be negative.")

    def apply(self, ctx: ApplyContext) -> Outcome:
        """Turn the count into an adjustment."""
        piece = _quantity_piece(ctx, self.piece_id)
        piece.qty_adjustments += self.observed - self.expected_seen
        piece.updated_at = ctx.now
        piece.version = ctx.version
        ctx.repo.put(piece)
        if piece.ledger.is_negative:
            return Outcome.conflict(f"{piece.stock_id} now shows negative stock.")
        return APPLIED


@dataclass(kw_only=True)
class ChangePieceStatus(OpPayload):
    """Scrap a piece, send it out for service, or take it back in."""

    op_type = "change_piece_status"
    piece_id: UUID
    action: StockAction
    note: str = ""

    def validate(self) -> None:
        """Sales, memos and vendor returns move stock through their own operations."""
        if self.action not in _STATUS_ACTIONS:
            raise ValidationError(f"{self.action.value} is done from its own screen, not here.")

    def apply(self, ctx: ApplyContext) -> Outcome:
        """Move the piece through the stock state machine."""
        piece = require(ctx.repo, Piece, self.piece_id, "piece")
        if piece.is_quantity_item:
            raise ValidationError("Scrap quantity items with a stock adjustment.")
        piece.status = piece_transition(piece.status, self.action, consigned=piece.consigned)
        piece.updated_at = ctx.now
        piece.version = ctx.version
        ctx.repo.put(piece)
        return APPLIED


@dataclass(kw_only=True)
class RepricePieces(OpPayload):
    """Bulk re-price: fill the price tiers of the pieces from their cost."""

    op_type = "reprice_pieces"
    piece_ids: list[UUID]
    multiplier_price1: Decimal
    multiplier_price2: Decimal
    multiplier_price3: Decimal
    multiplier_retail: Decimal
    mode: MultiplierMode = MultiplierMode.EACH_FROM_COST

    def multipliers(self) -> Multipliers:
        """The multipliers (validated by Multipliers itself)."""
        return Multipliers(
            price1=self.multiplier_price1,
            price2=self.multiplier_price2,
            price3=self.multiplier_price3,
            retail=self.multiplier_retail,
            mode=self.mode,
        )

    def validate(self) -> None:
        """At least one piece; multipliers well-formed."""
        if not self.piece_ids:
            raise ValidationError("Choose at least one piece to re-price.")
        self.multipliers()

    def apply(self, ctx: ApplyContext) -> Outcome:
        """Recompute every tier from cost."""
        multipliers = self.multipliers()
        for piece_id in self.piece_ids:
            piece = require(ctx.repo, Piece, piece_id, "piece")
            tiers = price_tiers_from_cost(piece.cost_cents, multipliers)
            piece.price1_cents = tiers.price1_cents
            piece.price2_cents = tiers.price2_cents
            piece.price3_cents = tiers.price3_cents
            piece.retail_cents = tiers.retail_cents
            piece.updated_at = ctx.now
            piece.version = ctx.version
            ctx.repo.put(piece)
        return APPLIED
