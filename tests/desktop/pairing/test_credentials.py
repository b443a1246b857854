"""Device tokens: OS keychain when usable, else a private file with a warning (P16)."""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

import keyring
import pytest

from jeweltrak_core.ids import new_id
from jeweltrak_desktop.sync.credentials import (
    SERVICE_NAME,
    CredentialLocation,
    delete_device_token,
    fallback_path,
    load_device_token,
    save_device_token,
)

from .conftest import MemoryKeychain

TOKEN = "jtd_" + "s3cr3t" * 6


def _files_containing(root: Path, secret: str) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file() and secret.encode() in p.read_bytes()]


def _fallback_warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        r.getMessage()
        for r in caplog.records
        if r.levelno == logging.WARNING and "No usable OS keychain" in r.getMessage()
    ]


def test_with_a_keychain_the_token_is_never_written_to_a_file(
    keychain: MemoryKeychain, data_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """P16: credential never written to a plain file when a keychain is available."""
    device_id = new_id()
    assert save_device_token(device_id, TOKEN, data_dir=data_dir) is CredentialLocation.KEYCHAIN
    assert keychain.entries == {(SERVICE_NAME, str(device_id)): TOKEN}
    assert _files_containing(data_dir, TOKEN) == []
    assert load_device_token(device_id, data_dir=data_dir) == TOKEN
    assert _fallback_warnings(caplog) == []
    delete_device_token(device_id, data_dir=data_dir)
    assert keychain.entries == {}
    assert load_device_token(device_id, data_dir=data_dir) is None


@pytest.mark.skipif(os.name == "nt", reason="POSIX permission bits")
def test_without_a_keychain_the_token_file_is_private_and_the_fallback_is_logged(
    no_keychain: None, data_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """P16: the headless fallback is 0600 in a 0700 folder, with a WARNING each time."""
    device_id = new_id()
    with caplog.at_level(logging.WARNING):
        assert save_device_token(device_id, TOKEN, data_dir=data_dir) is CredentialLocation.FILE
    path = fallback_path(device_id, data_dir)
    assert path.read_text().strip() == TOKEN
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert len(_fallback_warnings(caplog)) == 1

    os.chmod(path, 0o644)  # a restored backup, say
    with caplog.at_level(logging.WARNING):
        assert load_device_token(device_id, data_dir=data_dir) == TOKEN
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(_fallback_warnings(caplog)) == 2

    delete_device_token(device_id, data_dir=data_dir)
    assert not path.exists() and not path.parent.exists()


def test_a_keychain_that_fails_falls_back_to_the_file_with_a_warning(
    broken_keychain: None, data_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """P16: a keychain that raises (no D-Bus session) is reported, not silently skipped."""
    device_id = new_id()
    with caplog.at_level(logging.WARNING):
        assert save_device_token(device_id, TOKEN, data_dir=data_dir) is CredentialLocation.FILE
        assert load_device_token(device_id, data_dir=data_dir) == TOKEN
    (saved, *_) = _fallback_warnings(caplog)
    assert "PasswordSetError" in saved
    delete_device_token(device_id, data_dir=data_dir)
    assert not fallback_path(device_id, data_dir).exists()


def test_a_token_kept_in_a_file_moves_into_the_keychain_once_one_is_usable(
    no_keychain: None, data_dir: Path
) -> None:
    """P16: once a keychain exists, no token stays in a plain file."""
    device_id = new_id()
    save_device_token(device_id, TOKEN, data_dir=data_dir)
    assert fallback_path(device_id, data_dir).exists()

    backend = MemoryKeychain()
    keyring.set_keyring(backend)  # the fixture restores the previous backend
    assert load_device_token(device_id, data_dir=data_dir) == TOKEN
    assert backend.entries == {(SERVICE_NAME, str(device_id)): TOKEN}
    assert _files_containing(data_dir, TOKEN) == []


def test_saving_into_the_keychain_removes_an_older_file(no_keychain: None, data_dir: Path) -> None:
    device_id = new_id()
    save_device_token(device_id, "jtd_old", data_dir=data_dir)
    backend = MemoryKeychain()
    keyring.set_keyring(backend)
    assert save_device_token(device_id, TOKEN, data_dir=data_dir) is CredentialLocation.KEYCHAIN
    assert not fallback_path(device_id, data_dir).exists()
    assert load_device_token(device_id, data_dir=data_dir) == TOKEN
