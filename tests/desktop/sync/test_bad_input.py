"""Bad input from the service never corrupts the local store: validate first, write nothing."""

from __future__ import annotations

import json
import random
import sqlite3
from collections.abc import Callable
from contextlib import closing
from typing import Any

import pytest
from sqlalchemy import Engine

from jeweltrak_desktop.demo import make_pieces
from jeweltrak_desktop.services.local_store import LocalStore
from jeweltrak_desktop.sync.applier import read_cursor
from jeweltrak_desktop.sync.errors import BadResponse
from sync_server.db.engine import tenant_transaction
from sync_server.sync.feed import write_entities
from tests.desktop.sync.conftest import (
    OpenStation,
    PairedStation,
    assert_equal_to_service,
    replace_body,
)
from tests.desktop.sync.sales import new_piece, sell
from tests.server.conftest import TenantFixture, make_tenant, rows


def _dump(local: LocalStore) -> list[str]:
    with closing(sqlite3.connect(local.path)) as conn:
        return list(conn.iterdump())


def _page(cursor: int, changes: list[dict[str, Any]], to: TenantFixture) -> bytes:
    """A pull page as the service addresses it to a device of ``to``'s store."""
    return json.dumps(
        {"store_id": str(to.store.id), "changes": changes, "next_cursor": cursor + 1,
         "has_more": False, "version": cursor + 1}
    ).encode()


def _change(cursor: int, entity: str, row_id: str, doc: dict[str, Any] | None) -> dict[str, Any]:
    return {"version": cursor + 1, "entity": entity, "id": row_id, "deleted": doc is None,
            "doc": doc}


def _store_doc(tenant: TenantFixture) -> dict[str, Any]:
    ((doc,),) = rows(tenant.engine, tenant.ref, "SELECT doc FROM stores WHERE id = %s",
                     tenant.store.id)
    return dict(doc)


def _piece_doc(tenant: TenantFixture) -> tuple[str, dict[str, Any]]:
    ((row_id, doc),) = rows(tenant.engine, tenant.ref, "SELECT id::text, doc FROM pieces LIMIT 1")
    return row_id, doc


@pytest.fixture
def synced(engine: Engine, open_station: OpenStation) -> tuple[TenantFixture, PairedStation]:
    """A workstation with a sale, in step with the service, and more changes waiting."""
    tenant = make_tenant(engine)
    a, b = open_station(tenant, "A"), open_station(tenant, "B")
    a.sync.sync_once()
    sell(a.local, new_piece(a.local))
    a.sync.sync_once()
    b.sync.sync_once()
    new_piece(b.local, description="Waiting in the feed for A")
    b.sync.sync_once()
    return tenant, a


#: name → ``body(cursor, tenant, foreign tenant)``
BAD_PAGES: dict[str, Callable[[int, TenantFixture, TenantFixture], bytes]] = {
    "garbage": lambda c, t, f: b"<html>502 Bad Gateway</html>",
    "truncated": lambda c, t, f: _page(c, [_change(c, "pieces", *_piece_doc(t))], t)[:-40],
    "another tenant's rows": lambda c, t, f: _page(c, [_change(c, "pieces", *_piece_doc(f))], t),
    "a page for another tenant's store, with its store row": lambda c, t, f: _page(
        c, [_change(c, "stores", str(f.store.id), _store_doc(f)),
            _change(c, "pieces", *_piece_doc(f))], f
    ),
    "a page for another store": lambda c, t, f: _page(c, [], f),
    "unknown entity": lambda c, t, f: _page(
        c, [_change(c, "gift_cards", _piece_doc(t)[0], {"id": _piece_doc(t)[0]})], t
    ),
    "a newer service's field": lambda c, t, f: _page(
        c, [_change(c, "pieces", _piece_doc(t)[0], _piece_doc(t)[1] | {"gift_wrap": True})], t
    ),
    "a document under another id": lambda c, t, f: _page(
        c, [_change(c, "pieces", "0190d2a0-0000-7000-8000-000000000001", _piece_doc(t)[1])], t
    ),
    "a tombstone for this store": lambda c, t, f: _page(
        c, [_change(c, "stores", str(t.store.id), None)], t
    ),
    "a missing key": lambda c, t, f: json.dumps({"changes": [], "next_cursor": c}).encode(),
    "versions behind the cursor": lambda c, t, f: _page(
        c - 1, [_change(c - 1, "pieces", *_piece_doc(t))], t
    ),
}


