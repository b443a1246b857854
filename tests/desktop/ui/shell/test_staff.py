"""The staff service: the demo staff, PIN checks against argon2 verifiers, the pause."""

from __future__ import annotations

import pytest

from jeweltrak_core.permissions import Permission
from jeweltrak_desktop.demo import SALES_WITHHELD, add_demo_staff
from jeweltrak_desktop.services import staff
from jeweltrak_desktop.services.local_store import LocalStore
from jeweltrak_desktop.services.staff import NoPinSet, PinSignIn, SignInPaused, WrongPin


def _id(store: LocalStore, name: str) -> object:
    return next(m.id for m in staff.list_staff(store) if m.name == name)


def test_the_demo_store_lists_its_staff_by_name(demo_store: LocalStore) -> None:
    members = staff.list_staff(demo_store)
    assert [m.name for m in members] == ["Dana Owner", "Sam Clerk"]
    assert all(m.has_pin for m in members)
    assert not add_demo_staff(demo_store)  # added once only


def test_the_verifier_is_argon2_never_the_pin(demo_store: LocalStore) -> None:
    with demo_store.reader() as repo:
        rows = repo.rows("SELECT name, pin_verifier FROM users ORDER BY name")
    assert [r["name"] for r in rows] == ["Dana Owner", "Sam Clerk"]
    for row in rows:
        assert row["pin_verifier"].startswith("$argon2id$")
        assert "1111" not in row["pin_verifier"] and "2222" not in row["pin_verifier"]


def test_permissions_come_from_the_groups(demo_store: LocalStore) -> None:
    guard = PinSignIn(demo_store)
    owner = guard.sign_in(_id(demo_store, "Dana Owner"), "1111")  # type: ignore[arg-type]
    clerk = guard.sign_in(_id(demo_store, "Sam Clerk"), "2222")  # type: ignore[arg-type]
    assert owner.permissions == frozenset(Permission)
    assert clerk.permissions == frozenset(Permission) - SALES_WITHHELD
    for withheld in (Permission.VIEW_COST, Permission.VOID_INVOICE, Permission.OVERRIDE_PRICE,
                     Permission.DISCOUNT, Permission.MANAGE_SETTINGS):
        assert withheld not in clerk.permissions
    assert Permission.SELL in clerk.permissions


def test_per_user_grants_and_revocations_apply(demo_store: LocalStore) -> None:
    from jeweltrak_core.store.entities import User
    from jeweltrak_desktop.store.repository import SqliteRepository

    clerk_id = _id(demo_store, "Sam Clerk")
    with demo_store.engine.begin() as conn:
        repo = SqliteRepository(conn)
        user = repo.get(User, clerk_id)  # type: ignore[arg-type]
        assert user is not None
        user.granted = ["discount"]
        user.revoked = ["sell"]
        repo.put(user)
    actor = staff.actor_for(demo_store, clerk_id)  # type: ignore[arg-type]
    assert Permission.DISCOUNT in actor.permissions
    assert Permission.SELL not in actor.permissions


def test_a_wrong_pin_is_refused_and_five_pause_sign_in(demo_store: LocalStore) -> None:
    now = [1000.0]
    guard = PinSignIn(demo_store, lockout_seconds=30, clock=lambda: now[0])
    dana = _id(demo_store, "Dana Owner")
    for tries_left in (4, 3, 2, 1):
        with pytest.raises(WrongPin, match=f"{tries_left} tr"):
            guard.sign_in(dana, "9999")  # type: ignore[arg-type]
    with pytest.raises(SignInPaused):
        guard.sign_in(dana, "9999")  # type: ignore[arg-type]
    with pytest.raises(SignInPaused, match="Wait 30 seconds"):
        guard.sign_in(dana, "1111")  # type: ignore[arg-type]  # even the right PIN waits
    now[0] += 29.5
    with pytest.raises(SignInPaused, match="Wait 1 seconds"):
        guard.sign_in(dana, "1111")  # type: ignore[arg-type]
    now[0] += 1
    assert guard.sign_in(dana, "1111").name == "Dana Owner"  # type: ignore[arg-type]


def test_someone_without_a_pin_is_told_where_pins_are_set(demo_store: LocalStore) -> None:
    from jeweltrak_core.ids import new_id
    from jeweltrak_core.store.entities import User
    from jeweltrak_desktop.store.repository import SqliteRepository

    user = User(id=new_id(), name="Nia New")
    with demo_store.engine.begin() as conn:
        SqliteRepository(conn).put(user)
    assert [m.has_pin for m in staff.list_staff(demo_store) if m.name == "Nia New"] == [False]
    with pytest.raises(NoPinSet, match="sets PINs on the store server"):
        PinSignIn(demo_store).sign_in(user.id, "1234")
