"""Stores and their settings: exact rates, whole-cent money, unique codes, synced out."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from jeweltrak_core.sales.tax import line_tax
from jeweltrak_core.store.entities import Store
from jeweltrak_core.sync.wire import decode

from .accounts_helpers import (
    feed,
    latest_docs,
    make_staff_login,
    make_store,
    own_address_client,
    pair,
    signup,
    tenant_ref,
)
from .conftest import rows

#: Every request of this module comes from its own address (sign-in limits are per IP).
client = own_address_client

FLORIDA = {
    "name": "Palm Beach",
    "code": "PB1",
    "address": "1 Ocean Blvd\nPalm Beach, FL 33480",
    "phone": "+1 561 555 0100",
    "tax_number": "FL-12-345678",
    "timezone": "America/New_York",
    "tax_rate": "0.06",
    "surtax_rate": "0.01",
    "surtax_threshold_cents": 500_000,
    "trade_in_reduces_tax": False,
    "multiplier_price1": "1.5",
    "multiplier_price2": "1.75",
    "multiplier_price3": "2.125",
    "multiplier_retail": "2.5",
    "multiplier_mode": "stacked",
    "weight_unit": "dwt",
    "cost_code": "makeprofit",
    "disclaimer": "All sales final on custom work.",
}


def test_store_settings_round_trip_exactly(client: TestClient, engine: Engine) -> None:
    """P1/P8: a store's settings are kept exactly (decimals as text, cents as integers)."""
    owner = signup(client)
    created = make_store(client, owner, **FLORIDA)
    expected = {**FLORIDA, "cost_code": "MAKEPROFIT"}
    assert {k: created[k] for k in FLORIDA} == expected
    listed = client.get("/v1/stores", headers=owner.headers).json()
    assert [s["id"] for s in listed] == [created["id"]]
    ref = tenant_ref(engine, owner.tenant_id)
    [(doc,)] = rows(engine, ref, "SELECT doc FROM stores WHERE id = %s", created["id"])
    store = decode(Store, doc)
    assert str(store.tax_rate) == "0.06" and str(store.multiplier_price3) == "2.125"
    assert store.surtax_threshold_cents == 500_000
    # The Florida example of PRODUCT.md: 1 × $8,000 → $530 tax with these settings.
    assert line_tax(800_000, 1, store.tax_rule).tax_cents == 53_000


