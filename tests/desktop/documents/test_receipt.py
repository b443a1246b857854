"""The roll receipt and the letter invoice: content, tax breakdown, tenders, what never prints."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from jeweltrak_core.contacts.entities import Contact
from jeweltrak_core.inventory.entities import Piece
from jeweltrak_core.money import format_money, parse_money
from jeweltrak_core.payments.entities import Payment
from jeweltrak_core.sales.entities import Invoice
from jeweltrak_core.sales.tax import LineKind
from jeweltrak_desktop.documents.context import DocumentContext
from jeweltrak_desktop.documents.layout import MAX_PAGE_HEIGHT, ROLL_WIDTH
from jeweltrak_desktop.documents.receipt import render_invoice, render_receipt

from .barcode_reader import read_code128
from .pdf_checks import flat_text, page_count, page_sizes, pdf_text, render_pages
from .records import (
    ACTUAL_TRADE_CENTS,
    CONCESSION_CENTS,
    MakeInvoice,
    invoice_line,
)

RENDERERS = pytest.mark.parametrize("render", [render_receipt, render_invoice],
                                    ids=["receipt", "invoice"])


Render = Callable[..., bytes]


def _render(render: Render, sale: Invoice, ctx: DocumentContext, customer: Contact,
            payments: list[Payment], ring: Piece, diamond: Piece) -> bytes:
    return render(sale, ctx=ctx, customer=customer, salesperson="Dana Reyes", payments=payments,
                  pieces={ring.id: ring, diamond.id: diamond})


@RENDERERS
def test_sale_documents_carry_everything_the_customer_needs(
    render: Render, sale: Invoice, ctx: DocumentContext, customer: Contact,
    sale_payments: list[Payment], ring: Piece, diamond: Piece,
) -> None:
    text = pdf_text(_render(render, sale, ctx, customer, sale_payments, ring, diamond))
    flat = " ".join(text.split())
    for expected in (
        "Demo Fine Jewelers", "100 Main Street, Sarasota, FL 34236", "(941) 555-0100",
        "Tax # FL-78-8012345678-9", "DA-1042", "Mar 5, 2025 3:04 PM", "Dana Reyes",
        "José Núñez 中山",
        # piece details: StockID, metal/karat/weight, stones
        "StockID D100777", "14K yellow gold", "5.20 g", "0.50 ctw round diamonds",
        "StockID D100778", "1.01 ct round G VS1 Excellent", "GIA #2141438167",
        # adjustments, trade-ins, returns
        "-$250.00", "Trade-in", "Customer's 14K chain", "-$400.00", "Return",
        "Sterling silver bangle", "-$120.00",
        # tax breakdown (base and surtax) and totals
        "Sales tax 6%", "Surtax 1%", "first $5,000.00 per item",
        format_money(sale.total_cents),
        # tenders: brand and last four only; cash and change
        "Visa ending in 4242", "Cash tendered", "$120.00", "Change due", "$20.00",
        "Balance due", "$0.00",
        "All sales final after 30 days.",
    ):
        assert expected in flat, f"{expected!r} missing from {render.__name__}"
    assert "-$20.00" not in flat  # change due reads as the amount handed back


@RENDERERS
def test_tax_rows_add_up_to_the_invoice_tax(
    render: Render, sale: Invoice, ctx: DocumentContext, customer: Contact,
    sale_payments: list[Payment], ring: Piece, diamond: Piece,
) -> None:
    text = " ".join(pdf_text(_render(render, sale, ctx, customer, sale_payments, ring,
                                     diamond)).split())
    base = re.search(r"Sales tax 6% on \$[\d,.]+ (-?\$[\d,.]+)", text)
    surtax = re.search(r"per item (-?\$[\d,.]+)", text)
    assert base and surtax, text

    assert parse_money(base.group(1)) + parse_money(surtax.group(1)) == sale.tax_cents


@RENDERERS
def test_hidden_trade_figures_and_card_details_never_print(
    render: Render, sale: Invoice, ctx: DocumentContext, customer: Contact,
    sale_payments: list[Payment], ring: Piece, diamond: Piece,
) -> None:
    sale_payments[0].card_last4 = "4111111111114242"  # a bad record must still show only 4
    data = _render(render, sale, ctx, customer, sale_payments, ring, diamond)
    text = pdf_text(data)
    for hidden in (format_money(CONCESSION_CENTS), format_money(ACTUAL_TRADE_CENTS), "123.45",
                   "267.89", "4111", "pi_3N", "ch_3N", "secret"):
        assert hidden not in text
    assert b"secret" not in data
    assert "ending in 4242" in text


def test_an_exempt_invoice_says_so_instead_of_tax(
    make_invoice: MakeInvoice, ctx: DocumentContext
) -> None:
    invoice = make_invoice([invoice_line(LineKind.MISC, "Gift box", 1_500)])
    invoice.tax_exempt, invoice.exempt_reason = True, "out of state"
    invoice.tax_cents = 0
    text = pdf_text(render_invoice(invoice, ctx=ctx))
    assert "Tax exempt (out of state)" in text
    assert "Walk-in customer" in text


def test_a_voided_invoice_is_marked_void(sale: Invoice, ctx: DocumentContext) -> None:
    from jeweltrak_core.sales.invoice_state import InvoiceStatus

    sale.status, sale.void_reason = InvoiceStatus.VOIDED, "rang up twice"
    assert "VOID — this invoice was voided: rang up twice" in flat_text(render_receipt(sale,
                                                                                        ctx=ctx))


def test_receipt_is_80mm_wide_and_grows_with_its_lines(
    make_invoice: MakeInvoice, ctx: DocumentContext
) -> None:
    def receipt(lines: int) -> bytes:
        return render_receipt(make_invoice([
            invoice_line(LineKind.MISC, f"Polishing cloth no. {n}", 1_000) for n in range(lines)
        ]), ctx=ctx)

    short, long = receipt(2), receipt(30)
    (short_w, short_h), = page_sizes(short)
    (long_w, long_h), = page_sizes(long)
    assert short_w == long_w == pytest.approx(ROLL_WIDTH)
    # 28 more lines of ~10 pt each; the short one is still a short slip, not a page.
    assert long_h - short_h > 28 * 9
    assert short_h < 7 * 72
    assert page_count(long) == 1


def test_a_very_long_receipt_continues_on_a_second_roll_page(
    make_invoice: MakeInvoice, ctx: DocumentContext
) -> None:
    data = render_receipt(make_invoice([
        invoice_line(LineKind.MISC, f"Bead no. {n}", 100) for n in range(1500)
    ]), ctx=ctx)
    assert page_count(data) >= 2
    assert all(height <= MAX_PAGE_HEIGHT for _, height in page_sizes(data))
    text = flat_text(data)
    assert "Bead no. 0 $1.00" in text and "Bead no. 1499 $1.00" in text
    assert "Balance due" in text


@RENDERERS
def test_the_barcode_scans_as_the_invoice_number(
    render: Render, sale: Invoice, ctx: DocumentContext, tmp_path: Path,
) -> None:
    pngs = render_pages(render(sale, ctx=ctx), tmp_path, dpi=200, first=1, last=1)
    assert "DA-1042" in read_code128(pngs[0])
