"""Benchmark of the printed documents (issue 8): how long each PDF takes, and how big.

Figures: the 80 mm receipt and the letter invoice of a sale (p50 ms), the appraisal with
four photos (p50 ms and KB), and the three work-order copies together (p50 ms). The
records come from the demo store through the real services (``documents.samples``): an
exchange with four lines and three tenders, an appraisal of two items with two photos
each (3000 × 2000 “phone” shots saved at 1200 px), a work order with notes and a photo.

Each figure has a floor measured in the same run: reportlab drawing the same number of
text lines (the document's own extracted lines, page by page) on a bare canvas with the
base-14 Helvetica — no layout, no wrapping, no embedded fonts — plus, for documents with
photos, drawing the same JPEG files. The ratio says what layout, font embedding and
fallback cost on top of putting the same ink on the page.

Goals: receipt ≤ 20 ms; appraisal with 4 photos ≤ 100 ms and ≤ 1.5 MB.
Run alone: ``python bench/documents.py [--repeat N]``.
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pypdf import PdfReader
from reportlab.pdfgen.canvas import Canvas

from bench._common import median, percentile, report, time_ms
from jeweltrak_desktop.demo import build_demo_store
from jeweltrak_desktop.documents.appraisal import render_appraisal
from jeweltrak_desktop.documents.receipt import render_invoice, render_receipt
from jeweltrak_desktop.documents.samples import SampleInputs, build_sample_inputs
from jeweltrak_desktop.documents.work_order import render_work_order_copies

LEADING = 11.0


def text_pages(pdf: bytes) -> list[tuple[tuple[float, float], list[str]]]:
    """Each page's size and its non-empty lines of text."""
    pages = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        lines = [line for line in (page.extract_text() or "").splitlines() if line.strip()]
        pages.append(((float(page.mediabox.width), float(page.mediabox.height)), lines))
    return pages


def floor_pdf(pages: Sequence[tuple[tuple[float, float], list[str]]],
              photos: Sequence[str] = ()) -> bytes:
    """The floor: the same lines drawn with Helvetica on a bare canvas (+ the same photos)."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer)
    pending = list(photos)
    for (width, height), lines in pages:
        canvas.setPageSize((width, height))
        canvas.setFont("Helvetica", 9)
        y = height - 20
        for line in lines:
            # Helvetica has no CJK glyphs; the floor only needs the same amount of text.
            canvas.drawString(10, y, line.encode("latin-1", "replace").decode("latin-1"))
            y = max(20.0, y - LEADING)
        for photo in pending[:4]:
            canvas.drawImage(photo, 20, 20, width=144, height=96)
        pending = pending[4:]
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def measure(render: Callable[[], bytes | list[bytes]], repeat: int,
            photos: Sequence[str] = ()) -> tuple[list[float], list[float], int]:
    """Samples of ``render`` and of its floor (built from its own output), and its size."""
    output = render()  # warm-up: fonts registered, caches filled
    documents = output if isinstance(output, list) else [output]
    layouts = [text_pages(doc) for doc in documents]
    floor_photos = list(photos)

    def floor() -> None:
        for layout in layouts:
            floor_pdf(layout, floor_photos)

    floor()
    return time_ms(render, repeat), time_ms(floor, repeat), sum(len(d) for d in documents)


def run(inputs: SampleInputs, repeat: int) -> dict[str, float | int]:
    """Every figure of this benchmark."""
    ctx = inputs.ctx

    def sale(render: Callable[..., bytes]) -> Callable[[], bytes]:
        return lambda: render(inputs.invoice, ctx=ctx, customer=inputs.invoice_customer,
                              salesperson=inputs.salesperson, payments=inputs.invoice_payments,
                              pieces=inputs.pieces)

    photos = [ref for line in inputs.appraisal.lines for ref in line.photos]
    assert len(photos) == 4, "the sample appraisal should carry four photos"
    receipt, receipt_floor, _ = measure(sale(render_receipt), repeat)
    invoice, invoice_floor, _ = measure(sale(render_invoice), repeat // 2)
    appraisal, appraisal_floor, appraisal_bytes = measure(
        lambda: render_appraisal(inputs.appraisal, ctx=ctx, customer=inputs.appraisal_customer),
        repeat // 4, photos)
    work_order, work_order_floor, _ = measure(
        lambda: list(render_work_order_copies(
            inputs.work_order, ctx=ctx, customer=inputs.work_order_customer,
            technician="Sam Ortiz", vendor=inputs.vendor_name, deposits=inputs.deposits,
        ).values()),
        repeat // 6)
    figures: dict[str, float | int] = {"invoice_lines": len(inputs.invoice.lines)}
    for name, samples, floor in (
        ("receipt", receipt, receipt_floor),
        ("invoice", invoice, invoice_floor),
        ("appraisal_4_photos", appraisal, appraisal_floor),
        ("work_order", work_order, work_order_floor),
    ):
        figures[f"{name}_p50_ms"] = median(samples)
        figures[f"{name}_p95_ms"] = percentile(samples, 95)
        figures[f"{name}_floor_p50_ms"] = median(floor)
        figures[f"{name}_ratio_to_floor"] = median(samples) / median(floor)
    figures["appraisal_4_photos_kb"] = appraisal_bytes / 1024
    return figures


def main() -> int:
    """Build the demo records, run the benchmark, write bench/results/documents.json."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--repeat", type=int, default=120)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="jt-bench-documents-") as temp:
        work = Path(temp)
        store = build_demo_store(work / "demo.sqlite3", pieces=300, contacts=60, history=True)
        try:
            figures = run(build_sample_inputs(store, work), args.repeat)
        finally:
            store.close()
    units = {k: "ms" for k in figures if k.endswith("_ms")}
    units.update({"appraisal_4_photos_kb": "KB", "invoice_lines": "lines"})
    report("documents", figures, units)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
