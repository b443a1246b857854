"""Sign-in throttling (P11), kept in ``platform.login_attempts`` so every process sees it.

Each attempt is written down as a failure *before* the password is checked and turned
into a success afterwards. Counting and writing happen under advisory locks on the e-mail
and the IP address, so parallel requests — on one process or many — can never verify more
passwords than the limit allows: an attempt either gets a slot or is refused with 429.

Limits, within ``login_window_minutes``:

- an e-mail address may fail ``login_max_failures`` times (counted since its last
  successful sign-in); after that even the right password gets 429 until the oldest
  counted failure leaves the window;
- an IP address may fail four times as often, across all e-mail addresses (one person
  trying many accounts); a success does not reset it.

The IP is the connection's peer address; behind a load balancer the server must be run
with proxy headers trusted only from that balancer (uvicorn ``--proxy-headers
--forwarded-allow-ips``), or every client would share one address.
"""

from __future__ import annotations

import math
from datetime import datetime

from sqlalchemy import Connection, Engine, TextClause, delete, insert, text, update

from sync_server.config import Settings
from sync_server.db.platform_tables import login_attempts
from sync_server.errors import ServiceError

IP_FACTOR = 4
_EMAIL_LOCK, _IP_LOCK = 7101, 7102

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
    ORDER BY at DESC OFFSET :skip LIMIT 1
    """
)


def _too_many(seconds: float) -> ServiceError:
    wait = max(1, math.ceil(seconds))
    minutes = max(1, math.ceil(wait / 60))
    return ServiceError(
        429,
        "too_many_attempts",
        f"Too many failed sign-ins. Wait {minutes} minute{'s' if minutes != 1 else ''} "
        "and try again, or reset the password.",
        headers={"Retry-After": str(wait)},
        retry_after_seconds=wait,
    )


def _seconds_until_free(
    conn: Connection, query: TextClause, limit: int, **params: object
) -> float:
    """Seconds until fewer than ``limit`` failures remain in the window (0 if already)."""
    value = conn.execute(query, {**params, "skip": max(limit, 1) - 1}).scalar()
    return 0.0 if value is None else float(value)


def reserve_attempt(engine: Engine, settings: Settings, *, email: str, ip: str) -> int:
    """Record an attempt as failed (until proven otherwise) or refuse it with 429."""
    window = settings.login_window_minutes
    with engine.begin() as conn:
        conn.execute(
            text("SELECT pg_advisory_xact_lock(:ns, hashtext(:key))"),
            {"ns": _EMAIL_LOCK, "key": email},
        )
        conn.execute(
            text("SELECT pg_advisory_xact_lock(:ns, hashtext(:key))"),
            {"ns": _IP_LOCK, "key": ip},
        )
        wait = max(
            _seconds_until_free(
                conn, _NTH_RECENT_EMAIL_FAILURE, settings.login_max_failures,
                email=email, window=window,
            ),
            _seconds_until_free(
                conn, _NTH_RECENT_IP_FAILURE, settings.login_max_failures * IP_FACTOR,
                ip=ip, window=window,
            ),
        )
        if wait > 0:
            raise _too_many(wait)
        attempt_id = conn.execute(
            insert(login_attempts)
            .values(email=email, ip=ip, succeeded=False)
            .returning(login_attempts.c.id)
        ).scalar_one()
    return int(attempt_id)


def mark_succeeded(conn: Connection, attempt_id: int) -> None:
    """The reserved attempt turned out to be the right password."""
    conn.execute(
        update(login_attempts).where(login_attempts.c.id == attempt_id).values(succeeded=True)
    )


def prune_attempts(engine: Engine, before: datetime) -> int:
    """Forget attempts older than ``before`` (for a periodic job); returns rows removed."""
    with engine.begin() as conn:
        result = conn.execute(delete(login_attempts).where(login_attempts.c.at < before))
    return int(result.rowcount)
