"""Finding pieces and contacts: FTS5 word search and exact lookups (StockID, barcode scan,
certificate #, serial #); results follow edits."""

from __future__ import annotations

from decimal import Decimal

import pytest

from jeweltrak_core.contacts.entities import Contact
from jeweltrak_core.errors import NotFound, ValidationError
from jeweltrak_core.inventory.entities import Piece
from jeweltrak_core.inventory.stock import Family
from jeweltrak_desktop.services import contacts, inventory, sales
from jeweltrak_desktop.services.local_store import LocalStore

from .helpers import query


@pytest.fixture
def catalog(store: LocalStore, make_piece) -> dict[str, Piece]:
    """A ring, a certified diamond, a watch with a serial, a pearl strand."""
    return {
        "ring": make_piece(
            description="14K yellow gold solitaire engagement ring", barcode="JT-RING-1"
        ),
        "diamond": make_piece(
            family=Family.DIAMOND, description="1.01 ct round brilliant diamond G VS1",
            shape="round", carat_weight=Decimal("1.01"), lab="GIA",
            certificate_no="2141438167",
        ),
        "watch": make_piece(
            family=Family.WATCH, description="Submariner Date steel", brand="Rolex",
            model="Submariner", reference="126610LN", serial_no="7Z4411X9",
        ),
        "pearls": make_piece(
            family=Family.PEARL, description="Akoya pearl strand 7.5 mm",
            pearl_size_mm=Decimal("7.5"), stone_count=60,
        ),
    }


def found(store: LocalStore, words: str) -> set[str]:
    """StockIDs a word search returns."""
    return {p.stock_id for p in inventory.search_pieces(store, words)}


def names(store: LocalStore, words: str) -> list[str]:
    """Display names a contact search returns."""
    return [c.display_name for c in contacts.search_contacts(store, words)]


def test_pieces_are_found_by_description_words_cert_serial_and_stock_id_prefix(
    store: LocalStore, catalog: dict[str, Piece]
) -> None:
    ring, diamond, watch, pearls = (catalog[k] for k in ("ring", "diamond", "watch", "pearls"))
    assert found(store, "solitaire") == {ring.stock_id}
    assert found(store, "SOLITAIRE ring") == {ring.stock_id}
    assert found(store, "engage") == {ring.stock_id}  # words match as prefixes
    assert found(store, "round diamond") == {diamond.stock_id}
    assert found(store, "akoya") == {pearls.stock_id}
    assert found(store, "2141438167") == {diamond.stock_id}
    assert found(store, "214143") == {diamond.stock_id}
    assert found(store, "7Z4411X9") == {watch.stock_id}
    assert found(store, "rolex") == {watch.stock_id}
    assert found(store, "126610LN") == {watch.stock_id}
    assert found(store, "DA-100") == {p.stock_id for p in catalog.values()}
    assert found(store, diamond.stock_id.lower()) == {diamond.stock_id}
    assert found(store, "gold rolex") == set()  # every word must match
    assert found(store, "sapphire") == set()
    assert found(store, 'ring" * ^(') == {ring.stock_id}  # no FTS syntax leaks through


def test_search_refuses_an_empty_query(store: LocalStore) -> None:
    for words in ("", "   ", "--- !!"):
        with pytest.raises(ValidationError, match="Type something"):
            inventory.search_pieces(store, words)
        with pytest.raises(ValidationError, match="Type something"):
            contacts.search_contacts(store, words)


def test_exact_lookup_by_stock_id_barcode_cert_and_serial(
    store: LocalStore, catalog: dict[str, Piece]
) -> None:
    ring, diamond, watch = catalog["ring"], catalog["diamond"], catalog["watch"]
    assert inventory.lookup(store, ring.stock_id).id == ring.id
    assert inventory.lookup(store, f"{ring.stock_id.lower()}\n").id == ring.id
    assert inventory.lookup(store, "jt-ring-1\r\n").id == ring.id
    assert inventory.lookup(store, "2141438167").id == diamond.id
    assert inventory.lookup(store, " 7Z4411X9 ").id == watch.id
    assert sales.piece_for_scan(store, "JT-RING-1\n").id == ring.id
    assert inventory.lookup(store, "DA9999") is None
    with pytest.raises(NotFound):
        sales.piece_for_scan(store, "DA9999")
    # A prefix is a search, not an exact lookup.
    assert inventory.lookup(store, "214143") is None


