"""Records to print, made in memory from the core dataclasses (no database needed).

The names are deliberately not all Latin (José Núñez 中山) and the hidden figures are
distinctive amounts ($123.45 concession, $267.89 actual trade value, $38.00 vendor cost)
so a test can tell for sure that they never reach paper.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from jeweltrak_core.appraisals.entities import Appraisal, AppraisalLine
from jeweltrak_core.appraisals.rules import AppraisalPurpose, AppraisalStatus
from jeweltrak_core.contacts.entities import Contact
from jeweltrak_core.ids import new_id
from jeweltrak_core.inventory.entities import Piece
from jeweltrak_core.inventory.stock import Family
from jeweltrak_core.memos.entities import CustomerMemo, MemoLine
from jeweltrak_core.memos.rules import MemoLineStatus
from jeweltrak_core.payments.drawer import ZReport, z_report
from jeweltrak_core.payments.entities import Deposit, Payment
from jeweltrak_core.payments.rules import Tender
from jeweltrak_core.sales.entities import Invoice, InvoiceLine
from jeweltrak_core.sales.invoice_state import InvoiceStatus
from jeweltrak_core.sales.operations import recompute_totals
from jeweltrak_core.sales.tax import LineKind
from jeweltrak_core.store.entities import Store
from jeweltrak_core.work_orders.entities import WorkOrder, WorkOrderAttachment, WorkOrderNote
from jeweltrak_core.work_orders.rules import WorkOrderType
from jeweltrak_desktop.demo import demo_store_settings
from jeweltrak_desktop.documents.context import DocumentContext
from jeweltrak_desktop.documents.photos import prepare_photo
from jeweltrak_desktop.documents.samples import make_sample_photo

from .records import (
    ACTUAL_TRADE_CENTS,
    CONCESSION_CENTS,
    CUSTOMER_NOTE,
    INTERNAL_NOTE,
    SOLD_AT,
    VENDOR_COST_CENTS,
    MakeAppraisal,
    MakeInvoice,
    appraisal_line,
    invoice_line,
)


@pytest.fixture
def store() -> Store:
    return demo_store_settings(new_id())


@pytest.fixture
def ctx(store: Store, tmp_path: Path) -> DocumentContext:
    return DocumentContext.for_store(store, photo_root=tmp_path / "photos")


@pytest.fixture
def customer() -> Contact:
    return Contact(id=new_id(), first_name="José", last_name="Núñez 中山",
                   phones=["(941) 555-0199"], emails=["jose@example.com"],
                   addresses=["12 Calle Señora, Sarasota, FL 34236"])


@pytest.fixture
def ring(store: Store) -> Piece:
    return Piece(id=new_id(), store_id=store.id, stock_id="D100777", family=Family.JEWELRY,
                 description="14K yellow gold halo ring", category="ring",
                 metal_type="yellow gold", karat=14, metal_weight_g=Decimal("5.2"), size="6.5",
                 set_stones="0.50 ctw round diamonds", retail_cents=300_000)


@pytest.fixture
def diamond(store: Store) -> Piece:
    return Piece(id=new_id(), store_id=store.id, stock_id="D100778", family=Family.DIAMOND,
                 description="1.01 ct round diamond G VS1", shape="round",
                 carat_weight=Decimal("1.01"), color="G", clarity="VS1", cut="Excellent",
                 lab="GIA", certificate_no="2141438167", retail_cents=800_000)


@pytest.fixture
def make_invoice(store: Store) -> MakeInvoice:
    """``make_invoice(lines)``: a finalized invoice with totals computed by the core rules."""

    def make(lines: list[InvoiceLine], *, number: str = "DA-1042", paid: int | None = None
             ) -> Invoice:
        for position, line in enumerate(lines):
            line.position = position
        invoice = Invoice(id=new_id(), store_id=store.id, number=number,
                          status=InvoiceStatus.FINALIZED, tax_rate=store.tax_rate,
                          surtax_rate=store.surtax_rate,
                          surtax_threshold_cents=store.surtax_threshold_cents, lines=lines,
                          created_at=SOLD_AT, finalized_at=SOLD_AT)
        recompute_totals(invoice)
        invoice.paid_cents = invoice.total_cents if paid is None else paid
        return invoice

    return make


@pytest.fixture
def sale(make_invoice: MakeInvoice, ring: Piece, diamond: Piece) -> Invoice:
    """An exchange: a discounted ring (with a hidden concession), a diamond, sizing, a
    trade-in (hidden actual value) and a return."""
    return make_invoice([
        invoice_line(LineKind.PIECE, f"{ring.stock_id} {ring.description}", 300_000,
                     adjustment_cents=25_000, trade_concession_cents=CONCESSION_CENTS,
                     piece_id=ring.id),
        invoice_line(LineKind.PIECE, f"{diamond.stock_id} {diamond.description}", 800_000,
                     piece_id=diamond.id),
        invoice_line(LineKind.SERVICE, "Ring sizing", 4_500),
        invoice_line(LineKind.TRADE_IN, "Customer's 14K chain", 40_000,
                     actual_trade_value_cents=ACTUAL_TRADE_CENTS),
        invoice_line(LineKind.RETURN, "Return: D100001 Sterling silver bangle", 12_000,
                     quantity=-1),
    ], paid=None)


@pytest.fixture
def sale_payments(sale: Invoice, store: Store) -> list[Payment]:
    """Card (Visa 4242), then cash with change for the rest."""
    card = Payment(id=new_id(), store_id=store.id, tender=Tender.CARD,
                   amount_cents=sale.total_cents - 10_000, invoice_id=sale.id,
                   card_brand="visa", card_last4="4242",
                   stripe_payment_intent_id="pi_3Nsecret", stripe_charge_id="ch_3Nsecret")
    cash = Payment(id=new_id(), store_id=store.id, tender=Tender.CASH, amount_cents=10_000,
                   change_given_cents=2_000, invoice_id=sale.id)
    return [card, cash]


@pytest.fixture(scope="session")
def photos(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Four prepared (≤ 1200 px) photos from 3000 × 2000 “phone” shots (made once)."""
    folder = tmp_path_factory.mktemp("photos")
    return [prepare_photo(make_sample_photo(folder / f"raw{n}.jpg", seed=n), folder / "saved")
            for n in range(4)]


