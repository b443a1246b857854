"""Signup limits on the real PostgreSQL: per client address and service-wide (429).

Every signup creates a tenant (a schema and a role), so signups are limited per client
address (failed ones included) and by a service-wide ceiling of new tenants per window.
Each test has a database of its own, so the ceiling counts only its own signups. Time is
moved the way the sign-in limit tests move it: stored timestamps are set back (the limits
run on the database's clock); nothing sleeps.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError
from sqlalchemy import Engine, text

from sync_server.accounts.rate_limit import signup_source
from sync_server.config import Settings
from sync_server.db.engine import make_engine
from sync_server.db.migrate import upgrade_platform

from .accounts_helpers import PASSWORD, client_at, unique_email, unique_ip
from .conftest import TEST_SECRET
from .pg import throwaway_database

SIGNUP = "/v1/auth/signup"
WAIT_SENTENCE = re.compile(r"Wait \d+ minutes? and try again")


@pytest.fixture
def db() -> Iterator[tuple[str, Engine]]:
    """An empty database of this test's own (platform at head), dropped with its roles."""
    with throwaway_database("jt_signup") as url:
        engine = make_engine(url, pool_size=8)
        try:
            upgrade_platform(engine)
            yield url, engine
        finally:
            engine.dispose()


@pytest.fixture
def engine(db: tuple[str, Engine]) -> Engine:
    return db[1]


def limits(
    db: tuple[str, Engine], *, per_ip: int = 100, tenants: int = 1000, window: int = 60,
    **more: Any,
) -> Settings:
    """Test settings with these signup limits."""
    return Settings(
        environment="test",
        database_url=db[0],
        secret_key=TEST_SECRET,
        signup_max_per_ip=per_ip,
        signup_max_tenants=tenants,
        signup_window_minutes=window,
        **more,
    )


def body(email: str | None = None, **fields: Any) -> dict[str, Any]:
    """A valid signup body (a fresh e-mail unless given)."""
    return {
        "name": "Ada Owner",
        "business_name": "Ada Jewelers",
        "email": email or unique_email(),
        "password": PASSWORD,
        **fields,
    }


def sign_up(client: TestClient, email: str | None = None) -> httpx.Response:
    return client.post(SIGNUP, json=body(email))


def created(engine: Engine) -> dict[str, int]:
    """What signups create, counted: platform rows, tenant schemas, tenant roles.

    Roles are cluster-wide (other databases have tenant roles too), so only roles owning
    something in this database count.
    """
    with engine.connect() as conn:
        counts = conn.execute(
            text(
                """
                SELECT (SELECT count(*) FROM platform.tenants),
                       (SELECT count(*) FROM platform.accounts),
                       (SELECT count(*) FROM platform.sessions),
                       (SELECT count(*) FROM pg_namespace WHERE nspname LIKE 't\\_%'),
                       (SELECT count(DISTINCT r.oid) FROM pg_roles r
                          JOIN pg_shdepend d
                            ON d.refobjid = r.oid AND d.refclassid = 'pg_authid'::regclass
                          JOIN pg_database here
                            ON here.oid = d.dbid AND here.datname = current_database()
                         WHERE r.rolname LIKE 'jt\\_t\\_%')
                """
            )
        ).one()
    return dict(zip(("tenants", "accounts", "sessions", "schemas", "roles"), counts, strict=True))


def time_passes(engine: Engine, minutes: int, *, ip: str | None = None) -> None:
    """Move stored attempts (of ``ip``, or all) and tenant creation times into the past."""
    with engine.begin() as conn:
        conn.execute(
            text(
                "UPDATE platform.login_attempts SET at = at - make_interval(mins => :m)"
                + (" WHERE ip = :ip" if ip else "")
            ),
            {"m": minutes, "ip": ip},
        )
        if ip is None:
            conn.execute(
                text("UPDATE platform.tenants SET created_at = created_at - "
                     "make_interval(mins => :m)"),
                {"m": minutes},
            )


def assert_refused(r: httpx.Response, code: str, *, window: int = 60) -> int:
    """A 429 in the error envelope with Retry-After (within the window); the wait."""
    assert r.status_code == 429, r.text
    error = r.json()["error"]
    assert error["code"] == code
    assert WAIT_SENTENCE.search(error["message"]), error["message"]
    wait = int(r.headers["Retry-After"])
    assert 0 < wait <= window * 60
    assert error["details"]["retry_after_seconds"] == wait
    assert "token" not in r.json()
    return wait


