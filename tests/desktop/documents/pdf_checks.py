"""Reading generated PDFs back: text, where each line of text starts and ends, fonts, PNGs."""

from __future__ import annotations

import io
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from reportlab.pdfbase import pdfmetrics

from jeweltrak_desktop.documents.fonts import FALLBACK, MONO, SANS, SANS_BOLD, ensure_fonts

#: The embedded subsets' base names and the fonts registered under them.
_FONT_FILES = {
    "DejaVuSans": SANS,
    "DejaVuSans-Bold": SANS_BOLD,
    "DejaVuSansMono": MONO,
    "DroidSansFallback": FALLBACK,
}
BASE14 = {
    "Courier", "Courier-Bold", "Courier-Oblique", "Courier-BoldOblique", "Helvetica",
    "Helvetica-Bold", "Helvetica-Oblique", "Helvetica-BoldOblique", "Times-Roman", "Times-Bold",
    "Times-Italic", "Times-BoldItalic", "Symbol", "ZapfDingbats",
}


def pdf_text(data: bytes) -> str:
    """All the text of a PDF, pages joined."""
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


def flat_text(data: bytes) -> str:
    """The text with every run of whitespace (line breaks from wrapping too) as one space."""
    return " ".join(pdf_text(data).split())


def page_count(data: bytes) -> int:
    return len(PdfReader(io.BytesIO(data)).pages)


def page_sizes(data: bytes) -> list[tuple[float, float]]:
    return [(float(p.mediabox.width), float(p.mediabox.height))
            for p in PdfReader(io.BytesIO(data)).pages]


@dataclass(frozen=True)
class TextExtent:
    """A run of text and the box it spans horizontally, in points from the page's left edge."""

    page: int
    text: str
    x0: float
    x1: float
    y: float


def _font_name(font: Any) -> str:
    base = str(font.get("/BaseFont", "")).lstrip("/")
    return base.split("+", 1)[-1]


def text_extents(data: bytes) -> list[TextExtent]:
    """Where every shown string starts and ends.

    pypdf reports each text run with the matrices in force at its line's start; runs that
    share a start are one line set in several fonts (the CJK fallback), so their widths —
    measured with the same embedded fonts — add up.
    """
    ensure_fonts()
    extents: list[TextExtent] = []
    for number, page in enumerate(PdfReader(io.BytesIO(data)).pages, start=1):
        groups: dict[tuple[float, ...], list[tuple[str, str, float]]] = {}

        def visit(text: str, cm: list[float], tm: list[float], font: Any, size: float,
                  groups: dict[tuple[float, ...], list[tuple[str, str, float]]] = groups) -> None:
            if not text.strip("\n") or font is None:
                return
            name = _font_name(font)
            if name not in _FONT_FILES:
                raise AssertionError(f"text {text!r} is set in {name}, not an embedded font")
            group = groups.setdefault(tuple(cm) + tuple(tm), [])
            # pypdf may put a space before a wrapped line's text that was never drawn;
            # measuring without it keeps right-aligned lines from looking too long.
            shown = text.rstrip("\n")
            group.append((shown if group else shown.lstrip(), _FONT_FILES[name], size))

        page.extract_text(visitor_text=visit)
        for key, runs in groups.items():
            cm, tm = key[:6], key[6:]
            scale = cm[0] * tm[0]
            x0 = cm[0] * tm[4] + cm[2] * tm[5] + cm[4]
            y = cm[1] * tm[4] + cm[3] * tm[5] + cm[5]
            width = sum(pdfmetrics.stringWidth(t, f, s) for t, f, s in runs) * scale
            extents.append(TextExtent(number, "".join(t for t, _, _ in runs), x0, x0 + width, y))
    return extents


def overflowing_text(data: bytes, margin: float) -> list[TextExtent]:
    """Text that comes closer than ``margin`` points to a page edge (or crosses it)."""
    sizes = page_sizes(data)
    bad = []
    for extent in text_extents(data):
        width, height = sizes[extent.page - 1]
        if (extent.x0 < margin - 0.5 or extent.x1 > width - margin + 0.5
                or not 0 < extent.y < height):
            bad.append(extent)
    return bad


def _resource(page: Any, kind: str) -> Any:
    """A page's /Font or /XObject dictionary (resolved), or an empty dict."""
    resources = page.get("/Resources")
    found = resources.get_object().get(kind) if resources is not None else None
    return found.get_object() if found is not None else {}


def font_problems(data: bytes) -> list[str]:
    """Fonts of any page that are not embedded TrueType subsets (base-14 or otherwise)."""
    problems = []
    for number, page in enumerate(PdfReader(io.BytesIO(data)).pages, start=1):
        for key, ref in _resource(page, "/Font").items():
            font = ref.get_object()
            name = _font_name(font)
            descriptor = font.get("/FontDescriptor")
            embedded = descriptor is not None and "/FontFile2" in descriptor.get_object()
            if name in BASE14 or not embedded:
                problems.append(f"page {number} {key}: {name} (embedded={embedded})")
    return problems


def embedded_font_names(data: bytes) -> set[str]:
    names: set[str] = set()
    for page in PdfReader(io.BytesIO(data)).pages:
        names |= {_font_name(f.get_object()) for f in _resource(page, "/Font").values()}
    return names


def image_count(data: bytes) -> int:
    """Image XObjects across pages."""
    count = 0
    for page in PdfReader(io.BytesIO(data)).pages:
        count += sum(1 for x in _resource(page, "/XObject").values()
                     if x.get_object().get("/Subtype") == "/Image")
    return count


def require_pdftoppm() -> str:
    tool = shutil.which("pdftoppm")
    if tool is None:
        pytest.skip("pdftoppm (Debian package poppler-utils) is not installed: "
                    "PDFs cannot be rendered to PNG here")
    return tool


def render_pages(data: bytes, folder: Path, *, dpi: int = 60, first: int | None = None,
                 last: int | None = None) -> list[Path]:
    """Render the PDF's pages to PNG files with pdftoppm; fails if pdftoppm does."""
    tool = require_pdftoppm()
    folder.mkdir(parents=True, exist_ok=True)
    pdf = folder / "doc.pdf"
    pdf.write_bytes(data)
    args = [tool, "-png", "-r", str(dpi)]
    if first is not None:
        args += ["-f", str(first)]
    if last is not None:
        args += ["-l", str(last)]
    result = subprocess.run([*args, str(pdf), str(folder / "page")], capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, f"pdftoppm failed: {result.stderr}"
    return sorted(folder.glob("page*.png"))
