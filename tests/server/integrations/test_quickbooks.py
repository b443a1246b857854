"""QuickBooks Online connect, refresh, disconnect and P9, against the loopback simulator.

The owner's browser is played by httpx against the simulator's authorize endpoint (which
auto-approves and redirects with code, state and realmId); the service is the real app.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit
from uuid import uuid4

import httpx
import pytest
from cryptography.fernet import Fernet
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from sync_server.db.engine import tenant_transaction
from sync_server.db.names import TenantRef
from sync_server.integrations.connections import load_connection, rotate_tokens
from sync_server.integrations.quickbooks.errors import RECONNECT, AuthorizationRefused
from sync_server.integrations.quickbooks.oauth import IntuitOAuth
from sync_server.integrations.quickbooks.settings import QuickBooksSettings
from sync_server.integrations.quickbooks.state import sign_state
from sync_server.integrations.quickbooks.tokens import fresh_connection
from sync_server.integrations.vault import KEYS_ENV, TokenVault
from tests.server.accounts_helpers import (
    Login,
    make_staff_login,
    own_address_client,
    signup,
    tenant_ref,
)
from tests.server.conftest import TEST_SECRET, rows
from tests.simulators.quickbooks import QuickBooksSimulator, quickbooks_sim

__all__ = ["own_address_client", "quickbooks_sim"]
BASE = "/v1/integrations/quickbooks"


@dataclass
class Owner:
    """A signed-up business whose owner is signed in."""

    login: Login
    ref: TenantRef


@pytest.fixture
def vault_key(monkeypatch: pytest.MonkeyPatch) -> bytes:
    """An explicit integration key for the service (the test reads columns with it)."""
    key = Fernet.generate_key()
    monkeypatch.setenv(KEYS_ENV, key.decode())
    return key


@pytest.fixture
def qbo(quickbooks_sim: QuickBooksSimulator, monkeypatch: pytest.MonkeyPatch,
        vault_key: bytes) -> QuickBooksSimulator:
    """The simulator, with the service's QuickBooks settings pointed at it."""
    for name, value in quickbooks_sim.env().items():
        monkeypatch.setenv(name, value)
    return quickbooks_sim


