"""The sale documents: the 80 mm roll receipt and the letter-size invoice."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from uuid import UUID

from reportlab.lib.units import inch
from reportlab.platypus import Flowable, Spacer

from jeweltrak_core.contacts.entities import Contact
from jeweltrak_core.inventory.entities import Piece
from jeweltrak_core.money import format_money
from jeweltrak_core.payments.entities import Payment
from jeweltrak_core.sales.entities import Invoice
from jeweltrak_desktop.documents.barcode import Code128Flowable
from jeweltrak_desktop.documents.context import DocumentContext
from jeweltrak_desktop.documents.descriptions import contact_lines, contact_name
from jeweltrak_desktop.documents.flowables import Rule
from jeweltrak_desktop.documents.fonts import SANS, SANS_BOLD
from jeweltrak_desktop.documents.invoice_content import (
    InvoiceView,
    LineView,
    MoneyRow,
    invoice_view,
)
from jeweltrak_desktop.documents.layout import (
    Styles,
    build_letter,
    build_roll,
    letter_width,
    letterhead,
    para,
    roll_logo,
    roll_store_rows,
    roll_width,
    styles_for,
    table,
)
from jeweltrak_desktop.documents.text_lines import Row, TextLines

LETTER_TEXT_SIZE = 9


def _view(invoice: Invoice, ctx: DocumentContext, pieces: Mapping[UUID, Piece],
          payments: Sequence[Payment]) -> InvoiceView:
    return invoice_view(invoice, pieces=pieces, payments=payments,
                        weight_unit=ctx.store.weight_unit)


def _sale_date(invoice: Invoice, ctx: DocumentContext) -> str:
    return ctx.datetime_text(invoice.finalized_at or invoice.created_at)


def _money_rows(rows: Sequence[MoneyRow], styles: Styles, widths: tuple[float, float]) -> Flowable:
    cells = [
        [para(row.label, styles.bold if row.strong else styles.body),
         para(row.amount, styles.right_bold if row.strong else styles.right)]
        for row in rows
    ]
    return table(cells, widths, styles)


def _roll_rows(rows: Sequence[MoneyRow]) -> list[Row]:
    return [Row(row.label, row.amount, font=SANS_BOLD if row.strong else SANS) for row in rows]


def _roll_line(line: LineView) -> list[Row]:
    rows = [Row(f"{line.label}: {line.title}" if line.label else line.title,
                format_money(line.amount_cents), space_before=2)]
    if line.details:
        rows.append(Row(line.details, size=7, grey=True))
    if abs(line.quantity) > 1:
        rows.append(Row(f"{line.quantity} × {format_money(line.unit_cents)}", size=7, grey=True))
    if line.discount_cents:
        rows.append(Row(f"Price {format_money(line.unit_cents * abs(line.quantity))}, "
                        f"discount {format_money(-line.discount_cents)}", size=7, grey=True))
    return rows


def render_receipt(
    invoice: Invoice,
    *,
    ctx: DocumentContext,
    customer: Contact | None = None,
    salesperson: str = "",
    payments: Sequence[Payment] = (),
    pieces: Mapping[UUID, Piece] | None = None,
) -> bytes:
    """The 80 mm thermal receipt of ``invoice``; the page is as tall as its content."""
    width = roll_width()
    view = _view(invoice, ctx, pieces or {}, payments)
    rows = [*roll_store_rows(ctx), Row(rule="solid"),
            Row(f"Invoice # {invoice.number}", font=SANS_BOLD),
            Row(f"Date: {_sale_date(invoice, ctx)}")]
    if salesperson:
        rows.append(Row(f"Salesperson: {salesperson}"))
    if customer is not None:
        rows.append(Row(f"Customer: {contact_name(customer)}"))
    if view.status_note:
        rows.append(Row(view.status_note, font=SANS_BOLD, center=True, space_before=3))
    rows.append(Row(rule="solid"))
    for line in view.lines:
        rows += _roll_line(line)
    rows += [Row(rule="solid"), *_roll_rows(view.totals)]
    if view.tenders:
        rows += [Row(rule="dashed"), *_roll_rows(view.tenders)]
    rows += [Row(rule="dashed"), *_roll_rows(view.settlement), Row(rule="solid")]
    if ctx.store.disclaimer.strip():
        rows.append(Row(ctx.store.disclaimer, size=7, grey=True))
    story: list[Flowable] = [*roll_logo(ctx, width), TextLines(rows), Spacer(1, 6),
                             Code128Flowable(invoice.number, max_width=width, bar_height=28,
                                             font=SANS)]
    return build_roll(story, ctx=ctx, title=f"Receipt {invoice.number}")


def _letter_lines(view: InvoiceView, styles: Styles, width: float) -> Flowable:
    widths = [0.45 * inch, 0, 0.95 * inch, 0.9 * inch, 1.0 * inch]
    widths[1] = width - sum(widths)
    rows: list[list[object]] = [[
        para("Qty", styles.bold), para("Description", styles.bold),
        para("Unit price", styles.right_bold), para("Discount", styles.right_bold),
        para("Amount", styles.right_bold),
    ]]
    for line in view.lines:
        description: list[Flowable] = [
            para(f"{line.label}: {line.title}" if line.label else line.title, styles.body)
        ]
        if line.details:
            description.append(para(line.details, styles.small))
        rows.append([
            para(str(line.quantity), styles.body),
            description,
            para(format_money(line.unit_cents), styles.right),
            para(format_money(-line.discount_cents) if line.discount_cents else "", styles.right),
            para(format_money(line.amount_cents), styles.right),
        ])
    return table(rows, widths, styles, header=True,
                 commands=[("LINEBELOW", (0, 1), (-1, -1), 0.25, (0.85, 0.85, 0.85))])


def render_invoice(
    invoice: Invoice,
    *,
    ctx: DocumentContext,
    customer: Contact | None = None,
    salesperson: str = "",
    payments: Sequence[Payment] = (),
    pieces: Mapping[UUID, Piece] | None = None,
) -> bytes:
    """The letter-size invoice: letterhead, customer, lines, tax breakdown, tenders, barcode."""
    styles = styles_for(LETTER_TEXT_SIZE)
    width = letter_width()
    view = _view(invoice, ctx, pieces or {}, payments)
    facts = [("Invoice #", invoice.number), ("Date", _sale_date(invoice, ctx)),
             ("Salesperson", salesperson)]
    story: list[Flowable] = [letterhead(ctx, styles, title="INVOICE", facts=facts, width=width),
                             Rule(space=6)]
    bill_to: list[Flowable] = [para("Customer", styles.bold)]
    bill_to += [para(line, styles.body) for line in contact_lines(customer)] or [
        para("Walk-in customer", styles.body)
    ]
    barcode = Code128Flowable(invoice.number, bar_height=0.45 * inch, h_align="RIGHT")
    story.append(table([[bill_to, barcode]], [width * 0.6, width * 0.4], styles,
                       commands=[("ALIGN", (1, 0), (1, 0), "RIGHT"),
                                 ("LEFTPADDING", (0, 0), (0, 0), 0)]))
    if view.status_note:
        story.append(para(view.status_note, styles.heading))
    story += [Spacer(1, 8), _letter_lines(view, styles, width), Spacer(1, 8)]
    money_widths = (2.6 * inch, 1.0 * inch)
    for rows in (view.totals, view.tenders, view.settlement):
        if rows:
            block = _money_rows(rows, styles, money_widths)
            block.hAlign = "RIGHT"
            story += [block, Spacer(1, 6)]
    if ctx.store.disclaimer.strip():
        story += [Rule(), para(ctx.store.disclaimer, styles.small)]
    return build_letter(story, ctx=ctx, title=f"Invoice {invoice.number}",
                        footer=f"{ctx.store.name} · Invoice {invoice.number}")
