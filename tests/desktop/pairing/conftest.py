"""The real sync service on loopback (uvicorn in a thread), keychain backends, owners.

The service runs over the server tests' session database (``pg_url``/``engine``/
``settings`` come from ``tests/server/conftest.py``) and is reached over real HTTP on
127.0.0.1, exactly as a workstation on the same machine reaches it.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from uuid import UUID

import httpx
import keyring
import keyring.backend
import keyring.backends.fail
import pytest
from keyring.errors import PasswordDeleteError, PasswordSetError
from sqlalchemy import Engine

from sync_server.app import create_app
from sync_server.config import Settings
from tests.server.conftest import engine, pg_url, settings
from tests.server.live import serving

__all__ = ["engine", "pg_url", "settings"]

PASSWORD = "correct horse battery staple"


class MemoryKeychain(keyring.backend.KeyringBackend):
    """A keychain kept in this process (stands for macOS Keychain / Credential Manager)."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.entries.pop((service, username), None) is None:
            raise PasswordDeleteError("no such entry")


class BrokenKeychain(keyring.backend.KeyringBackend):
    """A keychain that is installed but cannot be used (no D-Bus session, locked)."""

    priority = 1  # type: ignore[assignment]

    def get_password(self, service: str, username: str) -> str | None:
        raise RuntimeError("org.freedesktop.secrets was not provided by any service")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise PasswordSetError("org.freedesktop.secrets was not provided by any service")

    def delete_password(self, service: str, username: str) -> None:
        raise RuntimeError("org.freedesktop.secrets was not provided by any service")


@pytest.fixture
def keychain() -> Iterator[MemoryKeychain]:
    """A working keychain for this test."""
    previous = keyring.get_keyring()
    backend = MemoryKeychain()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture
def no_keychain() -> Iterator[None]:
    """No keychain at all (keyring's ``fail`` backend: a headless Linux kiosk)."""
    previous = keyring.get_keyring()
    keyring.set_keyring(keyring.backends.fail.Keyring())
    yield
    keyring.set_keyring(previous)


@pytest.fixture
def broken_keychain() -> Iterator[None]:
    """A keychain backend that raises on every call."""
    previous = keyring.get_keyring()
    keyring.set_keyring(BrokenKeychain())
    yield
    keyring.set_keyring(previous)


@pytest.fixture(scope="session")
def service_url(settings: Settings, engine: Engine) -> Iterator[str]:
    """The sync service serving on a free loopback port for the whole session."""
    with serving(lambda _url: create_app(settings, engine=engine)) as url:
        yield url


@dataclass(frozen=True)
class Owner:
    """A business with its owner's sign-in and stores."""

    email: str
    password: str
    tenant_id: UUID
    stores: list[dict[str, Any]]


def _ok(response: httpx.Response) -> Any:
    assert response.is_success, response.text
    return response.json() if response.content else None


def open_business(service_url: str, *, store_codes: tuple[str, ...] = ("MAIN",)) -> Owner:
    """Sign up a new business over HTTP and open its stores."""
    email = f"owner.{uuid.uuid4().hex[:12]}@example.com"
    with httpx.Client(base_url=service_url, timeout=30) as http:
        body = _ok(
            http.post(
                "/v1/auth/signup",
                json={
                    "name": "Ada Owner",
                    "business_name": "Ada Jewelers",
                    "email": email,
                    "password": PASSWORD,
                },
            )
        )
        auth = {"Authorization": f"Bearer {body['token']}"}
        stores = [
            _ok(
                http.post(
                    "/v1/stores",
                    headers=auth,
                    json={"name": f"Ada Jewelers {code}", "code": code, "tax_rate": "0.07"},
                )
            )
            for code in store_codes
        ]
    return Owner(email=email, password=PASSWORD, tenant_id=UUID(body["tenant_id"]), stores=stores)


@pytest.fixture
def owner(service_url: str) -> Owner:
    """A business with one store (MAIN, 7% sales tax)."""
    return open_business(service_url)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """This test's desktop data folder."""
    path = tmp_path / "data"
    path.mkdir()
    return path
