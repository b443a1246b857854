"""Device pairing: distinct workstation codes, tokens shown once, revocation at once."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from sync_server.auth.secrets import token_hash
from sync_server.db.platform_tables import devices

from .accounts_helpers import bearer, make_staff_login, make_store, own_address_client, pair, signup
from .conftest import TEST_SECRET

#: Every request of this module comes from its own address (sign-in limits are per IP).
client = own_address_client


def test_pairing_gives_distinct_workstation_codes_and_a_working_token(
    client: TestClient, engine: Engine
) -> None:
    """P16: each workstation gets its own credential and a code unique in its store."""
    owner = signup(client)
    store = make_store(client, owner, code="PAIR", name="Pairing Store")
    first = pair(client, owner, store["id"], "Front counter")
    second = pair(client, owner, store["id"], "Back office")
    assert (first["workstation_code"], second["workstation_code"]) == ("A", "B")
    assert first["device_token"].startswith("jtd_")
    assert first["device_token"] != second["device_token"]
    assert first["store"] == {"id": store["id"], "code": "PAIR", "name": "Pairing Store"}
    assert first["tenant_id"] == str(owner.tenant_id)
    assert first["server_version"] and first["schema_version"] >= 1
    me = client.get("/v1/devices/me", headers=bearer(first["device_token"]))
    assert me.status_code == 200, me.text
    assert me.json()["device_id"] == first["device_id"]
    assert me.json()["workstation_code"] == "A"
    assert me.json()["label"] == "Front counter"
    assert me.json()["store"]["code"] == "PAIR"
    # Only the HMAC of the token is stored.
    with engine.connect() as conn:
        stored = conn.execute(
            select(devices.c.token_hash).where(devices.c.id == first["device_id"])
        ).scalar_one()
    assert stored == token_hash(TEST_SECRET, first["device_token"])
    # Another store starts its own codes.
    other_store = make_store(client, owner, code="OTH")
    assert pair(client, owner, other_store["id"])["workstation_code"] == "A"


def test_parallel_pairings_get_distinct_codes(client: TestClient) -> None:
    """P16: workstations paired at the same moment never share a code (document numbers)."""
    owner = signup(client)
    store = make_store(client, owner)
    codes: list[str] = []
    lock = threading.Lock()

    def pair_one() -> None:
        r = client.post("/v1/devices/pair", json={"store_id": store["id"], "label": "Rush"},
                        headers=owner.headers)
        assert r.status_code == 201, r.text
        with lock:
            codes.append(r.json()["workstation_code"])

    threads = [threading.Thread(target=pair_one) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(codes) == ["A", "B", "C", "D", "E", "F"]


def test_device_list_never_shows_tokens_or_hashes(client: TestClient) -> None:
    """P16/P13: listing workstations never returns a token or its hash."""
    owner = signup(client)
    store = make_store(client, owner)
    paired = pair(client, owner, store["id"], "Front")
    r = client.get("/v1/devices", headers=owner.headers)
    assert r.status_code == 200
    assert paired["device_token"] not in r.text
    assert "token" not in r.text and "hash" not in r.text
    [listed] = r.json()
    assert listed["id"] == paired["device_id"] and listed["label"] == "Front"
    assert listed["revoked_at"] is None and listed["paired_by"] == str(owner.user_id)


def test_revoked_device_gets_401_on_its_next_request(client: TestClient) -> None:
    """P16: unpairing stops the workstation's token on its very next request."""
    owner = signup(client)
    store = make_store(client, owner)
    paired = pair(client, owner, store["id"])
    headers = bearer(paired["device_token"])
    assert client.get("/v1/sync/problems", headers=headers).status_code == 200
    r = client.delete(f"/v1/devices/{paired['device_id']}", headers=owner.headers)
    assert r.status_code == 204
    r = client.get("/v1/sync/problems", headers=headers)
    assert r.status_code == 401
    assert "pair it again" in r.json()["error"]["message"]
    assert client.get("/v1/devices/me", headers=headers).status_code == 401
    listed = client.get("/v1/devices", headers=owner.headers).json()
    assert listed[0]["revoked_at"] is not None
    # Unpairing again is harmless; a re-paired workstation gets a new code, never the old one.
    assert client.delete(f"/v1/devices/{paired['device_id']}",
                         headers=owner.headers).status_code == 204
    assert pair(client, owner, store["id"])["workstation_code"] == "B"