def test_signups_within_the_address_limit_succeed_then_429_with_retry_after(
    db: tuple[str, Engine], engine: Engine
) -> None:
    """Up to signup_max_per_ip signups from one address; the next gets 429 + Retry-After."""
    settings = limits(db, per_ip=2)
    with client_at(settings, engine, unique_ip()) as c:
        assert sign_up(c).status_code == 201
        assert sign_up(c).status_code == 201
        refused = sign_up(c)
    assert_refused(refused, "too_many_signups")
    assert "network" in refused.json()["error"]["message"]
    assert created(engine)["tenants"] == 2


def test_a_refused_signup_creates_nothing_and_leaves_other_addresses_alone(
    db: tuple[str, Engine], engine: Engine
) -> None:
    """A 429 creates no tenant, schema, role, account or session, and uses up no limit:
    another address still signs up, within a ceiling the refusals would have filled."""
    settings = limits(db, per_ip=1, tenants=2)
    with client_at(settings, engine, unique_ip()) as c:
        assert sign_up(c).status_code == 201
        before = created(engine)
        assert before == {"tenants": 1, "accounts": 1, "sessions": 1, "schemas": 1, "roles": 1}
        for _ in range(3):
            assert_refused(sign_up(c), "too_many_signups")
        assert created(engine) == before
    with client_at(settings, engine, unique_ip()) as other:
        assert sign_up(other).status_code == 201
    assert created(engine)["tenants"] == 2


def test_bad_input_and_taken_emails_count_toward_the_address_limit(
    db: tuple[str, Engine], engine: Engine
) -> None:
    """Failed signups count like any other, so the endpoint cannot be used to probe."""
    settings = limits(db, per_ip=4)
    taken = unique_email("taken")
    with client_at(settings, engine, unique_ip()) as owner:
        assert sign_up(owner, taken).status_code == 201
    before = created(engine)
    with client_at(settings, engine, unique_ip()) as prober:
        failed = [
            prober.post(SIGNUP, json=body(password="short")),
            prober.post(SIGNUP, content=b"{not json", headers={"Content-Type": "application/json"}),
            prober.post(SIGNUP),
            prober.post(SIGNUP, json=body(taken.upper())),
        ]
        assert [r.status_code for r in failed] == [422, 422, 422, 409]
        assert all(r.json()["error"]["message"] for r in failed)
        assert_refused(sign_up(prober), "too_many_signups")
        # Refused before the body is even looked at: bad input gets 429 too.
        assert_refused(prober.post(SIGNUP, json={}), "too_many_signups")
    assert created(engine) == before


def test_a_taken_email_gets_one_sentence_that_says_nothing_about_the_account(
    db: tuple[str, Engine], engine: Engine
) -> None:
    """Signup has to say an e-mail is taken (its owner should sign in instead), but the
    answer is the same whatever the account's business, name or state, and names none of
    them; how often it can be asked is bounded by the address limit (test above)."""
    settings = limits(db)
    taken = unique_email("taken")
    with client_at(settings, engine, unique_ip()) as c:
        first = c.post(SIGNUP, json=body(taken, name="Rosa Diamante",
                                         business_name="Diamante Fine Jewelry"))
        assert first.status_code == 201
        tenant_id = first.json()["tenant_id"]
        active = c.post(SIGNUP, json=body(taken.upper()))
        with engine.begin() as conn:
            conn.execute(
                text("UPDATE platform.tenants SET status = 'cancelled', cancelled_at = now() "
                     "WHERE id = :id"),
                {"id": tenant_id},
            )
        cancelled = c.post(SIGNUP, json=body(taken))
    assert active.status_code == cancelled.status_code == 409
    assert active.json() == cancelled.json()
    assert active.json()["error"]["code"] == "duplicate"
    for secret in ("Rosa", "Diamante", tenant_id, "cancel", "owner"):
        assert secret.lower() not in active.text.lower()


def test_the_address_limit_frees_up_as_its_attempts_leave_the_window(
    db: tuple[str, Engine], engine: Engine
) -> None:
    """Retry-After counts down with the oldest counted attempt; past the window, the
    address can sign up again."""
    settings = limits(db, per_ip=2, window=60)
    ip = unique_ip()
    with client_at(settings, engine, ip) as c:
        assert sign_up(c).status_code == 201
        assert c.post(SIGNUP, json=body(password="short")).status_code == 422
        assert assert_refused(sign_up(c), "too_many_signups") > 50 * 60
        time_passes(engine, 50, ip=ip)
        assert assert_refused(sign_up(c), "too_many_signups") <= 10 * 60
        time_passes(engine, 11, ip=ip)
        assert sign_up(c).status_code == 201


