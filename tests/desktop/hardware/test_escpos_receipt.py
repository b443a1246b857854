"""The ESC/POS receipt, byte for byte, through python-escpos's Dummy printer.

The expected bytes are spelled out from the ESC/POS command set (ESC @ initialise, ESC t
code page, ESC ! print mode, ESC E bold, ESC a justification, GS k barcode, ESC d feed,
GS V cut, ESC p drawer pulse), not captured from the code under test.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

import pytest
from escpos.printer import Dummy  # type: ignore[import-untyped]

from jeweltrak_core.payments.entities import Payment
from jeweltrak_core.payments.rules import Tender
from jeweltrak_core.sales.entities import Invoice, InvoiceLine
from jeweltrak_core.sales.invoice_state import InvoiceStatus
from jeweltrak_core.sales.tax import LineKind
from jeweltrak_core.store.entities import Store
from jeweltrak_desktop.hardware.escpos_receipt import (
    printable_text,
    receipt_needs_drawer,
    render_receipt,
    tender_label,
)

from .conftest import STORE_ID, card, cash, make_invoice, piece_line, uid

ESC, GS = b"\x1b", b"\x1d"
INIT = ESC + b"@"
CODEPAGE_437 = ESC + b"t\x00"
NORMAL_SIZE = ESC + b"!\x00"
DOUBLE_HEIGHT = ESC + b"!\x10"
BOLD_ON, BOLD_OFF = ESC + b"E\x01", ESC + b"E\x00"
LEFT, CENTER = ESC + b"a\x00", ESC + b"a\x01"
FEED_6 = ESC + b"d\x06"
FULL_CUT = GS + b"V\x00"
#: ESC p m t1 t2: pulse on connector pin 2 (m=0), 50×2 ms on, 50×2 ms off.
DRAWER_PIN_2 = ESC + b"p\x00" + bytes([50, 50])


def code128(data: bytes) -> bytes:
    """GS k, function B, CODE128 (73), centred, 64 dots high, 2-dot modules, text below."""
    return (
        CENTER
        + GS + b"h" + bytes([64])
        + GS + b"w" + bytes([2])
        + GS + b"f\x00"  # human-readable text in font A
        + GS + b"H\x02"  # ... below the bars
        + GS + b"k" + bytes([73, len(data)]) + data
    )  # fmt: skip


def spaced(left: str, right: str, gap: int) -> bytes:
    """One receipt row: ``left``, ``gap`` spaces, ``right`` (CP437)."""
    return (left + " " * gap + right + "\n").encode("cp437")


EXPECTED_CASH_RECEIPT = (
    INIT
    + CODEPAGE_437
    + NORMAL_SIZE + NORMAL_SIZE + DOUBLE_HEIGHT + BOLD_ON + CENTER
    + b"Demo Fine Jewelers\n"
    + NORMAL_SIZE + NORMAL_SIZE + NORMAL_SIZE + BOLD_OFF
    + b"100 Main Street, Sarasota, FL 34236\n"
    + b"(941) 555-0100\n"
    + b"Tax # FL-78-8012345678-9\n"
    + b"\n"
    + LEFT
    + spaced("Invoice DA-1001", "06/14/2025 2:30 PM", 15)
    + b"Salesperson: Maria Lopez\n"
    + b"Customer: Garc\xa1a, Ana\n"  # í is 0xA1 in code page 437
    + b"-" * 48 + b"\n"
    # 38 characters of description, a space, 9 of amount: exactly 48 columns.
    + b"D100001 14K yellow gold solitaire ring $3,000.00\n"
    + b"-" * 48 + b"\n"
    + spaced("Subtotal", "$3,000.00", 31)
    + spaced("Tax 6% + 1% surtax", "$210.00", 23)
    + BOLD_ON + spaced("TOTAL", "$3,210.00", 34) + BOLD_OFF
    + spaced("Cash", "$3,300.00", 35)  # what was handed over
    + spaced("Change due", "$90.00", 32)
    + spaced("Balance", "$0.00", 36)
    + b"\n"
    + CENTER + b"All sales final after 30 days.\n"
    + b"\n"
    + code128(b"{BDA-1001")  # "{B": Code128 set B, then the invoice number
    + FEED_6 + FULL_CUT
)  # fmt: skip


def render(
    store: Store, invoice: Invoice, payments: list[Payment], when: datetime, **kw: Any
) -> bytes:
    """The receipt as bytes from python-escpos's Dummy printer."""
    printer = Dummy()
    kw.setdefault("salesperson", "Maria Lopez")
    kw.setdefault("customer_name", "García, Ana")
    render_receipt(printer, store, invoice, payments, now_local=when, **kw)
    return bytes(printer.output)


