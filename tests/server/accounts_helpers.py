"""Helpers for the accounts, staff, stores and devices tests: sign up, sign in, staff.

Everything goes through the HTTP API (or reads the database to check what was stored);
nothing here patches the service.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from sync_server.app import create_app
from sync_server.config import Settings
from sync_server.db.names import TenantRef
from sync_server.tenancy import tenant_by_id

PASSWORD = "correct horse battery"


@dataclass
class Login:
    """A signed-in person: their session token and IDs."""

    token: str
    tenant_id: UUID
    user_id: UUID
    account_id: UUID
    email: str
    password: str

    @property
    def headers(self) -> dict[str, str]:
        return bearer(self.token)


def bearer(token: str) -> dict[str, str]:
    """The Authorization header for a token."""
    return {"Authorization": f"Bearer {token}"}


def unique_email(prefix: str = "owner") -> str:
    """An e-mail address no other test uses."""
    return f"{prefix}.{uuid.uuid4().hex[:12]}@example.com"


def unique_ip() -> str:
    """A client address no other test uses (sign-in limits count per IP)."""
    raw = uuid.uuid4().bytes
    return f"10.{raw[0]}.{raw[1]}.{raw[2] or 1}"


@contextmanager
def client_at(settings: Settings, engine: Engine, ip: str) -> Iterator[TestClient]:
    """Another instance of the service (as a second process would be), seen from ``ip``."""
    app = create_app(settings, engine=engine)
    with TestClient(app, client=(ip, 50000)) as test_client:
        yield test_client


@pytest.fixture(name="client")
def own_address_client(settings: Settings, engine: Engine) -> Iterator[TestClient]:
    """The app as ``client``, but seen from an address of its own.

    Sign-in limits count failures per IP across the whole test database; a module that
    uses this fixture is unaffected by failed sign-ins of other tests (the fuzz run) and
    does not affect them.
    """
    with client_at(settings, engine, unique_ip()) as test_client:
        yield test_client


def _login_from(body: dict[str, Any], email: str, password: str) -> Login:
    return Login(
        token=body["token"],
        tenant_id=UUID(body["tenant_id"]),
        user_id=UUID(body["user_id"]),
        account_id=UUID(body["account_id"]),
        email=email,
        password=password,
    )


def signup(
    client: TestClient,
    *,
    email: str | None = None,
    password: str = PASSWORD,
    name: str = "Ada Owner",
    business_name: str = "Ada Jewelers",
) -> Login:
    """Open a new business; its owner is signed in."""
    email = email or unique_email()
    r = client.post(
        "/v1/auth/signup",
        json={"name": name, "business_name": business_name, "email": email, "password": password},
    )
    assert r.status_code == 201, r.text
    return _login_from(r.json(), email.lower(), password)


def login(client: TestClient, email: str, password: str = PASSWORD) -> Login:
    """Sign in (must succeed)."""
    r = client.post("/v1/auth/login", json={"email": email, "password": password})
    assert r.status_code == 200, r.text
    return _login_from(r.json(), email, password)


def tenant_ref(engine: Engine, tenant_id: UUID) -> TenantRef:
    """The schema and role of a tenant created through signup."""
    ref = tenant_by_id(engine, tenant_id)
    assert ref is not None
    return ref


def make_store(client: TestClient, who: Login, *, code: str | None = None,
               **fields: Any) -> dict[str, Any]:
    """A new store of ``who``'s business."""
    body = {"name": "Main Street", "code": code or "M" + uuid.uuid4().hex[:3].upper(), **fields}
    r = client.post("/v1/stores", json=body, headers=who.headers)
    assert r.status_code == 201, r.text
    return dict(r.json())


def make_group(client: TestClient, who: Login, permissions: Sequence[str],
               name: str | None = None) -> dict[str, Any]:
    """A new permission group."""
    body = {"name": name or f"Group {uuid.uuid4().hex[:6]}", "permissions": list(permissions)}
    r = client.post("/v1/groups", json=body, headers=who.headers)
    assert r.status_code == 201, r.text
    return dict(r.json())


def make_user(client: TestClient, who: Login, **fields: Any) -> dict[str, Any]:
    """A new staff member (no PIN, no sign-in)."""
    body = {"name": "Sam Clerk", **fields}
    r = client.post("/v1/users", json=body, headers=who.headers)
    assert r.status_code == 201, r.text
    return dict(r.json())


def make_staff_login(
    client: TestClient,
    owner: Login,
    *,
    permissions: Sequence[str] = (),
    granted: Sequence[str] = (),
    revoked: Sequence[str] = (),
    name: str = "Sam Clerk",
) -> Login:
    """A staff member with a group of ``permissions``, a PIN and a password, signed in."""
    group_ids = [make_group(client, owner, permissions)["id"]] if permissions else []
    email = unique_email("staff")
    user = make_user(
        client, owner, name=name, email=email, group_ids=group_ids,
        granted=list(granted), revoked=list(revoked),
    )
    r = client.put(
        f"/v1/users/{user['id']}/pin", json={"pin": "2468", "password": PASSWORD},
        headers=owner.headers,
    )
    assert r.status_code == 200, r.text
    return login(client, email)


def pair(client: TestClient, who: Login, store_id: str, label: str = "Counter") -> dict[str, Any]:
    """Pair a workstation (must succeed)."""
    r = client.post(
        "/v1/devices/pair", json={"store_id": store_id, "label": label}, headers=who.headers
    )
    assert r.status_code == 201, r.text
    return dict(r.json())


def feed(client: TestClient, device_token: str) -> dict[str, Any]:
    """The whole change feed as a workstation pulls it."""
    r = client.get("/v1/sync/pull", params={"cursor": 0, "limit": 5000},
                   headers=bearer(device_token))
    assert r.status_code == 200, r.text
    return dict(r.json())


def latest_docs(pulled: dict[str, Any], entity: str) -> dict[str, dict[str, Any]]:
    """The newest doc of each entity of a kind in a pulled feed, by ID."""
    docs: dict[str, dict[str, Any]] = {}
    for change in pulled["changes"]:
        if change["entity"] == entity:
            docs[change["id"]] = change["doc"]
    return docs
