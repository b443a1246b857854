"""Stock levels to Shopify: a piece linked to an inventory item has its available quantity
set on the shop (inventory_levels/set.json at the connected location) after a push changes it.

``push_inventory_after_push`` is what the sync router runs as a background task after a
push; here it is called with the push's result versions, as the router would.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine

from jeweltrak_core.ids import new_id
from jeweltrak_core.inventory.operations import AdjustStock, CreatePiece
from jeweltrak_core.sales.entities import InvoiceLine
from jeweltrak_core.sales.operations import FinalizeInvoice, InvoiceDraft, SaveInvoice
from jeweltrak_core.sales.tax import LineKind
from sync_server.config import Settings
from sync_server.integrations.shopify.inventory import (
    available_quantity,
    push_inventory_after_push,
)
from tests.server.accounts_helpers import make_staff_login
from tests.server.builders import piece
from tests.server.integrations.test_shopify import (
    PREFIX,
    Business,
    Service,
    live_service,
    open_business,
)
from tests.simulators.shopify import ShopifySimulator


@pytest.fixture(scope="module")
def sim() -> Iterator[ShopifySimulator]:
    with ShopifySimulator() as simulator:
        yield simulator


@pytest.fixture(scope="module")
def service(settings: Settings, engine: Engine, sim: ShopifySimulator) -> Iterator[Service]:
    with live_service(settings, engine, sim) as svc:
        yield svc


def _link(biz: Business, piece_id: Any, item: int) -> Any:
    return biz.svc.http.put(f"{PREFIX}/pieces/{piece_id}", headers=biz.owner.headers,
                            json={"inventory_item_id": item})


def _after_push(biz: Business, results: list[dict[str, Any]]) -> int:
    return push_inventory_after_push(biz.svc.app, biz.svc.app.state.engine, biz.tenant,
                                     [r["version"] for r in results])


def test_a_sale_sets_the_linked_item_to_zero(service: Service, sim: ShopifySimulator) -> None:
    biz = open_business(service, sim)
    ring = piece(biz.store_id)
    biz.push(CreatePiece(piece=ring))
    item = sim.add_inventory_item(biz.shop)
    response = _link(biz, ring.id, item)
    assert response.status_code == 200, response.text
    assert response.json()["level_sent"] is True
    assert sim.level(biz.shop, item) == 1  # in stock: one to sell online

    unrelated = biz.push(CreatePiece(piece=piece(biz.store_id)))
    before = len(sim.requests)
    assert _after_push(biz, unrelated) == 0
    assert len(sim.requests) == before  # nothing linked changed: no call to Shopify

    invoice_id = new_id()
    line = InvoiceLine(id=new_id(), kind=LineKind.PIECE, description=ring.description,
                       unit_price_cents=250_000, piece_id=ring.id)
    results = biz.push(
        SaveInvoice(invoice=InvoiceDraft(id=invoice_id, number=f"A{uuid.uuid4().hex[:6]}",
                                         lines=[line])),
        FinalizeInvoice(invoice_id=invoice_id, expected_total_cents=250_000))
    assert _after_push(biz, results) == 1
    assert sim.level(biz.shop, item) == 0
    posts = [r for r in sim.requests if r[1].endswith("inventory_levels/set.json")]
    assert posts[-1] == ("POST", f"/{biz.shop.domain}/admin/api/2025-07/"
                         "inventory_levels/set.json", 200)


def test_quantity_items_send_their_expected_count(service: Service,
                                                  sim: ShopifySimulator) -> None:
    biz = open_business(service, sim)
    chain = piece(biz.store_id, is_quantity_item=True, qty_purchased=5,
                  description="Sterling chain 18in")
    biz.push(CreatePiece(piece=chain))
    item = sim.add_inventory_item(biz.shop)
    assert _link(biz, chain.id, item).status_code == 200
    assert sim.level(biz.shop, item) == 5
    results = biz.push(AdjustStock(piece_id=chain.id, delta=-2, reason="damaged"))
    assert _after_push(biz, results) == 1
    assert sim.level(biz.shop, item) == 3
    assert available_quantity(None) == 0


def test_links_are_owner_only_and_one_to_one(service: Service, sim: ShopifySimulator) -> None:
    biz = open_business(service, sim)
    first, second = piece(biz.store_id), piece(biz.store_id)
    biz.push(CreatePiece(piece=first), CreatePiece(piece=second))
    item = sim.add_inventory_item(biz.shop)
    clerk = make_staff_login(service.http, biz.owner,  # type: ignore[arg-type]
                             permissions=["manage_settings"])
    response = service.http.put(f"{PREFIX}/pieces/{first.id}", headers=clerk.headers,
                                json={"inventory_item_id": item})
    assert response.status_code == 403
    assert _link(biz, first.id, item).status_code == 200
    assert _link(biz, first.id, item).status_code == 200  # the same link again: fine
    assert _link(biz, second.id, item).status_code == 409
    assert _link(biz, first.id, sim.add_inventory_item(biz.shop)).status_code == 409
    assert _link(biz, uuid.uuid4(), item).status_code == 404


def test_a_refused_level_is_reported_to_the_owner(service: Service,
                                                  sim: ShopifySimulator) -> None:
    biz = open_business(service, sim)
    ring = piece(biz.store_id)
    biz.push(CreatePiece(piece=ring))
    response = _link(biz, ring.id, 987654321)  # not an item of this shop
    assert response.status_code == 200 and response.json()["level_sent"] is False
    status = biz.status()
    assert status["status"] == "error" and "stock level" in status["last_error"]
