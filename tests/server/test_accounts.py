"""Staff, PINs and permission groups: default deny, union of groups and overrides."""

from __future__ import annotations

from typing import Any

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from jeweltrak_core.permissions import Permission
from sync_server.config import Settings
from sync_server.db.platform_tables import accounts

from .accounts_helpers import (
    PASSWORD,
    Login,
    client_at,
    feed,
    latest_docs,
    login,
    make_group,
    make_staff_login,
    make_store,
    make_user,
    own_address_client,
    pair,
    signup,
    tenant_ref,
    unique_email,
    unique_ip,
)
from .conftest import rows

#: Every request of this module comes from its own address (sign-in limits are per IP).
client = own_address_client


def _permissions(client: TestClient, who: Login) -> list[str]:
    r = client.get("/v1/auth/me", headers=who.headers)
    assert r.status_code == 200, r.text
    return list(r.json()["permissions"])


def test_permissions_are_denied_by_default(client: TestClient) -> None:
    """PRODUCT default deny: a staff member without groups or grants may do nothing."""
    owner = signup(client)
    store = make_store(client, owner)
    clerk = make_staff_login(client, owner)
    assert _permissions(client, clerk) == []
    for method, path, body in [
        ("GET", "/v1/users", None),
        ("POST", "/v1/users", {"name": "Eve"}),
        ("GET", "/v1/groups", None),
        ("POST", "/v1/groups", {"name": "Admins", "permissions": ["manage_users"]}),
        ("GET", "/v1/stores", None),
        ("POST", "/v1/stores", {"name": "Mine", "code": "EVE"}),
        ("PATCH", f"/v1/stores/{store['id']}", {"name": "Renamed"}),
        ("POST", "/v1/devices/pair", {"store_id": store["id"], "label": "Sneaky"}),
        ("GET", "/v1/devices", None),
    ]:
        r = client.request(method, path, json=body, headers=clerk.headers)
        assert r.status_code == 403, (path, r.text)
        assert r.json()["error"]["code"] == "permission_denied"
        assert "permission" in r.json()["error"]["message"]


def test_staff_without_manage_users_gets_403_and_changes_nothing(
    client: TestClient, engine: Engine
) -> None:
    """PRODUCT default deny: MANAGE_USERS is needed to add or edit staff."""
    owner = signup(client)
    clerk = make_staff_login(client, owner, permissions=["sell", "discount"])
    ref = tenant_ref(engine, owner.tenant_id)
    before = rows(engine, ref, "SELECT id, doc FROM users ORDER BY id")
    r = client.post("/v1/users", json={"name": "Mallory"}, headers=clerk.headers)
    assert r.status_code == 403
    r = client.patch(
        f"/v1/users/{clerk.user_id}", json={"granted": ["manage_users"]}, headers=clerk.headers
    )
    assert r.status_code == 403
    r = client.put(f"/v1/users/{owner.user_id}/pin", json={"pin": "0000"},
                   headers=clerk.headers)
    assert r.status_code == 403
    assert rows(engine, ref, "SELECT id, doc FROM users ORDER BY id") == before


def test_effective_permissions_are_union_of_groups_plus_grants_minus_revocations(
    client: TestClient,
) -> None:
    """PRODUCT: effective = union of the user's groups + per-user grants − revocations."""
    owner = signup(client)
    counter = make_group(client, owner, ["sell", "view_cost"])
    repairs = make_group(client, owner, ["manage_work_orders", "view_cost", "discount"])
    user = make_user(
        client, owner, email=unique_email("mix"),
        group_ids=[counter["id"], repairs["id"]], granted=["refund"], revoked=["view_cost"],
    )
    client.put(f"/v1/users/{user['id']}/pin", json={"pin": "1357", "password": PASSWORD},
               headers=owner.headers)
    staff = login(client, user["email"])
    assert _permissions(client, staff) == sorted(
        ["sell", "manage_work_orders", "discount", "refund"]
    )
    # A change to a group changes its members' permissions at once.
    r = client.patch(f"/v1/groups/{counter['id']}", json={"permissions": ["sell", "void_invoice"]},
                     headers=owner.headers)
    assert r.status_code == 200, r.text
    assert "void_invoice" in _permissions(client, staff)
    # Revocation wins over a group that grants the same permission.
    client.patch(f"/v1/users/{user['id']}", json={"revoked": ["sell"]}, headers=owner.headers)
    assert "sell" not in _permissions(client, staff)


