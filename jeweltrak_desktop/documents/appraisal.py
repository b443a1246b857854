"""The written appraisal (letter): letterhead, purpose wording, one section per item, signature."""

from __future__ import annotations

from reportlab.lib.units import inch
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, Spacer

from jeweltrak_core.appraisals.entities import Appraisal, AppraisalLine
from jeweltrak_core.appraisals.rules import (
    PURPOSE_VALUE_WORDING,
    AppraisalPurpose,
    AppraisalStatus,
)
from jeweltrak_core.contacts.entities import Contact
from jeweltrak_core.money import format_money
from jeweltrak_core.units import WeightUnit
from jeweltrak_desktop.documents.context import DocumentContext, date_text
from jeweltrak_desktop.documents.descriptions import (
    carat_text,
    contact_lines,
    join,
    weight_text,
)
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
from jeweltrak_desktop.documents.photos import photo_flowable

TEXT_SIZE = 9
PHOTOS_PER_ROW = 3
PHOTO_HEIGHT = 1.9 * inch

_FAIR_MARKET = (
    "the price at which the property would change hands between a willing buyer and a "
    "willing seller, neither being under any compulsion to buy or to sell and both having "
    "reasonable knowledge of relevant facts"
)
#: What the stated values mean, by purpose (the value's name comes from the core rules).
PURPOSE_STATEMENTS: dict[AppraisalPurpose, str] = {
    AppraisalPurpose.INSURANCE: (
        "This appraisal was prepared for insurance. Each value stated is the insurance "
        "replacement value: the estimated cost, in the current retail market, of replacing "
        "the item with one of like kind and quality. It is not an offer to buy and may be "
        "more than the item would bring if sold."
    ),
    AppraisalPurpose.ESTATE: (
        "This appraisal was prepared for an estate. Each value stated is the fair market "
        f"value as of the date of this appraisal: {_FAIR_MARKET}. Fair market value is not "
        "a retail replacement cost and is usually lower."
    ),
    AppraisalPurpose.RESALE: (
        "This appraisal was prepared for resale. Each value stated is the estimated resale "
        "value: what the item could be expected to bring if sold in the secondary market "
        "within a reasonable time. It is not a replacement cost."
    ),
    AppraisalPurpose.DONATION: (
        "This appraisal was prepared for a charitable donation. Each value stated is the "
        f"fair market value as of the date of this appraisal: {_FAIR_MARKET}."
    ),
    AppraisalPurpose.OTHER: (
        "Each value stated is the appraiser's opinion of the item's appraised value for the "
        "purpose described in the notes, as of the date of this appraisal."
    ),
}
LIMITING_CONDITIONS: tuple[str, ...] = (
    "Values are the appraiser's opinion as of the date of this appraisal; markets change "
    "and no value is guaranteed.",
    "Mounted stones were examined in their settings; their weights, measurements and grades "
    "are estimates within the limits that mounting allows.",
    "Unless a laboratory certificate is cited, no gemological laboratory report was "
    "obtained; treatments that cannot be detected by standard methods are not excluded.",
    "No responsibility is taken for legal title; the property is presumed to belong to the "
    "client free of liens.",
    "This appraisal is valid only for the purpose stated and only as a whole; no part of it "
    "may be used alone.",
    "Photographs identify the items; they may not show true color, size or condition.",
)


def value_wording(purpose: AppraisalPurpose) -> str:
    """“Insurance replacement value”, “Fair market value” … (capitalized core wording)."""
    words = PURPOSE_VALUE_WORDING[purpose]
    return words[:1].upper() + words[1:]


def _item_facts(line: AppraisalLine, unit: WeightUnit) -> list[tuple[str, str]]:
    stone = join(carat_text(line.stone_carat), line.stone_shape, sep=" ")
    facts = [
        ("Metal", line.metal or ""),
        ("Weight", weight_text(line.weight_g, unit)),
        ("Measurements", line.measurements or ""),
        ("Stone", stone),
        ("Color", line.stone_color or ""),
        ("Clarity", line.stone_clarity or ""),
        ("Cut", line.stone_cut or ""),
        ("Certificate", line.certificate_no or ""),
        ("Marks", line.marks or ""),
        ("Condition", line.condition or ""),
    ]
    return [(label, value) for label, value in facts if value.strip()]


def _facts_table(facts: list[tuple[str, str]], styles: Styles, width: float) -> Flowable:
    """Label/value pairs two to a row."""
    cells = [[para(label, styles.bold), para(value, styles.body)] for label, value in facts]
    rows = [cells[i] + (cells[i + 1] if i + 1 < len(cells) else ["", ""])
            for i in range(0, len(cells), 2)]
    label_w, value_w = 1.15 * inch, width / 2 - 1.15 * inch
    return table(rows, [label_w, value_w, label_w, value_w], styles,
                 commands=[("LEFTPADDING", (0, 0), (0, -1), 0)])


