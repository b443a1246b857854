"""The workstation's device token: in the OS keychain, through ``keyring`` (P16).

One entry per device, service name ``JewelTrak``, user name the device ID. Where no
keychain is usable — keyring's ``fail``/``null`` backends, or a backend that raises (a
headless Linux kiosk has no Secret Service on D-Bus) — the token goes to
``<data dir>/credentials/device-<id>.token`` instead: the folder 0700, the file 0600, and
a WARNING in the log every time, never silently. When a keychain is usable the token is
never written to a file, and a file left from an earlier fallback moves into the keychain.
"""

from __future__ import annotations

import contextlib
import logging
import os
import stat
import sys
import tempfile
from enum import StrEnum
from pathlib import Path
from typing import Any
from uuid import UUID

import keyring
import keyring.backends.fail
import keyring.backends.null
from keyring.errors import PasswordDeleteError

log = logging.getLogger(__name__)

SERVICE_NAME = "JewelTrak"
FALLBACK_DIR_NAME = "credentials"
_DIR_MODE = 0o700
_FILE_MODE = 0o600
_POSIX = sys.platform != "win32"


class CredentialLocation(StrEnum):
    """Where a device token is kept."""

    KEYCHAIN = "keychain"
    FILE = "file"


def fallback_dir(data_dir: Path) -> Path:
    """The folder of device tokens kept in files (only when no keychain is usable)."""
    return Path(data_dir) / FALLBACK_DIR_NAME


def fallback_path(device_id: UUID, data_dir: Path) -> Path:
    """The file a device token goes to when no keychain is usable."""
    return fallback_dir(data_dir) / f"device-{device_id}.token"


def _usable_keychain() -> Any | None:
    """The configured keyring backend, or None when it cannot keep secrets."""
    backend = keyring.get_keyring()
    if isinstance(backend, keyring.backends.fail.Keyring | keyring.backends.null.Keyring):
        return None
    return backend


def _warn_fallback(device_id: UUID, path: Path, why: str) -> None:
    log.warning(
        "No usable OS keychain (%s): the device credential of workstation %s is kept in "
        "%s, readable only by this user account. Set up a keychain (for example GNOME "
        "Keyring or KWallet) to keep it there instead.",
        why,
        device_id,
        path,
    )


def save_device_token(device_id: UUID, token: str, *, data_dir: Path) -> CredentialLocation:
    """Keep the token in the keychain, or (warning logged) in a private file."""
    path = fallback_path(device_id, data_dir)
    backend = _usable_keychain()
    if backend is None:
        why = f"keyring backend {type(keyring.get_keyring()).__module__}"
    else:
        try:
            backend.set_password(SERVICE_NAME, str(device_id), token)
        # Third-party backends raise their own types (D-Bus, Secret Service, locked
        # collections), not only KeyringError; any of them means "no keychain here".
        except Exception as exc:
            why = f"{type(exc).__name__}: {exc}"
        else:
            # A token in the keychain must not also linger in a file from an earlier run.
            _remove_file(path)
            return CredentialLocation.KEYCHAIN
    _write_private_file(path, token)
    _warn_fallback(device_id, path, why)
    return CredentialLocation.FILE


def load_device_token(device_id: UUID, *, data_dir: Path) -> str | None:
    """The device token, from the keychain or the fallback file; None if there is none."""
    path = fallback_path(device_id, data_dir)
    backend = _usable_keychain()
    if backend is not None:
        try:
            token = backend.get_password(SERVICE_NAME, str(device_id))
        except Exception as exc:  # see save_device_token: backends raise assorted types
            log.warning("The OS keychain could not be read (%s: %s).", type(exc).__name__, exc)
        else:
            if token:
                return str(token)
            return _move_file_into_keychain(device_id, path)
    if not path.exists():
        return None
    _warn_fallback(device_id, path, "reading the token kept in a file")
    _tighten(path, _FILE_MODE)
    return path.read_text(encoding="utf-8").strip() or None


def delete_device_token(device_id: UUID, *, data_dir: Path) -> None:
    """Forget the token everywhere it may be (keychain entry and fallback file)."""
    backend = _usable_keychain()
    if backend is not None:
        try:
            backend.delete_password(SERVICE_NAME, str(device_id))
        except PasswordDeleteError:
            pass  # there was no entry
        except Exception as exc:  # see save_device_token
            log.warning(
                "The device credential of workstation %s could not be removed from the OS "
                "keychain (%s: %s); remove the “%s” entry by hand.",
                device_id,
                type(exc).__name__,
                exc,
                SERVICE_NAME,
            )
    path = fallback_path(device_id, data_dir)
    _remove_file(path)
    with contextlib.suppress(OSError):  # not empty: other devices' files stay
        path.parent.rmdir()


def _move_file_into_keychain(device_id: UUID, path: Path) -> str | None:
    """A token left in a file while no keychain was usable moves into the keychain now."""
    if not path.exists():
        return None
    token = path.read_text(encoding="utf-8").strip()
    if not token:
        return None
    where = save_device_token(device_id, token, data_dir=path.parent.parent)
    if where is CredentialLocation.KEYCHAIN:
        log.info("Moved the device credential of workstation %s into the OS keychain.", device_id)
    return token


def _write_private_file(path: Path, text: str) -> None:
    """Write ``text`` so that only this user can read it, replacing the file atomically."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=_DIR_MODE)
    _tighten(path.parent, _DIR_MODE)
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".device-", suffix=".tmp")
    try:
        # mkstemp creates the file 0600 already; chmod states it for every platform.
        os.chmod(temp, _FILE_MODE)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise


def _tighten(path: Path, mode: int) -> None:
    """Make sure group and others have no access (a copied or restored folder may)."""
    if _POSIX and stat.S_IMODE(path.stat().st_mode) != mode:
        os.chmod(path, mode)


def _remove_file(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        path.unlink()