def test_owner_has_every_permission_whatever_its_groups(client: TestClient) -> None:
    """PRODUCT: the owner's account has every permission, even with no groups."""
    owner = signup(client)
    r = client.patch(f"/v1/users/{owner.user_id}", json={"group_ids": [], "revoked": ["sell"]},
                     headers=owner.headers)
    assert r.status_code == 200, r.text
    assert _permissions(client, owner) == sorted(p.value for p in Permission)
    assert client.get("/v1/users", headers=owner.headers).status_code == 200


def test_pin_verifier_reaches_desktops_in_the_change_feed_never_the_pin(
    client: TestClient, engine: Engine
) -> None:
    """P11: the PIN is stored and synced only as an argon2id verifier (offline PIN sign-in)."""
    owner = signup(client)
    store = make_store(client, owner)
    device = pair(client, owner, store["id"])
    user = make_user(client, owner, name="Pat Counter")
    r = client.put(f"/v1/users/{user['id']}/pin", json={"pin": "48291375"},
                   headers=owner.headers)
    assert r.status_code == 200, r.text
    assert r.json()["has_pin"] is True
    assert "pin_verifier" not in r.json() and "48291375" not in r.text
    r = client.get("/v1/sync/pull", params={"cursor": 0}, headers={
        "Authorization": f"Bearer {device['device_token']}"})
    assert r.status_code == 200
    assert "48291375" not in r.text
    doc = latest_docs(r.json(), "users")[user["id"]]
    verifier = doc["pin_verifier"]
    assert verifier.startswith("$argon2id$")
    assert PasswordHasher().verify(verifier, "48291375")
    # Stored the same way in the tenant's schema, and never listed by the admin API.
    ref = tenant_ref(engine, owner.tenant_id)
    stored = rows(engine, ref, "SELECT doc->>'pin_verifier' FROM users WHERE id = %s",
                  user["id"])
    assert stored == [(verifier,)]
    listing = client.get("/v1/users", headers=owner.headers)
    assert "pin_verifier" not in listing.text and "$argon2" not in listing.text


@pytest.mark.parametrize(
    "pin", ["123", "123456789", "12a4", "", " 1234", "１２３４", 1234, None, ["1234"]],
    ids=["short", "long", "letter", "empty", "space", "fullwidth", "number", "null", "list"],
)
def test_pin_must_be_4_to_8_digits(client: TestClient, pin: Any) -> None:
    """P11: PINs are 4 to 8 ASCII digits sent as text; anything else is a clear 422."""
    owner = signup(client)
    r = client.put(f"/v1/users/{owner.user_id}/pin", json={"pin": pin}, headers=owner.headers)
    assert r.status_code == 422, r.text
    assert "pin" in r.json()["error"]["message"]


def test_staff_password_is_argon2id_and_signs_in(client: TestClient, engine: Engine) -> None:
    """P11: a staff member's password is stored as an argon2id hash and signs them in."""
    owner = signup(client)
    email = unique_email("staff")
    user = make_user(client, owner, email=email)
    r = client.put(f"/v1/users/{user['id']}/pin",
                   json={"pin": "2468", "password": "Staff-Password-1"}, headers=owner.headers)
    assert r.status_code == 200, r.text
    assert r.json()["has_login"] is True
    with engine.connect() as conn:
        stored = conn.execute(
            select(accounts.c.password_hash, accounts.c.is_owner)
            .where(accounts.c.user_id == user["id"])
        ).one()
    assert stored.password_hash.startswith("$argon2id$")
    assert "Staff-Password-1" not in stored.password_hash
    assert stored.is_owner is False
    staff = login(client, email, "Staff-Password-1")
    me = client.get("/v1/auth/me", headers=staff.headers).json()
    assert me["user"]["id"] == user["id"] and me["user"]["is_owner"] is False


