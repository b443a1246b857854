"""The sample documents, made from a demo store through the real services."""

from __future__ import annotations

from pathlib import Path

from jeweltrak_desktop.documents.samples import build_sample_inputs, render_samples, write_samples
from jeweltrak_desktop.services.local_store import LocalStore

from .pdf_checks import flat_text, font_problems, require_pdftoppm

SAMPLE_FILES = [
    "receipt.pdf", "invoice.pdf", "appraisal.pdf", "work_order_counter.pdf",
    "work_order_bench.pdf", "work_order_customer.pdf", "quote.pdf", "memo_agreement.pdf",
    "z_report.pdf",
]


def test_samples_from_the_demo_store(demo_store: LocalStore, tmp_path: Path) -> None:
    inputs = build_sample_inputs(demo_store, tmp_path / "work")
    docs = render_samples(inputs)
    assert sorted(docs) == sorted(SAMPLE_FILES)
    invoice = flat_text(docs["invoice.pdf"])
    assert inputs.invoice.number in invoice
    assert "Trade-in" in invoice and "Return" in invoice and "Discounts" in invoice
    assert "$123.45" not in invoice and "$267.89" not in invoice  # hidden trade figures
    assert "Photo unavailable" not in flat_text(docs["appraisal.pdf"])
    assert "Short $2.00" in flat_text(docs["z_report.pdf"])
    bench = flat_text(docs["work_order_bench.pdf"])
    assert "$" not in bench and inputs.work_order.number in bench
    for name, data in docs.items():
        assert font_problems(data) == [], name

    require_pdftoppm()
    written = write_samples({"receipt.pdf": docs["receipt.pdf"]}, tmp_path / "out")
    assert [p.name for p in written] == ["receipt.pdf", "receipt.png"]
    assert written[1].stat().st_size > 1000
