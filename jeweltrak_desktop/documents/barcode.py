"""Code128 barcodes with their human-readable text set in the embedded font."""

from __future__ import annotations

from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib.units import inch, mm
from reportlab.platypus import Flowable

from jeweltrak_desktop.documents.fonts import MONO, draw_text

MIN_BAR_WIDTH = 0.0075 * inch


class Code128Flowable(Flowable):  # type: ignore[misc]
    """A Code128 symbol of ``value`` with the value printed under it.

    reportlab's own human-readable line is set in Helvetica (a font the PDF would not
    embed), so it is turned off and the text drawn here in DejaVu Sans Mono.
    """

    def __init__(
        self,
        value: str,
        *,
        bar_width: float = 0.33 * mm,
        bar_height: float = 10 * mm,
        max_width: float | None = None,
        font_size: float = 8,
        font: str = MONO,
        h_align: str = "CENTER",
    ) -> None:
        super().__init__()
        if not value.isascii() or not value.isprintable():
            raise ValueError(f"Code128 needs printable ASCII, not {value!r}")
        self.value = value
        self.font_size, self.font = font_size, font
        self.hAlign = h_align
        self._symbol = Code128(value, barWidth=bar_width, barHeight=bar_height, humanReadable=0)
        if max_width is not None and self._symbol.width > max_width:
            # Quiet zones keep their size; only the bars get narrower (not below 7.5 mil,
            # the narrowest a counter scanner reads reliably).
            quiet = self._symbol.lquiet + self._symbol.rquiet
            bars = self._symbol.width - quiet
            narrower = max(MIN_BAR_WIDTH, bar_width * (max_width - quiet) / bars)
            self._symbol = Code128(value, barWidth=narrower, barHeight=bar_height, humanReadable=0)
        self.width = self._symbol.width
        self.height = bar_height + font_size + 2

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        self._symbol.drawOn(self.canv, 0, self.font_size + 2)
        draw_text(self.canv, self.width / 2, 1.5, self.value, font=self.font,
                  size=self.font_size, align="center")
