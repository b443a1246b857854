"""The customer memo agreement: pieces taken on approval, their prices, the due date, terms."""

from __future__ import annotations

from collections.abc import Mapping
from uuid import UUID

from reportlab.lib.units import inch
from reportlab.platypus import Flowable, KeepTogether, Spacer

from jeweltrak_core.contacts.entities import Contact
from jeweltrak_core.inventory.entities import Piece
from jeweltrak_core.memos.entities import CustomerMemo
from jeweltrak_core.memos.rules import MemoLineStatus
from jeweltrak_core.money import format_money
from jeweltrak_desktop.documents.context import DocumentContext, date_text
from jeweltrak_desktop.documents.descriptions import contact_lines, piece_details
from jeweltrak_desktop.documents.flowables import Rule, SignatureLine
from jeweltrak_desktop.documents.layout import (
    Styles,
    build_letter,
    labelled,
    letter_width,
    letterhead,
    para,
    styles_for,
    table,
)

TEXT_SIZE = 9


def memo_terms(store_name: str, due: str) -> list[str]:
    """The standing terms of a memo; ``due`` is the printed due date (may be empty)."""
    deadline = f"by {due}" if due else "when the store asks for them"
    return [
        f"The items listed remain the property of {store_name} until paid for in full. They "
        "are entrusted to you on approval only; they are not sold to you.",
        "From the moment you receive them until they are returned or paid for, you are "
        "responsible for each item at the price listed, including loss, theft and damage.",
        f"Return each item, or pay the price listed, {deadline}. Items not returned by then "
        "may be invoiced to you at the price listed.",
        "Items may not be sold, pledged, consigned, altered or sized without the store's "
        "written consent.",
    ]


def _status(status: MemoLineStatus) -> str:
    return status.value.replace("_", " ").capitalize()


def _items(memo: CustomerMemo, pieces: Mapping[UUID, Piece], ctx: DocumentContext,
           styles: Styles, width: float) -> Flowable:
    rows: list[list[object]] = [[para("Item", styles.bold), para("Status", styles.bold),
                                 para("Price", styles.right_bold)]]
    for line in memo.lines:
        piece = pieces.get(line.piece_id)
        if piece is None:
            item: list[Flowable] = [para("(piece not on this workstation)", styles.body)]
        else:
            item = [para(piece.description, styles.body),
                    para(piece_details(piece, ctx.store.weight_unit), styles.small)]
        rows.append([item, para(_status(line.status), styles.body),
                     para(format_money(line.price_cents), styles.right)])
    out = sum(ln.price_cents for ln in memo.lines if ln.status is MemoLineStatus.OUT)
    rows.append([para("Total of items still out", styles.bold), "",
                 para(format_money(out), styles.right_bold)])
    widths = [width - 2.3 * inch, 1.1 * inch, 1.2 * inch]
    return table(rows, widths, styles, header=True,
                 commands=[("LINEBELOW", (0, 1), (-1, -2), 0.25, (0.85, 0.85, 0.85)),
                           ("LINEABOVE", (0, -1), (-1, -1), 0.6, (0.4, 0.4, 0.4))])


def render_memo_agreement(
    memo: CustomerMemo,
    *,
    ctx: DocumentContext,
    customer: Contact | None = None,
    pieces: Mapping[UUID, Piece] | None = None,
) -> bytes:
    """The agreement the customer signs when taking pieces on memo."""
    styles = styles_for(TEXT_SIZE)
    width = letter_width()
    due = date_text(memo.due_date)
    facts = [("Memo #", memo.number), ("Issued", ctx.datetime_text(memo.issued_at)),
             ("Due", due)]
    story: list[Flowable] = [
        letterhead(ctx, styles, title="MEMO AGREEMENT", facts=facts, width=width),
        Rule(space=6), para("Customer", styles.heading),
    ]
    story += [para(line, styles.body) for line in contact_lines(customer)] or [
        para("(no customer)", styles.body)]
    story += [para("Items on approval", styles.heading),
              _items(memo, pieces or {}, ctx, styles, width), Spacer(1, 6)]
    if due:
        story.append(labelled("Due date:", due, styles.bold))
    if memo.terms:
        story.append(labelled("Terms:", memo.terms, styles.body))
    if memo.notes:
        story.append(labelled("Notes:", memo.notes, styles.body))
    story.append(para("Agreement", styles.heading))
    story += [para(f"{n}. {text}", styles.body) for n, text in
              enumerate(memo_terms(ctx.store.name, due), start=1)]
    if ctx.store.disclaimer.strip():
        story += [Spacer(1, 4), para(ctx.store.disclaimer, styles.small)]
    story.append(KeepTogether([
        Spacer(1, 10),
        para("I have received the items above on approval and agree to these terms.",
             styles.body),
        Spacer(1, 22),
        SignatureLine([("Customer signature", 2.0), ("Date", 1.0)]),
        Spacer(1, 16),
        SignatureLine([(f"For {ctx.store.name}", 2.0), ("Date", 1.0)]),
    ]))
    return build_letter(story, ctx=ctx, title=f"Memo {memo.number}",
                        footer=f"{ctx.store.name} · Memo agreement {memo.number}")