def text_lines(output: bytes) -> list[str]:
    """The printed lines with every ESC/GS command removed (CP437 decoded)."""
    plain = re.sub(rb"\x1b[!Eat].|\x1b[@]|\x1dV.|\x1bd.|\x1d[hwfH].|\x1dkI.", b"", output)
    return plain.decode("cp437").split("\n")


def test_cash_sale_receipt_is_exactly_the_expected_escpos_bytes(
    shop: Store, sale_time: datetime
) -> None:
    invoice = make_invoice([piece_line("D100001 14K yellow gold solitaire ring", 300_000)])
    assert (invoice.tax_cents, invoice.total_cents) == (21_000, 321_000)

    output = render(shop, invoice, [cash(321_000, change_cents=9_000)], sale_time)

    assert output == EXPECTED_CASH_RECEIPT
    assert output.endswith(FEED_6 + FULL_CUT)
    assert DRAWER_PIN_2 not in output, "the drawer pulse belongs to the printer job, not render"


def test_every_row_fits_the_paper_width(shop: Store, sale_time: datetime) -> None:
    invoice = make_invoice([piece_line("D100001 14K yellow gold solitaire ring", 300_000)])
    for columns in (48, 32):
        lines = text_lines(render(shop, invoice, [cash(321_000)], sale_time, columns=columns))
        assert max(len(line) for line in lines) <= columns, columns


def test_drawer_opens_when_cash_changes_hands_only() -> None:
    assert receipt_needs_drawer([cash(5_000)])
    assert receipt_needs_drawer([card(3_000), cash(2_000, change_cents=100)])
    assert receipt_needs_drawer([cash(-2_000)]), "a cash refund is paid out of the drawer"
    assert not receipt_needs_drawer([card(5_000)])
    assert not receipt_needs_drawer([])
    check = Payment(
        id=uid(1), store_id=STORE_ID, tender=Tender.CHECK, amount_cents=100, check_number="501"
    )
    assert not receipt_needs_drawer([check])


def test_cards_print_brand_and_last_four_and_nothing_else(shop: Store, sale_time: datetime) -> None:
    invoice = make_invoice([piece_line("D100001 Ring", 300_000)])
    # A record polluted with a whole card number and digits in the brand still prints only
    # the brand's letters and the last four digits.
    polluted = card(200_000, brand="visa 4111", last4="4000 0566 5566 5556")
    clean = card(121_000, brand="mastercard", last4="4444")
    output = render(shop, invoice, [polluted, clean], sale_time)
    text = output.decode("cp437")

    assert "Visa ending 5556" in text
    assert "Mastercard ending 4444" in text
    for secret in ("pi_3PqSecretIntent", "ch_3PqSecretCharge", "4111", "0566", "5566", "4000"):
        assert secret not in text
    lines = text_lines(output)
    tenders = lines[next(i for i, line in enumerate(lines) if line.startswith("TOTAL")) + 1 :]
    assert tenders[:2] == [
        "Visa ending 5556" + " " * 23 + "$2,000.00",
        "Mastercard ending 4444" + " " * 17 + "$1,210.00",
    ]
    assert not any(re.search(r"\d{5,}", line) for line in tenders), "no long digit runs"
    assert tender_label(card(100, brand=None, last4=None)) == "Card"
    assert tender_label(card(-100, brand="amex", last4="0005")) == (
        "Refund: American Express ending 0005"
    )


def test_discount_trade_in_and_return_print_as_signed_amounts_without_hidden_values(
    shop: Store, sale_time: datetime
) -> None:
    sold = InvoiceLine(
        id=uid(1),
        kind=LineKind.PIECE,
        description="D100001 Ring",
        unit_price_cents=300_000,
        adjustment_cents=10_000,
        amount_cents=290_000,
        trade_concession_cents=7_777,
        position=0,
    )
    trade_in = InvoiceLine(
        id=uid(2),
        kind=LineKind.TRADE_IN,
        description="Customer's 10K class ring",
        unit_price_cents=50_000,
        amount_cents=-50_000,
        actual_trade_value_cents=35_000,
        position=1,
    )
    returned = InvoiceLine(
        id=uid(3),
        kind=LineKind.RETURN,
        description="D100009 Pendant",
        quantity=-1,
        unit_price_cents=40_000,
        adjustment_cents=2_000,
        amount_cents=-38_000,
        position=2,
    )
    chains = InvoiceLine(
        id=uid(4),
        kind=LineKind.QUANTITY,
        description="Q200 Rope chain",
        quantity=3,
        unit_price_cents=4_500,
        amount_cents=13_500,
        position=3,
    )
    invoice = make_invoice([sold, trade_in, returned, chains])
    lines = text_lines(render(shop, invoice, [card(invoice.total_cents)], sale_time))

    assert lines[lines.index("-" * 48) + 1 : lines.index("-" * 48, 12)] == [
        "D100001 Ring" + " " * 27 + "$3,000.00",
        "  Discount" + " " * 30 + "-$100.00",
        "Trade-in: Customer's 10K class ring" + " " * 5 + "-$500.00",
        "Return: D100009 Pendant" + " " * 17 + "-$400.00",
        "  Less discount given" + " " * 21 + "$20.00",
        "Q200 Rope chain" + " " * 26 + "$135.00",
        "  3 @ $45.00",
    ]
    joined = "\n".join(lines)
    assert "$350.00" not in joined, "the trade-in's real value is hidden from the customer"
    assert "$77.77" not in joined, "the trade concession is hidden from the customer"