def test_the_service_wide_ceiling_refuses_every_address_until_the_window_passes(
    db: tuple[str, Engine], engine: Engine
) -> None:
    """After signup_max_tenants new tenants in the window, every address gets 429 and
    nothing is created; once they leave the window, signups work again."""
    settings = limits(db, per_ip=10, tenants=2)
    with client_at(settings, engine, unique_ip()) as a, \
            client_at(settings, engine, unique_ip()) as b:
        assert sign_up(a).status_code == 201
        assert sign_up(b).status_code == 201
        before = created(engine)
        assert assert_refused(sign_up(a), "signups_paused") > 50 * 60
        with client_at(settings, engine, unique_ip()) as newcomer:
            paused = sign_up(newcomer)
            assert_refused(paused, "signups_paused")
            assert "new accounts" in paused.json()["error"]["message"]
            assert created(engine) == before
            time_passes(engine, 61)
            assert sign_up(newcomer).status_code == 201
    assert created(engine)["tenants"] == 3


def test_a_ceiling_refusal_does_not_use_up_the_address_limit(
    db: tuple[str, Engine], engine: Engine
) -> None:
    """An address refused by the ceiling keeps its own signups for when it lifts."""
    first_ip, second_ip = unique_ip(), unique_ip()
    tight = limits(db, per_ip=1, tenants=1)
    with client_at(tight, engine, first_ip) as first, \
            client_at(tight, engine, second_ip) as second:
        assert sign_up(first).status_code == 201
        assert_refused(sign_up(second), "signups_paused")
        assert_refused(sign_up(second), "signups_paused")
    raised = limits(db, per_ip=1, tenants=2)  # the operator raises the ceiling
    with client_at(raised, engine, first_ip) as first, \
            client_at(raised, engine, second_ip) as second:
        assert sign_up(second).status_code == 201
        assert_refused(sign_up(first), "too_many_signups")


def test_failed_signups_do_not_count_toward_the_ceiling(
    db: tuple[str, Engine], engine: Engine
) -> None:
    """Only tenants created count service-wide: bad input and taken e-mails from many
    addresses cannot shut signups for everyone."""
    settings = limits(db, per_ip=10, tenants=2)
    taken = unique_email("taken")
    with client_at(settings, engine, unique_ip()) as owner:
        assert sign_up(owner, taken).status_code == 201
    for _ in range(3):
        with client_at(settings, engine, unique_ip()) as prober:
            assert prober.post(SIGNUP, json=body(password="short")).status_code == 422
            assert prober.post(SIGNUP, json=body(taken)).status_code == 409
    with client_at(settings, engine, unique_ip()) as c:
        assert sign_up(c).status_code == 201
        assert_refused(sign_up(c), "signups_paused")


