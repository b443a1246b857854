"""Small drawing flowables: rules, the tear-off line, signature lines, a stub at the page foot."""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.lib.colors import Color, black
from reportlab.platypus import Flowable

from jeweltrak_desktop.documents.fonts import draw_text

GREY = Color(0.4, 0.4, 0.4)
RULE = Color(0.75, 0.75, 0.75)


class Rule(Flowable):  # type: ignore[misc]
    """A thin horizontal line across the column."""

    def __init__(self, *, space: float = 4, color: Color = RULE, dashed: bool = False) -> None:
        super().__init__()
        self.space, self.color, self.dashed = space, color, dashed
        self.width = 0.0

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.width = avail_width
        return avail_width, self.space * 2

    def draw(self) -> None:
        self.canv.saveState()
        self.canv.setStrokeColor(self.color)
        self.canv.setLineWidth(0.6)
        if self.dashed:
            self.canv.setDash(2, 2)
        self.canv.line(0, self.space, self.width, self.space)
        self.canv.restoreState()


class CutLine(Flowable):  # type: ignore[misc]
    """A dashed line with “✂ detach here” where the claim stub is torn off."""

    def __init__(self, label: str = "✂  detach here") -> None:
        super().__init__()
        self.label = label
        self.width = 0.0

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.width = avail_width
        return avail_width, 16

    def draw(self) -> None:
        canv = self.canv
        canv.saveState()
        canv.setStrokeColor(GREY)
        canv.setDash(4, 3)
        canv.line(0, 8, self.width, 8)
        canv.setFillColor(Color(1, 1, 1))
        canv.rect(self.width / 2 - 40, 3, 80, 10, stroke=0, fill=1)
        canv.setFillColor(GREY)
        draw_text(canv, self.width / 2, 5, self.label, size=7, align="center")
        canv.restoreState()


class SignatureLine(Flowable):  # type: ignore[misc]
    """Lines to sign on, each with its caption underneath (e.g. “Signature”, “Date”)."""

    def __init__(self, captions: Sequence[tuple[str, float]], *, height: float = 34) -> None:
        super().__init__()
        self.captions = list(captions)
        self.height = height
        self.width = 0.0

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.width = avail_width
        return avail_width, self.height

    def draw(self) -> None:
        canv = self.canv
        canv.saveState()
        canv.setStrokeColor(black)
        canv.setLineWidth(0.7)
        x, gap = 0.0, 18.0
        share = (self.width - gap * (len(self.captions) - 1)) / sum(f for _, f in self.captions)
        for caption, fraction in self.captions:
            length = share * fraction
            canv.line(x, 12, x + length, 12)
            canv.setFillColor(GREY)
            draw_text(canv, x, 3, caption, size=7)
            x += length + gap
        canv.restoreState()


class AtPageBottom(Flowable):  # type: ignore[misc]
    """Sets its flowables at the bottom of the page (a tear-off stub), or of the next page."""

    def __init__(self, content: Sequence[Flowable]) -> None:
        super().__init__()
        self.content = list(content)
        self.width = 0.0
        self.height = 0.0
        self._sizes: list[tuple[float, float]] = []

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self._sizes = [f.wrap(avail_width, avail_height) for f in self.content]
        needed = sum(h for _, h in self._sizes)
        self.width = avail_width
        # Take all the space that is left (a hair less, so the frame's rounding never
        # pushes it over); when the content does not fit, ask for it and move on.
        self.height = max(needed, avail_height - 0.01)
        return self.width, self.height

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        return []

    def draw(self) -> None:
        y = sum(h for _, h in self._sizes)
        for flowable, (_, height) in zip(self.content, self._sizes, strict=True):
            y -= height
            flowable.drawOn(self.canv, 0, y)
