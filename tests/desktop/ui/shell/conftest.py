"""Shell fixtures: the real sync service on loopback and keychains (from the pairing tests)."""

from __future__ import annotations

from tests.desktop.pairing.conftest import (
    engine,
    keychain,
    owner,
    pg_url,
    service_url,
    settings,
)

__all__ = ["engine", "keychain", "owner", "pg_url", "service_url", "settings"]
