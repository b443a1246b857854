"""A quote for a repair or custom job: what we will do, for how much, until when, signed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from reportlab.lib.units import inch
from reportlab.platypus import Flowable, KeepTogether, Spacer

from jeweltrak_core.contacts.entities import Contact
from jeweltrak_core.money import format_money
from jeweltrak_core.work_orders.entities import WorkOrder
from jeweltrak_desktop.documents.context import DocumentContext, date_text
from jeweltrak_desktop.documents.descriptions import contact_lines
from jeweltrak_desktop.documents.flowables import Rule, SignatureLine
from jeweltrak_desktop.documents.layout import (
    build_letter,
    labelled,
    letter_width,
    letterhead,
    para,
    styles_for,
    table,
)
from jeweltrak_desktop.documents.work_order import COPY_RULES, CopyKind, job_rows, pairs_table

TEXT_SIZE = 9
DEFAULT_TERMS: tuple[str, ...] = (
    "Prices are in US dollars, plus applicable sales tax.",
    "A deposit is due when the quote is accepted; the balance is due at pickup.",
    "Metal and stone prices move with the market: after the date above we may re-quote.",
    "Custom work made to your design cannot be returned. Stones supplied by you are set at "
    "your risk; natural inclusions can make a stone break while it is set.",
    "Delivery dates are estimates; we will tell you at once of any delay.",
)


@dataclass(frozen=True)
class QuoteLine:
    """One priced part of the job (casting, center stone, labor …)."""

    description: str
    amount_cents: int


def render_quote(
    order: WorkOrder,
    *,
    ctx: DocumentContext,
    customer: Contact | None = None,
    lines: Sequence[QuoteLine] = (),
    quoted_on: date | None = None,
    valid_days: int = 30,
    deposit_cents: int | None = None,
    terms: Sequence[str] = DEFAULT_TERMS,
) -> bytes:
    """The quote for ``order``: its lines (or its estimate), validity, terms, signature lines."""
    styles = styles_for(TEXT_SIZE)
    width = letter_width()
    day = quoted_on or ctx.local(order.opened_at or datetime.now(ctx.timezone)).date()
    priced = list(lines) or [QuoteLine(order.item_description, order.estimate_cents)]
    total = sum(line.amount_cents for line in priced)
    facts = [("Quote for work order", order.number), ("Date", date_text(day)),
             ("Valid until", date_text(day + timedelta(days=valid_days)))]
    story: list[Flowable] = [letterhead(ctx, styles, title="QUOTE", facts=facts, width=width),
                             Rule(space=6), para("Prepared for", styles.heading)]
    story += [para(line, styles.body) for line in contact_lines(customer)] or [
        para("(no customer)", styles.body)]
    rules = COPY_RULES[CopyKind.CUSTOMER]  # a quote goes to the customer: same hiding rules
    story += [para("The job", styles.heading),
              pairs_table(job_rows(order, technician="", vendor="", rules=rules), styles, width),
              para("Price", styles.heading)]
    rows: list[list[object]] = [[para("Description", styles.bold),
                                 para("Amount", styles.right_bold)]]
    rows += [[para(line.description, styles.body), para(format_money(line.amount_cents),
                                                        styles.right)] for line in priced]
    rows.append([para("Total", styles.bold), para(format_money(total), styles.right_bold)])
    story.append(table(rows, [width - 1.4 * inch, 1.4 * inch], styles, header=True,
                       commands=[("LINEABOVE", (0, -1), (-1, -1), 0.6, (0.4, 0.4, 0.4))]))
    if deposit_cents:
        story.append(labelled("Deposit to start the work:", format_money(deposit_cents),
                              styles.body))
    story.append(para("Terms", styles.heading))
    story += [para(f"{n}. {text}", styles.small) for n, text in enumerate(terms, start=1)]
    if ctx.store.disclaimer.strip():
        story.append(para(ctx.store.disclaimer, styles.small))
    story.append(KeepTogether([
        Spacer(1, 10),
        para("I accept this quote and its terms.", styles.body),
        Spacer(1, 22),
        SignatureLine([("Customer signature", 2.0), ("Date", 1.0)]),
        Spacer(1, 16),
        SignatureLine([(f"For {ctx.store.name}", 2.0), ("Date", 1.0)]),
    ]))
    return build_letter(story, ctx=ctx, title=f"Quote {order.number}",
                        footer=f"{ctx.store.name} · Quote for work order {order.number}")
