"""Work-order tickets: counter, bench and customer copies, each with a detachable claim stub.

What each copy may show is decided in one table (``COPY_RULES``):

* counter — everything;
* bench — the job for the jeweler: no customer and no money at all;
* customer — no internal notes, no vendor cost (nor which outside vendor does the work).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from reportlab.lib.units import inch
from reportlab.platypus import Flowable, KeepTogether, Spacer

from jeweltrak_core.contacts.entities import Contact
from jeweltrak_core.money import format_money
from jeweltrak_core.payments.entities import Deposit
from jeweltrak_core.work_orders.entities import WorkOrder, WorkOrderNote
from jeweltrak_core.work_orders.rules import WorkOrderStatus, WorkOrderType
from jeweltrak_desktop.documents.barcode import Code128Flowable
from jeweltrak_desktop.documents.claim_stub import claim_stub_code, parse_claim_stub
from jeweltrak_desktop.documents.context import DocumentContext, date_text
from jeweltrak_desktop.documents.descriptions import contact_lines, contact_name, join
from jeweltrak_desktop.documents.flowables import AtPageBottom, CutLine, Rule, SignatureLine
from jeweltrak_desktop.documents.layout import (
    Styles,
    banner,
    build_letter,
    letter_width,
    letterhead,
    para,
    styles_for,
    table,
)
from jeweltrak_desktop.documents.photos import photo_flowable

__all__ = [
    "COPY_RULES",
    "CopyKind",
    "CopyRules",
    "claim_stub_code",
    "parse_claim_stub",
    "render_work_order",
    "render_work_order_copies",
]

TEXT_SIZE = 9
PHOTOS_PER_ROW = 5
PHOTO_HEIGHT = 1.1 * inch
CUSTOMER_TERMS = (
    "Items are accepted for the work described. Estimates may change once the work begins; "
    "we call before doing more. Please bring this claim stub to pick up your item; items not "
    "picked up within 90 days of the promised date may be sold to cover the charges."
)


class CopyKind(StrEnum):
    """Which copy of the ticket is printed."""

    COUNTER = "counter"
    BENCH = "bench"
    CUSTOMER = "customer"


@dataclass(frozen=True)
class CopyRules:
    """What a copy may show."""

    title: str
    customer: bool
    prices: bool
    internal_notes: bool
    vendor: bool


COPY_RULES: dict[CopyKind, CopyRules] = {
    CopyKind.COUNTER: CopyRules("Counter copy", customer=True, prices=True, internal_notes=True,
                                vendor=True),
    CopyKind.BENCH: CopyRules("Bench copy", customer=False, prices=False, internal_notes=True,
                              vendor=True),
    CopyKind.CUSTOMER: CopyRules("Customer copy", customer=True, prices=True,
                                 internal_notes=False, vendor=False),
}


def status_text(status: WorkOrderStatus) -> str:
    """“Ready for pickup”."""
    return status.value.replace("_", " ").capitalize()


def job_rows(order: WorkOrder, *, technician: str, vendor: str, rules: CopyRules,
             ) -> list[tuple[str, str]]:
    """Label/value rows describing the job (empty values left out)."""
    rows = [
        ("Type", order.type.value.title()),
        ("Item", order.item_description),
        ("Instructions", order.instructions),
        ("Job template", order.template_code or ""),
        ("Location", order.location or ""),
        ("Technician", technician if rules.vendor else ""),
        ("Outside vendor", vendor if rules.vendor else ""),
        ("Warranty", f"{order.warranty_days} days" if order.warranty_days else ""),
    ]
    return [(label, value) for label, value in rows if value.strip()]


def pairs_table(rows: Sequence[tuple[str, str]], styles: Styles, width: float) -> Flowable:
    """A two-column label/value table."""
    cells = [[para(label, styles.bold), para(value, styles.body)] for label, value in rows]
    return table(cells, [1.3 * inch, width - 1.3 * inch], styles,
                 commands=[("LEFTPADDING", (0, 0), (0, -1), 0)])


def _money_rows(order: WorkOrder, deposits: Sequence[Deposit], rules: CopyRules,
                ) -> list[tuple[str, str]]:
    if not rules.prices:
        return []
    paid = sum(d.amount_cents for d in deposits)
    charge = order.price_cents or order.estimate_cents
    rows = [("Estimate", format_money(order.estimate_cents))]
    if order.price_cents:
        rows.append(("Price", format_money(order.price_cents)))
    if paid:
        rows.append(("Deposit paid", format_money(paid)))
    rows.append(("Balance at pickup", format_money(charge - paid)))
    if rules.vendor and order.vendor_cost_cents:
        rows.append(("Vendor cost", format_money(order.vendor_cost_cents)))
    return rows


def _notes(order: WorkOrder, ctx: DocumentContext, rules: CopyRules, styles: Styles,
           ) -> list[Flowable]:
    shown: list[WorkOrderNote] = [n for n in order.notes if rules.internal_notes or not n.internal]
    if not shown:
        return []
    out: list[Flowable] = [para("Notes", styles.heading)]
    for note in shown:
        when = ctx.datetime_text(note.created_at)
        tag = " (internal)" if note.internal else ""
        out.append(para(join(when, note.text + tag, sep=" — "), styles.body))
    return out


def _photos(order: WorkOrder, ctx: DocumentContext, styles: Styles, width: float) -> list[Flowable]:
    if not order.attachments:
        return []
    cell = width / PHOTOS_PER_ROW
    boxes: list[object] = []
    for attachment in order.attachments:
        caption = join(attachment.kind, attachment.caption)
        boxes.append([photo_flowable(ctx.resolve(attachment.ref), cell - 8, PHOTO_HEIGHT),
                      para(caption, styles.small)])
    rows = [boxes[i:i + PHOTOS_PER_ROW] for i in range(0, len(boxes), PHOTOS_PER_ROW)]
    rows[-1] += [""] * (PHOTOS_PER_ROW - len(rows[-1]))
    return [para("Photos", styles.heading),
            table(rows, [cell] * PHOTOS_PER_ROW, styles)]


def claim_stub(order: WorkOrder, *, ctx: DocumentContext, customer: Contact | None,
               rules: CopyRules, styles: Styles, width: float) -> Flowable:
    """The detachable stub at the foot of the page: store, number, barcode, item, date."""
    left: list[Flowable] = [
        para(f"{ctx.store.name} — claim check", styles.bold),
        para(join(ctx.store.phone, ctx.store.address), styles.small),
        para(f"Work order {order.number}", styles.heading),
        para(order.item_description, styles.body),
    ]
    if order.promised_date:
        left.append(para(f"Promised {date_text(order.promised_date)}", styles.body))
    if rules.customer and customer is not None:
        left.append(para(contact_name(customer), styles.body))
    barcode = Code128Flowable(claim_stub_code(order.number), bar_height=0.55 * inch,
                              max_width=width * 0.42, h_align="RIGHT")
    stub = table([[left, barcode]], [width * 0.55, width * 0.45], styles,
                 commands=[("ALIGN", (1, 0), (1, 0), "RIGHT"), ("VALIGN", (1, 0), (1, 0), "MIDDLE"),
                           ("LEFTPADDING", (0, 0), (0, 0), 0)])
    return AtPageBottom([Spacer(1, 10), CutLine(), Spacer(1, 6), stub])


def _header(order: WorkOrder, ctx: DocumentContext, rules: CopyRules, styles: Styles,
            width: float) -> list[Flowable]:
    kind = "CUSTOM ORDER" if order.type is WorkOrderType.CUSTOM else "REPAIR ORDER"
    facts = [("Work order #", order.number), ("Taken in", ctx.datetime_text(order.opened_at)),
             ("Promised", date_text(order.promised_date)), ("Status", status_text(order.status))]
    out: list[Flowable] = [letterhead(ctx, styles, title=kind, subtitle=rules.title, facts=facts,
                                      width=width), Rule(space=6)]
    if order.rush:
        out += [banner("RUSH", styles, width), Spacer(1, 4)]
    return out


def _people_and_money(order: WorkOrder, customer: Contact | None, deposits: Sequence[Deposit],
                      rules: CopyRules, styles: Styles, width: float) -> list[Flowable]:
    """Customer on the left, charges on the right (each only where the copy shows it)."""
    left: list[Flowable] = []
    if rules.customer:
        left = [para("Customer", styles.heading)]
        left += [para(line, styles.body) for line in contact_lines(customer)] or [
            para("(no customer)", styles.body)]
    money = _money_rows(order, deposits, rules)
    right: list[Flowable] = []
    if money:
        right = [para("Charges", styles.heading), pairs_table(money, styles, width * 0.45)]
    if not (left or right):
        return []
    return [table([[left, right]], [width * 0.55, width * 0.45], styles,
                  commands=[("LEFTPADDING", (0, 0), (-1, -1), 0)])]


def render_work_order(
    order: WorkOrder,
    *,
    ctx: DocumentContext,
    copy: CopyKind,
    customer: Contact | None = None,
    technician: str = "",
    vendor: str = "",
    deposits: Sequence[Deposit] = (),
) -> bytes:
    """One copy of the work-order ticket, following ``COPY_RULES[copy]``."""
    rules = COPY_RULES[copy]
    styles = styles_for(TEXT_SIZE)
    width = letter_width()
    story = _header(order, ctx, rules, styles, width)
    story += _people_and_money(order, customer, deposits, rules, styles, width)
    story += [para("Job", styles.heading),
              pairs_table(job_rows(order, technician=technician, vendor=vendor, rules=rules),
                          styles, width)]
    story += _photos(order, ctx, styles, width)
    story += _notes(order, ctx, rules, styles)
    if copy is CopyKind.CUSTOMER:
        story += [Spacer(1, 6), para(CUSTOMER_TERMS, styles.small)]
        if ctx.store.disclaimer.strip():
            story.append(para(ctx.store.disclaimer, styles.small))
        story.append(KeepTogether([Spacer(1, 20), SignatureLine([("Customer signature", 2.0),
                                                                  ("Date", 1.0)])]))
    story.append(claim_stub(order, ctx=ctx, customer=customer, rules=rules, styles=styles,
                            width=width))
    return build_letter(story, ctx=ctx, title=f"Work order {order.number} ({copy.value} copy)",
                        footer=f"{ctx.store.name} · Work order {order.number} · {copy.value} copy")


def render_work_order_copies(
    order: WorkOrder,
    *,
    ctx: DocumentContext,
    customer: Contact | None = None,
    technician: str = "",
    vendor: str = "",
    deposits: Sequence[Deposit] = (),
) -> dict[CopyKind, bytes]:
    """All three copies (what intake prints)."""
    return {
        copy: render_work_order(order, ctx=ctx, copy=copy, customer=customer,
                                technician=technician, vendor=vendor, deposits=deposits)
        for copy in CopyKind
    }
