"""Store-level operations: resolving oversell exceptions."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from jeweltrak_core.errors import ValidationError
from jeweltrak_core.store.entities import OversellException
from jeweltrak_core.sync.helpers import require
from jeweltrak_core.sync.ops import APPLIED, ApplyContext, OpPayload, Outcome


@dataclass(kw_only=True)
class ResolveOversell(OpPayload):
    """A manager records how a double-sold piece was settled."""

    op_type = "resolve_oversell"
    exception_id: UUID
    resolution: str

    def validate(self) -> None:
        """Say what was done."""
        if not self.resolution.strip():
            raise ValidationError("Describe how the oversell was resolved.")

    def apply(self, ctx: ApplyContext) -> Outcome:
        """Mark resolved (once)."""
        exc = require(ctx.repo, OversellException, self.exception_id, "oversell exception")
        if exc.resolved_at is not None:
            raise ValidationError("This oversell was already resolved.")
        exc.resolved_at = ctx.now
        exc.resolution = self.resolution
        exc.version = ctx.version
        ctx.repo.put(exc)
        return APPLIED
