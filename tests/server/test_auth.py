"""Owner signup, sign-in, rate limiting, sessions and "who am I" on the real PostgreSQL."""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select, text, update

from jeweltrak_core.permissions import Permission
from sync_server.accounts import rate_limit
from sync_server.auth.secrets import needs_rehash, token_hash
from sync_server.config import Settings
from sync_server.db.platform_tables import accounts, login_attempts, sessions

from .accounts_helpers import (
    PASSWORD,
    client_at,
    login,
    make_store,
    own_address_client,
    pair,
    signup,
    tenant_ref,
    unique_email,
    unique_ip,
)
from .conftest import TEST_SECRET, rows, tenant_count

#: Every request of this module comes from its own address (sign-in limits are per IP).
client = own_address_client


def _tenant_schemas(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(
            conn.execute(
                text("SELECT count(*) FROM pg_namespace WHERE nspname LIKE 't\\_%'")
            ).scalar_one()
        )


def test_signup_stores_an_argon2id_hash_never_the_password(
    client: TestClient, engine: Engine
) -> None:
    """P11: the stored password is an argon2id hash, not the password or anything recoverable."""
    owner = signup(client, password="Sparkle-And-Shine-2026")
    with engine.connect() as conn:
        stored = conn.execute(
            select(accounts.c.password_hash, accounts.c.is_owner).where(
                accounts.c.id == owner.account_id
            )
        ).one()
    assert stored.password_hash.startswith("$argon2id$")
    assert "Sparkle-And-Shine-2026" not in stored.password_hash
    assert stored.is_owner is True


def test_signup_session_is_stored_as_hmac_only(client: TestClient, engine: Engine) -> None:
    """P11/P13: only an HMAC of the session token is stored; the token works as a bearer."""
    owner = signup(client)
    assert owner.token.startswith("jtu_")
    with engine.connect() as conn:
        stored = conn.execute(
            select(sessions.c.token_hash).where(sessions.c.account_id == owner.account_id)
        ).scalars().all()
    assert stored == [token_hash(TEST_SECRET, owner.token)]
    assert owner.token.encode() not in stored[0]
    assert client.get("/v1/auth/me", headers=owner.headers).status_code == 200


def test_signup_writes_owner_group_and_user_into_the_tenant_schema(
    client: TestClient, engine: Engine
) -> None:
    """P1: the owner's User and an Owner group with every permission live in the tenant's schema."""
    owner = signup(client, name="Grace Hopper", business_name="Hopper Gems")
    ref = tenant_ref(engine, owner.tenant_id)
    users = rows(engine, ref, "SELECT id, doc FROM users")
    groups = rows(engine, ref, "SELECT id, doc FROM permission_groups")
    assert [(u[0], u[1]["name"], u[1]["email"]) for u in users] == [
        (owner.user_id, "Grace Hopper", owner.email)
    ]
    assert len(groups) == 1
    assert groups[0][1]["name"] == "Owner"
    assert sorted(groups[0][1]["permissions"]) == sorted(p.value for p in Permission)
    assert users[0][1]["group_ids"] == [str(groups[0][0])]
    # Written through the change feed, so desktops receive them.
    logged = rows(engine, ref, "SELECT entity FROM change_log ORDER BY version, seq")
    assert [e[0] for e in logged] == ["permission_groups", "users"]


def test_duplicate_email_is_409_and_creates_nothing(client: TestClient, engine: Engine) -> None:
    """P1: a refused signup leaves no tenant, schema, role or account behind."""
    email = unique_email()
    signup(client, email=email)
    tenants_before, schemas_before = tenant_count(engine), _tenant_schemas(engine)
    r = client.post(
        "/v1/auth/signup",
        json={"name": "B", "business_name": "B Gems", "email": email.upper(),
              "password": PASSWORD},
    )
    assert r.status_code == 409, r.text
    assert r.json()["error"]["code"] == "duplicate"
    assert "already exists" in r.json()["error"]["message"]
    assert tenant_count(engine) == tenants_before
    assert _tenant_schemas(engine) == schemas_before
    with engine.connect() as conn:
        same = conn.execute(
            select(func.count()).where(func.lower(accounts.c.email) == email.lower())
        ).scalar_one()
    assert same == 1


def _signup_body(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": "Ada", "business_name": "Ada Gems", "email": unique_email(),
        "password": "long-enough-secret",
    }
    for key, value in changes.items():
        if value is ...:
            body.pop(key)
        else:
            body[key] = value
    return body


BAD_SIGNUPS = {
    "missing name": (_signup_body(name=...), "name"),
    "missing email": (_signup_body(email=...), "email"),
    "missing password": (_signup_body(password=...), "password"),
    "missing business": (_signup_body(business_name=...), "business_name"),
    "name is a number": (_signup_body(name=12), "name"),
    "email is a list": (_signup_body(email=["a@b.co"]), "email"),
    "password is a number": (_signup_body(password=1234567890123), "password"),
    "extra field": (_signup_body(is_owner=True), "is_owner"),
    "tenant id smuggled in": (_signup_body(tenant_id="0190a1b2-0000-7000-8000-000000000000"),
                              "tenant_id"),
    "name too long": (_signup_body(name="x" * 101), "name"),
    "business name too long": (_signup_body(business_name="x" * 201), "business_name"),
    "blank name": (_signup_body(name="   "), "name"),
    "control character in name": (_signup_body(name="Ada\x00"), "name"),
    "email without at": (_signup_body(email="ada.example.com"), "email"),
    "email without domain dot": (_signup_body(email="ada@localhost"), "email"),
    "email with space": (_signup_body(email="ada lovelace@example.com"), "email"),
    "email with two ats": (_signup_body(email="a@b@example.com"), "email"),
    "email too long": (_signup_body(email="a" * 250 + "@example.com"), "email"),
    "password too short": (_signup_body(password="short-pw9"), "password"),
    "password too long": (_signup_body(password="p" * 257), "password"),
}


@pytest.mark.parametrize("body,field", BAD_SIGNUPS.values(), ids=BAD_SIGNUPS.keys())
def test_bad_signup_is_422_naming_the_field(
    client: TestClient, engine: Engine, body: dict[str, Any], field: str
) -> None:
    """P1/P11: malformed signups are refused with a clear message, never a 500, nothing created."""
    before = tenant_count(engine)
    r = client.post("/v1/auth/signup", json=body)
    assert r.status_code == 422, r.text
    error = r.json()["error"]
    assert error["code"] == "validation_error"
    assert field in error["message"]
    if isinstance(body.get("password"), str):
        assert body["password"] not in r.text  # never echoed back
    assert tenant_count(engine) == before


@pytest.mark.parametrize(
    "raw",
    [b"", b"null", b"[]", b"\"signup\"", b"{not json", b"{\"name\": \"a\"" + b" " * 10],
    ids=["empty", "null", "array", "string", "broken", "unterminated"],
)
def test_signup_body_that_is_not_an_object_is_422(client: TestClient, raw: bytes) -> None:
    """P11: a body that is not a JSON object is refused with 422, never a 500."""
    r = client.post(
        "/v1/auth/signup", content=raw, headers={"Content-Type": "application/json"}
    )
    assert r.status_code == 422, r.text
    assert r.json()["error"]["message"].startswith("Invalid request")


def test_unknown_email_and_wrong_password_get_the_same_401(
    client: TestClient, settings: Settings, engine: Engine
) -> None:
    """P11: sign-in does not reveal which e-mail addresses have accounts."""
    owner = signup(client)
    with client_at(settings, engine, unique_ip()) as other:
        wrong = other.post("/v1/auth/login", json={"email": owner.email, "password": "nope"})
        unknown = other.post(
            "/v1/auth/login", json={"email": unique_email(), "password": PASSWORD}
        )
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()
    assert "token" not in wrong.json()


def test_login_is_case_insensitive_and_gives_a_working_session(client: TestClient) -> None:
    """P11: the right password signs in (e-mail in any case); the session works."""
    owner = signup(client)
    session = login(client, owner.email.upper())
    assert session.token != owner.token
    me = client.get("/v1/auth/me", headers=session.headers)
    assert me.status_code == 200
    assert me.json()["user"]["id"] == str(owner.user_id)


def test_login_is_limited_after_max_failures_even_with_the_right_password(
    client: TestClient, settings: Settings, engine: Engine
) -> None:
    """P11: after login_max_failures failures the right password is refused with 429."""
    owner = signup(client)
    with client_at(settings, engine, unique_ip()) as attacker:
        for _ in range(settings.login_max_failures):
            r = attacker.post("/v1/auth/login", json={"email": owner.email, "password": "guess"})
            assert r.status_code == 401, r.text
        refused = attacker.post(
            "/v1/auth/login", json={"email": owner.email, "password": PASSWORD}
        )
    assert refused.status_code == 429, refused.text
    assert refused.json()["error"]["code"] == "too_many_attempts"
    assert "token" not in refused.text
    retry_after = int(refused.headers["Retry-After"])
    assert 0 < retry_after <= settings.login_window_minutes * 60
    # The limit is on the e-mail: the owner is refused from another address and another
    # instance of the service (it is stored in the database, not in a process).
    with client_at(settings, engine, unique_ip()) as elsewhere:
        r = elsewhere.post("/v1/auth/login", json={"email": owner.email, "password": PASSWORD})
    assert r.status_code == 429
    # Other people can still sign in.
    other = signup(client)
    login(client, other.email)


def test_ip_is_limited_across_email_addresses(
    client: TestClient, settings: Settings, engine: Engine
) -> None:
    """P11: one address trying many accounts is refused after 4× the per-e-mail limit."""
    owner = signup(client)
    ip = unique_ip()
    with client_at(settings, engine, ip) as attacker:
        for _ in range(settings.login_max_failures * 4):
            r = attacker.post("/v1/auth/login", json={"email": unique_email(), "password": "x"})
            assert r.status_code == 401, r.text
        refused = attacker.post(
            "/v1/auth/login", json={"email": owner.email, "password": PASSWORD}
        )
        assert refused.status_code == 429
        assert int(refused.headers["Retry-After"]) > 0
    with client_at(settings, engine, unique_ip()) as elsewhere:
        assert elsewhere.post(
            "/v1/auth/login", json={"email": owner.email, "password": PASSWORD}
        ).status_code == 200


def test_parallel_guesses_from_two_instances_never_exceed_the_limit(
    client: TestClient, settings: Settings, engine: Engine
) -> None:
    """P11: concurrent attempts on two service instances check at most N passwords."""
    owner = signup(client)
    statuses: list[int] = []
    lock = threading.Lock()

    def guess(test_client: TestClient) -> None:
        for _ in range(3):
            r = test_client.post(
                "/v1/auth/login", json={"email": owner.email, "password": "wrong guess"}
            )
            with lock:
                statuses.append(r.status_code)

    with client_at(settings, engine, unique_ip()) as one, \
            client_at(settings, engine, unique_ip()) as two:
        threads = [threading.Thread(target=guess, args=(c,)) for c in (one, two, one, two)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert len(statuses) == 12
    assert statuses.count(401) == settings.login_max_failures
    assert statuses.count(429) == 12 - settings.login_max_failures


def test_a_successful_sign_in_clears_the_email_failures(
    client: TestClient, settings: Settings, engine: Engine
) -> None:
    """P11: failures before a successful sign-in do not count toward the next lock-out."""
    owner = signup(client)
    with client_at(settings, engine, unique_ip()) as c:
        for _ in range(2):
            for _ in range(settings.login_max_failures - 1):
                r = c.post("/v1/auth/login", json={"email": owner.email, "password": "typo"})
                assert r.status_code == 401
            login(c, owner.email)


def test_failures_older_than_the_window_do_not_count(
    client: TestClient, settings: Settings, engine: Engine
) -> None:
    """P11: the limit is per window; old failures (stored in the database) expire."""
    owner = signup(client)
    ip = unique_ip()
    with engine.begin() as conn:
        for _ in range(settings.login_max_failures * 4):
            conn.execute(
                login_attempts.insert().values(
                    email=owner.email, ip=ip, succeeded=False,
                    at=func.now() - text(
                        f"interval '{settings.login_window_minutes + 1} minutes'"
                    ),
                )
            )
    with client_at(settings, engine, ip) as c:
        login(c, owner.email)


def test_old_attempts_can_be_pruned(client: TestClient, engine: Engine) -> None:
    """P11: the attempt log is kept only as long as needed (pruned by a periodic job)."""
    email = unique_email("pruned")
    with engine.begin() as conn:
        conn.execute(
            login_attempts.insert().values(
                email=email, ip="192.0.2.1", succeeded=False,
                at=func.now() - text("interval '2 days'"),
            )
        )
    assert rate_limit.prune_attempts(engine, datetime.now(UTC) - timedelta(days=1)) >= 1
    with engine.connect() as conn:
        left = conn.execute(
            select(func.count()).where(login_attempts.c.email == email)
        ).scalar_one()
    assert left == 0


def test_weaker_password_hash_is_upgraded_at_sign_in(client: TestClient, engine: Engine) -> None:
    """P11: a hash made with older, weaker argon2 costs is re-hashed at the next sign-in."""
    owner = signup(client)
    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash(PASSWORD)
    with engine.begin() as conn:
        conn.execute(
            update(accounts).where(accounts.c.id == owner.account_id).values(password_hash=weak)
        )
    login(client, owner.email)
    with engine.connect() as conn:
        stored = conn.execute(
            select(accounts.c.password_hash).where(accounts.c.id == owner.account_id)
        ).scalar_one()
    assert stored != weak and stored.startswith("$argon2id$")
    assert not needs_rehash(stored)


def test_logout_ends_the_session(client: TestClient) -> None:
    """P11: a signed-out token no longer works; other sessions keep working."""
    owner = signup(client)
    second = login(client, owner.email)
    r = client.post("/v1/auth/logout", headers=owner.headers)
    assert r.status_code == 204
    assert client.get("/v1/auth/me", headers=owner.headers).status_code == 401
    assert client.post("/v1/auth/logout", headers=owner.headers).status_code == 401
    assert client.get("/v1/auth/me", headers=second.headers).status_code == 200


def test_expired_session_is_refused(client: TestClient, engine: Engine) -> None:
    """P11: a session past its expiry is refused with 401."""
    owner = signup(client)
    with engine.begin() as conn:
        conn.execute(
            update(sessions)
            .where(sessions.c.token_hash == token_hash(TEST_SECRET, owner.token))
            .values(expires_at=func.now() - text("interval '1 second'"))
        )
    r = client.get("/v1/auth/me", headers=owner.headers)
    assert r.status_code == 401
    assert "sign in again" in r.json()["error"]["message"]


def test_session_expiry_follows_settings(client: TestClient, settings: Settings) -> None:
    """P11: sessions expire after settings.session_hours."""
    r = client.post(
        "/v1/auth/signup",
        json={"name": "A", "business_name": "A", "email": unique_email(), "password": PASSWORD},
    )
    expires = datetime.fromisoformat(r.json()["expires_at"])
    expected = datetime.now(UTC) + timedelta(hours=settings.session_hours)
    assert abs((expires - expected).total_seconds()) < 60
    assert r.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer"}, {"Authorization": "Basic abc"},
     {"Authorization": "Bearer jtu_not-a-real-token"},
     {"Authorization": "Bearer jtd_a-device-token-is-not-a-session"}],
    ids=["none", "empty", "basic", "unknown", "device-kind"],
)
def test_me_needs_a_valid_session(client: TestClient, headers: dict[str, str]) -> None:
    """P1: the tenant comes only from a valid credential; anything else is 401."""
    r = client.get("/v1/auth/me", headers=headers)
    assert r.status_code == 401
    assert r.json()["error"]["code"] == "unauthorized"