def test_parallel_signups_on_several_instances_never_pass_the_ceiling(
    db: tuple[str, Engine], engine: Engine
) -> None:
    """Six signups at once on six service instances, ceiling 2: exactly two tenants; the
    four refused addresses keep their one signup for when the ceiling is raised."""
    settings = limits(db, per_ip=1, tenants=2)
    outcomes: dict[str, httpx.Response] = {}
    lock = threading.Lock()
    start = threading.Barrier(6)

    def attempt(ip: str) -> None:
        with client_at(settings, engine, ip) as c:
            start.wait(timeout=60)
            r = sign_up(c)
        with lock:
            outcomes[ip] = r

    threads = [threading.Thread(target=attempt, args=(unique_ip(),)) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert sorted(r.status_code for r in outcomes.values()) == [201, 201, 429, 429, 429, 429]
    refused = [ip for ip, r in outcomes.items() if r.status_code == 429]
    for ip in refused:
        assert_refused(outcomes[ip], "signups_paused")
    counts = created(engine)
    assert counts["tenants"] == counts["schemas"] == counts["roles"] == 2
    raised = limits(db, per_ip=1, tenants=6)
    for ip in refused:
        with client_at(raised, engine, ip) as c:
            assert sign_up(c).status_code == 201


def test_ipv6_clients_are_counted_by_their_64_and_mapped_ipv4_as_ipv4(
    db: tuple[str, Engine], engine: Engine
) -> None:
    """One IPv6 subscriber (a /64) shares one limit; an IPv4-mapped address is the IPv4."""
    settings = limits(db, per_ip=1)
    with client_at(settings, engine, "2001:db8:a:b::1") as c:
        assert sign_up(c).status_code == 201
    with client_at(settings, engine, "2001:db8:a:b:ffff:1:2:3") as same_64:
        assert_refused(sign_up(same_64), "too_many_signups")
    with client_at(settings, engine, "2001:db8:a:c::1") as next_64:
        assert sign_up(next_64).status_code == 201
    with client_at(settings, engine, "::ffff:198.51.100.7") as mapped:
        assert sign_up(mapped).status_code == 201
    with client_at(settings, engine, "198.51.100.7") as plain:
        assert_refused(sign_up(plain), "too_many_signups")


@pytest.mark.parametrize(
    ("ip", "source"),
    [
        ("203.0.113.9", "203.0.113.9"),
        ("2001:DB8:0:0:1::9", "2001:db8::/64"),
        ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"),
        ("::ffff:203.0.113.9", "203.0.113.9"),
        ("testclient", "testclient"),
    ],
)
def test_signup_source_names_the_counted_address(ip: str, source: str) -> None:
    assert signup_source(ip) == source


def test_signup_and_sign_in_limits_do_not_count_each_other(
    db: tuple[str, Engine], engine: Engine
) -> None:
    """Failed signups leave an address's sign-in budget alone, and failed sign-ins its
    signup budget (here an address may fail 4 sign-ins: 4 × login_max_failures)."""
    settings = limits(db, per_ip=5, login_max_failures=1)
    with client_at(settings, engine, unique_ip()) as a:
        for _ in range(5):
            assert a.post(SIGNUP, json=body(password="short")).status_code == 422
        r = a.post("/v1/auth/login", json={"email": unique_email(), "password": "wrong"})
        assert r.status_code == 401, r.text
    with client_at(settings, engine, unique_ip()) as b:
        for _ in range(4):
            r = b.post("/v1/auth/login", json={"email": unique_email(), "password": "wrong"})
            assert r.status_code == 401, r.text
        r = b.post("/v1/auth/login", json={"email": unique_email(), "password": "wrong"})
        assert r.status_code == 429  # the sign-in limit is really this tight
        assert sign_up(b).status_code == 201


def test_the_document_still_describes_the_signup_body_and_its_429(
    db: tuple[str, Engine], engine: Engine
) -> None:
    """Signup reads its body itself; /openapi.json still has its schema (the fuzz uses it)."""
    with client_at(limits(db), engine, unique_ip()) as c:
        operation = c.get("/openapi.json").json()["paths"][SIGNUP]["post"]
    schema = operation["requestBody"]["content"]["application/json"]["schema"]
    assert operation["requestBody"]["required"] is True
    assert set(schema["required"]) == {"name", "business_name", "email", "password"}
    assert schema["additionalProperties"] is False
    assert {"201", "409", "422", "429"} <= set(operation["responses"])


def test_signup_limits_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """JEWELTRAK_SIGNUP_* set the limits; the defaults are a few per address, 60 an hour
    service-wide; zero is refused at start-up rather than shutting signups."""
    for name in ("SIGNUP_MAX_PER_IP", "SIGNUP_MAX_TENANTS", "SIGNUP_WINDOW_MINUTES"):
        monkeypatch.delenv(f"JEWELTRAK_{name}", raising=False)
    defaults = Settings()
    assert (defaults.signup_max_per_ip, defaults.signup_max_tenants,
            defaults.signup_window_minutes) == (5, 60, 60)
    monkeypatch.setenv("JEWELTRAK_SIGNUP_MAX_PER_IP", "3")
    monkeypatch.setenv("JEWELTRAK_SIGNUP_MAX_TENANTS", "250")
    monkeypatch.setenv("JEWELTRAK_SIGNUP_WINDOW_MINUTES", "30")
    configured = Settings()
    assert (configured.signup_max_per_ip, configured.signup_max_tenants,
            configured.signup_window_minutes) == (3, 250, 30)
    monkeypatch.setenv("JEWELTRAK_SIGNUP_MAX_TENANTS", "0")
    with pytest.raises(ValidationError):
        Settings()
