"""Sign-in and signup throttling (P11), kept in ``platform.login_attempts`` so every process
sees it.

Each attempt is written down as a failure *before* the work it guards (checking a password,
creating a tenant) and turned into a success afterwards. Counting and writing happen under
advisory locks, so parallel requests — on one process or many — can never get past a limit:
an attempt either gets a slot or is refused with 429 and ``Retry-After``. A refused attempt
is not written down, so it never uses up anyone's limit (its own included).

Sign-in limits, within ``login_window_minutes``:

- an e-mail address may fail ``login_max_failures`` times (counted since its last
  successful sign-in); after that even the right password gets 429 until the oldest
  counted failure leaves the window;
- an IP address may fail four times as often, across all e-mail addresses (one person
  trying many accounts); a success does not reset it.

Signup limits (each signup creates a tenant: a schema and a role), within
``signup_window_minutes``:

- a client address may start ``signup_max_per_ip`` signups, successful or not: bad input
  and an e-mail already in use count too, so the endpoint cannot be used to probe. The slot
  is taken before the request body is read. IPv6 clients are counted by their /64 (one
  subscriber's allocation), or a single client would have billions of addresses;
- the whole service creates at most ``signup_max_tenants`` tenants (a ceiling against
  exhausting the database from many addresses). Only signups that created a tenant count,
  so failed attempts from anywhere cannot lock everyone else out. The ceiling is checked
  again under a service-wide lock in the transaction that creates the tenant, so parallel
  signups cannot overshoot it.

Signup attempts are rows of the same table with ``email = SIGNUP``: never an e-mail
address (sign-in addresses are validated before they reach the limiter), so the sign-in
limits never count them, and ``prune_attempts`` forgets both kinds.

The IP is the connection's peer address; behind a load balancer the server must be run
with proxy headers trusted only from that balancer (uvicorn ``--proxy-headers
--forwarded-allow-ips``), or every client would share one address.
"""

from __future__ import annotations

import ipaddress
import math
from datetime import datetime

from sqlalchemy import Connection, Engine, TextClause, delete, insert, text, update

from sync_server.config import Settings
from sync_server.db.platform_tables import login_attempts
from sync_server.errors import ServiceError

IP_FACTOR = 4
#: The ``email`` of a signup attempt (not an address: it has no ``@``).
SIGNUP = "(signup)"
_EMAIL_LOCK, _IP_LOCK, _SIGNUP_IP_LOCK, _SIGNUP_ALL_LOCK = 7101, 7102, 7103, 7104

_NTH_RECENT_EMAIL_FAILURE = text(
    """
    SELECT extract(epoch FROM (at + make_interval(mins => :window) - now()))
    FROM platform.login_attempts
    WHERE lower(email) = :email AND NOT succeeded
      AND at > now() - make_interval(mins => :window)
      AND at > coalesce((SELECT max(at) FROM platform.login_attempts
                         WHERE lower(email) = :email AND succeeded), '-infinity')
    ORDER BY at DESC OFFSET :skip LIMIT 1
    """
)
_NTH_RECENT_IP_FAILURE = text(
    """
    SELECT extract(epoch FROM (at + make_interval(mins => :window) - now()))
    FROM platform.login_attempts
    WHERE ip = :ip AND NOT succeeded AND at > now() - make_interval(mins => :window)
      AND email <> :signup
    ORDER BY at DESC OFFSET :skip LIMIT 1
    """
)
_NTH_RECENT_SIGNUP_FROM = text(
    """
    SELECT extract(epoch FROM (at + make_interval(mins => :window) - now()))
    FROM platform.login_attempts
    WHERE lower(email) = :signup AND ip = :ip AND at > now() - make_interval(mins => :window)
    ORDER BY at DESC OFFSET :skip LIMIT 1
    """
)
_NTH_RECENT_TENANT = text(
    """
    SELECT extract(epoch FROM (at + make_interval(mins => :window) - now()))
    FROM platform.login_attempts
    WHERE lower(email) = :signup AND succeeded AND at > now() - make_interval(mins => :window)
    ORDER BY at DESC OFFSET :skip LIMIT 1
    """
)


class SignupsPaused(ServiceError):
    """The service-wide ceiling of new tenants is reached (429)."""


def _refused(
    code: str, sentence: str, seconds: float, kind: type[ServiceError] = ServiceError
) -> ServiceError:
    """429 with ``Retry-After``; ``sentence`` has a ``{wait}`` for the wait in words."""
    wait = max(1, math.ceil(seconds))
    minutes = max(1, math.ceil(wait / 60))
    return kind(
        429,
        code,
        sentence.format(wait=f"{minutes} minute{'s' if minutes != 1 else ''}"),
        headers={"Retry-After": str(wait)},
        retry_after_seconds=wait,
    )


def _too_many(seconds: float) -> ServiceError:
    return _refused(
        "too_many_attempts",
        "Too many failed sign-ins. Wait {wait} and try again, or reset the password.",
        seconds,
    )


