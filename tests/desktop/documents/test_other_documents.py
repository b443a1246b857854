"""Quote, memo agreement and the Z report."""

from __future__ import annotations

from datetime import date

from jeweltrak_core.contacts.entities import Contact
from jeweltrak_core.inventory.entities import Piece
from jeweltrak_core.memos.entities import CustomerMemo
from jeweltrak_core.payments.drawer import ZReport
from jeweltrak_core.work_orders.entities import WorkOrder
from jeweltrak_desktop.documents.context import DocumentContext
from jeweltrak_desktop.documents.layout import ROLL_WIDTH
from jeweltrak_desktop.documents.memo_agreement import render_memo_agreement
from jeweltrak_desktop.documents.quote import QuoteLine, render_quote
from jeweltrak_desktop.documents.z_report import render_z_report

from .pdf_checks import flat_text, page_sizes
from .records import INTERNAL_NOTE


def test_quote_prices_the_job_with_terms_and_signature(
    work_order: WorkOrder, ctx: DocumentContext, customer: Contact
) -> None:
    data = render_quote(work_order, ctx=ctx, customer=customer, quoted_on=date(2025, 3, 5),
                        lines=[QuoteLine("Sizing", 6_500), QuoteLine("Re-tip four prongs", 8_000)],
                        deposit_cents=7_000)
    text = flat_text(data)
    for expected in (
        "QUOTE", "RDA-12", "Mar 5, 2025", "Valid until: Apr 4, 2025", "José Núñez 中山",
        "14K white gold band — size down 2", "Sizing $65.00", "Re-tip four prongs $80.00",
        "Total $145.00", "Deposit to start the work: $70.00", "Terms",
        "plus applicable sales tax", "I accept this quote", "Customer signature",
        "For Demo Fine Jewelers",
    ):
        assert expected in text, expected
    # A quote goes to the customer: the customer copy's hiding rules apply.
    assert INTERNAL_NOTE not in text
    assert "$38.00" not in text


def test_quote_without_lines_quotes_the_estimate(
    work_order: WorkOrder, ctx: DocumentContext
) -> None:
    text = flat_text(render_quote(work_order, ctx=ctx, quoted_on=date(2025, 3, 5)))
    assert "Total $120.00" in text


def test_memo_agreement_lists_items_due_date_and_terms(
    memo: CustomerMemo, ctx: DocumentContext, customer: Contact, ring: Piece, diamond: Piece
) -> None:
    text = flat_text(render_memo_agreement(memo, ctx=ctx, customer=customer,
                                           pieces={ring.id: ring, diamond.id: diamond}))
    for expected in (
        "MEMO AGREEMENT", "MDA-3", "Issued: Mar 5, 2025 3:04 PM", "Due: Mar 19, 2025",
        "José Núñez 中山", "14K yellow gold halo ring", "StockID D100777", "Out", "$3,000.00",
        "1.01 ct round diamond G VS1", "Returned", "Total of items still out $3,000.00",
        "Due date: Mar 19, 2025", "Terms: Net 14", "remain the property of Demo Fine Jewelers",
        "by Mar 19, 2025", "Customer signature",
    ):
        assert expected in text, expected


def test_memo_agreement_survives_a_piece_missing_from_this_workstation(
    memo: CustomerMemo, ctx: DocumentContext
) -> None:
    text = flat_text(render_memo_agreement(memo, ctx=ctx, pieces={}))
    assert text.count("(piece not on this workstation)") == 2


def test_z_report_shows_expected_counted_and_over_short_by_tender(
    drawer_report: ZReport, ctx: DocumentContext
) -> None:
    data = render_z_report(drawer_report, ctx=ctx, workstation="DA", closed_by="Dana Reyes")
    text = flat_text(data)
    for expected in (
        "DRAWER CLOSE — Z REPORT", "Workstation: DA", "Closed by: Dana Reyes",
        "Opening float $200.00",
        "Cash Expected $650.00 Counted $648.00 Over/short -$2.00",
        "Check Expected $1,200.00 Counted $1,200.00 Over/short $0.00",
        "Drawer Short $2.00", "Taken by tender", "Card $3,100.00", "Payments: 3",
    ):
        assert expected in text, expected
    (width, _), = page_sizes(data)
    assert abs(width - ROLL_WIDTH) < 0.01