def test_me_lists_user_tenant_permissions_and_stores(client: TestClient) -> None:
    """P1: "who am I" answers from the credential's tenant: its user, business and stores."""
    owner = signup(client, name="Ada Owner", business_name="Ada Jewelers")
    store = make_store(client, owner, code="ADA1", name="Ada Downtown")
    body = client.get("/v1/auth/me", headers=owner.headers).json()
    assert body["tenant"] == {"id": str(owner.tenant_id), "business_name": "Ada Jewelers"}
    assert body["user"]["name"] == "Ada Owner"
    assert body["user"]["is_owner"] is True
    assert "pin_verifier" not in body["user"]
    assert body["permissions"] == sorted(p.value for p in Permission)
    assert body["stores"] == [{"id": store["id"], "code": "ADA1", "name": "Ada Downtown"}]


def test_request_log_keeps_no_tokens_or_passwords(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    """P13: the request log has IP, agent, path and time, never bodies, tokens or passwords."""
    caplog.set_level(logging.INFO, logger="sync_server.access")
    owner = signup(client, password="Very-Secret-Passphrase")
    session = login(client, owner.email, "Very-Secret-Passphrase")
    store = make_store(client, session)
    device = pair(client, session, store["id"])
    client.put(
        f"/v1/users/{owner.user_id}/pin", json={"pin": "97531"}, headers=session.headers
    )
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "/v1/auth/login" in logged and '"ip"' in logged and '"time"' in logged
    for secret in ("Very-Secret-Passphrase", owner.token, session.token,
                   device["device_token"], "97531", owner.email):
        assert secret not in logged
