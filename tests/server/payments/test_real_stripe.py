"""Opt-in: the reader flow against Stripe's real test mode with a simulated S710.

Runs only with ``STRIPE_TEST_SECRET_KEY`` (a ``sk_test_…`` platform key with Connect) and
``STRIPE_TEST_CONNECTED_ACCOUNT`` (an onboarded Standard test account of that platform).
Webhooks cannot reach a loopback service, so the outcome comes from the polling fallback.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from uuid import UUID

import httpx
import pytest
import stripe
from pydantic import SecretStr
from sqlalchemy import Engine, insert

from sync_server.config import Settings
from sync_server.payments.tables import stripe_accounts
from tests.server.live import serving
from tests.server.payments.harness import ADDRESS, PASSWORD, Shop, ok

KEY = os.environ.get("STRIPE_TEST_SECRET_KEY", "")
ACCOUNT = os.environ.get("STRIPE_TEST_CONNECTED_ACCOUNT", "")

pytestmark = pytest.mark.skipif(
    not (KEY.startswith("sk_test_") and ACCOUNT.startswith("acct_")),
    reason="set STRIPE_TEST_SECRET_KEY (sk_test_…) and STRIPE_TEST_CONNECTED_ACCOUNT to run "
    "against Stripe's test mode",
)


@pytest.fixture
def real_service(settings: Settings, engine: Engine) -> Iterator[str]:
    from sync_server.app import create_app

    real = settings.model_copy(update={
        "stripe_secret_key": SecretStr(KEY), "stripe_webhook_secret": SecretStr("whsec_unused"),
        "stripe_api_base": "https://api.stripe.com", "public_base_url": "http://127.0.0.1"})
    with serving(lambda _url: create_app(real, engine=engine)) as url:
        yield url


def _shop(url: str, engine: Engine) -> Shop:
    """A business whose store uses the onboarded test account (Connect setup done on Stripe)."""
    http = httpx.Client(timeout=60)
    email = f"owner.{uuid.uuid4().hex[:12]}@example.com"
    body = ok(http.post(url + "/v1/auth/signup", json={
        "name": "Ada Owner", "business_name": "Ada Jewelers", "email": email,
        "password": PASSWORD}))
    owner = {"Authorization": f"Bearer {body['token']}"}
    store = ok(http.post(url + "/v1/stores", headers=owner, json={
        "name": "Ada Jewelers Miami", "code": "R" + uuid.uuid4().hex[:3].upper(),
        "address": ADDRESS}))
    with engine.begin() as conn:
        conn.execute(insert(stripe_accounts).values(
            store_id=store["id"], tenant_id=body["tenant_id"], account_id=ACCOUNT,
            charges_enabled=True, details_submitted=True))
    paired = ok(http.post(url + "/v1/devices/pair", headers=owner,
                          json={"store_id": store["id"], "label": "Counter 1"}))
    return Shop(url=url, sim=None, owner_token=body["token"],  # type: ignore[arg-type]
                tenant_id=UUID(body["tenant_id"]), store_id=UUID(store["id"]),
                device_id=UUID(paired["device_id"]), device_token=paired["device_token"],
                account=ACCOUNT, http=http)


def test_reader_flow_in_stripe_test_mode(real_service: str, engine: Engine) -> None:
    shop = _shop(real_service, engine)
    reader = ok(shop.post("/v1/terminal/readers",
                          {"label": "Front counter", "registration_code": "simulated-s710"}))
    shop.reader = reader["id"]
    invoice_id = shop.invoice(1_250)
    attempt = shop.charge(invoice_id)
    client = stripe.StripeClient(KEY)
    client.v1.test_helpers.terminal.readers.present_payment_method(
        shop.reader, {}, {"stripe_account": ACCOUNT})
    result = shop.outcome(attempt["id"], wait=20)
    assert result["status"] == "approved" and result["card_last4"]
    refund = ok(shop.post(f"/v1/payments/{result['payment_id']}/refunds",
                          {"idempotency_key": uuid.uuid4().hex}))
    assert refund["amount_cents"] == 1_250
