"""Work-order copies: what each copy hides, and the claim stub the Sell screen scans."""

from __future__ import annotations

from pathlib import Path

import pytest

from jeweltrak_core.contacts.entities import Contact
from jeweltrak_core.errors import ValidationError
from jeweltrak_core.payments.entities import Deposit
from jeweltrak_core.work_orders.entities import WorkOrder
from jeweltrak_desktop.documents.context import DocumentContext
from jeweltrak_desktop.documents.work_order import (
    CopyKind,
    claim_stub_code,
    parse_claim_stub,
    render_work_order,
    render_work_order_copies,
)

from .barcode_reader import read_code128
from .pdf_checks import flat_text, page_count, render_pages
from .records import CUSTOMER_NOTE, INTERNAL_NOTE

VENDOR = "Rossi Casting Co."


@pytest.fixture
def copies(work_order: WorkOrder, ctx: DocumentContext, customer: Contact,
           deposit: Deposit) -> dict[CopyKind, bytes]:
    return render_work_order_copies(work_order, ctx=ctx, customer=customer,
                                    technician="Sam Ortiz", vendor=VENDOR, deposits=[deposit])


def test_counter_copy_shows_everything(copies: dict[CopyKind, bytes]) -> None:
    text = flat_text(copies[CopyKind.COUNTER])
    for expected in (
        "REPAIR ORDER", "Counter copy", "RDA-12", "RUSH", "Mar 5, 2025 3:04 PM", "Mar 12, 2025",
        "José Núñez 中山", "(941) 555-0199", "14K white gold band — size down 2",
        "Size from 8 to 6, re-tip four prongs, rhodium", "Sam Ortiz", VENDOR, "90 days",
        "Estimate $120.00", "Price $145.00", "Deposit paid $50.00", "Balance at pickup $95.00",
        "Vendor cost $38.00", INTERNAL_NOTE, CUSTOMER_NOTE, "damage · worn prong",
        "claim check", "WO/RDA-12",
    ):
        assert expected in text, expected


def test_bench_copy_has_no_customer_and_no_prices(copies: dict[CopyKind, bytes]) -> None:
    text = flat_text(copies[CopyKind.BENCH])
    assert "Bench copy" in text
    for hidden in ("José", "Núñez", "中山", "555-0199", "jose@example.com", "Calle Señora", "$",
                   "Estimate", "Deposit", "Vendor cost"):
        assert hidden not in text, hidden
    # ... but everything the jeweler needs is there, internal notes included.
    for expected in ("RDA-12", "RUSH", "Size from 8 to 6", INTERNAL_NOTE, VENDOR, "WO/RDA-12"):
        assert expected in text, expected


def test_customer_copy_has_no_internal_notes_and_no_vendor_cost(
    copies: dict[CopyKind, bytes],
) -> None:
    text = flat_text(copies[CopyKind.CUSTOMER])
    for hidden in (INTERNAL_NOTE, "porous", "(internal)", "$38.00", "Vendor cost", VENDOR):
        assert hidden not in text, hidden
    for expected in ("Customer copy", "José Núñez 中山", "Price $145.00",
                     "Balance at pickup $95.00", CUSTOMER_NOTE, "Customer signature",
                     "bring this claim stub"):
        assert expected in text, expected


def test_each_copy_fits_one_page_with_the_stub_at_the_foot(
    copies: dict[CopyKind, bytes],
) -> None:
    for copy, data in copies.items():
        assert page_count(data) == 1, copy
        text = flat_text(data)
        # The stub is the last thing before the page footer.
        assert text.index("detach here") > text.index("Notes"), copy


@pytest.mark.parametrize("copy", list(CopyKind))
def test_the_claim_stub_barcode_scans_back_to_the_work_order(
    work_order: WorkOrder, ctx: DocumentContext, tmp_path: Path, copy: CopyKind
) -> None:
    data = render_work_order(work_order, ctx=ctx, copy=copy)
    scanned = read_code128(render_pages(data, tmp_path, dpi=200)[0])
    assert scanned == ["WO/RDA-12"]
    assert parse_claim_stub(scanned[0]) == "RDA-12"


def test_claim_stub_code_round_trips_and_tells_stubs_from_pieces() -> None:
    assert claim_stub_code("RDA-12") == "WO/RDA-12"
    assert parse_claim_stub("WO/RDA-12") == "RDA-12"
    assert parse_claim_stub("  wo/rda-12\r\n") == "RDA-12"  # Caps Lock off, Enter suffix
    for not_a_stub in ("D100001", "RDA-12", "WO-RDA-12", "WO/", "WO/RDA 12", "", "WO/Ä-1"):
        assert parse_claim_stub(not_a_stub) is None, not_a_stub
    with pytest.raises(ValidationError):
        claim_stub_code("RDA 12")
    with pytest.raises(ValidationError):
        claim_stub_code("")
