"""P1 for the admin API: another business's IDs are simply not there (404), nothing changes."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.exc import ProgrammingError

from sync_server.db.engine import tenant_transaction
from sync_server.db.platform_tables import accounts, devices

from .accounts_helpers import (
    Login,
    bearer,
    make_group,
    make_store,
    make_user,
    own_address_client,
    pair,
    signup,
    tenant_ref,
    unique_email,
)
from .conftest import rows

#: Every request of this module comes from its own address (sign-in limits are per IP).
client = own_address_client


def _snapshot(engine: Engine, who: Login) -> dict[str, Any]:
    ref = tenant_ref(engine, who.tenant_id)
    with engine.connect() as conn:
        platform_rows = {
            "accounts": conn.execute(
                select(accounts).where(accounts.c.tenant_id == who.tenant_id)
                .order_by(accounts.c.id)
            ).all(),
            "devices": conn.execute(
                select(devices).where(devices.c.tenant_id == who.tenant_id)
                .order_by(devices.c.id)
            ).all(),
        }
    return {
        **platform_rows,
        **{
            table: rows(engine, ref, f"SELECT id, version, doc FROM {table} ORDER BY id")
            for table in ("stores", "users", "permission_groups")
        },
        "version": rows(engine, ref, "SELECT version FROM sync_state"),
    }


def test_forged_ids_of_another_business_are_404_and_change_nothing(
    client: TestClient, engine: Engine
) -> None:
    """P1: tenant A's session with tenant B's store/user/group/device IDs gets 404 everywhere."""
    a = signup(client, business_name="A Jewelers")
    b = signup(client, business_name="B Jewelers")
    b_store = make_store(client, b, code="BST")
    b_group = make_group(client, b, ["sell"])
    b_user = make_user(client, b, name="B Clerk", email=unique_email("bclerk"))
    b_device = pair(client, b, b_store["id"])
    before = _snapshot(engine, b)

    attempts = [
        ("PATCH", f"/v1/stores/{b_store['id']}", {"name": "Hijacked"}),
        ("PATCH", f"/v1/users/{b_user['id']}", {"name": "Hijacked", "active": False}),
        ("PATCH", f"/v1/users/{b.user_id}", {"email": unique_email("thief")}),
        ("PUT", f"/v1/users/{b_user['id']}/pin", {"pin": "1111", "password": "hijacked-pass"}),
        ("PUT", f"/v1/users/{b.user_id}/pin", {"pin": "1111"}),
        ("PATCH", f"/v1/groups/{b_group['id']}", {"permissions": []}),
        ("POST", "/v1/devices/pair", {"store_id": b_store["id"], "label": "Trojan"}),
        ("DELETE", f"/v1/devices/{b_device['device_id']}", None),
        ("POST", "/v1/users", {"name": "Mole", "group_ids": [b_group["id"]]}),
        ("PATCH", f"/v1/users/{a.user_id}", {"group_ids": [b_group["id"]]}),
    ]
    for method, path, body in attempts:
        r = client.request(method, path, json=body, headers=a.headers)
        assert r.status_code == 404, (method, path, r.text)
        assert r.json()["error"]["code"] == "not_found"

    assert _snapshot(engine, b) == before
    assert client.get("/v1/devices/me", headers=bearer(b_device["device_token"])).status_code == 200


def test_lists_show_only_the_callers_business(client: TestClient) -> None:
    """P1: listings come from the credential's tenant only."""
    a = signup(client)
    b = signup(client)
    b_store = make_store(client, b)
    make_group(client, b, ["sell"], name="B only")
    make_user(client, b, name="B person")
    pair(client, b, b_store["id"])
    a_store = make_store(client, a)
    for path in ("/v1/stores", "/v1/users", "/v1/groups", "/v1/devices"):
        body = client.get(path, headers=a.headers).text
        assert b_store["id"] not in body and "B only" not in body and "B person" not in body
        assert str(b.user_id) not in body
    assert [s["id"] for s in client.get("/v1/stores", headers=a.headers).json()] == [
        a_store["id"]
    ]
    me = client.get("/v1/auth/me", headers=a.headers).json()
    assert [s["id"] for s in me["stores"]] == [a_store["id"]]


def test_a_device_of_one_business_sees_only_its_own_feed(client: TestClient) -> None:
    """P1: a workstation's pull shows its own business's staff, never another's."""
    a = signup(client)
    b = signup(client)
    a_device = pair(client, a, make_store(client, a)["id"])
    b_user = make_user(client, b, name="Hidden Person")
    client.put(f"/v1/users/{b_user['id']}/pin", json={"pin": "9999"}, headers=b.headers)
    r = client.get("/v1/sync/pull", params={"cursor": 0},
                   headers=bearer(a_device["device_token"]))
    assert r.status_code == 200
    assert b_user["id"] not in r.text and "Hidden Person" not in r.text


def test_tenant_role_cannot_read_another_schema_or_the_platform(
    client: TestClient, engine: Engine
) -> None:
    """P1: the database role of a tenant request is refused by PostgreSQL itself elsewhere."""
    a = signup(client)
    b = signup(client)
    ref_a, ref_b = tenant_ref(engine, a.tenant_id), tenant_ref(engine, b.tenant_id)
    for forbidden in (f'SELECT doc FROM "{ref_b.schema}".users',
                      "SELECT password_hash FROM platform.accounts"):
        with pytest.raises(ProgrammingError) as caught, tenant_transaction(engine, ref_a) as conn:
            conn.exec_driver_sql(forbidden).all()
        assert isinstance(caught.value.orig, psycopg.errors.InsufficientPrivilege)
