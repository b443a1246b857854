"""HTTP endpoints for devices (filled in by the accounts work)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