def test_a_workstation_unpairs_itself_with_its_own_token(client: TestClient) -> None:
    """P16: DELETE /v1/devices/me revokes only the caller; a user token cannot use it."""
    owner = signup(client)
    store = make_store(client, owner)
    leaving, staying = pair(client, owner, store["id"]), pair(client, owner, store["id"])
    assert client.delete("/v1/devices/me", headers=owner.headers).status_code == 401
    r = client.delete("/v1/devices/me", headers=bearer(leaving["device_token"]))
    assert r.status_code == 204
    assert client.get("/v1/devices/me", headers=bearer(leaving["device_token"])).status_code == 401
    assert client.delete("/v1/devices/me",
                         headers=bearer(leaving["device_token"])).status_code == 401
    assert client.get("/v1/devices/me", headers=bearer(staying["device_token"])).status_code == 200
    listed = {d["id"]: d for d in client.get("/v1/devices", headers=owner.headers).json()}
    assert listed[leaving["device_id"]]["revoked_at"] is not None
    assert listed[staying["device_id"]]["revoked_at"] is None


def test_pairing_needs_pair_devices(client: TestClient) -> None:
    """PRODUCT default deny: only people with PAIR_DEVICES pair or unpair workstations."""
    owner = signup(client)
    store = make_store(client, owner)
    paired = pair(client, owner, store["id"])
    clerk = make_staff_login(client, owner, permissions=["sell"])
    r = client.post("/v1/devices/pair", json={"store_id": store["id"], "label": "X"},
                    headers=clerk.headers)
    assert r.status_code == 403
    r = client.delete(f"/v1/devices/{paired['device_id']}", headers=clerk.headers)
    assert r.status_code == 403
    assert client.get("/v1/devices/me", headers=bearer(paired["device_token"])).status_code == 200
    pairer = make_staff_login(client, owner, permissions=["pair_devices"])
    assert pair(client, pairer, store["id"])["workstation_code"] == "B"


def test_credentials_of_the_wrong_kind_are_refused(client: TestClient) -> None:
    """P1: device endpoints take device tokens, admin endpoints take user sessions."""
    owner = signup(client)
    store = make_store(client, owner)
    paired = pair(client, owner, store["id"])
    assert client.get("/v1/devices/me", headers=owner.headers).status_code == 401
    assert client.get("/v1/devices", headers=bearer(paired["device_token"])).status_code == 401
    assert client.post(
        "/v1/devices/pair", json={"store_id": store["id"], "label": "x"},
        headers=bearer(paired["device_token"]),
    ).status_code == 401


@pytest.mark.parametrize(
    "body,field",
    [
        ({"label": "Counter"}, "store_id"),
        ({"store_id": "nope", "label": "Counter"}, "store_id"),
        ({"store_id": None, "label": "Counter"}, "store_id"),
        ({"store_id": "{store}"}, "label"),
        ({"store_id": "{store}", "label": ""}, "label"),
        ({"store_id": "{store}", "label": "L" * 61}, "label"),
        ({"store_id": "{store}", "label": 7}, "label"),
        ({"store_id": "{store}", "label": "A\nB"}, "label"),
        ({"store_id": "{store}", "label": "X", "tenant_id": "{store}"}, "tenant_id"),
    ],
    ids=["no-store", "bad-id", "null-id", "no-label", "blank", "long", "number", "newline",
         "tenant"],
)
def test_bad_pairing_input_is_422(client: TestClient, body: dict[str, Any], field: str) -> None:
    """P1: pairing input is validated; the tenant never comes from the body."""
    owner = signup(client)
    store = make_store(client, owner)
    body = {k: (v.replace("{store}", store["id"]) if isinstance(v, str) else v)
            for k, v in body.items()}
    r = client.post("/v1/devices/pair", json=body, headers=owner.headers)
    assert r.status_code == 422, r.text
    assert field in r.json()["error"]["message"]
    assert client.get("/v1/devices", headers=owner.headers).json() == []


def test_pairing_to_an_unknown_store_is_404(client: TestClient) -> None:
    """P1: a store ID that is not the business's is not found."""
    owner = signup(client)
    r = client.post("/v1/devices/pair", json={"store_id": str(owner.user_id), "label": "X"},
                    headers=owner.headers)
    assert r.status_code == 404
    assert client.delete(f"/v1/devices/{owner.user_id}", headers=owner.headers).status_code == 404