def test_staff_password_needs_an_email_and_an_unused_one(client: TestClient) -> None:
    """P11: a sign-in is an e-mail plus password; e-mails are unique across the service."""
    owner = signup(client)
    no_email = make_user(client, owner)
    r = client.put(f"/v1/users/{no_email['id']}/pin",
                   json={"pin": "2468", "password": PASSWORD}, headers=owner.headers)
    assert r.status_code == 422
    assert "e-mail" in r.json()["error"]["message"]
    other = signup(client)
    taken = make_user(client, owner, email=other.email)
    r = client.put(f"/v1/users/{taken['id']}/pin",
                   json={"pin": "2468", "password": PASSWORD}, headers=owner.headers)
    assert r.status_code == 409
    # The PIN was not set either: the request is one transaction.
    listed = {u["id"]: u for u in client.get("/v1/users", headers=owner.headers).json()}
    assert listed[taken["id"]]["has_pin"] is False


def test_a_manager_cannot_hand_out_permissions_they_lack(client: TestClient) -> None:
    """PRODUCT default deny: MANAGE_USERS does not let a manager climb above their own rights."""
    owner = signup(client)
    manager = make_staff_login(client, owner, permissions=["manage_users", "sell"])
    r = client.post("/v1/users", json={"name": "Friend", "granted": ["void_invoice"]},
                    headers=manager.headers)
    assert r.status_code == 403
    assert "void invoice" in r.json()["error"]["message"]
    r = client.patch(f"/v1/users/{manager.user_id}", json={"granted": ["manage_settings"]},
                     headers=manager.headers)
    assert r.status_code == 403
    r = client.post("/v1/groups", json={"name": "Big", "permissions": ["refund"]},
                    headers=manager.headers)
    assert r.status_code == 403
    # Within their own rights they can work.
    r = client.post("/v1/users", json={"name": "Clerk", "granted": ["sell"]},
                    headers=manager.headers)
    assert r.status_code == 201, r.text
    # The owner's record is the owner's alone.
    r = client.patch(f"/v1/users/{owner.user_id}", json={"name": "Someone"},
                     headers=manager.headers)
    assert r.status_code == 403


def test_owner_cannot_be_deactivated(client: TestClient) -> None:
    """P11: nobody can lock the owner out of the business."""
    owner = signup(client)
    r = client.patch(f"/v1/users/{owner.user_id}", json={"active": False}, headers=owner.headers)
    assert r.status_code == 422
    assert client.get("/v1/auth/me", headers=owner.headers).status_code == 200


def test_deactivating_staff_ends_sessions_and_sign_in(
    client: TestClient, settings: Settings, engine: Engine
) -> None:
    """P11: a deactivated staff member's session stops working and they cannot sign in."""
    owner = signup(client)
    clerk = make_staff_login(client, owner, permissions=["sell"])
    r = client.patch(f"/v1/users/{clerk.user_id}", json={"active": False}, headers=owner.headers)
    assert r.status_code == 200 and r.json()["active"] is False
    assert client.get("/v1/auth/me", headers=clerk.headers).status_code == 401
    with client_at(settings, engine, unique_ip()) as c:
        r = c.post("/v1/auth/login", json={"email": clerk.email, "password": PASSWORD})
        assert r.status_code == 401
        client.patch(f"/v1/users/{clerk.user_id}", json={"active": True}, headers=owner.headers)
        login(c, clerk.email)


def test_changing_a_staff_email_changes_their_sign_in(client: TestClient) -> None:
    """P11: the sign-in e-mail follows the staff record; a used e-mail is refused."""
    owner = signup(client)
    clerk = make_staff_login(client, owner)
    new_email = unique_email("renamed")
    r = client.patch(f"/v1/users/{clerk.user_id}", json={"email": new_email.upper()},
                     headers=owner.headers)
    assert r.status_code == 200, r.text
    assert r.json()["email"] == new_email
    login(client, new_email)
    other = signup(client)
    r = client.patch(f"/v1/users/{clerk.user_id}", json={"email": other.email},
                     headers=owner.headers)
    assert r.status_code == 409
    r = client.patch(f"/v1/users/{clerk.user_id}", json={"email": ""}, headers=owner.headers)
    assert r.status_code == 422


