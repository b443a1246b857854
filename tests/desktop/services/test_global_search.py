"""The global search box finds pieces, contacts and documents by number."""

from __future__ import annotations

import pytest

from jeweltrak_core.contacts.entities import Contact
from jeweltrak_core.inventory.entities import Piece
from jeweltrak_desktop.services import memos, sales, search, work_orders
from jeweltrak_desktop.services.local_store import LocalStore


def test_document_numbers_are_found_by_prefix(
    store: LocalStore, three_pieces: list[Piece], customer: Contact
) -> None:
    invoice = sales.new_invoice(store, contact_id=customer.id)
    memo = memos.issue_memo(store, contact_id=customer.id, codes=[three_pieces[0].stock_id])
    order = work_orders.open_work_order(store, contact_id=customer.id,
                                        item_description="Size ring down one")
    for doc, kind in ((invoice, "invoice"), (memo, "memo"), (order, "work_order")):
        hits = search.global_search(store, doc.number.lower())
        assert (kind, doc.id) in {(h.kind, h.id) for h in hits}, (doc.number, hits)
    # A prefix shared by every invoice of this workstation lists them all.
    second = sales.new_invoice(store)
    prefix = invoice.number.rsplit("-", 1)[0] + "-"
    found = {h.id for h in search.global_search(store, prefix) if h.kind == "invoice"}
    assert {invoice.id, second.id} <= found


def test_an_exact_stock_id_comes_first_then_contacts_and_words(
    store: LocalStore, three_pieces: list[Piece], customer: Contact
) -> None:
    piece = three_pieces[1]
    hits = search.global_search(store, piece.stock_id)
    assert (hits[0].kind, hits[0].id) == ("piece", piece.id)
    assert sum(1 for h in hits if h.id == piece.id) == 1  # not repeated by the word search
    by_name = search.global_search(store, customer.last_name)
    assert ("contact", customer.id) in {(h.kind, h.id) for h in by_name}


def test_nothing_matching_finds_nothing(store: LocalStore) -> None:
    assert search.global_search(store, "zzzz-nothing-like-this") == []


def test_a_scanned_claim_stub_finds_its_work_order_and_a_tag_finds_its_piece(
    store: LocalStore, three_pieces: list[Piece], customer: Contact
) -> None:
    from jeweltrak_core.errors import NotFound
    from jeweltrak_desktop.documents.claim_stub import claim_stub_code

    order = work_orders.open_work_order(store, contact_id=customer.id,
                                        item_description="Re-tip four prongs")
    found = search.resolve_scan(store, claim_stub_code(order.number) + "\r\n")
    assert found.work_order is not None and found.work_order.id == order.id
    assert found.piece is None
    by_tag = search.resolve_scan(store, three_pieces[0].stock_id.lower())
    assert by_tag.piece is not None and by_tag.piece.id == three_pieces[0].id
    with pytest.raises(NotFound):
        search.resolve_scan(store, claim_stub_code("RZZ-999"))