@pytest.fixture(scope="module")
def foreign(engine: Engine) -> TenantFixture:
    """Another tenant, with a piece of its own store."""
    tenant = make_tenant(engine, "Other Tenant Jewelers")
    with tenant_transaction(engine, tenant.ref) as conn:
        write_entities(conn, tenant.ref, list(make_pieces(random.Random(3), tenant.store, 1)))
    return tenant


@pytest.mark.parametrize("bad", list(BAD_PAGES))
def test_a_bad_pull_page_changes_nothing(
    bad: str, synced: tuple[TenantFixture, PairedStation], foreign: TenantFixture
) -> None:
    tenant, a = synced
    cursor = read_cursor(a.local)
    body = BAD_PAGES[bad](cursor, tenant, foreign)
    before = _dump(a.local)
    a.faults.add("/v1/sync/pull", replace_body(lambda _: body))

    with pytest.raises(BadResponse):
        a.sync.pull()

    assert _dump(a.local) == before
    assert a.sync.status().error is not None
    a.sync.sync_once()  # the real page, next time
    assert a.sync.status().error is None
    assert_equal_to_service(a.local, tenant)


def test_a_garbage_push_answer_keeps_the_ops_pending_and_applies_them_once(
    synced: tuple[TenantFixture, PairedStation],
) -> None:
    tenant, a = synced
    new_piece(a.local, description="Pending")
    a.faults.add("/v1/sync/push", replace_body(lambda body: body.replace(b"applied", b"ok")))
    with pytest.raises(BadResponse):
        a.sync.upload()
    assert a.local.pending_ops() == 1
    a.sync.sync_once()
    (entry,) = a.local.outbox_entries(status="applied")[-1:]
    assert json.loads(entry["result"])["repeat"] is True
    assert_equal_to_service(a.local, tenant)


def test_a_snapshot_with_an_unknown_table_writes_nothing(
    engine: Engine, open_station: OpenStation
) -> None:
    tenant = make_tenant(engine)
    a = open_station(tenant, "A")
    before = _dump(a.local)

    def add_table(body: bytes) -> bytes:
        manifest = json.loads(body)
        manifest["tables"].append({"entity": "gift_cards", "rows": 3})
        return json.dumps(manifest).encode()

    a.faults.add("/v1/sync/snapshot", replace_body(add_table))
    with pytest.raises(BadResponse):
        a.sync.sync_once()
    assert _dump(a.local) == before


@pytest.mark.parametrize("path", ["/v1/sync/snapshot", "/v1/sync/snapshot/stores"])
def test_a_snapshot_answer_for_another_store_writes_nothing(
    engine: Engine, open_station: OpenStation, foreign: TenantFixture, path: str
) -> None:
    tenant = make_tenant(engine)
    a = open_station(tenant, "A")
    before = _dump(a.local)

    def readdress(body: bytes) -> bytes:
        answer = json.loads(body)
        answer["store_id"] = str(foreign.store.id)
        return json.dumps(answer).encode()

    a.faults.add(path, replace_body(readdress))
    with pytest.raises(BadResponse):
        a.sync.sync_once()
    if path.endswith("/snapshot"):
        assert _dump(a.local) == before
    else:  # the manifest was fine and recorded; not a row of the refused page was stored
        with closing(sqlite3.connect(a.local.path)) as conn:
            progress = conn.execute(
                "SELECT count(*), sum(rows_done) FROM snapshot_progress"
            ).fetchone()
        assert progress[0] > 0 and progress[1] == 0
    a.faults.clear()
    a.sync.sync_once()
    assert_equal_to_service(a.local, tenant)