@pytest.fixture
def logs(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """Every log record at DEBUG and above (httpx's request lines included)."""
    caplog.set_level(logging.DEBUG)
    yield caplog


@pytest.fixture
def owner(client: TestClient, engine: Engine) -> Owner:
    login = signup(client)
    return Owner(login=login, ref=tenant_ref(engine, login.tenant_id))


def connect(client: TestClient, who: Login, sim: QuickBooksSimulator) -> str:
    """The whole connect flow as the owner's browser does it; returns the realm ID."""
    r = client.post(f"{BASE}/connect", headers=who.headers)
    assert r.status_code == 200, r.text
    hop = httpx.get(r.json()["url"], follow_redirects=False)  # Intuit's consent (auto-yes)
    assert hop.status_code == 302, hop.text
    location = hop.headers["location"]
    done = client.get(location)
    assert done.status_code == 200, done.text
    return parse_qs(urlsplit(location).query)["realmId"][0]


def every_token(sim: QuickBooksSimulator) -> list[str]:
    """Every access and refresh token the simulator ever handed out and still knows."""
    found = []
    for grant in sim.grants:
        found.append(grant.refresh_token)
        found.extend(grant.access_tokens)
    return found


def settings_for(sim: QuickBooksSimulator) -> QuickBooksSettings:
    return QuickBooksSettings()  # from the environment the `qbo` fixture set


def test_connect_flow_stores_tokens_encrypted_and_says_nothing_of_them(
    client: TestClient, owner: Owner, qbo: QuickBooksSimulator, vault_key: bytes,
    logs: pytest.LogCaptureFixture, engine: Engine,
) -> None:
    r = client.post(f"{BASE}/connect", headers=owner.login.headers)
    url = urlsplit(r.json()["url"])
    params = {k: v[0] for k, v in parse_qs(url.query).items()}
    assert f"{url.scheme}://{url.netloc}{url.path}" == qbo.authorize_url
    assert params["client_id"] == qbo.client_id
    assert params["scope"] == "com.intuit.quickbooks.accounting"
    assert params["response_type"] == "code"
    assert params["redirect_uri"].endswith("/v1/integrations/quickbooks/callback")
    assert params["state"].count(".") == 1

    realm = connect(client, owner.login, qbo)
    (grant,) = qbo.grants
    raw = rows(engine, owner.ref, "SELECT account_ref, status, access_token_enc, "
               "refresh_token_enc, token_expires_at FROM integration_connections")
    (account_ref, status, access_enc, refresh_enc, expires), = raw
    assert (account_ref, status) == (realm, "connected")
    token, refresh = next(iter(grant.access_tokens)), grant.refresh_token
    assert token not in access_enc and refresh not in refresh_enc  # P9: ciphertext
    vault = TokenVault([vault_key])
    assert (vault.decrypt(access_enc), vault.decrypt(refresh_enc)) == (token, refresh)
    assert expires > datetime.now(UTC) + timedelta(minutes=50)

    status_r = client.get(BASE, headers=owner.login.headers)
    assert status_r.status_code == 200
    assert status_r.json()["status"] == "connected"
    assert status_r.json()["realm_id"] == realm
    for text in (status_r.text, r.text, logs.text):
        assert token not in text and refresh not in text
    for record in logs.records:
        assert token not in record.getMessage() and refresh not in record.getMessage()


def _no_connection(engine: Engine, ref: TenantRef) -> None:
    assert rows(engine, ref, "SELECT provider FROM integration_connections") == []


def test_forged_expired_or_replayed_state_is_refused_and_nothing_is_stored(
    client: TestClient, owner: Owner, qbo: QuickBooksSimulator, engine: Engine,
) -> None:
    tenant, user = owner.login.tenant_id, owner.login.user_id
    cb = f"{BASE}/callback"
    forged = sign_state("not-the-service-secret-" + "y" * 30, tenant, user, seconds=600)
    expired = sign_state(TEST_SECRET, tenant, user, seconds=600, now=time.time() - 3600)
    genuine = sign_state(TEST_SECRET, tenant, user, seconds=600)
    body, _, mac = genuine.partition(".")
    other_tenant = sign_state(TEST_SECRET, uuid4(), user, seconds=600)
    for state in (forged, expired, f"{body}x.{mac}", "garbage", "", other_tenant):
        r = client.get(cb, params={"state": state, "code": "AB123", "realmId": "123"})
        assert r.status_code == 400, (state, r.text)
        assert r.json()["error"]["code"] == "invalid_state"
    _no_connection(engine, owner.ref)
    assert not [p for p in qbo.requests if p[1].endswith("/tokens/bearer")]  # no exchange

    # A genuine state works once; the same link replayed is refused.
    r = client.post(f"{BASE}/connect", headers=owner.login.headers)
    hop = httpx.get(r.json()["url"], follow_redirects=False)
    location = hop.headers["location"]
    assert client.get(location).status_code == 200
    with tenant_transaction(engine, owner.ref) as conn:
        conn.exec_driver_sql("DELETE FROM integration_connections")
    again = client.get(location)
    assert again.status_code == 400 and again.json()["error"]["code"] == "invalid_state"
    _no_connection(engine, owner.ref)


def test_only_the_owner_connects(client: TestClient, owner: Owner,
                                 qbo: QuickBooksSimulator) -> None:
    clerk = make_staff_login(client, owner.login, permissions=["manage_settings"])
    for method, path in (("POST", "/connect"), ("GET", ""), ("POST", "/sync"),
                         ("DELETE", "")):
        r = client.request(method, BASE + path, headers=clerk.headers)
        assert r.status_code == 403, (path, r.text)
    assert client.post(f"{BASE}/connect").status_code == 401


def test_access_token_near_expiry_is_refreshed_and_the_rotated_refresh_token_kept(
    client: TestClient, owner: Owner, qbo: QuickBooksSimulator, vault_key: bytes,
    engine: Engine, logs: pytest.LogCaptureFixture,
) -> None:
    connect(client, owner.login, qbo)
    vault = TokenVault([vault_key])
    with tenant_transaction(engine, owner.ref) as conn:
        first = load_connection(conn, vault, "quickbooks")
    assert first is not None
    settings = settings_for(qbo)
    with httpx.Client() as http:
        oauth = IntuitOAuth(settings, http)
        same = fresh_connection(engine, owner.ref, vault, oauth, settings)
        assert same.access_token == first.access_token  # an hour left: no refresh
        with tenant_transaction(engine, owner.ref) as conn:
            conn.exec_driver_sql("UPDATE integration_connections SET token_expires_at = "
                                 "now() + interval '2 minutes'")
        renewed = fresh_connection(engine, owner.ref, vault, oauth, settings)
    assert renewed.access_token != first.access_token
    assert renewed.refresh_token != first.refresh_token  # the simulator rotates
    assert renewed.refresh_token == qbo.grants[0].refresh_token
    with tenant_transaction(engine, owner.ref) as conn:
        stored = load_connection(conn, vault, "quickbooks")
    assert stored is not None
    assert (stored.access_token, stored.refresh_token) == (renewed.access_token,
                                                           renewed.refresh_token)
    assert stored.token_expires_at is not None
    assert stored.token_expires_at > datetime.now(UTC) + timedelta(minutes=50)
    for secret in (first.access_token, first.refresh_token, renewed.access_token,
                   renewed.refresh_token):
        assert secret not in logs.text


def test_refused_refresh_marks_the_connection_error_with_a_sentence(
    client: TestClient, owner: Owner, qbo: QuickBooksSimulator, vault_key: bytes,
    engine: Engine,
) -> None:
    realm = connect(client, owner.login, qbo)
    qbo.revoke_grant(realm)  # the owner removed the app inside QuickBooks
    with tenant_transaction(engine, owner.ref) as conn:
        conn.exec_driver_sql("UPDATE integration_connections SET token_expires_at = now()")
    settings = settings_for(qbo)
    with httpx.Client() as http, pytest.raises(AuthorizationRefused):
        fresh_connection(engine, owner.ref, TokenVault([vault_key]),
                         IntuitOAuth(settings, http), settings)
    status = client.get(BASE, headers=owner.login.headers).json()
    assert status["status"] == "error"
    assert status["last_error"] == RECONNECT
    assert "reconnect" in status["last_error"]
    r = client.post(f"{BASE}/sync", headers=owner.login.headers)
    assert r.status_code == 409
    assert r.json()["error"]["message"] == RECONNECT
    # Reconnecting clears the error.
    connect(client, owner.login, qbo)
    assert client.get(BASE, headers=owner.login.headers).json()["status"] == "connected"


def test_p9_key_rotation_keeps_quickbooks_tokens_usable(
    client: TestClient, owner: Owner, qbo: QuickBooksSimulator, vault_key: bytes,
    engine: Engine, monkeypatch: pytest.MonkeyPatch,
) -> None:
    connect(client, owner.login, qbo)
    before = rows(engine, owner.ref, "SELECT access_token_enc FROM integration_connections")
    new = Fernet.generate_key()
    with tenant_transaction(engine, owner.ref) as conn:
        assert rotate_tokens(conn, TokenVault([new, vault_key])) == 1
    after = rows(engine, owner.ref, "SELECT access_token_enc FROM integration_connections")
    assert after != before
    monkeypatch.setenv(KEYS_ENV, new.decode())  # the old key is gone from the service
    r = client.post(f"{BASE}/sync", headers=owner.login.headers)
    assert r.status_code == 200, r.text
    assert r.json()["pushed"] == 0 and r.json()["stopped"] is None


def test_disconnect_revokes_at_intuit_and_forgets_the_tokens(
    client: TestClient, owner: Owner, qbo: QuickBooksSimulator, engine: Engine,
    logs: pytest.LogCaptureFixture,
) -> None:
    realm = connect(client, owner.login, qbo)
    tokens = every_token(qbo)
    assert qbo.live_grants(realm) == 1
    r = client.delete(BASE, headers=owner.login.headers)
    assert r.status_code == 200, r.text
    assert r.json() == {"disconnected": True, "revoked_at_intuit": True}
    assert qbo.live_grants(realm) == 0 and qbo.revoked_tokens == 1
    _no_connection(engine, owner.ref)
    assert client.get(BASE, headers=owner.login.headers).json()["status"] == "not_connected"
    again = client.delete(BASE, headers=owner.login.headers)
    assert again.json() == {"disconnected": False, "revoked_at_intuit": False}
    for token in tokens:
        assert token not in logs.text and token not in r.text
