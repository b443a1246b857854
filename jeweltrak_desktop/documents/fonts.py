"""The fonts every document embeds, and per-run fallback for characters DejaVu lacks.

Documents never rely on the fonts of the computer they are printed from: DejaVu Sans
(regular, bold, mono) and Droid Sans Fallback (CJK) ship in ``resources/fonts`` and are
registered with reportlab as TrueType fonts, so every PDF carries subsets of them.
reportlab has no automatic glyph fallback, so text is cut into runs: characters DejaVu
has stay in the requested font, the others go to the fallback font. The fallback (3.4 MB)
is only parsed the first time a string needs it.
"""

from __future__ import annotations

import threading
from functools import lru_cache
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

#: ``resources/fonts`` beside the packages (the installer copies the same tree).
FONT_DIR = Path(__file__).resolve().parents[2] / "resources" / "fonts"

SANS = "JTSans"
SANS_BOLD = "JTSans-Bold"
MONO = "JTMono"
FALLBACK = "JTFallback"

_FILES: dict[str, str] = {
    SANS: "DejaVuSans.ttf",
    SANS_BOLD: "DejaVuSans-Bold.ttf",
    MONO: "DejaVuSansMono.ttf",
    FALLBACK: "DroidSansFallback.ttf",
}
_lock = threading.Lock()
_registered: set[str] = set()


def _register(name: str) -> None:
    """Register one bundled font with reportlab (once per process)."""
    if name in _registered:
        return
    with _lock:
        if name in _registered:
            return
        pdfmetrics.registerFont(TTFont(name, str(FONT_DIR / _FILES[name])))
        # Paragraph markup resolves <b> through the family table: map each face to itself
        # (the fallback has no bold) and SANS's bold to SANS_BOLD.
        bold = SANS_BOLD if name == SANS else name
        addMapping(name, 0, 0, name)
        addMapping(name, 1, 0, bold)
        addMapping(name, 0, 1, name)
        addMapping(name, 1, 1, bold)
        _registered.add(name)


def ensure_fonts() -> None:
    """Register the DejaVu fonts (the fallback is registered on first need)."""
    for name in (SANS, SANS_BOLD, MONO):
        _register(name)


@lru_cache(maxsize=8)
def _charset(name: str) -> frozenset[int]:
    """Code points the font has a glyph for."""
    _register(name)
    font = pdfmetrics.getFont(name)
    return frozenset(font.face.charToGlyph)


def font_runs(text: str, font: str) -> list[tuple[str, str]]:
    """``text`` cut into (run, font name) pieces; characters ``font`` lacks use the fallback.

    A character neither font has stays in ``font`` (it prints as the font's missing-glyph
    box rather than disappearing).
    """
    if text.isascii():
        return [(text, font)]
    primary = _charset(font)
    runs: list[tuple[str, str]] = []
    current, start = font, 0
    for index, char in enumerate(text):
        code = ord(char)
        wanted = font
        if code not in primary and not char.isspace() and code in _charset(FALLBACK):
            wanted = FALLBACK
        if wanted != current and index > start:
            runs.append((text[start:index], current))
            start = index
        current = wanted
    runs.append((text[start:], current))
    return runs


def markup(text: str, font: str = SANS) -> str:
    """Paragraph markup for plain ``text``: escaped, with fallback runs in their own face."""
    return "".join(
        escape(run) if face == font else f'<font face="{face}">{escape(run)}</font>'
        for run, face in font_runs(text, font)
    )


def text_width(text: str, font: str, size: float) -> float:
    """Width in points of ``text`` as ``draw_text`` would set it."""
    runs = font_runs(text, font)
    return float(sum(pdfmetrics.stringWidth(run, face, size) for run, face in runs))


def draw_text(
    canv: Canvas,
    x: float,
    y: float,
    text: str,
    *,
    font: str = SANS,
    size: float = 9,
    align: str = "left",
) -> float:
    """Draw one line at (x, y) with fallback runs; returns its width (align: left/right/center)."""
    width = text_width(text, font, size)
    if align == "right":
        x -= width
    elif align == "center":
        x -= width / 2
    for run, face in font_runs(text, font):
        canv.setFont(face, size)
        canv.drawString(x, y, run)
        x += pdfmetrics.stringWidth(run, face, size)
    return width


def fit_text(text: str, font: str, size: float, max_width: float) -> str:
    """``text`` shortened with an ellipsis so that it fits ``max_width`` on one line."""
    if text_width(text, font, size) <= max_width:
        return text
    while text and text_width(text + "…", font, size) > max_width:
        text = text[:-1]
    return text + "…"
