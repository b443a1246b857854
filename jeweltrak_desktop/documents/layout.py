"""Page building blocks: styles, wrapping paragraphs, tables, letterhead, and the two page kinds.

Letter documents get a letterhead on the first page and “Page x of y” on every page; roll
documents (80 mm thermal) are one page whose height is measured from the content (a roll
longer than PDF's 200-inch page limit continues on a second page). All
text goes through ``para`` (wrapping, escaping, CJK fallback runs) so nothing is set in a
font the PDF does not embed and no line runs past its column.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, TypeAlias

from reportlab import rl_config
from reportlab.lib.colors import Color, black, white
from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch, mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    Image,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from jeweltrak_desktop.documents.context import DocumentContext
from jeweltrak_desktop.documents.flowables import GREY, RULE
from jeweltrak_desktop.documents.fonts import SANS, SANS_BOLD, draw_text, ensure_fonts, markup
from jeweltrak_desktop.documents.photos import load_photo
from jeweltrak_desktop.documents.text_lines import Row

LETTER_MARGIN = 0.6 * inch
FOOTER_HEIGHT = 0.35 * inch
ROLL_WIDTH = 80 * mm
ROLL_MARGIN = 4 * mm
#: The tallest page PDF viewers accept (200 inches); a longer roll continues on a new page.
MAX_PAGE_HEIGHT = 200 * inch
SHADE = Color(0.93, 0.93, 0.93)
CREATOR = "JewelTrak Desktop"


@dataclass(frozen=True)
class Styles:
    """The paragraph styles of one page kind (sizes scale from ``body``)."""

    body: ParagraphStyle
    bold: ParagraphStyle
    small: ParagraphStyle
    right: ParagraphStyle
    right_bold: ParagraphStyle
    heading: ParagraphStyle
    title: ParagraphStyle
    subtitle: ParagraphStyle
    store_name: ParagraphStyle
    banner: ParagraphStyle


@lru_cache(maxsize=4)
def styles_for(size: float) -> Styles:
    """Styles with body text of ``size`` points."""
    ensure_fonts()
    lead = size * 1.25

    def style(name: str, **kw: Any) -> ParagraphStyle:
        base: dict[str, Any] = {"fontName": SANS, "fontSize": size, "leading": lead}
        base.update(kw)
        return ParagraphStyle(f"jt-{size}-{name}", **base)

    small = size * 0.85
    return Styles(
        body=style("body"),
        bold=style("bold", fontName=SANS_BOLD),
        small=style("small", fontSize=small, leading=small * 1.25, textColor=GREY),
        right=style("right", alignment=TA_RIGHT),
        right_bold=style("right_bold", fontName=SANS_BOLD, alignment=TA_RIGHT),
        heading=style("heading", fontName=SANS_BOLD, fontSize=size * 1.15, leading=size * 1.5,
                      spaceBefore=size * 0.8, spaceAfter=size * 0.3, keepWithNext=1),
        title=style("title", fontName=SANS_BOLD, fontSize=size * 1.7, leading=size * 2.1,
                    alignment=TA_RIGHT),
        subtitle=style("subtitle", fontName=SANS_BOLD, fontSize=size * 1.2, leading=size * 1.6,
                       alignment=TA_RIGHT),
        banner=style("banner", fontName=SANS_BOLD, fontSize=size * 1.3, leading=size * 1.6,
                     textColor=white),
        store_name=style("store_name", fontName=SANS_BOLD, fontSize=size * 1.4,
                         leading=size * 1.75, alignment=TA_LEFT),
    )


def para(text: str, style: ParagraphStyle) -> Paragraph:
    """A wrapping paragraph of plain text (escaped; line breaks kept; CJK in the fallback)."""
    lines = text.splitlines() or [""]
    return Paragraph("<br/>".join(markup(line, style.fontName) for line in lines), style)


def labelled(label: str, value: str, style: ParagraphStyle) -> Paragraph:
    """“Label: value” with the label in bold."""
    return Paragraph(f"<b>{markup(label, style.fontName)}</b> {markup(value, style.fontName)}",
                     style)


#: A table cell: text (made a wrapping paragraph), a flowable, or a list of flowables.
#: reportlab ships no type information, so this cannot be spelled more precisely.
Cell: TypeAlias = Any


def table(
    rows: Sequence[Sequence[Cell]],
    widths: Sequence[float],
    styles: Styles,
    *,
    commands: Sequence[tuple[Any, ...]] = (),
    header: bool = False,
    repeat_header: bool = True,
) -> Table:
    """A table whose text cells are wrapping paragraphs; ``header`` shades the first row."""
    body = [[para(c, styles.body) if isinstance(c, str) else c for c in row] for row in rows]
    base: list[tuple[Any, ...]] = [
        ("FONTNAME", (0, 0), (-1, -1), SANS),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 2),
        ("RIGHTPADDING", (0, 0), (-1, -1), 2),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
    ]
    if header:
        base += [("BACKGROUND", (0, 0), (-1, 0), SHADE), ("LINEBELOW", (0, 0), (-1, 0), 0.5, RULE)]
    result = Table(body, colWidths=list(widths), hAlign="LEFT",
                   repeatRows=1 if header and repeat_header else 0)
    result.setStyle(TableStyle([*base, *commands]))
    return result


def banner(text: str, styles: Styles, width: float) -> Flowable:
    """White bold text on a black band (“RUSH”)."""
    return table([[para(text, styles.banner)]], [width], styles,
                 commands=[("BACKGROUND", (0, 0), (-1, -1), black),
                           ("LEFTPADDING", (0, 0), (-1, -1), 6),
                           ("TOPPADDING", (0, 0), (-1, -1), 3),
                           ("BOTTOMPADDING", (0, 0), (-1, -1), 4)])


def letterhead(
    ctx: DocumentContext, styles: Styles, *, title: str, facts: Sequence[tuple[str, str]],
    width: float, subtitle: str = "",
) -> Flowable:
    """Logo and store block on the left; the document title and its key facts on the right."""
    store = ctx.store
    left: list[Flowable] = []
    logo = _logo(ctx, max_width=width * 0.35, max_height=0.9 * inch)
    if logo is not None:
        left += [logo, Spacer(1, 4)]
    left.append(para(store.name, styles.store_name))
    for line in (store.address, store.phone):
        if line.strip():
            left.append(para(line, styles.body))
    if store.tax_number.strip():
        left.append(para(f"Tax # {store.tax_number}", styles.body))
    right: list[Flowable] = [para(title, styles.title)]
    if subtitle:
        right.append(para(subtitle, styles.subtitle))
    right += [labelled(f"{label}:", value, styles.right) for label, value in facts if value]
    return table([[left, right]], [width * 0.55, width * 0.45], styles,
                 commands=[("LEFTPADDING", (0, 0), (0, 0), 0),
                           ("RIGHTPADDING", (1, 0), (1, 0), 0)])


def _logo(ctx: DocumentContext, *, max_width: float, max_height: float) -> Flowable | None:
    """The store logo scaled into the box; no logo (rather than a failed print) if unreadable."""
    if ctx.logo_path is None:
        return None
    loaded = load_photo(ctx.logo_path)
    if isinstance(loaded, str):
        return None
    scale = min(max_width / loaded.width_px, max_height / loaded.height_px)
    logo = Image(loaded.source, width=loaded.width_px * scale, height=loaded.height_px * scale)
    logo.hAlign = "LEFT"
    return logo


def roll_logo(ctx: DocumentContext, width: float) -> list[Flowable]:
    """The store logo centred at the top of a roll document (nothing without a logo)."""
    logo = _logo(ctx, max_width=width * 0.6, max_height=0.7 * inch)
    if logo is None:
        return []
    logo.hAlign = "CENTER"
    return [logo, Spacer(1, 3)]


def roll_store_rows(ctx: DocumentContext) -> list[Row]:
    """The store block centred at the top of a roll document."""
    store = ctx.store
    rows = [Row(store.name, font=SANS_BOLD, size=10, center=True)]
    rows += [Row(line, center=True) for line in (store.address, store.phone) if line.strip()]
    if store.tax_number.strip():
        rows.append(Row(f"Tax # {store.tax_number}", center=True))
    return rows


def _numbered_canvas(footer: str) -> Callable[..., Canvas]:
    """A canvas class that writes ``footer`` and “Page x of y” once the page count is known."""

    class NumberedCanvas(Canvas):  # type: ignore[misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:  # reportlab's name
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                self._draw_footer(number, total)
                super().showPage()
            super().save()

        def _draw_footer(self, number: int, total: int) -> None:
            width = self._pagesize[0]
            self.saveState()
            self.setFillColor(GREY)
            y = LETTER_MARGIN * 0.6
            draw_text(self, LETTER_MARGIN, y, footer, size=7)
            draw_text(self, width - LETTER_MARGIN, y, f"Page {number} of {total}", size=7,
                      align="right")
            self.restoreState()

    return NumberedCanvas


def _configure_reportlab() -> None:
    """Settings every document is built with (reportlab keeps them process-wide).

    ASCII85 wraps binary streams in 7-bit text for mail gateways of old: it makes each
    photo 25% bigger and, in pure Python, costs tens of milliseconds per photo.
    """
    rl_config.useA85 = 0
    ensure_fonts()


def build_letter(story: list[Flowable], *, ctx: DocumentContext, title: str, footer: str) -> bytes:
    """A letter-size PDF of ``story`` with “footer · Page x of y” on every page."""
    _configure_reportlab()
    buffer = io.BytesIO()
    doc = BaseDocTemplate(
        buffer, pagesize=LETTER, leftMargin=LETTER_MARGIN, rightMargin=LETTER_MARGIN,
        topMargin=LETTER_MARGIN, bottomMargin=LETTER_MARGIN, title=title,
        author=ctx.store.name, creator=CREATOR, initialFontName=SANS,
    )
    frame = Frame(doc.leftMargin, doc.bottomMargin + FOOTER_HEIGHT, doc.width,
                  doc.height - FOOTER_HEIGHT, leftPadding=0, rightPadding=0, topPadding=0,
                  bottomPadding=0, id="body")
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame])])
    doc.build(story, canvasmaker=_numbered_canvas(footer))
    return buffer.getvalue()


def letter_width() -> float:
    """Width of the text column on a letter page."""
    return float(LETTER[0] - 2 * LETTER_MARGIN)


def roll_width() -> float:
    """Width of the text column on an 80 mm roll."""
    return float(ROLL_WIDTH - 2 * ROLL_MARGIN)


def build_roll(story: list[Flowable], *, ctx: DocumentContext, title: str) -> bytes:
    """An 80 mm roll PDF whose page is as tall as its content (up to the 200-inch limit)."""
    _configure_reportlab()
    width = roll_width()
    content = 0.0
    for flowable in story:
        _, height = flowable.wrap(width, MAX_PAGE_HEIGHT)
        content += height + flowable.getSpaceBefore() + flowable.getSpaceAfter()
    # A little slack: the frame rounds, and a receipt spilling onto a 2nd page is worse.
    page_height = min(content + 2 * ROLL_MARGIN + 6, MAX_PAGE_HEIGHT)
    buffer = io.BytesIO()
    doc = BaseDocTemplate(
        buffer, pagesize=(ROLL_WIDTH, page_height), leftMargin=ROLL_MARGIN,
        rightMargin=ROLL_MARGIN, topMargin=ROLL_MARGIN, bottomMargin=ROLL_MARGIN, title=title,
        author=ctx.store.name, creator=CREATOR, initialFontName=SANS,
    )
    frame = Frame(ROLL_MARGIN, ROLL_MARGIN, width, page_height - 2 * ROLL_MARGIN, leftPadding=0,
                  rightPadding=0, topPadding=0, bottomPadding=0, id="roll")
    doc.addPageTemplates([PageTemplate(id="roll", frames=[frame])])
    doc.build(story)
    return buffer.getvalue()
