"""PRIVACY_PROMISES.md P15 (delete): the owner deletes the whole business at once — its
schema, its role, every platform row that names it — and every credential of it stops
working; nothing else is touched, and a wrong password deletes nothing."""

from __future__ import annotations

import threading
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from sync_server.lifecycle.deletion import delete_tenant_now

from .accounts_helpers import Login, login, own_address_client
from .conftest import rows
from .test_lifecycle_helpers import (
    Business,
    device_pull_status,
    open_business,
    platform_rows_naming,
    role_exists,
    schema_exists,
)

#: Every request of this module comes from its own address (sign-in limits are per IP).
client = own_address_client


def _delete(client: TestClient, who: Login, password: str | None = None) -> Any:
    body = {"password": who.password if password is None else password}
    return client.request("DELETE", "/v1/tenant", json=body, headers=who.headers)


def _route_stripe(engine: Engine, shop: Business, account: str) -> None:
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO platform.stripe_accounts (store_id, tenant_id, account_id) "
                "VALUES (:store, :tenant, :account)"
            ),
            {"store": shop.store_id, "tenant": shop.ref.id, "account": account},
        )
        conn.execute(
            text(
                "INSERT INTO platform.stripe_events (event_id, event_type, account_id) "
                "VALUES (:event, 'account.updated', :account)"
            ),
            {"event": f"evt_{account}", "account": account},
        )


def _stripe_rows(engine: Engine, account: str) -> int:
    with engine.connect() as conn:
        return int(conn.execute(
            text(
                "SELECT (SELECT count(*) FROM platform.stripe_accounts WHERE account_id = :a) + "
                "(SELECT count(*) FROM platform.stripe_events WHERE account_id = :a)"
            ),
            {"a": account},
        ).scalar_one())


def _attempts_of(engine: Engine, email: str) -> int:
    with engine.connect() as conn:
        return int(conn.execute(
            text("SELECT count(*) FROM platform.login_attempts WHERE lower(email) = lower(:e)"),
            {"e": email},
        ).scalar_one())


def test_p15_delete_removes_the_tenant_and_nothing_else(
    client: TestClient, engine: Engine
) -> None:
    """P15: after ``DELETE /v1/tenant`` the schema and role are gone (pg_namespace,
    pg_roles), no platform row names the tenant, its workstation and sessions get 401;
    another business is untouched and keeps syncing."""
    shop = open_business(client, engine, "Closing Jewelers")
    other = open_business(client, engine, "Staying Gems")
    _route_stripe(engine, shop, "acct_closing01")
    _route_stripe(engine, other, "acct_staying01")
    other_before = rows(engine, other.ref, "SELECT id, version, doc FROM pieces ORDER BY id")
    assert _attempts_of(engine, shop.staff.email) >= 1
    assert platform_rows_naming(engine, shop.ref.id)["devices"] == 1

    r = _delete(client, shop.owner)
    assert r.status_code == 200, r.text
    assert r.json() == {"tenant_id": str(shop.ref.id), "deleted": True}

    assert not schema_exists(engine, shop.ref.schema)
    assert not role_exists(engine, shop.ref.role)
    assert set(platform_rows_naming(engine, shop.ref.id).values()) == {0}
    assert _stripe_rows(engine, "acct_closing01") == 0
    assert _attempts_of(engine, shop.staff.email) == 0
    assert _attempts_of(engine, shop.owner.email) == 0
    assert device_pull_status(client, shop.workstation.token) == 401
    for person in (shop.owner, shop.staff):
        assert client.get("/v1/auth/me", headers=person.headers).status_code == 401
        assert client.get("/v1/tenant", headers=person.headers).status_code == 401
    r = client.post("/v1/auth/login", json={"email": shop.owner.email, "password": "x" * 8})
    assert r.status_code == 401  # the e-mail signs in nowhere any more

    assert schema_exists(engine, other.ref.schema) and role_exists(engine, other.ref.role)
    assert rows(engine, other.ref, "SELECT id, version, doc FROM pieces ORDER BY id") == (
        other_before
    )
    assert _stripe_rows(engine, "acct_staying01") == 2
    assert device_pull_status(client, other.workstation.token) == 200
    assert client.get("/v1/tenant", headers=other.owner.headers).status_code == 200
    assert platform_rows_naming(engine, other.ref.id)["accounts"] == 2


def test_p15_wrong_password_deletes_nothing(client: TestClient, engine: Engine) -> None:
    """P15: deletion needs the owner's password typed again; a wrong one answers 403 and
    leaves everything as it was; a missing one is a 422."""
    shop = open_business(client, engine)
    r = _delete(client, shop.owner, password="not the password")
    assert r.status_code == 403, r.text
    assert r.json()["error"]["code"] == "wrong_password"
    r = client.request("DELETE", "/v1/tenant", json={}, headers=shop.owner.headers)
    assert r.status_code == 422
    r = client.request(
        "DELETE", "/v1/tenant", json={"password": 12345678}, headers=shop.owner.headers
    )
    assert r.status_code == 422
    assert schema_exists(engine, shop.ref.schema) and role_exists(engine, shop.ref.role)
    assert platform_rows_naming(engine, shop.ref.id)["tenants"] == 1
    assert device_pull_status(client, shop.workstation.token) == 200
    assert client.get("/v1/auth/me", headers=shop.owner.headers).status_code == 200


def test_p15_only_the_owner_deletes(client: TestClient, engine: Engine) -> None:
    """P15: staff holding every permission cannot delete the business (403), even with
    their own right password; a workstation cannot either (401)."""
    shop = open_business(client, engine)
    r = _delete(client, shop.staff)
    assert r.status_code == 403, r.text
    assert r.json()["error"]["code"] == "permission_denied"
    r = client.request(
        "DELETE", "/v1/tenant", json={"password": "x"}, headers=shop.workstation.headers
    )
    assert r.status_code == 401
    assert schema_exists(engine, shop.ref.schema)
    assert login(client, shop.owner.email).tenant_id == shop.ref.id


def test_p15_delete_is_idempotent_under_concurrency(client: TestClient, engine: Engine) -> None:
    """P15: two deletions at once (the row lock serializes them) both end with the tenant
    gone and neither fails with 5xx; deleting again finds nothing to do."""
    shop = open_business(client, engine)
    statuses: list[int] = []
    start = threading.Barrier(2)

    def delete() -> None:
        start.wait()
        statuses.append(_delete(client, shop.owner).status_code)

    threads = [threading.Thread(target=delete) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert sorted(statuses) in ([200, 200], [200, 401]), statuses
    assert not schema_exists(engine, shop.ref.schema)
    assert not role_exists(engine, shop.ref.role)
    assert set(platform_rows_naming(engine, shop.ref.id).values()) == {0}
    assert _attempts_of(engine, shop.owner.email) == 0
    again = delete_tenant_now(engine, shop.ref.id, reason="test")
    assert not again.deleted
    assert _delete(client, shop.owner).status_code == 401
