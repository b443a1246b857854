"""Font fallback runs, local time display, and the store logo."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from pathlib import Path

import pytest

from jeweltrak_core.sales.entities import Invoice
from jeweltrak_core.store.entities import Store
from jeweltrak_desktop.documents.context import DocumentContext
from jeweltrak_desktop.documents.fonts import FALLBACK, SANS, SANS_BOLD, font_runs, markup
from jeweltrak_desktop.documents.receipt import render_invoice, render_receipt
from jeweltrak_desktop.documents.text_lines import wrap_text

from .pdf_checks import font_problems, image_count
from .records import SOLD_AT


def test_characters_dejavu_lacks_go_to_the_fallback_font() -> None:
    assert font_runs("Núñez", SANS) == [("Núñez", SANS)]
    assert font_runs("José 中山 Ltd", SANS) == [("José ", SANS), ("中山", FALLBACK),
                                                (" Ltd", SANS)]
    assert font_runs("中", SANS_BOLD) == [("中", FALLBACK)]
    escaped = "&lt;b&gt;R&amp;D&lt;/b&gt; "
    assert markup("<b>R&D</b> 中") == f'{escaped}<font face="{FALLBACK}">中</font>'


def test_wrapping_keeps_every_word_and_breaks_words_wider_than_the_column() -> None:
    lines = wrap_text("a " + "X" * 80 + " tail", SANS, 8, 100)
    assert "".join(lines).replace(" ", "") == "a" + "X" * 80 + "tail"
    assert len(lines) >= 4


def test_times_are_shown_in_the_store_time_zone(store: Store) -> None:
    new_york = DocumentContext.for_store(store)
    tokyo = DocumentContext.for_store(dataclasses.replace(store, timezone="Asia/Tokyo"))
    assert new_york.datetime_text(SOLD_AT) == "Mar 5, 2025 3:04 PM"
    assert tokyo.datetime_text(SOLD_AT) == "Mar 6, 2025 5:04 AM"
    unknown = DocumentContext.for_store(dataclasses.replace(store, timezone="Mars/Olympus"))
    assert unknown.datetime_text(SOLD_AT) == "Mar 5, 2025 8:04 PM"  # UTC
    with pytest.raises(ValueError, match="naive"):
        new_york.datetime_text(datetime(2025, 3, 5, 20, 4))


def test_the_logo_prints_and_a_bad_logo_is_left_out(
    sale: Invoice, ctx: DocumentContext, photos: list[Path], tmp_path: Path
) -> None:
    with_logo = dataclasses.replace(ctx, logo_path=photos[0])
    assert image_count(render_invoice(sale, ctx=with_logo)) == 1
    assert image_count(render_receipt(sale, ctx=with_logo)) == 1
    broken = tmp_path / "logo.png"
    broken.write_bytes(b"\x89PNG not really")
    for logo in (broken, tmp_path / "missing.png"):
        data = render_invoice(sale, ctx=dataclasses.replace(ctx, logo_path=logo))
        assert image_count(data) == 0
        assert font_problems(data) == []
