"""This workstation in ``make run``: paired with store D, synced, seeded when empty.

It is paired like any workstation (token in the keychain, or the logged file fallback),
then synced from the service. A store with no pieces yet gets the demo's pieces, contacts
and history as operations of this workstation, which are uploaded, so the service — and
any other workstation — holds the same store.
"""

from __future__ import annotations

import logging
import random
import socket
from dataclasses import dataclass
from pathlib import Path
from uuid import UUID

from sqlalchemy import func, select

from jeweltrak_core.contacts.operations import CreateContact
from jeweltrak_core.inventory.entities import Piece
from jeweltrak_core.inventory.operations import CreatePiece
from jeweltrak_desktop import config
from jeweltrak_desktop.demo import make_contacts, make_history, make_pieces
from jeweltrak_desktop.services.local_store import LocalStore
from jeweltrak_desktop.store.schema import table_of
from jeweltrak_desktop.sync.credentials import load_device_token
from jeweltrak_desktop.sync.pairing import AlreadyPaired, StoreSummary, pair_workstation, sign_out
from jeweltrak_desktop.sync.snapshot import SnapshotDownload, initial_sync_needed
from jeweltrak_desktop.sync.tls import service_client
from jeweltrak_desktop.sync.transport import SyncTransport
from jeweltrak_desktop.sync.unpairing import unpair_workstation
from jeweltrak_desktop.sync.uploader import Uploader
from jeweltrak_desktop.system.demo_business import (
    DEMO_EMAIL,
    OWNER_FILE,
    demo_owner_password,
    ensure_demo_owner,
    ensure_demo_store,
)
from jeweltrak_desktop.system.errors import SystemStartError
from jeweltrak_desktop.system_staff import ensure_demo_staff

log = logging.getLogger("jeweltrak.system")

#: The desktop opens ``demo.sqlite3`` of its ``--data-dir``; the paired store takes that
#: name in a folder of its own, apart from the local-only demo of a plain start.
WORKSTATION_DIR = "synced-demo"
# make_history reads 31 customers and 23 pieces of the seeded data.
MIN_PIECES, MIN_CONTACTS = 30, 40


@dataclass(frozen=True)
class DemoWorkstation:
    """The paired demo workstation, ready for the desktop."""

    desktop_dir: Path
    database: Path
    store: StoreSummary
    pieces: int


def ensure_paired(*, url: str, password: str, store: StoreSummary, database: Path) -> None:
    """Pair the demo workstation with ``store``, replacing a copy that belongs elsewhere."""

    def pair() -> None:
        pair_workstation(
            server_url=url,
            email=DEMO_EMAIL,
            password=password,
            store_id=store.id,
            label=f"{socket.gethostname()[:40] or 'This computer'} (make run)",
            local_store_path=database,
        )

    try:
        pair()
    except AlreadyPaired as exc:
        # This folder only ever holds make run's demo copy (paired elsewhere, revoked, or
        # its credential lost): replace it; unpairing logs any changes it discards.
        log.warning("%s Replacing the demo copy in %s.", exc.message, database)
        unpair_workstation(database, email=DEMO_EMAIL, password=password, discard_unsynced=True)
        pair()


def sync_demo_store(*, url: str, database: Path, pieces: int, contacts: int) -> int:
    """Download the store, seed an empty one with the demo, upload; the piece count."""
    token = load_device_token(_device_id(database), data_dir=database.parent)
    if token is None:
        raise SystemStartError(
            f"The credential of the workstation in {database} is missing; delete that "
            "folder and run again."
        )
    local = LocalStore(database)
    try:
        with service_client(url) as client:
            transport = SyncTransport(url, lambda: token, client=client)
            if initial_sync_needed(local):
                SnapshotDownload(local, transport).run()
            count = _piece_count(local)
            if count == 0:
                log.info(
                    "the store is empty: adding the demo's %s pieces and %s contacts",
                    pieces,
                    contacts,
                )
                seed_demo_store(local, pieces=pieces, contacts=contacts)
                count = _piece_count(local)
            report = Uploader(local, transport).upload()
            if report.batches:
                log.info(
                    "uploaded: %s applied, %s conflicts, %s rejected",
                    report.applied,
                    report.conflicts,
                    report.rejected,
                )
    finally:
        local.close()
    return count


def seed_demo_store(local: LocalStore, *, pieces: int, contacts: int, seed: int = 7) -> None:
    """The demo's pieces and contacts, then its sales, memo, repairs and appraisal, as
    operations of this workstation (so they reach the service like counter work)."""
    rng = random.Random(seed)
    with local.transaction() as tx:
        store = tx.store_settings()
        for piece in make_pieces(rng, store, pieces):
            tx.apply(CreatePiece(piece=piece))
        for contact in make_contacts(rng, contacts):
            tx.apply(CreateContact(contact=contact))
    make_history(local, rng)


def _device_id(database: Path) -> UUID:
    local = LocalStore(database)
    try:
        return local.identity.device_id
    finally:
        local.close()


def _piece_count(local: LocalStore) -> int:
    pieces = table_of(Piece).table
    with local.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(pieces)).scalar_one())


def prepare_demo_workstation(
    url: str, base: Path, *, pieces: int, contacts: int
) -> DemoWorkstation:
    """Demo business, store and paired workstation, in step with the service."""
    password = demo_owner_password(base)
    with service_client(url) as client:
        session = ensure_demo_owner(client, password=password, owner_file=base / OWNER_FILE)
        try:
            store = ensure_demo_store(client, session)
            ensure_demo_staff(client, session, owner_email=DEMO_EMAIL)
        finally:
            sign_out(client, session)
    desktop_dir = base / WORKSTATION_DIR
    database = config.demo_db_path(desktop_dir)
    ensure_paired(url=url, password=password, store=store, database=database)
    count = sync_demo_store(url=url, database=database, pieces=pieces, contacts=contacts)
    return DemoWorkstation(desktop_dir=desktop_dir, database=database, store=store, pieces=count)
