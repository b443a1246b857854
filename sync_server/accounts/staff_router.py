"""HTTP endpoints of staff and permission groups (MANAGE_USERS)."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter

from sync_server.accounts import groups_service, users_service
from sync_server.accounts.schemas import (
    GroupPatchRequest,
    GroupResponse,
    NewGroupRequest,
    NewStaffRequest,
    PinRequest,
    StaffPatchRequest,
    StaffResponse,
)
from sync_server.deps import CurrentUser, EngineDep

router = APIRouter(prefix="/v1", tags=["staff"])


@router.get("/users", response_model=list[StaffResponse])
def list_users(caller: CurrentUser, engine: EngineDep) -> list[StaffResponse]:
    """Everyone on the staff, by name."""
    return [StaffResponse.of(m) for m in users_service.list_staff(engine, caller)]


@router.post("/users", status_code=201, response_model=StaffResponse)
def create_user(body: NewStaffRequest, caller: CurrentUser, engine: EngineDep) -> StaffResponse:
    """Add a staff member (set a PIN next)."""
    new = users_service.NewStaff(
        name=body.name,
        email=body.email,
        group_ids=body.group_ids,
        granted=body.granted,
        revoked=body.revoked,
        active=body.active,
    )
    return StaffResponse.of(users_service.create_staff(engine, caller, new))


@router.patch("/users/{user_id}", response_model=StaffResponse)
def update_user(
    user_id: UUID, body: StaffPatchRequest, caller: CurrentUser, engine: EngineDep
) -> StaffResponse:
    """Change a staff member's name, e-mail, groups, overrides or active flag."""
    member = users_service.update_staff(engine, caller, user_id=user_id, changes=body.changes())
    return StaffResponse.of(member)


@router.put("/users/{user_id}/pin", response_model=StaffResponse)
def set_pin(
    user_id: UUID, body: PinRequest, caller: CurrentUser, engine: EngineDep
) -> StaffResponse:
    """Set the counter PIN (and optionally a password for signing in to the service)."""
    member = users_service.set_pin(
        engine, caller, user_id=user_id, pin=body.pin, password=body.password
    )
    return StaffResponse.of(member)


@router.get("/groups", response_model=list[GroupResponse])
def list_groups(caller: CurrentUser, engine: EngineDep) -> list[GroupResponse]:
    """Every permission group, by name."""
    return [GroupResponse.of(g) for g in groups_service.list_groups(engine, caller)]


@router.post("/groups", status_code=201, response_model=GroupResponse)
def create_group(body: NewGroupRequest, caller: CurrentUser, engine: EngineDep) -> GroupResponse:
    """A new permission group."""
    group = groups_service.create_group(
        engine, caller, name=body.name, permissions=body.permissions
    )
    return GroupResponse.of(group)


@router.patch("/groups/{group_id}", response_model=GroupResponse)
def update_group(
    group_id: UUID, body: GroupPatchRequest, caller: CurrentUser, engine: EngineDep
) -> GroupResponse:
    """Rename a group or replace its permissions."""
    group = groups_service.update_group(
        engine, caller, group_id=group_id, changes=body.changes()
    )
    return GroupResponse.of(group)