@pytest.fixture(scope="session")
def huge_photo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 6000 × 4000 JPEG of about 5 MB, as a good camera saves it (made once)."""
    return make_sample_photo(tmp_path_factory.mktemp("huge") / "IMG_0001.jpg", width=6000,
                             height=4000)


@pytest.fixture
def make_appraisal(store: Store, customer: Contact) -> MakeAppraisal:
    def make(lines: list[AppraisalLine], *, purpose: AppraisalPurpose = AppraisalPurpose.INSURANCE,
             ) -> Appraisal:
        for position, line in enumerate(lines):
            line.position = position
        return Appraisal(id=new_id(), store_id=store.id, number="ADA-7",
                         contact_id=customer.id, purpose=purpose,
                         appraisal_date=date(2025, 3, 5), status=AppraisalStatus.FINALIZED,
                         appraiser_name="Dana Reyes",
                         appraiser_credentials="GIA Graduate Gemologist", lines=lines)

    return make


@pytest.fixture
def ring_appraisal(make_appraisal: MakeAppraisal, photos: list[Path]) -> Appraisal:
    return make_appraisal([
        appraisal_line("Platinum solitaire engagement ring", 1_250_000,
                       [str(p) for p in photos[:2]], metal="platinum",
                       weight_g=Decimal("5.20"), measurements="size 6, shank 2.1 mm",
                       stone_shape="round brilliant", stone_carat=Decimal("1.01"),
                       stone_color="G", stone_clarity="VS1", stone_cut="Excellent",
                       certificate_no="GIA 2141438167", marks="PT950",
                       condition="Excellent"),
        appraisal_line("18K yellow gold tennis bracelet", 685_000, [str(p) for p in photos[2:]],
                       metal="18K yellow gold", weight_g=Decimal("14.35"),
                       condition="Very good"),
    ])


@pytest.fixture
def work_order(store: Store, customer: Contact, photos: list[Path]) -> WorkOrder:
    return WorkOrder(
        id=new_id(), store_id=store.id, number="RDA-12", type=WorkOrderType.REPAIR,
        contact_id=customer.id, item_description="14K white gold band — size down 2",
        instructions="Size from 8 to 6, re-tip four prongs, rhodium", rush=True,
        promised_date=date(2025, 3, 12), estimate_cents=12_000, price_cents=14_500,
        vendor_cost_cents=VENDOR_COST_CENTS, opened_at=SOLD_AT, warranty_days=90,
        notes=[WorkOrderNote(id=new_id(), text=INTERNAL_NOTE, internal=True, created_at=SOLD_AT),
               WorkOrderNote(id=new_id(), text=CUSTOMER_NOTE, internal=False,
                             created_at=SOLD_AT)],
        attachments=[WorkOrderAttachment(id=new_id(), ref=photos[0].name, kind="damage",
                                         caption="worn prong")],
    )


@pytest.fixture
def deposit(store: Store, work_order: WorkOrder) -> Deposit:
    return Deposit(id=new_id(), store_id=store.id, contact_id=work_order.contact_id,
                   amount_cents=5_000, work_order_id=work_order.id)


@pytest.fixture
def memo(store: Store, customer: Contact, ring: Piece, diamond: Piece) -> CustomerMemo:
    return CustomerMemo(
        id=new_id(), store_id=store.id, number="MDA-3", contact_id=customer.id,
        issued_at=SOLD_AT, due_date=date(2025, 3, 19), terms="Net 14",
        lines=[MemoLine(id=new_id(), piece_id=ring.id, price_cents=300_000),
               MemoLine(id=new_id(), piece_id=diamond.id, price_cents=800_000,
                        status=MemoLineStatus.RETURNED)],
    )


@pytest.fixture
def drawer_report(store: Store) -> ZReport:
    payments = [
        Payment(id=new_id(), store_id=store.id, tender=Tender.CASH, amount_cents=45_000),
        Payment(id=new_id(), store_id=store.id, tender=Tender.CHECK, amount_cents=120_000,
                check_number="1001"),
        Payment(id=new_id(), store_id=store.id, tender=Tender.CARD, amount_cents=310_000,
                card_brand="mastercard", card_last4="5454"),
    ]
    return z_report(20_000, payments, {"cash": 64_800, "check": 120_000})
