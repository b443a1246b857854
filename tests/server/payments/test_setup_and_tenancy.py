"""Connect onboarding, Terminal location and readers, connection tokens; tenant isolation."""

from __future__ import annotations

import time
from urllib.parse import parse_qs, urlparse

import httpx

from sync_server.payments import connect
from tests.server.conftest import TEST_SECRET
from tests.server.payments.harness import Shop, ok, open_shop
from tests.simulators.stripe import StripeSimulator


def test_location_is_made_from_the_store_address_on_first_pairing(shop: Shop) -> None:
    status = ok(shop.get("/v1/stripe/status"))
    location = shop.sim.get(shop.account, "terminal.location", status["location_id"])
    assert location["address"] == {
        "line1": "100 Biscayne Blvd", "line2": None, "city": "Miami", "state": "FL",
        "postal_code": "33132", "country": "US"}
    second = ok(shop.post("/v1/terminal/readers",
                          {"label": "Back office", "registration_code": "simulated-wpe"}))
    assert second["location_id"] == status["location_id"]  # one location per store
    assert len(shop.sim.objects(shop.account, "terminal.location")) == 1


def test_readers_are_listed_with_their_online_state(shop: Shop) -> None:
    shop.sim.set_reader_status(shop.account, shop.reader, "offline")
    (reader,) = ok(shop.get("/v1/terminal/readers"))["readers"]
    assert (reader["id"], reader["label"], reader["online"]) == (shop.reader, "Front counter",
                                                                 False)
    shop.sim.set_reader_status(shop.account, shop.reader, "online")
    assert ok(shop.get("/v1/terminal/readers"))["readers"][0]["online"] is True


def test_wrong_registration_code_is_refused_with_stripes_reason(shop: Shop) -> None:
    response = shop.post("/v1/terminal/readers",
                         {"label": "Spare", "registration_code": "not-a-code"})
    assert response.status_code == 422
    assert "registration code" in response.json()["error"]["message"]


def test_store_without_a_full_address_cannot_pair_a_reader(service_url: str,
                                                          sim: StripeSimulator) -> None:
    shop = open_shop(service_url, sim, address="Main Street", with_reader=False)
    response = shop.post("/v1/terminal/readers",
                         {"label": "Front counter", "registration_code": "simulated-s710"})
    assert response.status_code == 422 and "full address" in response.json()["error"]["message"]


def test_connection_token_is_scoped_to_the_store_location(shop: Shop) -> None:
    token = ok(shop.post("/v1/terminal/connection_token"))
    assert token["secret"].startswith("pst_test_")
    record = [r for r in shop.sim.requests if r.path == "/v1/terminal/connection_tokens"][-1]
    assert record.account == shop.account and record.params["location"] == token["location_id"]


def test_onboarding_return_and_refresh_links(shop: Shop) -> None:
    url = ok(shop.http.post(f"{shop.url}/v1/stores/{shop.store_id}/stripe/onboarding",
                            headers=shop.owner))["url"]
    assert url.startswith("https://")
    link_request = [r for r in shop.sim.requests if r.path == "/v1/account_links"][-1]
    return_url = link_request.params["return_url"]
    state = parse_qs(urlparse(return_url).query)["state"][0]
    page = shop.http.get(return_url)
    assert page.status_code == 200 and "ready" in page.text
    # P12: the one HTML page of the service sets no cookie and loads nothing from anywhere
    # (no tracking pixel, script, frame, style sheet or external URL).
    assert "set-cookie" not in {k.lower() for k in page.headers}
    assert page.headers["content-type"].startswith("text/html")
    for tag in ("<img", "<script", "<iframe", "<link", "<object", "<embed", "url(", "//"):
        assert tag not in page.text.lower(), tag
    refresh = shop.http.get(f"{shop.url}/v1/stores/{shop.store_id}/stripe/refresh",
                            params={"state": state}, follow_redirects=False)
    assert refresh.status_code == 303 and refresh.headers["location"].startswith("https://")
    forged = shop.http.get(f"{shop.url}/v1/stores/{shop.store_id}/stripe/return",
                           params={"state": "9999999999." + "0" * 32})
    assert forged.status_code == 404
    expired = connect.state_token(TEST_SECRET, shop.store_id, expires=int(time.time()) - 1)
    old = shop.http.get(f"{shop.url}/v1/stores/{shop.store_id}/stripe/refresh",
                        params={"state": expired}, follow_redirects=False)
    assert old.status_code == 404


def test_only_the_owner_starts_onboarding(shop: Shop) -> None:
    as_device = shop.http.post(f"{shop.url}/v1/stores/{shop.store_id}/stripe/onboarding",
                               headers=shop.device)
    assert as_device.status_code == 401


def test_store_not_connected_cannot_take_cards(service_url: str, sim: StripeSimulator) -> None:
    http = httpx.Client(timeout=30)
    shop = open_shop(service_url, sim, with_reader=False)
    # A second store of the same business, never connected, with its own workstation.
    store = ok(http.post(f"{service_url}/v1/stores", headers=shop.owner,
                         json={"name": "Annex", "code": "AX" + shop.device_id.hex[:2].upper()}))
    paired = ok(http.post(f"{service_url}/v1/devices/pair", headers=shop.owner,
                          json={"store_id": store["id"], "label": "Annex counter"}))
    response = http.post(f"{service_url}/v1/terminal/readers",
                         headers={"Authorization": f"Bearer {paired['device_token']}"},
                         json={"label": "Front", "registration_code": "simulated-s710"})
    assert response.status_code == 409 and "not connected" in response.json()["error"]["message"]


def test_another_tenant_cannot_see_or_act_on_a_payment(shop: Shop, service_url: str,
                                                      sim: StripeSimulator) -> None:
    """P1: IDs of tenant A are simply not there for tenant B's credential."""
    invoice_id = shop.invoice(30_000, contact_id=shop.contact())
    attempt = shop.charge(invoice_id)
    shop.tap()
    paid = shop.outcome(attempt["id"])
    other = open_shop(service_url, sim)
    assert other.get(f"/v1/payments/terminal/{attempt['id']}").status_code == 404
    assert other.post(f"/v1/payments/terminal/{attempt['id']}/cancel").status_code == 404
    refund = other.post(f"/v1/payments/{paid['payment_id']}/refunds",
                        {"idempotency_key": "steal-0001"})
    assert refund.status_code == 404
    assert other.get(f"/v1/payments/{paid['payment_id']}/refunds").status_code == 404
    assert other.post(f"/v1/invoices/{invoice_id}/payment_link").status_code == 404
    assert ok(other.get(f"/v1/invoices/{invoice_id}/disputes"))["disputes"] == []
    charge_b = other.post("/v1/payments/terminal", {
        "reader_id": shop.reader, "idempotency_key": "foreign-reader-1",
        "invoice_id": str(other.invoice(10_000))})
    assert charge_b.status_code == 404  # A's reader is not B's
    onboarding = other.http.post(f"{shop.url}/v1/stores/{shop.store_id}/stripe/onboarding",
                                 headers=other.owner)
    assert onboarding.status_code == 404
    assert shop.outcome(attempt["id"], wait=0)["status"] == "approved"
