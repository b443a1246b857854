"""Pairing and unpairing a workstation against the real service on loopback (P10, P16)."""

from __future__ import annotations

import logging
import socket
import stat
from pathlib import Path
from uuid import UUID

import httpx
import pytest
from sqlalchemy import select, update

from jeweltrak_core.inventory.stock import Family
from jeweltrak_desktop.services import inventory
from jeweltrak_desktop.services.local_store import LocalStore
from jeweltrak_desktop.store.schema import device
from jeweltrak_desktop.sync.credentials import SERVICE_NAME, fallback_path, load_device_token
from jeweltrak_desktop.sync.pairing import (
    AlreadyPaired,
    Pairing,
    StoreChoiceNeeded,
    UnsyncedChanges,
    WrongPassword,
    pair_workstation,
)
from jeweltrak_desktop.sync.tls import InsecureServerAddress, ServiceUnreachable
from jeweltrak_desktop.sync.unpairing import unpair_workstation

from .conftest import MemoryKeychain, Owner, open_business


def _pair(service_url: str, owner: Owner, path: Path, **overrides: object) -> Pairing:
    args: dict[str, object] = {
        "server_url": service_url,
        "email": owner.email,
        "password": owner.password,
        "store_id": None,
        "label": "Front counter",
        "local_store_path": path,
    }
    args.update(overrides)
    return pair_workstation(**args)  # type: ignore[arg-type]


def _device_status(service_url: str, token: str) -> int:
    with httpx.Client(base_url=service_url, timeout=10) as http:
        return http.get("/v1/devices/me", headers={"Authorization": f"Bearer {token}"}).status_code


def _files_containing(root: Path, secret: str) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file() and secret.encode() in p.read_bytes()]


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_pairing_keeps_the_token_in_the_keychain_and_sets_up_the_local_store(
    service_url: str, owner: Owner, keychain: MemoryKeychain, data_dir: Path
) -> None:
    """P16: the device credential lives in the OS keychain, never in a plain file."""
    path = data_dir / "store.sqlite3"
    pairing = _pair(service_url, owner, path)

    store = owner.stores[0]
    assert pairing.store.code == "MAIN" and str(pairing.store.id) == store["id"]
    assert pairing.tenant_id == owner.tenant_id
    assert pairing.workstation_code == "A"
    assert pairing.credential == "keychain"
    token = keychain.entries[(SERVICE_NAME, str(pairing.device_id))]
    assert token.startswith("jtd_")
    assert _files_containing(data_dir, token) == []
    assert not fallback_path(pairing.device_id, data_dir).exists()
    assert _device_status(service_url, token) == 200

    local = LocalStore(path)
    try:
        ident = local.identity
        assert (ident.device_id, str(ident.store_id)) == (pairing.device_id, store["id"])
        assert (ident.store_code, ident.workstation_code) == ("MAIN", "A")
        with local.engine.connect() as conn:
            row = conn.execute(select(device)).mappings().one()
        assert row["paired"] and row["server_url"] == service_url
        with local.transaction() as tx:
            settings = tx.store_settings()
        assert str(settings.tax_rate) == "0.07"  # the store's settings came from the service
    finally:
        local.close()