def test_group_and_email_names_are_unique_per_business(client: TestClient) -> None:
    """PRODUCT: group names and staff e-mails are unique within a business (any case)."""
    owner = signup(client)
    make_group(client, owner, ["sell"], name="Counter")
    r = client.post("/v1/groups", json={"name": "COUNTER", "permissions": []},
                    headers=owner.headers)
    assert r.status_code == 409
    email = unique_email("dup")
    make_user(client, owner, email=email)
    r = client.post("/v1/users", json={"name": "Twin", "email": email.upper()},
                    headers=owner.headers)
    assert r.status_code == 409
    # Another business may use the same names.
    other = signup(client)
    make_group(client, other, [], name="Counter")
    make_user(client, other, email=email)


@pytest.mark.parametrize(
    "body,field",
    [
        ({"name": "G", "permissions": ["sell", "fly"]}, "permissions"),
        ({"name": "G", "permissions": "sell"}, "permissions"),
        ({"name": "", "permissions": []}, "name"),
        ({"name": "G" * 101}, "name"),
        ({"permissions": ["sell"]}, "name"),
        ({"name": "G", "members": []}, "members"),
    ],
    ids=["unknown-permission", "not-a-list", "blank-name", "long-name", "no-name", "extra"],
)
def test_bad_group_input_is_422(client: TestClient, body: dict[str, Any], field: str) -> None:
    """PRODUCT: permission names are checked against the known permissions; clear 422."""
    owner = signup(client)
    r = client.post("/v1/groups", json=body, headers=owner.headers)
    assert r.status_code == 422, r.text
    assert field in r.json()["error"]["message"]


@pytest.mark.parametrize(
    "body,field",
    [
        ({"name": None}, "name"),
        ({"email": "not-an-email"}, "email"),
        ({"group_ids": ["not-a-uuid"]}, "group_ids"),
        ({"granted": ["teleport"]}, "granted"),
        ({"active": "yes"}, "active"),
        ({"active": 1}, "active"),
        ({"name": "x" * 101}, "name"),
        ({"pin_verifier": "$argon2id$forged"}, "pin_verifier"),
        ({"is_owner": True}, "is_owner"),
    ],
    ids=["null", "email", "group-id", "permission", "active-text", "active-int", "long",
         "verifier", "owner"],
)
def test_bad_staff_patch_is_422(client: TestClient, body: dict[str, Any], field: str) -> None:
    """P11: staff edits are validated strictly (no forged verifiers or owner flags)."""
    owner = signup(client)
    user = make_user(client, owner)
    r = client.patch(f"/v1/users/{user['id']}", json=body, headers=owner.headers)
    assert r.status_code == 422, r.text
    assert field in r.json()["error"]["message"]


def test_unknown_group_for_a_user_is_404(client: TestClient) -> None:
    """P1: a group ID that is not in the business is not found."""
    owner = signup(client)
    r = client.post("/v1/users", json={"name": "X", "group_ids": [str(owner.user_id)]},
                    headers=owner.headers)
    assert r.status_code == 404
    assert "permission group" in r.json()["error"]["message"]


def test_staff_and_groups_reach_desktops_through_the_feed(client: TestClient) -> None:
    """P1/P8: admin changes are written through the tenant's change feed to its desktops."""
    owner = signup(client)
    store = make_store(client, owner)
    device = pair(client, owner, store["id"])
    group = make_group(client, owner, ["sell"], name="Floor")
    user = make_user(client, owner, name="Lee", group_ids=[group["id"]])
    client.patch(f"/v1/users/{user['id']}", json={"name": "Lee Ann"}, headers=owner.headers)
    pulled = feed(client, device["device_token"])
    assert latest_docs(pulled, "users")[user["id"]]["name"] == "Lee Ann"
    assert latest_docs(pulled, "permission_groups")[group["id"]]["permissions"] == ["sell"]
    assert latest_docs(pulled, "stores")[store["id"]]["code"] == store["code"]
