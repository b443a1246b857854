"""Staff sign-in at the counter: a PIN per user, checked locally so it works offline.

Users and permission groups are synced from the service (or seeded by the local demo);
each user's PIN verifier is an argon2 hash, so the PIN itself is never stored. The
effective permissions are the union of the user's groups plus per-user grants minus
per-user revocations (``jeweltrak_core.permissions.effective_permissions``).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from uuid import UUID

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from jeweltrak_core.errors import JewelTrakError, NotFound
from jeweltrak_core.permissions import effective_permissions
from jeweltrak_core.store.entities import PermissionGroup, User
from jeweltrak_desktop.services.local_store import Actor, LocalStore

#: Wrong PINs in a row (on this workstation, any user) before sign-in pauses.
MAX_WRONG_PINS = 5
#: How long sign-in pauses after too many wrong PINs.
LOCKOUT_SECONDS = 30.0

#: Nobody signed in: no permissions at all.
SIGNED_OUT = Actor(user_id=None, name="Nobody signed in", permissions=frozenset())

_hasher = PasswordHasher()


class WrongPin(JewelTrakError):
    """The PIN does not match the chosen staff member's."""

    code = "wrong_pin"


class NoPinSet(JewelTrakError):
    """The staff member has no PIN yet (set on the service, under Staff)."""

    code = "no_pin_set"


class SignInPaused(JewelTrakError):
    """Too many wrong PINs: sign-in waits a little before the next try."""

    code = "sign_in_paused"


@dataclass(frozen=True)
class StaffMember:
    """One person who can sign in at this counter."""

    id: UUID
    name: str
    has_pin: bool


def hash_pin(pin: str) -> str:
    """The argon2id verifier of a PIN (what is stored and synced; never the PIN)."""
    return _hasher.hash(pin)


def pin_matches(verifier: str | None, pin: str) -> bool:
    """Whether ``pin`` matches the stored verifier (False for no verifier or a bad one)."""
    if not verifier or not pin:
        return False
    try:
        return _hasher.verify(verifier, pin)
    except (VerificationError, InvalidHashError):
        return False


def list_staff(store: LocalStore) -> list[StaffMember]:
    """Active staff of this store, by name."""
    with store.reader() as repo:
        users = repo.query(User, "SELECT * FROM users")
    members = [
        StaffMember(id=u.id, name=u.name, has_pin=bool(u.pin_verifier)) for u in users if u.active
    ]
    return sorted(members, key=lambda m: m.name.casefold())


def actor_for(store: LocalStore, user_id: UUID) -> Actor:
    """The user as an ``Actor`` with their effective permissions (no PIN check)."""
    with store.reader() as repo:
        user = repo.get(User, user_id)
        if user is None or not user.active:
            raise NotFound("That staff member is not on this workstation (or is inactive).")
        groups = [repo.get(PermissionGroup, gid) for gid in user.group_ids]
    permissions = effective_permissions(
        [g.permissions for g in groups if g is not None],
        granted=user.granted,
        revoked=user.revoked,
    )
    return Actor(user_id=user.id, name=user.name, permissions=permissions)


class PinSignIn:
    """Checks PINs and pauses sign-in after ``max_tries`` wrong ones in a row."""

    def __init__(
        self,
        store: LocalStore,
        *,
        max_tries: int = MAX_WRONG_PINS,
        lockout_seconds: float = LOCKOUT_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._store = store
        self._max_tries = max_tries
        self._lockout_seconds = lockout_seconds
        self._clock = clock
        self._wrong = 0
        self._paused_until = 0.0

    def seconds_paused(self) -> int:
        """Whole seconds until the next try is allowed (0: now)."""
        left = self._paused_until - self._clock()
        return max(0, int(left + 0.999))

    def sign_in(self, user_id: UUID, pin: str) -> Actor:
        """The signed-in ``Actor``; raises WrongPin, NoPinSet or SignInPaused."""
        waiting = self.seconds_paused()
        if waiting:
            raise SignInPaused(
                f"Too many wrong PINs. Wait {waiting} seconds, then try again.",
                seconds=waiting,
            )
        with self._store.reader() as repo:
            user = repo.get(User, user_id)
        if user is None or not user.active:
            raise NotFound("That staff member is not on this workstation (or is inactive).")
        if not user.pin_verifier:
            raise NoPinSet(
                f"{user.name} has no PIN yet. A manager sets PINs on the store server "
                "(Staff); the PIN reaches this workstation with the next sync."
            )
        if not pin_matches(user.pin_verifier, pin):
            self._wrong += 1
            if self._wrong >= self._max_tries:
                self._wrong = 0
                self._paused_until = self._clock() + self._lockout_seconds
                raise SignInPaused(
                    f"That PIN is not right. After {self._max_tries} wrong PINs sign-in "
                    f"waits {int(self._lockout_seconds)} seconds.",
                    seconds=int(self._lockout_seconds),
                )
            left = self._max_tries - self._wrong
            raise WrongPin(
                f"That PIN is not right for {user.name}. {left} "
                f"{'try' if left == 1 else 'tries'} left before sign-in pauses."
            )
        self._wrong = 0
        return actor_for(self._store, user.id)
