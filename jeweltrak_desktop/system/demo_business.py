"""The demo business on the sync service: its owner, signed up once, and its store D.

The owner is ``demo@jeweltrak.test`` with a password generated on first use and kept in
``demo-owner.json`` (mode 0600) in the data folder — never a secret in the repository.
Each part is created only if absent; the counter staff are ``system_staff``'s.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
from pathlib import Path
from uuid import UUID

import httpx

from jeweltrak_core.ids import new_id
from jeweltrak_desktop.demo import DEMO_STAFF, DEMO_STORE_CODE, demo_store_settings
from jeweltrak_desktop.sync.pairing import (
    ServiceRefused,
    StoreSummary,
    UserSession,
    WrongPassword,
    call,
    list_stores,
    sign_in,
)
from jeweltrak_desktop.system.errors import SystemStartError

log = logging.getLogger("jeweltrak.system")

DEMO_EMAIL = "demo@jeweltrak.test"
DEMO_OWNER_NAME = DEMO_STAFF[0][0]  # "Dana Owner", as in the local demo store
OWNER_FILE = "demo-owner.json"


def demo_owner_password(base: Path) -> str:
    """The demo owner's password: generated once, kept 0600 in the data folder."""
    path = base / OWNER_FILE
    if path.exists():
        return str(json.loads(path.read_text(encoding="utf-8"))["password"])
    base.mkdir(parents=True, exist_ok=True, mode=0o700)
    password = secrets.token_urlsafe(18)
    # Written before signing up: a crash in between must not lose the password.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump({"email": DEMO_EMAIL, "password": password}, handle)
    log.info("generated the demo owner's password (kept in %s)", path)
    return password


def ensure_demo_owner(client: httpx.Client, *, password: str, owner_file: Path) -> UserSession:
    """Sign the demo owner in, signing the demo business up first if it does not exist."""
    try:
        return sign_in(client, email=DEMO_EMAIL, password=password)
    except WrongPassword:
        pass  # no such account yet (or another password: signup will say so)
    try:
        body = call(
            client,
            "POST",
            "/v1/auth/signup",
            json={
                "name": DEMO_OWNER_NAME,
                "business_name": demo_store_settings(new_id()).name,
                "email": DEMO_EMAIL,
                "password": password,
            },
        )
    except ServiceRefused as exc:
        if exc.details.get("status") != 409:
            raise
        raise SystemStartError(
            f"The sync service at {client.base_url} already has a demo account "
            f"({DEMO_EMAIL}) with a password other than the one in {owner_file}. Stop that "
            "service, or use another --port or --data-dir, and run again."
        ) from exc
    log.info("signed up the demo business (owner %s)", DEMO_EMAIL)
    return UserSession(
        token=body["token"], tenant_id=UUID(body["tenant_id"]), user_id=UUID(body["user_id"])
    )


def ensure_demo_store(client: httpx.Client, session: UserSession) -> StoreSummary:
    """The demo store D of the demo business, opened with the demo's settings if absent."""
    for store in list_stores(client, session):
        if store.code == DEMO_STORE_CODE:
            return store
    s = demo_store_settings(new_id())
    body = call(
        client,
        "POST",
        "/v1/stores",
        token=session.token,
        json={
            "name": s.name,
            "code": s.code,
            "address": s.address,
            "phone": s.phone,
            "tax_number": s.tax_number,
            "timezone": s.timezone,
            "tax_rate": str(s.tax_rate),
            "surtax_rate": str(s.surtax_rate),
            "surtax_threshold_cents": s.surtax_threshold_cents,
            "disclaimer": s.disclaimer,
        },
    )
    log.info("opened the demo store %s", body["code"])
    return StoreSummary(id=UUID(body["id"]), code=body["code"], name=body["name"])
