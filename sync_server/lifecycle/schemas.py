"""Request and response bodies of the lifecycle endpoints."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

from pydantic import BaseModel, Field

from sync_server.kit.fields import InputModel
from sync_server.lifecycle.repository import TenantState


class DeleteTenantRequest(InputModel):
    """The owner's password, typed again: deleting a business cannot be undone."""

    # Any length is checked against the hash; the cap only bounds the work per request.
    password: Annotated[str, Field(min_length=1, max_length=256, strict=True)]


class TenantStatusResponse(BaseModel):
    """Where the business is in its lifecycle."""

    tenant_id: UUID
    business_name: str
    #: ``active`` or ``cancelled``.
    status: str
    cancelled_at: datetime | None
    #: When a cancelled business's data is deleted for good (null while active).
    delete_after: datetime | None
    retention_days: int

    @classmethod
    def of(cls, state: TenantState, retention_days: int) -> TenantStatusResponse:
        """From the tenant's state."""
        return cls(
            tenant_id=state.ref.id,
            business_name=state.business_name,
            status=state.status,
            cancelled_at=state.cancelled_at,
            delete_after=state.delete_after,
            retention_days=retention_days,
        )


class TenantDeletedResponse(BaseModel):
    """The business is gone: every credential of it now gets 401."""

    tenant_id: UUID
    deleted: bool = True
