"""Request and response bodies of signup, sign-in, staff and permission groups.

Responses never carry a password hash or a PIN verifier: a staff member's PIN shows only
as ``has_pin``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

from pydantic import BaseModel, Field

from jeweltrak_core.permissions import Permission
from jeweltrak_core.store.entities import PermissionGroup, Store, User
from sync_server.accounts.auth_service import IssuedSession, Profile
from sync_server.accounts.users_service import StaffMember
from sync_server.kit.fields import (
    BusinessName,
    Email,
    EmailOrEmpty,
    Flag,
    IdList,
    InputModel,
    Name,
    Password,
    PatchModel,
    Pin,
)

PermissionList = Annotated[list[Permission], Field(max_length=len(Permission))]


class SignupRequest(InputModel):
    """A new business and its owner."""

    name: Name
    business_name: BusinessName
    email: Email
    password: Password


class LoginRequest(InputModel):
    """E-mail and password."""

    email: Email
    # Any length is checked against the hash; the cap only bounds the work per request.
    password: Annotated[str, Field(min_length=1, max_length=256, strict=True)]


class SessionResponse(BaseModel):
    """A bearer token for the ``Authorization`` header, shown once."""

    token: str
    token_type: str = "bearer"
    expires_at: datetime
    tenant_id: UUID
    user_id: UUID
    account_id: UUID

    @classmethod
    def of(cls, issued: IssuedSession) -> SessionResponse:
        """From the service's session."""
        return cls(
            token=issued.token,
            expires_at=issued.expires_at,
            tenant_id=issued.tenant_id,
            user_id=issued.user_id,
            account_id=issued.account_id,
        )


class StaffResponse(BaseModel):
    """A staff member as the admin screens show them."""

    id: UUID
    name: str
    email: str
    group_ids: list[UUID]
    granted: list[str]
    revoked: list[str]
    active: bool
    is_owner: bool
    has_pin: bool
    has_login: bool
    version: int

    @classmethod
    def of(cls, member: StaffMember) -> StaffResponse:
        """From the service's staff member."""
        return cls.from_user(
            member.user, is_owner=member.is_owner, has_login=member.login is not None
        )

    @classmethod
    def from_user(cls, user: User, *, is_owner: bool, has_login: bool) -> StaffResponse:
        """From the core user, without its PIN verifier."""
        return cls(
            id=user.id,
            name=user.name,
            email=user.email,
            group_ids=user.group_ids,
            granted=user.granted,
            revoked=user.revoked,
            active=user.active,
            is_owner=is_owner,
            has_pin=user.pin_verifier is not None,
            has_login=has_login,
            version=user.version,
        )


class StoreSummary(BaseModel):
    """A store's ID, short code and name."""

    id: UUID
    code: str
    name: str

    @classmethod
    def of(cls, store: Store) -> StoreSummary:
        """From the core store."""
        return cls(id=store.id, code=store.code, name=store.name)


class TenantSummary(BaseModel):
    """The business."""

    id: UUID
    business_name: str


class MeResponse(BaseModel):
    """Who is signed in, where, and what they may do."""

    user: StaffResponse
    tenant: TenantSummary
    permissions: list[str]
    stores: list[StoreSummary]

    @classmethod
    def of(cls, me: Profile) -> MeResponse:
        """From the service's profile."""
        return cls(
            user=StaffResponse.from_user(me.user, is_owner=me.is_owner, has_login=True),
            tenant=TenantSummary(id=me.tenant_id, business_name=me.business_name),
            permissions=sorted(p.value for p in me.permissions),
            stores=[StoreSummary.of(s) for s in me.stores],
        )


class NewStaffRequest(InputModel):
    """Add a staff member."""

    name: Name
    email: EmailOrEmpty = ""
    group_ids: IdList = Field(default_factory=list)
    granted: PermissionList = Field(default_factory=list)
    revoked: PermissionList = Field(default_factory=list)
    active: Flag = True


class StaffPatchRequest(PatchModel):
    """Change any of these; leave the rest out."""

    name: Name | None = None
    email: EmailOrEmpty | None = None
    group_ids: IdList | None = None
    granted: PermissionList | None = None
    revoked: PermissionList | None = None
    active: Flag | None = None


class PinRequest(InputModel):
    """A counter PIN, and optionally a password so the person can sign in to the service."""

    pin: Pin
    password: Password | None = None


class GroupResponse(BaseModel):
    """A permission group."""

    id: UUID
    name: str
    permissions: list[str]
    version: int

    @classmethod
    def of(cls, group: PermissionGroup) -> GroupResponse:
        """From the core group."""
        return cls(
            id=group.id, name=group.name, permissions=group.permissions, version=group.version
        )


class NewGroupRequest(InputModel):
    """A new permission group."""

    name: Name
    permissions: PermissionList = Field(default_factory=list)


class GroupPatchRequest(PatchModel):
    """Rename a group or replace its permissions."""

    name: Name | None = None
    permissions: PermissionList | None = None
