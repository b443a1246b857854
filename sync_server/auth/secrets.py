"""Password and PIN hashing (argon2id, P11) and bearer-token generation and hashing.

Tokens are 256 random bits; only an HMAC-SHA256 of a token (keyed with the service's
secret) is stored, so a copy of the database alone cannot be replayed as a credential.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()  # argon2id with the library's current recommended costs

USER_TOKEN_PREFIX = "jtu_"
DEVICE_TOKEN_PREFIX = "jtd_"


def hash_password(password: str) -> str:
    """An argon2id encoded hash (includes its salt and costs)."""
    return _hasher.hash(password)


def verify_password(encoded: str, password: str) -> bool:
    """Whether the password matches the stored hash (never raises for a mismatch)."""
    try:
        return _hasher.verify(encoded, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(encoded: str) -> bool:
    """Whether a stored hash uses weaker costs than the current ones (rehash at sign-in)."""
    try:
        return _hasher.check_needs_rehash(encoded)
    except InvalidHashError:
        return True


def new_token(prefix: str) -> str:
    """A fresh bearer token: prefix plus 256 random bits, URL-safe."""
    return prefix + secrets.token_urlsafe(32)


def token_hash(secret_key: str, token: str) -> bytes:
    """What is stored for a token: HMAC-SHA256 under the service secret."""
    return hmac.new(secret_key.encode(), token.encode(), hashlib.sha256).digest()