def _photos(line: AppraisalLine, ctx: DocumentContext, styles: Styles, width: float) -> Flowable:
    cell_w = width / PHOTOS_PER_ROW
    boxes = [photo_flowable(ctx.resolve(ref), cell_w - 8, PHOTO_HEIGHT) for ref in line.photos]
    rows = [boxes[i:i + PHOTOS_PER_ROW] for i in range(0, len(boxes), PHOTOS_PER_ROW)]
    rows[-1] += [""] * (PHOTOS_PER_ROW - len(rows[-1]))
    return table(rows, [cell_w] * PHOTOS_PER_ROW, styles,
                 commands=[("ALIGN", (0, 0), (-1, -1), "CENTER"),
                           ("VALIGN", (0, 0), (-1, -1), "MIDDLE")])


def _item(line: AppraisalLine, number: int, count: int, appraisal: Appraisal,
          ctx: DocumentContext, styles: Styles, width: float) -> list[Flowable]:
    head = [para(f"Item {number} of {count}", styles.heading), para(line.description, styles.bold),
            Spacer(1, 3)]
    facts = _item_facts(line, ctx.store.weight_unit)
    if facts:
        head.append(_facts_table(facts, styles, width))
    value = labelled(f"{value_wording(appraisal.purpose)}:", format_money(line.value_cents),
                     styles.bold)
    out: list[Flowable] = [CondPageBreak(2.2 * inch), KeepTogether(head)]
    if line.photos:
        out += [Spacer(1, 4), _photos(line, ctx, styles, width)]
    out += [Spacer(1, 4), value, Rule(space=5)]
    return out


def _summary(appraisal: Appraisal, styles: Styles, width: float) -> Flowable:
    rows: list[list[object]] = [[para("Item", styles.bold), para("Description", styles.bold),
                                 para(value_wording(appraisal.purpose), styles.right_bold)]]
    lines = sorted(appraisal.lines, key=lambda ln: ln.position)
    for number, line in enumerate(lines, start=1):
        rows.append([para(str(number), styles.body), para(line.description, styles.body),
                     para(format_money(line.value_cents), styles.right)])
    rows.append(["", para("Total", styles.bold),
                 para(format_money(appraisal.total_cents), styles.right_bold)])
    widths = [0.5 * inch, width - 2.9 * inch, 2.4 * inch]
    return table(rows, widths, styles, header=True,
                 commands=[("LINEABOVE", (0, -1), (-1, -1), 0.6, (0.4, 0.4, 0.4))])


def _signature(appraisal: Appraisal, styles: Styles) -> list[Flowable]:
    who = join(appraisal.appraiser_name, appraisal.appraiser_credentials, sep=", ")
    return [Spacer(1, 26), SignatureLine([("Appraiser signature", 2.0), ("Date", 1.0)]),
            para(who, styles.body)]


def render_appraisal(
    appraisal: Appraisal, *, ctx: DocumentContext, customer: Contact | None = None
) -> bytes:
    """The appraisal document; values are worded by the appraisal's purpose."""
    styles = styles_for(TEXT_SIZE)
    width = letter_width()
    draft = appraisal.status is not AppraisalStatus.FINALIZED
    facts = [("Appraisal #", appraisal.number), ("Date", date_text(appraisal.appraisal_date)),
             ("Purpose", appraisal.purpose.value.title())]
    story: list[Flowable] = [
        letterhead(ctx, styles, title="APPRAISAL — DRAFT" if draft else "APPRAISAL",
                   facts=facts, width=width),
        Rule(space=6),
    ]
    client = [para("Prepared for", styles.bold)]
    client += [para(line, styles.body) for line in contact_lines(customer)] or [
        para("(no client named)", styles.body)
    ]
    appraiser = [para("Appraiser", styles.bold), para(appraisal.appraiser_name or "", styles.body)]
    if appraisal.appraiser_credentials:
        appraiser.append(para(appraisal.appraiser_credentials, styles.body))
    story += [table([[client, appraiser]], [width / 2, width / 2], styles,
                    commands=[("LEFTPADDING", (0, 0), (0, 0), 0)]),
              Spacer(1, 6), para(PURPOSE_STATEMENTS[appraisal.purpose], styles.body)]
    if appraisal.notes:
        story.append(labelled("Notes:", appraisal.notes, styles.body))
    lines = sorted(appraisal.lines, key=lambda ln: ln.position)
    for number, line in enumerate(lines, start=1):
        story += _item(line, number, len(lines), appraisal, ctx, styles, width)
    story += [CondPageBreak(1.5 * inch), para("Summary", styles.heading),
              _summary(appraisal, styles, width), para("Limiting conditions", styles.heading)]
    story += [para(f"{n}. {text}", styles.small) for n, text in
              enumerate(LIMITING_CONDITIONS, start=1)]
    if ctx.store.disclaimer.strip():
        story += [Spacer(1, 4), para(ctx.store.disclaimer, styles.small)]
    story.append(KeepTogether(_signature(appraisal, styles)))
    return build_letter(story, ctx=ctx, title=f"Appraisal {appraisal.number}",
                        footer=f"{ctx.store.name} · Appraisal {appraisal.number}")
