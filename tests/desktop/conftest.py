"""Fixtures shared by the desktop tests: fresh local stores, the demo store, small factories.

A migrated, empty database is built once per session and copied for each test (running the
Alembic migrations costs far more than copying a file); each copy is then set up as a new
workstation with ``LocalStore.set_up`` exactly as pairing or the demo does.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest

from jeweltrak_core.contacts.entities import Contact
from jeweltrak_core.ids import new_id
from jeweltrak_core.inventory.entities import Piece
from jeweltrak_core.inventory.stock import Family
from jeweltrak_desktop.demo import build_demo_store, demo_store_settings
from jeweltrak_desktop.services import contacts as contacts_service
from jeweltrak_desktop.services import inventory as inventory_service
from jeweltrak_desktop.services.local_store import DeviceIdentity, LocalStore

#: Store code of every test store (the demo store's code).
STORE_CODE = "D"
#: Size of the demo store the service tests read.
DEMO_PIECES = 300
DEMO_CONTACTS = 40


def _copy_database(source: Path, target: Path) -> None:
    """Copy a closed SQLite database (and a WAL left behind, which holds committed pages)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal"):
        src = source.with_name(source.name + suffix)
        if src.exists():
            shutil.copyfile(src, target.with_name(target.name + suffix))


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty database migrated to head, never set up; copied for every fresh store."""
    path = tmp_path_factory.mktemp("migrated-template") / "empty.sqlite3"
    LocalStore(path).close()
    return path


#: ``open_workstation(path, store_id=..., workstation_code=...)`` → a set-up LocalStore.
OpenWorkstation = Callable[..., LocalStore]


@pytest.fixture
def open_workstation(migrated_template: Path) -> Iterator[OpenWorkstation]:
    """Factory: a fresh workstation database set up with the Florida demo store settings.

    Two workstations of the same store share ``store_id`` (and the store code) and differ by
    ``workstation_code``. Every store opened here is closed when the test ends.
    """
    opened: list[LocalStore] = []

    def open_(
        path: Path, *, store_id: UUID | None = None, workstation_code: str = "A"
    ) -> LocalStore:
        _copy_database(migrated_template, path)
        local = LocalStore(path)
        store_id = store_id or new_id()
        local.set_up(
            DeviceIdentity(
                device_id=new_id(),
                store_id=store_id,
                store_code=STORE_CODE,
                workstation_code=workstation_code,
            ),
            demo_store_settings(store_id),
        )
        opened.append(local)
        return local

    yield open_
    for local in opened:
        local.close()


@pytest.fixture
def store(tmp_path: Path, open_workstation: OpenWorkstation) -> LocalStore:
    """A fresh, empty workstation (store D, workstation A, Florida 6% + 1% surtax capped at
    $5,000 per item), signed in as the demo owner (every permission), with no history."""
    return open_workstation(tmp_path / "store" / "jeweltrak.sqlite3")


#: ``make_piece(**fields)`` → a piece created through ``inventory.create_piece``.
MakePiece = Callable[..., Piece]


@pytest.fixture
def make_piece(store: LocalStore) -> MakePiece:
    """Factory: create a piece through the inventory service.

    Defaults: a 14K jewelry ring costing $1,200.00, so the store multipliers (retail 2.5×)
    price it at $3,000.00 retail. Any ``create_piece`` argument or Piece field overrides.
    """

    def make(**fields: Any) -> Piece:
        args: dict[str, Any] = {
            "family": Family.JEWELRY,
            "description": "14K yellow gold ring",
            "cost_cents": 120_000,
        }
        args.update(fields)
        return inventory_service.create_piece(store, **args)

    return make


#: ``make_contact(**fields)`` → a contact created through ``contacts.create_contact``.
MakeContact = Callable[..., Contact]


@pytest.fixture
def make_contact(store: LocalStore) -> MakeContact:
    """Factory: create a contact (a customer by default) through the contacts service."""

    def make(**fields: Any) -> Contact:
        args: dict[str, Any] = {
            "first_name": "Ana",
            "last_name": "García",
            "phones": ["(941) 555-0123"],
            "emails": ["ana.garcia@example.com"],
        }
        args.update(fields)
        return contacts_service.create_contact(store, **args)

    return make


@pytest.fixture
def three_pieces(make_piece: MakePiece) -> list[Piece]:
    """Three $3,000.00-retail pieces; the second has a barcode different from its StockID."""
    return [
        make_piece(description="14K yellow gold solitaire ring"),
        make_piece(description="18K white gold tennis bracelet", barcode="JT-77001"),
        make_piece(description="Platinum diamond pendant", metal_type="platinum"),
    ]


@pytest.fixture
def customer(make_contact: MakeContact) -> Contact:
    """A customer: García, Ana."""
    return make_contact()


@pytest.fixture(scope="session")
def demo_template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo store (300 pieces, 40 contacts, history) built once per session."""
    path = tmp_path_factory.mktemp("services-demo") / "demo.sqlite3"
    build_demo_store(path, pieces=DEMO_PIECES, contacts=DEMO_CONTACTS, history=True).close()
    return path


@pytest.fixture
def demo_store(demo_template_db: Path, tmp_path: Path) -> Iterator[LocalStore]:
    """This test's own copy of the demo store built by ``build_demo_store``."""
    path = tmp_path / "demo" / demo_template_db.name
    _copy_database(demo_template_db, path)
    local = LocalStore(path)
    yield local
    local.close()
