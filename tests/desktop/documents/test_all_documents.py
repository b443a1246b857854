"""Every document: fonts embedded, non-Latin text kept, long text wrapped inside the page,
and each one rendered to PNG so a broken PDF cannot go unnoticed."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from PIL import Image, ImageOps
from reportlab.lib.pagesizes import LETTER
from reportlab.pdfgen.canvas import Canvas

from jeweltrak_core.appraisals.entities import Appraisal
from jeweltrak_core.contacts.entities import Contact
from jeweltrak_core.inventory.entities import Piece
from jeweltrak_core.memos.entities import CustomerMemo
from jeweltrak_core.payments.drawer import ZReport
from jeweltrak_core.payments.entities import Deposit, Payment
from jeweltrak_core.sales.entities import Invoice
from jeweltrak_core.work_orders.entities import WorkOrder
from jeweltrak_desktop.documents.appraisal import render_appraisal
from jeweltrak_desktop.documents.context import DocumentContext
from jeweltrak_desktop.documents.fonts import SANS, ensure_fonts
from jeweltrak_desktop.documents.layout import LETTER_MARGIN, ROLL_MARGIN
from jeweltrak_desktop.documents.memo_agreement import render_memo_agreement
from jeweltrak_desktop.documents.quote import QuoteLine, render_quote
from jeweltrak_desktop.documents.receipt import render_invoice, render_receipt
from jeweltrak_desktop.documents.work_order import CopyKind, render_work_order
from jeweltrak_desktop.documents.z_report import render_z_report

from .pdf_checks import (
    embedded_font_names,
    flat_text,
    font_problems,
    overflowing_text,
    render_pages,
)

ROLLS = {"receipt", "z_report"}
#: A description no clerk should type, but one will: long, with an unbroken 150-letter word.
LONG = ("Hand-engraved vintage-style 18K white and rose gold filigree cocktail ring with a "
        "cushion-cut sapphire center, twelve round brilliant side diamonds and milgrain "
        "detail on every edge; customer supplied the center stone and asked that the "
        "original hallmarks inside the shank be preserved. Reference "
        + "ABCDEFGHIJ" * 15 + " end of description.")
Documents = dict[str, bytes]


def _documents(*, ctx: DocumentContext, sale: Invoice, customer: Contact, ring: Piece,
               diamond: Piece, payments: list[Payment], appraisal: Appraisal,
               order: WorkOrder, deposit: Deposit, memo: CustomerMemo, report: ZReport,
               closed_by: str) -> Documents:
    pieces = {ring.id: ring, diamond.id: diamond}
    docs = {
        name: render(sale, ctx=ctx, customer=customer, salesperson="Zoë Ångström",
                     payments=payments, pieces=pieces)
        for name, render in (("receipt", render_receipt), ("invoice", render_invoice))
    }
    docs["appraisal"] = render_appraisal(appraisal, ctx=ctx, customer=customer)
    for copy in CopyKind:
        docs[f"work_order_{copy.value}"] = render_work_order(
            order, ctx=ctx, copy=copy, customer=customer, technician="Zoë", vendor="Müller AG",
            deposits=[deposit])
    docs["quote"] = render_quote(order, ctx=ctx, customer=customer,
                                 lines=[QuoteLine(order.item_description, 10_000)])
    docs["memo_agreement"] = render_memo_agreement(memo, ctx=ctx, customer=customer,
                                                   pieces=pieces)
    docs["z_report"] = render_z_report(report, ctx=ctx, closed_by=closed_by)
    return docs


@pytest.fixture
def documents(ctx: DocumentContext, sale: Invoice, customer: Contact, ring: Piece,
              diamond: Piece, sale_payments: list[Payment], ring_appraisal: Appraisal,
              work_order: WorkOrder, deposit: Deposit, memo: CustomerMemo,
              drawer_report: ZReport) -> Documents:
    return _documents(ctx=ctx, sale=sale, customer=customer, ring=ring, diamond=diamond,
                      payments=sale_payments, appraisal=ring_appraisal, order=work_order,
                      deposit=deposit, memo=memo, report=drawer_report, closed_by="Zoë 中村")


@pytest.fixture
def long_documents(ctx: DocumentContext, sale: Invoice, customer: Contact, ring: Piece,
                   diamond: Piece, sale_payments: list[Payment], ring_appraisal: Appraisal,
                   work_order: WorkOrder, deposit: Deposit, memo: CustomerMemo,
                   drawer_report: ZReport) -> Documents:
    """The same documents with ``LONG`` in every free-text field that prints."""
    for line in sale.lines:
        line.description = LONG
    ring = dataclasses.replace(ring, description=LONG, set_stones=LONG)
    for item in ring_appraisal.lines:
        item.description, item.marks = LONG, LONG
    work_order.item_description = work_order.instructions = LONG
    work_order.notes[1].text = LONG
    customer = dataclasses.replace(customer, addresses=[LONG])
    store = dataclasses.replace(ctx.store, disclaimer=LONG, address=LONG)
    wide = dataclasses.replace(ctx, store=store)
    return _documents(ctx=wide, sale=sale, customer=customer, ring=ring, diamond=diamond,
                      payments=sale_payments, appraisal=ring_appraisal, order=work_order,
                      deposit=deposit, memo=memo, report=drawer_report, closed_by=LONG)


def _margin(name: str) -> float:
    return float(ROLL_MARGIN if name in ROLLS else LETTER_MARGIN)


def test_every_document_embeds_its_fonts_and_uses_no_base14_font(documents: Documents) -> None:
    for name, data in documents.items():
        assert font_problems(data) == [], name
        assert "DejaVuSans" in embedded_font_names(data), name


def test_non_latin_names_survive_in_every_document(documents: Documents) -> None:
    for name, data in documents.items():
        text = flat_text(data)
        expected = ["Zoë 中村"] if name == "z_report" else ["José Núñez 中山"]
        if name == "work_order_bench":
            expected = ["Müller AG", "Zoë"]  # no customer on the bench copy
        for words in expected:
            assert words in text, (name, words)
    # The CJK characters are set in the embedded fallback font, not as missing glyphs.
    assert "DroidSansFallback" in embedded_font_names(documents["invoice"])


def test_long_text_wraps_inside_the_page_in_every_document(long_documents: Documents) -> None:
    for name, data in long_documents.items():
        assert overflowing_text(data, _margin(name)) == [], name
        assert "end of description." in flat_text(data) or name == "z_report", name
    assert "end of description." in flat_text(long_documents["z_report"])


def test_the_overflow_check_catches_text_past_the_margin(tmp_path: Path) -> None:
    ensure_fonts()
    path = tmp_path / "bad.pdf"
    canvas = Canvas(str(path), pagesize=LETTER, initialFontName=SANS)
    canvas.setFont(SANS, 10)
    canvas.drawString(LETTER_MARGIN, 500, "fits")
    canvas.drawString(LETTER_MARGIN, 480, "runs off the page " * 12)
    canvas.save()
    found = overflowing_text(path.read_bytes(), LETTER_MARGIN)
    assert [extent.text.strip()[:4] for extent in found] == ["runs"]


def _extrema(gray: Image.Image) -> tuple[int, int]:
    low, high = gray.getextrema()
    assert isinstance(low, int) and isinstance(high, int)
    return low, high


def _ink_near_the_edges(png: Path, strip: int) -> bool:
    with Image.open(png) as image:
        gray = ImageOps.grayscale(image)
        width, height = gray.size
        for box in ((0, 0, strip, height), (width - strip, 0, width, height)):
            low, _ = _extrema(gray.crop(box))
            if low < 160:
                return True
    return False


def test_every_document_renders_to_png_with_clean_margins(
    documents: Documents, long_documents: Documents, tmp_path: Path
) -> None:
    dpi = 40
    for label, docs in (("normal", documents), ("long", long_documents)):
        for name, data in docs.items():
            pages = render_pages(data, tmp_path / label / name, dpi=dpi)
            assert pages, name
            strip = max(2, int(_margin(name) / 72 * dpi) - 3)
            for page in pages:
                with Image.open(page) as image:
                    low, high = _extrema(ImageOps.grayscale(image))
                assert low < 100 and high > 200, (label, name, page.name)  # not blank
                assert not _ink_near_the_edges(page, strip), (label, name, page.name)