def test_balance_due_credit_and_refund_rows(shop: Store, sale_time: datetime) -> None:
    invoice = make_invoice([piece_line("D100001 Ring", 100_000)], paid_cents=50_000)
    lines = text_lines(render(shop, invoice, [card(50_000)], sale_time))
    assert "Balance due" + " " * 30 + "$570.00" in lines

    overpaid = make_invoice([piece_line("D100001 Ring", 100_000)], paid_cents=120_000)
    lines = text_lines(render(shop, overpaid, [card(120_000)], sale_time))
    assert "Due to customer" + " " * 26 + "$130.00" in lines


def test_non_latin_long_and_hostile_text_prints_sensibly(shop: Store, sale_time: datetime) -> None:
    long = "Bague en or 18 carats sertie de diamants " * 6
    lines_in = [
        piece_line("D1 Collar de perlas — Peña “Niña” São Paulo", 100_000, position=0),
        piece_line("D2 翡翠手镯 jade bangle Łódź Őrség", 100_000, position=1),
        piece_line(long, 100_000, position=2),
        # An ESC p and a GS V hidden in a description must not open the drawer or cut.
        piece_line("D4 ring\x1bp\x00\x19\xfa\x1dV\x00\nsecond line\tx", 100_000, position=3),
    ]
    invoice = make_invoice(lines_in)
    store = Store(id=STORE_ID, name="Joyería Pérez 北京", code="D", cost_code="MAKEPROFIT")
    output = render(store, invoice, [card(invoice.total_cents)], sale_time)

    assert output.count(ESC + b"p") == 0
    assert output.count(GS + b"V") == 1
    lines = text_lines(output)
    assert max(len(line) for line in lines) <= 48
    assert "Joyer\xeda P\xe9rez ??" in lines  # í and é in CP437, CJK as "?"
    assert lines[lines.index("-" * 48) + 1].startswith('D1 Collar de perlas - Pe\xf1a "Ni\xf1a" S')
    assert any(line.startswith("D2 ???? jade bangle L\xf3dz Ors\xe9g") for line in lines)
    long_rows = [line for line in lines if "Bague" in line or "sertie" in line]
    assert len(long_rows) == 3, "a long description is cut to three lines"
    assert long_rows[-1].endswith("...")
    assert "D4 ring p \xfa V second line x" in "\n".join(lines)


def test_printable_text_keeps_codepage_437_and_replaces_the_rest() -> None:
    assert printable_text("Café ñ ü ß £ ½") == "Café ñ ü ß £ ½"
    assert printable_text("Zoë’s “ring” – 1…2 €5") == 'Zoë\'s "ring" - 1...2 EUR5'
    assert printable_text("中\x00\x1b\n\ttext") == "? text"
    assert printable_text(None) == ""


def test_voided_and_open_invoices_say_so(shop: Store, sale_time: datetime) -> None:
    invoice = make_invoice([piece_line("D100001 Ring", 100_000)])
    invoice.status = InvoiceStatus.VOIDED
    assert "*** VOIDED ***" in text_lines(render(shop, invoice, [], sale_time))
    invoice.status = InvoiceStatus.OPEN
    invoice.finalized_at = None
    lines = text_lines(render(shop, invoice, [], sale_time))
    assert "Open invoice - not a final receipt" in lines
    # No sale date yet: the receipt shows when it was printed.
    assert "Invoice DA-1001" + " " * 15 + "06/14/2025 2:31 PM" in lines


@pytest.mark.parametrize("number", ["DA-1001", "DB-99999"])
def test_barcode_carries_the_invoice_number(shop: Store, sale_time: datetime, number: str) -> None:
    invoice = make_invoice([piece_line("D100001 Ring", 100_000)])
    invoice.number = number
    output = render(shop, invoice, [], sale_time)
    data = b"{B" + number.encode()
    assert code128(data) + FEED_6 + FULL_CUT in output
