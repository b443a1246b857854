"""HTTP endpoints for accounts: sign-in (``/v1/auth``), staff and permission groups."""

from __future__ import annotations

from fastapi import APIRouter

from sync_server.accounts.auth_router import router as auth_router
from sync_server.accounts.staff_router import router as staff_router

router = APIRouter()
router.include_router(auth_router)
router.include_router(staff_router)
