"""An app upgrade with a non-empty outbox: the database of the previous schema migrates, then
its outbox uploads to the real service — every operation exactly once."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import httpx
from sqlalchemy import Engine, update

from jeweltrak_core.contacts.entities import Contact
from jeweltrak_core.inventory.entities import Piece, PieceStatus
from jeweltrak_core.store.entities import Store
from jeweltrak_desktop.services.local_store import LocalStore
from jeweltrak_desktop.store.migrate import head_revision
from jeweltrak_desktop.sync.engine import SyncEngine
from jeweltrak_desktop.sync.transport import SyncTransport
from sync_server.db.engine import tenant_transaction
from sync_server.db.platform_tables import devices
from sync_server.sync.feed import write_entities
from sync_server.tenancy import create_tenant
from tests.desktop.sync.conftest import assert_equal_to_service
from tests.server.conftest import TenantFixture, rows

#: A store written by schema 0002 (the release before the sync client's tables), all of
#: whose operations wait for upload.
PREVIOUS = Path(__file__).parents[1] / "store" / "data" / "store-0002.sqlite"


def _service_for(local: LocalStore, engine: Engine) -> tuple[TenantFixture, str]:
    """The tenant this old workstation belongs to, holding the rows its history starts from.

    The demo store's pieces and contacts were written before its history; on the service
    they exist as they were then: every piece in stock.
    """
    ident = local.identity
    with local.reader() as repo:
        store = repo.get(Store, ident.store_id)
        contacts = repo.list(Contact)
        pieces = [
            dataclasses.replace(p, status=PieceStatus.IN_STOCK, version=0)
            for p in repo.list(Piece)
        ]
    assert store is not None
    with engine.begin() as conn:
        ref = create_tenant(conn, "Upgraded Jewelers")
    with tenant_transaction(engine, ref) as conn:
        write_entities(conn, ref, [store, *contacts, *pieces])
    tenant = TenantFixture(ref=ref, store=store, engine=engine)
    device = tenant.pair("Upgraded counter")
    assert device.ctx.workstation_code == ident.workstation_code
    with engine.begin() as conn:  # the workstation paired before the upgrade, same ID
        conn.execute(
            update(devices).where(devices.c.id == device.ctx.device_id)
            .values(id=ident.device_id)
        )
    return tenant, device.token


def test_an_upgraded_store_uploads_its_outbox_exactly_once(
    engine: Engine, service_url: str, tmp_path: Path
) -> None:
    path = tmp_path / "store.db"
    shutil.copyfile(PREVIOUS, path)
    local = LocalStore(path)
    client = httpx.Client()
    try:
        assert (local.migration.from_revision, local.migration.to_revision) == (
            "0002", head_revision()
        )
        assert local.migration.backup is not None
        pending = local.pending_ops()
        assert pending == 66
        tenant, token = _service_for(local, engine)
        sync = SyncEngine(local, SyncTransport(service_url, lambda: token, client=client))

        status = sync.sync_once()

        assert status.pending_ops == 0
        entries = local.outbox_entries()
        applied = rows(
            tenant.engine, tenant.ref,
            "SELECT op_id::text, status FROM applied_ops ORDER BY seq",
        )
        assert applied == [(e["op_id"], e["status"]) for e in entries]
        assert {e["status"] for e in entries} == {"applied"}, status.problems
        assert_equal_to_service(local, tenant)
    finally:
        client.close()
        local.close()
