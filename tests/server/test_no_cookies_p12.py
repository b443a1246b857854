"""P12: no advertising cookies, no tracking pixels.

The service authenticates with bearer tokens (owner and staff sessions, device
credentials), so it sets no cookie at all — not even a session cookie. These tests sweep
every route of the OpenAPI document, signed out, signed in and as a paired workstation,
plus the flows that create credentials, and check that no response sets a cookie; the one
HTML page the service serves (the Stripe onboarding return page) is checked in
``payments/test_setup_and_tenancy.py``: it sets no cookie and loads nothing.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from fastapi.testclient import TestClient
from httpx import Response

from .accounts_helpers import (
    PASSWORD,
    bearer,
    login,
    make_store,
    own_address_client,  # noqa: F401  (the "client" fixture)
    pair,
    signup,
)

_PARAM = re.compile(r"\{[^}]+\}")


def _no_cookie(response: Response, what: str) -> None:
    assert "set-cookie" not in {k.lower() for k in response.headers}, (
        f"{what} set a cookie: {response.headers.get('set-cookie')}"
    )


def _routes(client: TestClient) -> list[tuple[str, str]]:
    spec: dict[str, Any] = client.get("/openapi.json").json()
    found = []
    for path, operations in spec["paths"].items():
        for method in operations:
            found.append((method.upper(), _PARAM.sub(str(uuid.uuid4()), path)))
    return found


def test_p12_no_route_sets_a_cookie(client: TestClient) -> None:
    owner = signup(client)
    store = make_store(client, owner)
    device = pair(client, owner, store["id"])
    identities = {
        "signed out": {},
        "owner": owner.headers,
        "workstation": bearer(device["device_token"]),
    }
    routes = _routes(client)
    assert len(routes) > 20  # the sweep really covers the API
    for who, headers in identities.items():
        for method, path in routes:
            if method == "GET":
                response = client.get(path, headers=headers, params={"wait": 0})
            elif method in {"POST", "PUT", "PATCH"}:
                # An empty body: refused by validation or the rules, never applied.
                response = client.request(method, path, headers=headers, content=b"{}")
            else:
                continue  # DELETE would end the identities the sweep still uses
            _no_cookie(response, f"{method} {path} ({who}) → {response.status_code}")


def test_p12_signing_up_in_and_pairing_set_no_cookie(client: TestClient) -> None:
    email = f"bea.{uuid.uuid4().hex[:8]}@example.com"
    r = client.post("/v1/auth/signup", json={
        "name": "Bea Owner", "business_name": "Bea Gems", "email": email, "password": PASSWORD,
    })
    assert r.status_code == 201
    _no_cookie(r, "signup")
    signed_in = client.post("/v1/auth/login", json={"email": email, "password": PASSWORD})
    assert signed_in.status_code == 200
    _no_cookie(signed_in, "login")
    wrong = client.post("/v1/auth/login", json={"email": email, "password": "not it at all"})
    assert wrong.status_code == 401
    _no_cookie(wrong, "failed login")
    owner = login(client, email)
    store = make_store(client, owner)
    paired = client.post("/v1/devices/pair", json={"store_id": store["id"], "label": "C"},
                         headers=owner.headers)
    assert paired.status_code == 201
    _no_cookie(paired, "pairing")
