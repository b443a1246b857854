"""Show a PDF: the shared preview window when it exists, else save it beside the database."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

from PySide6.QtWidgets import QWidget


def _safe_name(title: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", title).strip("-") or "document"


def save_pdf(pdf: bytes, folder: Path, title: str) -> Path:
    """Write the PDF into ``folder`` under a name made from the title."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{_safe_name(title)}.pdf"
    path.write_bytes(pdf)
    return path


def show_pdf(parent: QWidget, pdf: bytes, title: str, folder: Path) -> Path | None:
    """Preview the PDF (print from there); without a preview window, save it and return where.

    The preview module belongs to the printing screens and may not be there yet, so it is
    imported lazily by name.
    """
    try:
        preview = importlib.import_module("jeweltrak_desktop.ui.printing.preview")
    except ImportError:
        return save_pdf(pdf, folder, title)
    show = getattr(preview, "show_pdf_preview", None)
    if show is None:
        return save_pdf(pdf, folder, title)
    show(parent, pdf, title)
    return None
