"""Barbell tags: the ZPL text, its escaping and truncation, and delivery to a loopback printer."""

from __future__ import annotations

import re
import time
from dataclasses import replace
from pathlib import Path

import pytest

from jeweltrak_core.errors import ValidationError
from jeweltrak_core.inventory.entities import Piece
from jeweltrak_core.store.entities import Store
from jeweltrak_desktop.hardware.errors import PrinterError
from jeweltrak_desktop.hardware.zpl import (
    batch_zpl,
    code128_width_dots,
    description_lines,
    save_zpl,
    send_zpl,
    tag_zpl,
    zpl_text,
)

from .conftest import LoopbackPrinter

#: The ring's tag, written out by hand from the layout in zpl.py's docstring.
EXPECTED_RING_TAG = (
    "^XA\n"
    "^CI28\n"  # field data is UTF-8
    "^PW447\n"  # 2.2 inches at 203 dpi
    "^LL102\n"  # 0.5 inch at 203 dpi
    "^LH0,0\n"
    # Left wing: Code128 (1-dot modules, 36 dots high, no text line), StockID, cost code.
    "^FO8,6^BY1^BCN,36,N,N,N^FDD100001^FS\n"
    "^FO8,46^A0N,22,20^FH^FDD100001^FS\n"
    "^FO8,72^A0N,18,16^FH^FDMAPT^FS\n"  # $1,250 with MAKEPROFIT: M=1 A=2 P=5 T=0
    # Right wing (x 295–447): price, then the description over two lines.
    "^FO301,6^A0N,28,24^FH^FD$3,000.00^FS\n"
    "^FO301,40^A0N,20,16^FH^FD14K yellow gold^FS\n"
    "^FO301,62^A0N,20,16^FH^FDsolitaire ring^FS\n"
    "^PQ1\n"
    "^XZ\n"
)


def field_data(zpl: str) -> list[str]:
    """Every ^FD field's data, in order."""
    return re.findall(r"\^FD(.*?)\^FS", zpl)


def test_ring_tag_is_exactly_the_expected_zpl(ring: Piece, shop: Store) -> None:
    assert tag_zpl(ring, shop) == EXPECTED_RING_TAG


def test_tag_frame_dimensions_and_fields(ring: Piece, shop: Store) -> None:
    zpl = tag_zpl(ring, shop, copies=3)
    assert zpl.startswith("^XA") and zpl.rstrip().endswith("^XZ")
    assert zpl.count("^XA") == zpl.count("^XZ") == 1
    assert "^PW447" in zpl and "^LL102" in zpl
    assert "^BCN,36,N,N,N^FDD100001^FS" in zpl
    assert field_data(zpl) == [
        "D100001",
        "D100001",
        "MAPT",
        "$3,000.00",
        "14K yellow gold",
        "solitaire ring",
    ]
    assert "^PQ3" in zpl
    # Nothing is drawn on the tail between the wings (x 152–295).
    assert all(not 152 <= int(x) < 295 for x in re.findall(r"\^FO(\d+),", zpl))


def test_the_piece_barcode_is_preferred_and_digits_use_subset_c(ring: Piece, shop: Store) -> None:
    assert "^FDJT-77001^FS" in tag_zpl(replace(ring, barcode="JT-77001"), shop)
    # A 12-digit UPC is 6 symbols in subset C (">;" starts it) and fits a wing.
    upc = tag_zpl(replace(ring, barcode="012345678905"), shop)
    assert "^BCN,36,N,N,N^FD>;012345678905^FS" in upc
    assert code128_width_dots("012345678905") == 101
    # Too long for the wing: the StockID is encoded instead (the scan field finds either).
    long = tag_zpl(replace(ring, barcode="VENDOR-STYLE-123456"), shop)
    assert "^BCN,36,N,N,N^FDD100001^FS" in long
    with pytest.raises(ValidationError, match="too long for a barbell tag"):
        tag_zpl(replace(ring, stock_id="D1000000001", barcode="VENDOR-STYLE-123456"), shop)


