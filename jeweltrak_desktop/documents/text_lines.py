"""A light text block for the roll documents: rows of wrapped text with an amount on the right.

Platypus paragraphs and tables are flexible but cost a few milliseconds per receipt in
markup parsing and cell geometry; a receipt is only rows of “words … amount”. This block
wraps each row's words greedily (breaking a word longer than the column), keeps the amount
on the first line, and draws runs with the CJK fallback, so it is fast and never overflows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.lib.colors import black
from reportlab.platypus import Flowable

from jeweltrak_desktop.documents.flowables import GREY
from jeweltrak_desktop.documents.fonts import SANS, font_runs, text_width

_GAP = 6.0


@dataclass(frozen=True)
class Row:
    """One row: ``left`` wraps, ``right`` (an amount) stays on its first line; or a rule."""

    left: str = ""
    right: str = ""
    font: str = SANS
    size: float = 8
    grey: bool = False
    center: bool = False
    space_before: float = 0
    rule: str = ""  # "solid" or "dashed": a horizontal line instead of text


def wrap_text(text: str, font: str, size: float, width: float) -> list[str]:
    """Greedy word wrap of ``text`` into lines no wider than ``width`` (each word measured once)."""
    space = text_width(" ", font, size)
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        current: list[str] = []
        used = 0.0
        for word in paragraph.split():
            measured = text_width(word, font, size)
            if current and used + space + measured <= width:
                current.append(word)
                used += space + measured
                continue
            if current:
                lines.append(" ".join(current))
            # A word wider than the column is broken wherever it must be.
            while measured > width:
                cut = _longest_prefix(word, font, size, width)
                lines.append(word[:cut])
                word = word[cut:]
                measured = text_width(word, font, size)
            current, used = [word], measured
        lines.append(" ".join(current))
    return lines


def _longest_prefix(word: str, font: str, size: float, width: float) -> int:
    """How many leading characters of ``word`` fit ``width`` (at least one)."""
    low, high = 1, len(word)
    while low < high:
        middle = (low + high + 1) // 2
        if text_width(word[:middle], font, size) <= width:
            low = middle
        else:
            high = middle - 1
    return low


@dataclass(frozen=True)
class _Placed:
    y: float  # baseline, from the top of the block
    row: Row
    text: str
    right: str


class TextLines(Flowable):  # type: ignore[misc]
    """Rows of text laid out once per width; the block breaks between rows across pages."""

    def __init__(self, rows: Sequence[Row]) -> None:
        super().__init__()
        self.rows = list(rows)
        self.width = 0.0
        self.height = 0.0
        self._placed: list[_Placed] = []
        self._bottoms: list[float] = []
        self._laid_for = -1.0

    def _layout(self, width: float) -> None:
        placed: list[_Placed] = []
        bottoms: list[float] = []
        y = 0.0
        for row in self.rows:
            y += row.space_before
            if row.rule:
                placed.append(_Placed(y + 3, row, "", ""))
                y += 6
                bottoms.append(y)
                continue
            leading = row.size * 1.25
            room = width
            if row.right:
                room -= text_width(row.right, row.font, row.size) + _GAP
            for index, line in enumerate(wrap_text(row.left, row.font, row.size, room)):
                y += leading
                placed.append(_Placed(y - row.size * 0.25, row, line,
                                      row.right if index == 0 else ""))
            bottoms.append(y)
        self._placed, self._bottoms = placed, bottoms
        self.height, self.width, self._laid_for = y, width, width

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        if avail_width != self._laid_for:
            self._layout(avail_width)
        return self.width, self.height

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        """Split between rows so a long roll or list continues on the next page."""
        self.wrap(avail_width, avail_height)
        fits = sum(1 for bottom in self._bottoms if bottom <= avail_height)
        if fits in (0, len(self.rows)):
            return []
        return [TextLines(self.rows[:fits]), TextLines(self.rows[fits:])]

    def draw(self) -> None:
        # One text object for the whole block: a font or colour is set only when it changes.
        canv = self.canv
        canv.saveState()
        text = canv.beginText()
        font: tuple[str, float] | None = None
        grey: bool | None = None
        rules: list[tuple[float, str]] = []
        for item in self._placed:
            row, baseline = item.row, self.height - item.y
            if row.rule:
                rules.append((baseline, row.rule))
                continue
            if row.grey != grey:
                grey = row.grey
                text.setFillColor(GREY if grey else black)
            pieces = [(item.text, 0.0 if not row.center else 0.5)]
            if item.right:
                pieces.append((item.right, 1.0))
            for words, anchor in pieces:
                x = self.width * anchor
                if anchor:
                    x -= text_width(words, row.font, row.size) * anchor
                text.setTextOrigin(x, baseline)
                for run, face in font_runs(words, row.font):
                    if font != (face, row.size):
                        font = (face, row.size)
                        text.setFont(face, row.size)
                    text.textOut(run)
        canv.drawText(text)
        canv.setStrokeColor(GREY)
        canv.setLineWidth(0.5)
        for baseline, style in rules:
            canv.setDash(*((2, 2) if style == "dashed" else ()))
            canv.line(0, baseline, self.width, baseline)
        canv.restoreState()