def _too_many_signups(seconds: float) -> ServiceError:
    return _refused(
        "too_many_signups",
        "Too many sign-ups from this network. Wait {wait} and try again.",
        seconds,
    )


def _signups_paused(seconds: float) -> ServiceError:
    return _refused(
        "signups_paused",
        "JewelTrak is not opening new accounts for the moment. Wait {wait} and try again.",
        seconds,
        SignupsPaused,
    )


def _lock(conn: Connection, namespace: int, key: str) -> None:
    """A transaction-scoped advisory lock on ``key`` within ``namespace``."""
    conn.execute(
        text("SELECT pg_advisory_xact_lock(:ns, hashtext(:key))"), {"ns": namespace, "key": key}
    )


def _seconds_until_free(
    conn: Connection, query: TextClause, limit: int, **params: object
) -> float:
    """Seconds until fewer than ``limit`` counted attempts remain in the window (0 if already)."""
    value = conn.execute(query, {**params, "skip": max(limit, 1) - 1}).scalar()
    return 0.0 if value is None else float(value)


def _insert_attempt(conn: Connection, *, email: str, ip: str) -> int:
    attempt_id = conn.execute(
        insert(login_attempts)
        .values(email=email, ip=ip, succeeded=False)
        .returning(login_attempts.c.id)
    ).scalar_one()
    return int(attempt_id)


def reserve_attempt(engine: Engine, settings: Settings, *, email: str, ip: str) -> int:
    """Record a sign-in attempt as failed (until proven otherwise) or refuse it with 429."""
    window = settings.login_window_minutes
    with engine.begin() as conn:
        _lock(conn, _EMAIL_LOCK, email)
        _lock(conn, _IP_LOCK, ip)
        wait = max(
            _seconds_until_free(
                conn, _NTH_RECENT_EMAIL_FAILURE, settings.login_max_failures,
                email=email, window=window,
            ),
            _seconds_until_free(
                conn, _NTH_RECENT_IP_FAILURE, settings.login_max_failures * IP_FACTOR,
                ip=ip, window=window, signup=SIGNUP,
            ),
        )
        if wait > 0:
            raise _too_many(wait)
        return _insert_attempt(conn, email=email, ip=ip)


def mark_succeeded(conn: Connection, attempt_id: int) -> None:
    """The reserved attempt turned out to be the right password (or created its tenant)."""
    conn.execute(
        update(login_attempts).where(login_attempts.c.id == attempt_id).values(succeeded=True)
    )


def signup_source(ip: str) -> str:
    """The address a signup counts against: an IPv4 address, or an IPv6 client's /64."""
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return ip  # not an address (a test client's name, "unknown"): counted as given
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return str(address)


def _tenants_wait(conn: Connection, settings: Settings) -> float:
    return _seconds_until_free(
        conn, _NTH_RECENT_TENANT, settings.signup_max_tenants,
        signup=SIGNUP, window=settings.signup_window_minutes,
    )


def reserve_signup(engine: Engine, settings: Settings, *, ip: str) -> int:
    """Record a signup attempt from ``ip`` (a failure until its tenant exists) or refuse
    it with 429: too many from this address, or the service-wide ceiling reached."""
    source = signup_source(ip)
    with engine.begin() as conn:
        _lock(conn, _SIGNUP_IP_LOCK, source)
        from_here = _seconds_until_free(
            conn, _NTH_RECENT_SIGNUP_FROM, settings.signup_max_per_ip,
            signup=SIGNUP, ip=source, window=settings.signup_window_minutes,
        )
        if from_here > 0:
            raise _too_many_signups(from_here)
        # Unlocked here, so a cheap early answer; claim_tenant decides under the lock.
        everyone = _tenants_wait(conn, settings)
        if everyone > 0:
            raise _signups_paused(everyone)
        return _insert_attempt(conn, email=SIGNUP, ip=source)


def claim_tenant(conn: Connection, settings: Settings, attempt_id: int) -> None:
    """In the transaction that creates the tenant: count it against the service-wide
    ceiling, or refuse with 429. The lock is held until that transaction ends."""
    _lock(conn, _SIGNUP_ALL_LOCK, SIGNUP)
    # Read committed: this count, taken after the lock, sees every signup committed before.
    wait = _tenants_wait(conn, settings)
    if wait > 0:
        raise _signups_paused(wait)
    mark_succeeded(conn, attempt_id)


def withdraw_signup(engine: Engine, attempt_id: int) -> None:
    """Forget a reserved signup that the ceiling refused: a refusal uses up no limit."""
    with engine.begin() as conn:
        conn.execute(delete(login_attempts).where(login_attempts.c.id == attempt_id))


def prune_attempts(engine: Engine, before: datetime) -> int:
    """Forget attempts older than ``before`` (for a periodic job); returns rows removed."""
    with engine.begin() as conn:
        result = conn.execute(delete(login_attempts).where(login_attempts.c.at < before))
    return int(result.rowcount)
