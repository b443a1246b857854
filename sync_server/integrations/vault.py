"""Encryption at rest of integration OAuth tokens (PRIVACY_PROMISES P9).

Tokens are encrypted with Fernet (AES-128-CBC + HMAC-SHA256, a timestamped, authenticated
format) before they reach the database, and decrypted only in the service's memory when a
call to the integration needs them.

Keys: ``JEWELTRAK_INTEGRATION_KEYS`` is a comma-separated list of Fernet keys, newest
first. The first encrypts; every one decrypts, so a key can be rotated in three steps:
put a new key first, run ``rotate`` (``python -m sync_server rotate-integration-keys``
re-encrypts every stored token with it), then drop the old key. Without that variable the
key is derived from ``JEWELTRAK_SECRET_KEY`` with HKDF (its own purpose label), so a
development service needs no extra setting; the service refuses to start outside
development without a real secret key already (``config.py``).
"""

from __future__ import annotations

import base64
import os
from collections.abc import Sequence

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

KEYS_ENV = "JEWELTRAK_INTEGRATION_KEYS"
_PURPOSE = b"jeweltrak integration tokens v1"


class VaultError(Exception):
    """A stored token cannot be decrypted with any configured key (or keys are invalid)."""


def derived_key(secret: str) -> bytes:
    """The Fernet key derived from the service secret (when no explicit keys are set)."""
    raw = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_PURPOSE).derive(
        secret.encode()
    )
    return base64.urlsafe_b64encode(raw)


class TokenVault:
    """Encrypts and decrypts token text; the first key encrypts, all keys decrypt."""

    def __init__(self, keys: Sequence[bytes | str]) -> None:
        if not keys:
            raise VaultError("No integration key configured.")
        try:
            self._fernets = [Fernet(k) for k in keys]
        except (ValueError, TypeError) as exc:
            raise VaultError(
                f"{KEYS_ENV} holds a value that is not a Fernet key (32 url-safe base64 "
                "bytes); generate one with `python -c 'from cryptography.fernet import "
                "Fernet; print(Fernet.generate_key().decode())'`."
            ) from exc
        self._multi = MultiFernet(self._fernets)

    @classmethod
    def from_environment(cls, secret_key: str) -> TokenVault:
        """Keys from ``JEWELTRAK_INTEGRATION_KEYS``, else derived from the secret key."""
        listed = [k.strip() for k in os.environ.get(KEYS_ENV, "").split(",") if k.strip()]
        return cls(listed or [derived_key(secret_key)])

    def encrypt(self, plaintext: str) -> str:
        """Ciphertext (text, safe for a varchar column) of ``plaintext``."""
        return self._fernets[0].encrypt(plaintext.encode()).decode("ascii")

    def decrypt(self, ciphertext: str) -> str:
        """The plaintext; ``VaultError`` when no key opens it (rotated away, tampered)."""
        try:
            return self._multi.decrypt(ciphertext.encode("ascii")).decode()
        except (InvalidToken, UnicodeError) as exc:
            raise VaultError(
                "A stored integration token cannot be decrypted with the configured keys; "
                "reconnect the integration or restore the previous key."
            ) from exc

    def rotate(self, ciphertext: str) -> str:
        """The same plaintext encrypted with the newest key."""
        try:
            return self._multi.rotate(ciphertext.encode("ascii")).decode("ascii")
        except (InvalidToken, UnicodeError) as exc:
            raise VaultError("A stored integration token cannot be rotated.") from exc

    def is_current(self, ciphertext: str) -> bool:
        """Encrypted with the newest key already."""
        try:
            self._fernets[0].decrypt(ciphertext.encode("ascii"))
        except (InvalidToken, UnicodeError):
            return False
        return True