def test_without_a_keychain_the_token_goes_to_a_private_file_with_a_warning(
    service_url: str,
    owner: Owner,
    no_keychain: None,
    data_dir: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """P16: the headless fallback is a 0600 file in a 0700 folder, and it is never silent."""
    with caplog.at_level(logging.WARNING, logger="jeweltrak_desktop.sync.credentials"):
        pairing = _pair(service_url, owner, data_dir / "store.sqlite3")

    assert pairing.credential == "file"
    path = fallback_path(pairing.device_id, data_dir)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    token = path.read_text().strip()
    assert token.startswith("jtd_") and _device_status(service_url, token) == 200
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert any("No usable OS keychain" in r.getMessage() for r in warnings)
    assert any(str(path) in r.getMessage() for r in warnings)
    assert load_device_token(pairing.device_id, data_dir=data_dir) == token


def test_a_wrong_password_is_a_clear_error_and_leaves_nothing_behind(
    service_url: str, owner: Owner, keychain: MemoryKeychain, data_dir: Path
) -> None:
    path = data_dir / "store.sqlite3"
    with pytest.raises(WrongPassword, match="e-mail address or password is not right"):
        _pair(service_url, owner, path, password="not the password")
    assert not path.exists()
    assert keychain.entries == {}


def test_an_unreachable_service_is_a_clear_error(
    keychain: MemoryKeychain, data_dir: Path, owner: Owner
) -> None:
    with pytest.raises(ServiceUnreachable, match="does not answer"):
        _pair(f"http://127.0.0.1:{_closed_port()}", owner, data_dir / "store.sqlite3")
    assert not (data_dir / "store.sqlite3").exists()


@pytest.mark.parametrize(
    "url", ["http://sync.example.com", "http://192.168.1.20:8765", "http://[fe80::1]:8765"]
)
def test_plain_http_to_another_computer_is_refused_before_any_request(
    url: str, owner: Owner, keychain: MemoryKeychain, data_dir: Path
) -> None:
    """P10: store data never leaves the computer unencrypted."""
    with pytest.raises(InsecureServerAddress, match="encrypted connection"):
        _pair(url, owner, data_dir / "store.sqlite3")
    assert not (data_dir / "store.sqlite3").exists()


def test_a_business_with_several_stores_must_choose(
    service_url: str, keychain: MemoryKeychain, data_dir: Path
) -> None:
    owner = open_business(service_url, store_codes=("NRTH", "STH"))
    with pytest.raises(StoreChoiceNeeded, match=r"NRTH.*STH") as refused:
        _pair(service_url, owner, data_dir / "store.sqlite3")
    assert {s["code"] for s in refused.value.details["stores"]} == {"NRTH", "STH"}
    south = next(s for s in owner.stores if s["code"] == "STH")
    pairing = _pair(service_url, owner, data_dir / "store.sqlite3", store_id=UUID(south["id"]))
    assert pairing.store.code == "STH"


def test_a_paired_workstation_refuses_another_business_until_unpaired(
    service_url: str, owner: Owner, keychain: MemoryKeychain, data_dir: Path
) -> None:
    """P16: a workstation's local copy belongs to one tenant's store."""
    path = data_dir / "store.sqlite3"
    first = _pair(service_url, owner, path)
    again = _pair(service_url, owner, path)
    assert again.device_id == first.device_id  # the same store again: nothing new

    other = open_business(service_url)
    with pytest.raises(AlreadyPaired, match=r"paired with store MAIN.*Unpair it first"):
        _pair(service_url, other, path)
    assert LocalStore(path).identity.device_id == first.device_id

    unpair_workstation(path, email=owner.email, password=owner.password)
    moved = _pair(service_url, other, path)
    assert moved.tenant_id == other.tenant_id and moved.device_id != first.device_id


def test_unpairing_revokes_the_device_forgets_the_token_and_wipes_the_local_copy(
    service_url: str, owner: Owner, keychain: MemoryKeychain, data_dir: Path
) -> None:
    """P16: unpairing wipes the local copy (database, journals, backups) and the credential."""
    path = data_dir / "store.sqlite3"
    pairing = _pair(service_url, owner, path)
    token = keychain.entries[(SERVICE_NAME, str(pairing.device_id))]
    local = LocalStore(path)
    inventory.create_piece(
        local, family=Family.JEWELRY, description="14K gold ring", cost_cents=50_000
    )
    local.close()
    path.with_name(path.name + ".bak-0001-20260101T000000").write_bytes(b"old copy")

    with pytest.raises(UnsyncedChanges, match="1 change"):
        unpair_workstation(path, email=owner.email, password=owner.password)
    assert path.exists() and _device_status(service_url, token) == 200

    done = unpair_workstation(
        path, email=owner.email, password=owner.password, discard_unsynced=True
    )
    assert done.revoked and done.device_id == pairing.device_id
    assert list(data_dir.glob("store.sqlite3*")) == []
    assert keychain.entries == {}
    assert _device_status(service_url, token) == 401


def test_unpairing_without_the_service_still_wipes_and_says_what_is_left(
    service_url: str,
    owner: Owner,
    keychain: MemoryKeychain,
    data_dir: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """P16: the local copy is wiped even offline; the device left on the service is logged."""
    path = data_dir / "store.sqlite3"
    pairing = _pair(service_url, owner, path)
    token = keychain.entries[(SERVICE_NAME, str(pairing.device_id))]
    local = LocalStore(path)
    with local.engine.begin() as conn:  # the service has moved away since pairing
        conn.execute(update(device).values(server_url=f"http://127.0.0.1:{_closed_port()}"))
    local.close()

    with caplog.at_level(logging.WARNING, logger="jeweltrak_desktop.sync.pairing"):
        done = unpair_workstation(path, email=owner.email, password=owner.password)
    assert not done.revoked
    assert list(data_dir.glob("store.sqlite3*")) == []
    assert keychain.entries == {}
    assert any("was not removed from the service" in r.getMessage() for r in caplog.records)
    assert _device_status(service_url, token) == 200  # honest: it is still registered


def test_unpairing_with_no_one_signed_in_revokes_with_the_device_token(
    service_url: str, owner: Owner, keychain: MemoryKeychain, data_dir: Path
) -> None:
    """P16 at a counter where no manager is around: the workstation revokes itself."""
    path = data_dir / "store.sqlite3"
    pairing = _pair(service_url, owner, path)
    token = keychain.entries[(SERVICE_NAME, str(pairing.device_id))]

    done = unpair_workstation(path)

    assert done.revoked and done.device_id == pairing.device_id
    assert _device_status(service_url, token) == 401
    assert list(data_dir.glob("store.sqlite3*")) == [] and keychain.entries == {}


def test_unpairing_with_a_wrong_password_changes_nothing(
    service_url: str, owner: Owner, keychain: MemoryKeychain, data_dir: Path
) -> None:
    path = data_dir / "store.sqlite3"
    _pair(service_url, owner, path)
    with pytest.raises(WrongPassword):
        unpair_workstation(path, email=owner.email, password="wrong")
    assert path.exists() and len(keychain.entries) == 1


def test_a_revoked_pairing_must_be_unpaired_before_pairing_again(
    service_url: str, owner: Owner, keychain: MemoryKeychain, data_dir: Path
) -> None:
    path = data_dir / "store.sqlite3"
    pairing = _pair(service_url, owner, path)
    with httpx.Client(base_url=service_url, timeout=10) as http:
        session = http.post(
            "/v1/auth/login", json={"email": owner.email, "password": owner.password}
        ).json()
        revoked = http.delete(
            f"/v1/devices/{pairing.device_id}",
            headers={"Authorization": f"Bearer {session['token']}"},
        )
        assert revoked.status_code == 204
    with pytest.raises(AlreadyPaired, match="no longer valid"):
        _pair(service_url, owner, path)
    unpair_workstation(path)  # nobody signs in: the device is already revoked anyway
    assert _pair(service_url, owner, path).device_id != pairing.device_id
