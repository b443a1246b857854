"""The appraisal: per-item facts and photos, purpose wording, totals, conditions, signature."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from jeweltrak_core.appraisals.entities import Appraisal
from jeweltrak_core.appraisals.rules import AppraisalPurpose, AppraisalStatus
from jeweltrak_core.contacts.entities import Contact
from jeweltrak_desktop.documents.appraisal import render_appraisal
from jeweltrak_desktop.documents.context import DocumentContext

from .pdf_checks import flat_text, image_count, page_count
from .records import MakeAppraisal, appraisal_line


def test_appraisal_states_every_item_in_detail(
    ring_appraisal: Appraisal, ctx: DocumentContext, customer: Contact
) -> None:
    data = render_appraisal(ring_appraisal, ctx=ctx, customer=customer)
    text = flat_text(data)
    for expected in (
        "APPRAISAL", "ADA-7", "Mar 5, 2025", "Demo Fine Jewelers", "Tax # FL-78-8012345678-9",
        "Prepared for", "José Núñez 中山", "12 Calle Señora",
        "Appraiser", "Dana Reyes", "GIA Graduate Gemologist",
        "Item 1 of 2", "Platinum solitaire engagement ring", "Metal platinum", "Weight 5.20 g",
        "Measurements size 6, shank 2.1 mm", "Stone 1.01 ct round brilliant", "Color G",
        "Clarity VS1", "Cut Excellent", "Certificate GIA 2141438167", "Marks PT950",
        "Condition Excellent", "Insurance replacement value: $12,500.00",
        "Item 2 of 2", "18K yellow gold tennis bracelet", "$6,850.00",
        "Total $19,350.00", "Limiting conditions", "Appraiser signature", "Date",
        "Page 1 of", "All sales final after 30 days.",
    ):
        assert expected in text, expected
    assert f"Page {page_count(data)} of {page_count(data)}" in text
    assert image_count(data) == 4
    assert "DRAFT" not in text


@pytest.mark.parametrize(
    ("purpose", "says", "never"),
    [
        (AppraisalPurpose.INSURANCE, "insurance replacement value", "Fair market value:"),
        (AppraisalPurpose.ESTATE, "willing buyer and a willing seller",
         "Insurance replacement value"),
        (AppraisalPurpose.RESALE, "Estimated resale value:", "Insurance replacement value"),
        (AppraisalPurpose.DONATION, "charitable donation", "Insurance replacement value"),
    ],
)
def test_purpose_changes_the_wording(
    make_appraisal: MakeAppraisal, ctx: DocumentContext, purpose: AppraisalPurpose, says: str,
    never: str,
) -> None:
    appraisal = make_appraisal([appraisal_line("Gold locket", 45_000)], purpose=purpose)
    text = flat_text(render_appraisal(appraisal, ctx=ctx))
    assert says in text
    assert never not in text


def test_estate_values_are_fair_market_values(
    make_appraisal: MakeAppraisal, ctx: DocumentContext
) -> None:
    appraisal = make_appraisal([appraisal_line("Gold locket", 45_000)],
                               purpose=AppraisalPurpose.ESTATE)
    text = flat_text(render_appraisal(appraisal, ctx=ctx))
    assert "Fair market value: $450.00" in text
    assert "Total $450.00" in text


def test_a_draft_says_it_is_a_draft(ring_appraisal: Appraisal, ctx: DocumentContext) -> None:
    ring_appraisal.status = AppraisalStatus.DRAFT
    assert "APPRAISAL — DRAFT" in flat_text(render_appraisal(ring_appraisal, ctx=ctx))


def test_many_items_run_over_pages_with_item_and_page_numbers(
    make_appraisal: MakeAppraisal, ctx: DocumentContext, photos: list[Path]
) -> None:
    lines = [appraisal_line(f"Estate brooch number {n}", 10_000 * n, [str(photos[n % 4])],
                            metal="14K yellow gold", condition="Good") for n in range(1, 9)]
    data = render_appraisal(make_appraisal(lines), ctx=ctx)
    pages = page_count(data)
    text = flat_text(data)
    assert pages >= 3
    assert "Item 8 of 8" in text
    for page in range(1, pages + 1):
        assert f"Page {page} of {pages}" in text


def test_missing_and_corrupt_photos_print_a_placeholder(
    make_appraisal: MakeAppraisal, ctx: DocumentContext, photos: list[Path], tmp_path: Path
) -> None:
    corrupt = tmp_path / "corrupt.jpg"
    corrupt.write_bytes(photos[0].read_bytes()[: 4000])  # a JPEG cut short
    garbage = tmp_path / "garbage.jpg"
    garbage.write_bytes(b"this is not an image at all" * 50)
    line = appraisal_line("Ring with bad photos", 100_000,
                          [str(tmp_path / "gone.jpg"), str(corrupt), str(garbage),
                           str(photos[1])])
    data = render_appraisal(make_appraisal([line]), ctx=ctx)
    text = flat_text(data)
    assert text.count("Photo unavailable") == 3
    assert "gone.jpg (file missing)" in text
    assert "corrupt.jpg (file damaged or not an image)" in text
    assert "garbage.jpg (file damaged or not an image)" in text
    assert image_count(data) == 1


def test_a_huge_unprepared_photo_is_shrunk_for_the_document(
    make_appraisal: MakeAppraisal, ctx: DocumentContext, huge_photo: Path
) -> None:
    assert huge_photo.stat().st_size > 3_000_000
    data = render_appraisal(make_appraisal([appraisal_line("Ring", 100_000, [str(huge_photo)])]),
                            ctx=ctx)
    assert image_count(data) == 1
    assert len(data) < 500_000


def test_a_huge_png_is_shrunk_too(
    make_appraisal: MakeAppraisal, ctx: DocumentContext, tmp_path: Path
) -> None:
    scan = tmp_path / "scan.png"
    Image.effect_noise((3000, 2000), 40).convert("RGB").save(scan, compress_level=1)
    data = render_appraisal(make_appraisal([appraisal_line("Ring", 100_000, [str(scan)])]),
                            ctx=ctx)
    assert image_count(data) == 1
    assert len(data) < 1_000_000


def test_four_prepared_photos_keep_the_document_small(
    ring_appraisal: Appraisal, ctx: DocumentContext
) -> None:
    data = render_appraisal(ring_appraisal, ctx=ctx)
    assert len(data) < 1_500_000