def test_store_defaults_and_patch(client: TestClient) -> None:
    """P1/P8: unspecified settings take the defaults; a patch changes only what it names."""
    owner = signup(client)
    created = make_store(client, owner, code="DEF")
    assert created["cost_code"] == "MAKEPROFIT"
    assert created["tax_rate"] == "0" and created["surtax_threshold_cents"] is None
    r = client.patch(
        f"/v1/stores/{created['id']}",
        json={"tax_rate": "0.0725", "surtax_threshold_cents": 100, "name": "Renamed"},
        headers=owner.headers,
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["tax_rate"] == "0.0725" and body["name"] == "Renamed"
    assert body["code"] == "DEF" and body["version"] > created["version"]
    r = client.patch(f"/v1/stores/{created['id']}", json={"surtax_threshold_cents": None},
                     headers=owner.headers)
    assert r.status_code == 200 and r.json()["surtax_threshold_cents"] is None


def test_store_code_is_unique_per_business(client: TestClient) -> None:
    """PRODUCT: store codes start document numbers, so they are unique per business."""
    owner = signup(client)
    first = make_store(client, owner, code="ONE")
    second = make_store(client, owner, code="TWO")
    r = client.post("/v1/stores", json={"name": "Again", "code": "ONE"}, headers=owner.headers)
    assert r.status_code == 409
    r = client.patch(f"/v1/stores/{second['id']}", json={"code": "ONE"}, headers=owner.headers)
    assert r.status_code == 409
    r = client.patch(f"/v1/stores/{first['id']}", json={"code": "ONE"}, headers=owner.headers)
    assert r.status_code == 200
    other = signup(client)
    make_store(client, other, code="ONE")  # another business may use it


def _store_body(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"name": "Main", "code": "MN"}
    body.update(changes)
    return {k: v for k, v in body.items() if v is not ...}


BAD_STORES = {
    "rate as float": (_store_body(tax_rate=0.06), "tax_rate"),
    "rate as int": (_store_body(tax_rate=0), "tax_rate"),
    "rate of 1": (_store_body(tax_rate="1"), "tax_rate"),
    "negative rate": (_store_body(surtax_rate="-0.01"), "surtax_rate"),
    "rate in exponent form": (_store_body(tax_rate="6E-2"), "tax_rate"),
    "rate NaN": (_store_body(tax_rate="NaN"), "tax_rate"),
    "threshold as float": (_store_body(surtax_threshold_cents=5000.5), "surtax_threshold_cents"),
    "threshold as text": (_store_body(surtax_threshold_cents="500000"), "surtax_threshold_cents"),
    "threshold as bool": (_store_body(surtax_threshold_cents=True), "surtax_threshold_cents"),
    "threshold negative": (_store_body(surtax_threshold_cents=-1), "surtax_threshold_cents"),
    "threshold huge": (_store_body(surtax_threshold_cents=10**15), "surtax_threshold_cents"),
    "multiplier zero": (_store_body(multiplier_retail="0"), "multiplier_retail"),
    "multiplier float": (_store_body(multiplier_price1=1.5), "multiplier_price1"),
    "unknown mode": (_store_body(multiplier_mode="random"), "multiplier_mode"),
    "unknown weight unit": (_store_body(weight_unit="carat"), "weight_unit"),
    "code lowercase": (_store_body(code="main"), "code"),
    "code too long": (_store_body(code="MAINS"), "code"),
    "code with dash": (_store_body(code="M-1"), "code"),
    "code empty": (_store_body(code=""), "code"),
    "code missing": (_store_body(code=...), "code"),
    "name missing": (_store_body(name=...), "name"),
    "name too long": (_store_body(name="n" * 101), "name"),
    "cost code repeats": (_store_body(cost_code="AABBCCDDEE"), "cost_code"),
    "cost code short": (_store_body(cost_code="MAKEPROFI"), "cost_code"),
    "cost code digits": (_store_body(cost_code="MAKEPR0FIT"), "cost_code"),
    "bad time zone": (_store_body(timezone="Mars/Olympus_Mons"), "timezone"),
    "time zone path": (_store_body(timezone="../../etc/passwd"), "timezone"),
    "phone too long": (_store_body(phone="5" * 41), "phone"),
    "address too long": (_store_body(address="a" * 301), "address"),
    "disclaimer too long": (_store_body(disclaimer="d" * 2001), "disclaimer"),
    "extra field": (_store_body(stripe_account="acct_1"), "stripe_account"),
    "id smuggled": (_store_body(id="0190a1b2-0000-7000-8000-000000000000"), "id"),
    "null name": (_store_body(name=None), "name"),
}


@pytest.mark.parametrize("body,field", BAD_STORES.values(), ids=BAD_STORES.keys())
def test_bad_store_input_is_422(client: TestClient, body: dict[str, Any], field: str) -> None:
    """P8: store settings are validated strictly (never floats for money or rates); no 500."""
    owner = signup(client)
    r = client.post("/v1/stores", json=body, headers=owner.headers)
    assert r.status_code == 422, r.text
    assert field in r.json()["error"]["message"]
    assert client.get("/v1/stores", headers=owner.headers).json() == []


def test_store_patch_with_bad_values_changes_nothing(client: TestClient) -> None:
    """P8: a refused patch leaves the store as it was."""
    owner = signup(client)
    store = make_store(client, owner)
    for body in ({"tax_rate": 0.07}, {"code": None}, {"cost_code": "ABC"}, {"extra": 1}):
        r = client.patch(f"/v1/stores/{store['id']}", json=body, headers=owner.headers)
        assert r.status_code == 422, r.text
    assert client.get("/v1/stores", headers=owner.headers).json() == [store]


def test_manage_settings_lets_staff_edit_stores(client: TestClient) -> None:
    """PRODUCT default deny: MANAGE_SETTINGS is what opens and edits stores."""
    owner = signup(client)
    manager = make_staff_login(client, owner, permissions=["manage_settings"])
    store = make_store(client, manager, code="MGR")
    r = client.patch(f"/v1/stores/{store['id']}", json={"phone": "555"}, headers=manager.headers)
    assert r.status_code == 200


def test_store_changes_reach_desktops(client: TestClient) -> None:
    """P8: store settings sync to the workstations through the change feed."""
    owner = signup(client)
    store = make_store(client, owner)
    device = pair(client, owner, store["id"])
    client.patch(f"/v1/stores/{store['id']}", json={"tax_rate": "0.065"}, headers=owner.headers)
    doc = latest_docs(feed(client, device["device_token"]), "stores")[store["id"]]
    assert doc["tax_rate"] == "0.065"
