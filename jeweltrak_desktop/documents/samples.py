"""Sample documents from the demo store, for ``docs/samples/`` (PDFs and first-page PNGs).

``python -m jeweltrak_desktop.documents.samples [--out DIR]`` builds a small demo store in
a temporary folder, adds what makes the documents interesting through the real services
(a sale with a discount, a trade-in and a return; photos; work-order notes, a vendor cost
and a deposit; a drawer close), then writes every document and its first page as PNG.
"""

from __future__ import annotations

import argparse
import random
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from uuid import UUID

from PIL import Image, ImageDraw

from jeweltrak_core.appraisals.entities import Appraisal, AppraisalLine
from jeweltrak_core.appraisals.rules import AppraisalPurpose
from jeweltrak_core.contacts.entities import Contact
from jeweltrak_core.ids import new_id
from jeweltrak_core.inventory.entities import Piece
from jeweltrak_core.inventory.stock import PieceStatus
from jeweltrak_core.memos.entities import CustomerMemo
from jeweltrak_core.payments.drawer import ZReport, expected_in_drawer
from jeweltrak_core.payments.entities import Deposit, DrawerSession, Payment
from jeweltrak_core.payments.rules import Tender
from jeweltrak_core.sales.entities import Invoice
from jeweltrak_core.sales.tax import LineKind
from jeweltrak_core.store.entities import Store
from jeweltrak_core.work_orders.entities import WorkOrder
from jeweltrak_core.work_orders.rules import WorkOrderType
from jeweltrak_desktop.demo import build_demo_store
from jeweltrak_desktop.documents.appraisal import render_appraisal
from jeweltrak_desktop.documents.context import DocumentContext
from jeweltrak_desktop.documents.memo_agreement import render_memo_agreement
from jeweltrak_desktop.documents.photos import prepare_photo
from jeweltrak_desktop.documents.quote import QuoteLine, render_quote
from jeweltrak_desktop.documents.receipt import render_invoice, render_receipt
from jeweltrak_desktop.documents.work_order import CopyKind, render_work_order
from jeweltrak_desktop.documents.z_report import render_z_report
from jeweltrak_desktop.services import appraisals, payments, sales, work_orders
from jeweltrak_desktop.services.local_store import LocalStore
from jeweltrak_desktop.store.schema import table_of

SAMPLES_DIR = Path(__file__).resolve().parents[2] / "docs" / "samples"
PNG_DPI = 80