def test_search_and_lookup_follow_updates(store: LocalStore, catalog: dict[str, Piece]) -> None:
    ring, diamond = catalog["ring"], catalog["diamond"]
    inventory.update_piece(store, ring.id, description="Platinum halo engagement ring")
    assert found(store, "solitaire") == set()
    assert found(store, "yellow") == set()
    assert found(store, "halo platinum") == {ring.stock_id}

    inventory.update_piece(store, diamond.id, certificate_no="5182773301")
    assert found(store, "2141438167") == set()
    assert inventory.lookup(store, "2141438167") is None
    assert inventory.lookup(store, "5182773301").id == diamond.id

    inventory.update_piece(store, ring.id, stock_id="HALO-1", barcode="JT-HALO-1")
    assert inventory.lookup(store, ring.stock_id) is None
    assert inventory.lookup(store, "JT-RING-1") is None
    assert inventory.lookup(store, "halo-1").id == ring.id
    assert found(store, "HALO") == {"HALO-1"}


def test_contacts_are_found_by_name_with_accents_phone_digits_and_email(
    store: LocalStore, make_contact
) -> None:
    ana = make_contact()
    make_contact(
        first_name="Chloé", last_name="Moore", phones=["(305) 555-7788"],
        emails=["chloe.moore@example.com"],
    )
    make_contact(
        first_name="", last_name="", company="Rossi Gems Wholesale", is_customer=False,
        is_vendor=True, phones=["212-555-0100"], emails=["sales@rossi.example.com"],
    )
    assert names(store, "Garcia") == ["García, Ana"]
    assert names(store, "garcía ana") == ["García, Ana"]
    assert names(store, "GARC") == ["García, Ana"]
    assert names(store, "Chloe") == ["Moore, Chloé"]
    assert names(store, "9415550123") == ["García, Ana"]
    assert names(store, "ana.garcia@example.com") == ["García, Ana"]
    assert names(store, "chloe.moore") == ["Moore, Chloé"]
    assert names(store, "rossi") == ["Rossi Gems Wholesale"]
    assert names(store, "Nguyen") == []

    contacts.patch_contact(
        store, ana.id, last_name="Lopez", phones=["786-555-4444"], emails=["ana@lopez.example"]
    )
    assert names(store, "Garcia") == []
    assert names(store, "lopez") == ["Lopez, Ana"]
    assert names(store, "9415550123") == []
    assert names(store, "7865554444") == ["Lopez, Ana"]


def test_a_phone_number_typed_as_written_finds_the_contact(
    store: LocalStore, customer: Contact
) -> None:
    assert names(store, "(941) 555-0123") == ["García, Ana"]
    assert names(store, "941-555-0123") == ["García, Ana"]


def test_search_on_the_demo_store_agrees_with_the_data(demo_store: LocalStore) -> None:
    rolex = {r[0] for r in query(demo_store, "SELECT stock_id FROM pieces WHERE brand = 'Rolex'")}
    assert rolex
    assert found(demo_store, "Rolex") == rolex
    sapphires = {
        r[0]
        for r in query(
            demo_store, "SELECT stock_id FROM pieces WHERE description LIKE '%sapphire%'"
        )
    }
    assert {p.stock_id for p in inventory.search_pieces(demo_store, "sapphire", limit=500)} == (
        sapphires
    )
    martinez = [
        r[0]
        for r in query(
            demo_store,
            "SELECT display_name FROM contacts WHERE last_name = 'Martínez' "
            "AND merged_into_id IS NULL ORDER BY display_name",
        )
    ]
    assert sorted(names(demo_store, "Martinez")) == martinez
    stock_id = query(demo_store, "SELECT stock_id FROM pieces ORDER BY stock_id LIMIT 1")[0][0]
    assert inventory.lookup(demo_store, f"{stock_id.lower()}\n").stock_id == stock_id