def test_special_and_non_ascii_characters_are_hex_escaped(ring: Piece, shop: Store) -> None:
    piece = replace(ring, description="Oro ^XZ~JA_x é 中")
    zpl = tag_zpl(piece, shop)
    assert zpl.isascii()
    lines = field_data(zpl)[4:]
    assert lines == ["Oro _5EXZ_7EJA_5Fx _C3_A9", "_E4_B8_AD"]
    assert zpl.count("^XZ") == 1, "a description cannot end the label early"
    assert zpl_text("ñ") == "_C3_B1"
    assert zpl_text("100% $5") == "100% $5"


def test_long_and_wide_descriptions_are_cut_to_two_lines(ring: Piece, shop: Store) -> None:
    long = "Platinum and 18K rose gold halo engagement ring with pavé band, GIA certified"
    assert description_lines(long) == ["Platinum and", "18K rose..."]
    # Each CJK character takes two columns: seven fit on a 15-column line.
    assert description_lines("翡翠手镯" * 4) == ["翡翠手镯翡翠手", "镯翡翠手镯翡..."]
    assert description_lines("Supercalifragilisticexpialidocious") == [
        "Supercalifragil",
        "isticexpialidocious"[:12] + "...",
    ]
    assert description_lines(" \n\t ") == []
    zpl = tag_zpl(replace(ring, description=long * 5), shop)
    assert len(field_data(zpl)) == 6


def test_large_prices_use_the_smaller_font(ring: Piece, shop: Store) -> None:
    zpl = tag_zpl(replace(ring, retail_cents=12_500_000), shop)
    assert "^FO301,6^A0N,22,18^FH^FD$125,000.00^FS" in zpl


def test_a_store_cost_code_with_repeated_letters_cannot_print_tags(
    ring: Piece, shop: Store
) -> None:
    with pytest.raises(ValidationError, match="uses E more than once"):
        tag_zpl(ring, replace(shop, cost_code="JEWELSTORX"))
    with pytest.raises(ValidationError, match="uses E more than once"):
        batch_zpl([], replace(shop, cost_code="JEWELSTORX"))


def test_batch_is_one_framed_label_per_piece(ring: Piece, shop: Store) -> None:
    second = replace(ring, stock_id="D100002", description="Pearl strand", retail_cents=90_000)
    chain = replace(
        ring, stock_id="Q200", description="Rope chain", is_quantity_item=True, qty_purchased=4
    )
    zpl = batch_zpl([ring, second, chain], shop)
    labels = re.findall(r"\^XA.*?\^XZ\n", zpl, flags=re.S)
    assert "".join(labels) == zpl
    assert labels[0] == EXPECTED_RING_TAG
    assert [re.findall(r"\^PQ(\d+)", label) for label in labels] == [["1"], ["1"], ["4"]]


def test_tags_arrive_intact_at_a_network_printer(ring: Piece, shop: Store) -> None:
    zpl = batch_zpl([ring, replace(ring, stock_id="D100002", description="Café ^ 中")], shop)
    printer = LoopbackPrinter()
    send_zpl(zpl, "127.0.0.1", printer.port, timeout=1.0)
    assert printer.wait() == zpl.encode("ascii")


def test_offline_tag_printer_is_a_printer_error_raised_quickly(
    closed_port: int, unresponsive_port: int, ring: Piece, shop: Store
) -> None:
    zpl = tag_zpl(ring, shop)
    for port, reason in ((closed_port, "refused"), (unresponsive_port, "timeout")):
        started = time.monotonic()
        with pytest.raises(PrinterError) as info:
            send_zpl(zpl, "127.0.0.1", port, timeout=0.3)
        assert time.monotonic() - started < 2.0
        assert info.value.message == (
            f"The tag printer at 127.0.0.1:{port} did not answer. "
            "Check the tag printer and print the tags again."
        )
        assert info.value.details["reason"] == reason


def test_save_zpl_writes_the_file_or_says_why_not(tmp_path: Path, ring: Piece, shop: Store) -> None:
    zpl = tag_zpl(ring, shop)
    target = tmp_path / "tags.zpl"
    save_zpl(zpl, target)
    assert target.read_text("ascii") == zpl

    missing = tmp_path / "no-such-folder" / "tags.zpl"
    with pytest.raises(PrinterError) as info:
        save_zpl(zpl, missing)
    assert info.value.message == (
        f"The tags could not be saved to “{missing}” (No such file or directory). "
        "Choose another folder."
    )