def make_sample_photo(path: Path, *, width: int = 3000, height: int = 2000, seed: int = 0
                      ) -> Path:
    """A stand-in for a phone photo of a ring: gradient, band, stone and grain.

    The grain is drawn coarse enough (a grain per ~1/1000 of the width) to survive the
    downscale to 1200 px, so a prepared copy weighs what a real photo's does (~200 KB).
    """
    rng = random.Random(seed)
    base = Image.linear_gradient("L").resize((width, height)).convert("RGB")
    tint = Image.new("RGB", (width, height), (rng.randrange(150, 230), rng.randrange(140, 210),
                                               rng.randrange(120, 200)))
    image = Image.blend(base, tint, 0.6)
    draw = ImageDraw.Draw(image)
    cx, cy, r = width // 2, height // 2, min(width, height) // 3
    draw.ellipse((cx - r, cy - r // 2, cx + r, cy + r // 2), outline=(212, 175, 55),
                 width=max(4, r // 6))
    draw.polygon([(cx, cy - r // 2 - r // 3), (cx - r // 5, cy - r // 2),
                  (cx + r // 5, cy - r // 2)], fill=(225, 235, 245))
    grain = max(1, width // 1000)
    noise = Image.effect_noise((width // grain, height // grain), 40).resize((width, height))
    image = Image.blend(image, noise.convert("RGB"), 0.25)
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, "JPEG", quality=92)
    return path


@dataclass
class SampleInputs:
    """Everything the sample documents are made from."""

    ctx: DocumentContext
    salesperson: str
    invoice: Invoice
    invoice_customer: Contact | None
    invoice_payments: list[Payment]
    pieces: dict[UUID, Piece]
    appraisal: Appraisal
    appraisal_customer: Contact | None
    work_order: WorkOrder
    work_order_customer: Contact | None
    vendor_name: str
    deposits: list[Deposit]
    quote_order: WorkOrder
    quote_customer: Contact | None
    quote_lines: list[QuoteLine]
    memo: CustomerMemo
    memo_customer: Contact | None
    z_report: ZReport
    drawer: DrawerSession | None
    extra: dict[str, str] = field(default_factory=dict)


def _sale(store: LocalStore, customer: Contact, stock: list[Piece]) -> Invoice:
    """An exchange: two pieces (one discounted), a trade-in, and the return of an old sale."""
    with store.reader() as repo:
        earlier = repo.list(Invoice, table_of(Invoice).table.c.status == "finalized")
    # Return the cheapest earlier piece, so the exchange still leaves something to pay.
    returned = min((ln for inv in earlier for ln in inv.lines if ln.kind is LineKind.PIECE),
                   key=lambda ln: ln.amount_cents)
    stock = sorted(stock, key=lambda p: -p.retail_cents)
    invoice = sales.new_invoice(store, contact_id=customer.id)
    invoice = sales.add_piece(store, invoice.id, stock[0].stock_id)
    invoice = sales.add_piece(store, invoice.id, stock[1].stock_id)
    first = invoice.lines[0]
    invoice = sales.adjust_line(store, invoice.id, first.id, 25_000)
    invoice = sales.set_trade_concession(store, invoice.id, first.id, 12_345)
    invoice = sales.add_trade_in(store, invoice.id, description="Customer's 14K gold chain, 18 in",
                                 allowance_cents=40_000, actual_value_cents=26_789)
    invoice = sales.add_return(store, invoice.id, returned.id)
    invoice = sales.finalize_invoice(store, invoice.id)
    if invoice.balance_cents > 0:
        payments.take_payment(store, invoice.id, tender=Tender.CHECK,
                              amount_cents=invoice.balance_cents - 10_000, check_number="2044")
        payments.take_cash(store, invoice.id, 12_000)
    elif invoice.balance_cents < 0:
        payments.pay_out(store, invoice.id, -invoice.balance_cents, tender=Tender.STORE_CREDIT)
    return sales.get_invoice(store, invoice.id)


def _appraisal(store: LocalStore, customer: Contact, photo_dir: Path, work_dir: Path
               ) -> Appraisal:
    photos = [prepare_photo(make_sample_photo(work_dir / f"phone-{n}.jpg", seed=n), photo_dir)
              for n in range(4)]
    lines = [
        AppraisalLine(id=new_id(), description="Platinum solitaire engagement ring, "
                      "six-prong cathedral setting", value_cents=1_250_000, metal="platinum",
                      weight_g=Decimal("5.20"), measurements="ring size 6, shank 2.1 mm",
                      stone_shape="round brilliant", stone_carat=Decimal("1.01"),
                      stone_color="G", stone_clarity="VS1", stone_cut="Excellent",
                      certificate_no="GIA 2141438167", marks="PT950, maker's mark “JT”",
                      condition="Excellent; light wear on the shank", position=0,
                      photos=[str(p) for p in photos[:2]]),
        AppraisalLine(id=new_id(), description="18K yellow gold tennis bracelet with 42 round "
                      "diamonds", value_cents=685_000, metal="18K yellow gold",
                      weight_g=Decimal("14.35"), measurements="7 in × 3.1 mm",
                      stone_shape="round", stone_carat=Decimal("3.15"), stone_color="F–G",
                      stone_clarity="VS2–SI1", marks="750", condition="Very good; clasp tight",
                      position=1, photos=[str(p) for p in photos[2:]]),
    ]
    draft = appraisals.create_appraisal(
        store, purpose=AppraisalPurpose.INSURANCE, appraisal_date=date.today(),
        contact_id=customer.id, appraiser_name="Dana Reyes",
        appraiser_credentials="GIA Graduate Gemologist, ASA", lines=lines,
        notes="Examined in the store with the client present.",
    )
    return appraisals.finalize_appraisal(store, draft.id)


def _work_order(store: LocalStore, order: WorkOrder, vendor: Contact, photo_dir: Path,
                work_dir: Path) -> tuple[WorkOrder, list[Deposit]]:
    work_orders.update_work_order(store, order.id, instructions="Size down from 8 to 6; "
                                  "re-tip the four prongs; polish and rhodium.",
                                  price_cents=14_500, vendor_cost_cents=3_800,
                                  outside_vendor_id=vendor.id, location="Safe, tray 3")
    work_orders.add_note(store, order.id, "Prong at 3 o'clock worn thin; check all before "
                         "sizing. Customer was not told of the thin prong yet.", internal=True)
    work_orders.add_note(store, order.id, "Customer asked for a call before any extra work.",
                         internal=False)
    photo = prepare_photo(make_sample_photo(work_dir / "intake.jpg", seed=9), photo_dir)
    work_orders.attach_photo(store, order.id, photo.name, kind="intake",
                             caption="at intake, top view")
    deposit = payments.take_deposit(store, contact_id=order.contact_id, amount_cents=5_000,
                                    tender=Tender.CASH, work_order_id=order.id)
    found = work_orders.get_work_order(store, order.id)
    assert found is not None
    return found, [deposit]


def _close_drawer(store: LocalStore) -> tuple[ZReport, DrawerSession | None]:
    session = payments.current_drawer(store)
    assert session is not None
    with store.reader() as repo:
        expected = expected_in_drawer(session.opening_float_cents,
                                      repo.payments_for(drawer_session_id=session.id))
    counted = dict(expected)
    counted[Tender.CASH.value] -= 200  # two dollars short, as happens
    report = payments.close_drawer(store, counted)
    with store.reader() as repo:
        return report, repo.get(DrawerSession, session.id)


def build_sample_inputs(store: LocalStore, work_dir: Path) -> SampleInputs:
    """Make the sample records in a demo store built with history (it is changed)."""
    photo_dir = work_dir / "photos"
    with store.reader() as repo:
        settings = repo.get(Store, store.identity.store_id)
        contacts = repo.list(Contact, table_of(Contact).table.c.is_customer.is_(True), limit=60)
        vendor = repo.list(Contact, table_of(Contact).table.c.is_vendor.is_(True), limit=1)[0]
        stock = repo.list(Piece, table_of(Piece).table.c.status == PieceStatus.IN_STOCK.value,
                          limit=40)
        memo = repo.list(CustomerMemo, limit=1)[0]
        order = repo.list(WorkOrder, limit=1)[0]
    assert settings is not None
    ctx = DocumentContext.for_store(settings, photo_root=photo_dir)
    customer = next((c for c in contacts if not c.last_name.isascii()), contacts[0])
    invoice = _sale(store, customer, stock)
    appraisal = _appraisal(store, contacts[1], photo_dir, work_dir)
    order, deposits = _work_order(store, order, vendor, photo_dir, work_dir)
    quote_order = work_orders.open_work_order(
        store, contact_id=contacts[2].id, type=WorkOrderType.CUSTOM, estimate_cents=480_000,
        item_description="Custom 18K rose gold halo ring for the client's 1.20 ct oval sapphire",
        instructions="CAD from the client's sketch; approve wax before casting.",
        promised_date=date.today(), warranty_days=365,
    )
    z, drawer = _close_drawer(store)
    with store.reader() as repo:
        def contact(contact_id: UUID | None) -> Contact | None:
            return repo.get(Contact, contact_id) if contact_id else None

        piece_ids = {ln.piece_id for ln in invoice.lines if ln.piece_id}
        piece_ids |= {ln.piece_id for ln in memo.lines}
        pieces = {pid: p for pid in piece_ids if (p := repo.get(Piece, pid)) is not None}
        return SampleInputs(
            ctx=ctx, salesperson=store.actor.name, invoice=invoice,
            invoice_customer=contact(invoice.contact_id),
            invoice_payments=repo.payments_for(invoice_id=invoice.id), pieces=pieces,
            appraisal=appraisal, appraisal_customer=contact(appraisal.contact_id),
            work_order=order, work_order_customer=contact(order.contact_id),
            vendor_name=vendor.display_name, deposits=deposits, quote_order=quote_order,
            quote_customer=contact(quote_order.contact_id),
            quote_lines=[QuoteLine("CAD design and wax model", 35_000),
                         QuoteLine("18K rose gold casting, about 6 g", 210_000),
                         QuoteLine("Halo of 18 round diamonds, 0.36 ct total", 165_000),
                         QuoteLine("Setting the client's sapphire and finishing", 70_000)],
            memo=memo, memo_customer=contact(memo.contact_id), z_report=z, drawer=drawer,
        )


def render_samples(inputs: SampleInputs) -> dict[str, bytes]:
    """Every sample document by file name."""
    ctx = inputs.ctx
    docs = {
        name: render(inputs.invoice, ctx=ctx, customer=inputs.invoice_customer,
                     salesperson=inputs.salesperson, payments=inputs.invoice_payments,
                     pieces=inputs.pieces)
        for name, render in (("receipt.pdf", render_receipt), ("invoice.pdf", render_invoice))
    }
    docs["appraisal.pdf"] = render_appraisal(inputs.appraisal, ctx=ctx,
                                             customer=inputs.appraisal_customer)
    for copy in CopyKind:
        docs[f"work_order_{copy.value}.pdf"] = render_work_order(
            inputs.work_order, ctx=ctx, copy=copy, customer=inputs.work_order_customer,
            technician="Sam Ortiz", vendor=inputs.vendor_name, deposits=inputs.deposits)
    docs["quote.pdf"] = render_quote(inputs.quote_order, ctx=ctx, customer=inputs.quote_customer,
                                     lines=inputs.quote_lines, deposit_cents=240_000)
    docs["memo_agreement.pdf"] = render_memo_agreement(
        inputs.memo, ctx=ctx, customer=inputs.memo_customer, pieces=inputs.pieces)
    docs["z_report.pdf"] = render_z_report(inputs.z_report, ctx=ctx, session=inputs.drawer,
                                           workstation="DA", closed_by=inputs.salesperson)
    return docs


def render_png(pdf: Path, png: Path, *, dpi: int = PNG_DPI) -> Path:
    """The first page of ``pdf`` as ``png`` (needs poppler's pdftoppm)."""
    tool = shutil.which("pdftoppm")
    if tool is None:
        raise FileNotFoundError("pdftoppm (poppler-utils) is needed to render PNGs")
    subprocess.run([tool, "-png", "-r", str(dpi), "-f", "1", "-l", "1", "-singlefile",
                    str(pdf), str(png.with_suffix(""))], check=True, capture_output=True)
    return png


def write_samples(docs: dict[str, bytes], out_dir: Path, *, png: bool = True) -> list[Path]:
    """Write the PDFs (and their first-page PNGs) into ``out_dir``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, data in docs.items():
        pdf = out_dir / name
        pdf.write_bytes(data)
        written.append(pdf)
        if png:
            written.append(render_png(pdf, pdf.with_suffix(".png")))
    return written


def main(argv: list[str] | None = None) -> int:
    """Build a demo store in a temporary folder and write the samples."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--out", type=Path, default=SAMPLES_DIR)
    parser.add_argument("--no-png", action="store_true")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="jeweltrak-samples-") as temp:
        work = Path(temp)
        store = build_demo_store(work / "demo.sqlite3", pieces=200, contacts=60, history=True)
        try:
            inputs = build_sample_inputs(store, work)
            written = write_samples(render_samples(inputs), args.out, png=not args.no_png)
        finally:
            store.close()
    for path in written:
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
