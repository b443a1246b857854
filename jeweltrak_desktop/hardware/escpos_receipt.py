"""The 80 mm counter receipt as ESC/POS commands, written through a python-escpos printer.

Text is printed in code page 437, the one every ESC/POS printer has in slot 0: accented
Latin letters print as themselves (é, ñ, ü), other letters fall back to their unaccented
form (ő → o) and anything else (中, emoji) prints as "?" — so a line always keeps the
width the layout counted. Control characters in stored text are dropped: a description
containing ESC bytes must not be able to cut the paper or open the drawer.

Cards print as brand and last four only, whatever else the payment record holds.
"""

from __future__ import annotations

import re
import textwrap
import unicodedata
from collections.abc import Iterable, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from jeweltrak_core.money import format_money
from jeweltrak_core.payments.entities import Payment
from jeweltrak_core.payments.rules import Tender
from jeweltrak_core.sales.entities import Invoice, InvoiceLine
from jeweltrak_core.sales.invoice_state import InvoiceStatus
from jeweltrak_core.sales.tax import LineKind
from jeweltrak_core.store.entities import Store

#: The code page the receipt is printed in (ESC t 0).
RECEIPT_CODEPAGE = "CP437"
#: Description lines per invoice line; longer descriptions end in "...".
MAX_DESCRIPTION_LINES = 3

#: Punctuation that is not in CP437 but has an obvious plain stand-in.
_STAND_INS = str.maketrans(
    {
        "“": '"',
        "”": '"',
        "„": '"',
        "‘": "'",
        "’": "'",
        "‚": "'",
        "–": "-",
        "—": "-",
        "−": "-",
        "…": "...",
        "€": "EUR",
        "×": "x",
        "\u00a0": " ",
        # Letters NFKD does not split into a base letter and an accent.
        "Ł": "L",
        "ł": "l",
        "Ø": "O",
        "ø": "o",
        "Đ": "D",
        "đ": "d",
        "Œ": "OE",
        "œ": "oe",
    }
)
_SPACES = re.compile(r"\s+")

_CARD_TENDERS = frozenset({Tender.CARD, Tender.PAYMENT_LINK})
_CARD_BRANDS = {
    "amex": "American Express",
    "american express": "American Express",
    "diners": "Diners Club",
    "discover": "Discover",
    "eftpos_au": "eftpos",
    "interac": "Interac",
    "jcb": "JCB",
    "mastercard": "Mastercard",
    "unionpay": "UnionPay",
    "visa": "Visa",
}
_TENDER_NAMES = {
    Tender.CASH: "Cash",
    Tender.CHECK: "Check",
    Tender.CARD: "Card",
    Tender.PAYMENT_LINK: "Card (payment link)",
    Tender.STORE_CREDIT: "Store credit",
    Tender.GIFT_CARD: "Gift card",
    Tender.WIRE: "Wire/ACH",
    Tender.DEPOSIT: "Deposit applied",
}


def printable_text(text: str | None) -> str:
    """``text`` as the printer can print it in CP437, on one line, without control codes."""
    if not text:
        return ""
    out: list[str] = []
    for char in unicodedata.normalize("NFC", text).translate(_STAND_INS):
        if char.isspace() or unicodedata.category(char).startswith("C"):
            out.append(" ")
        elif _in_codepage(char):
            out.append(char)
        else:
            base = "".join(
                c for c in unicodedata.normalize("NFKD", char) if c.isascii() and c.isprintable()
            )
            out.append(base or "?")
    return _SPACES.sub(" ", "".join(out)).strip()


def _in_codepage(char: str) -> bool:
    try:
        char.encode("cp437")
    except UnicodeEncodeError:
        return False
    return True


def receipt_needs_drawer(payments: Iterable[Payment]) -> bool:
    """True when cash changed hands (taken, given as change or paid out): the drawer opens."""
    return any(
        p.tender is Tender.CASH and (p.amount_cents != 0 or p.change_given_cents != 0)
        for p in payments
    )


def tender_label(payment: Payment) -> str:
    """What a payment line says. Cards: brand and last four only (PRIVACY_PROMISES P3)."""
    name = _TENDER_NAMES.get(payment.tender, "Payment")
    if payment.tender in _CARD_TENDERS:
        brand = _card_brand(payment.card_brand)
        last4 = _last_four(payment.card_last4)
        name = brand or name
        if last4:
            name = f"{name} ending {last4}"
    elif payment.tender is Tender.CHECK and payment.check_number:
        number = printable_text(payment.check_number)[:12]
        name = f"Check #{number}" if number else name
    if payment.amount_cents < 0:
        return f"Refund: {name}"
    return name


def _card_brand(brand: str | None) -> str:
    """A card brand name; letters and spaces only, so no number can ride along."""
    key = (brand or "").strip().lower()
    if key in _CARD_BRANDS:
        return _CARD_BRANDS[key]
    letters = "".join(c for c in key if c.isascii() and (c.isalpha() or c == " "))
    return letters.strip().title()[:20]


def _last_four(value: str | None) -> str:
    """The last four digits, whatever else the field holds."""
    digits = "".join(c for c in (value or "") if c.isascii() and c.isdigit())
    return digits[-4:] if len(digits) >= 4 else ""


# --- layout ---------------------------------------------------------------------------


def _fit(text: str, width: int) -> str:
    """``text`` cut to ``width`` characters, ending in "..." when something was cut."""
    if len(text) <= width:
        return text
    return text[: width - 3] + "..." if width > 3 else text[:width]


def _row(left: str, right: str, columns: int) -> str:
    """``left`` and ``right`` on one line, ``left`` cut to leave a space before ``right``."""
    if not right:
        return _fit(left, columns)
    room = max(columns - len(right) - 1, 0)
    return f"{_fit(left, room):<{room}} {right}"


def _wrapped(text: str, first_width: int, width: int, max_lines: int) -> list[str]:
    """``text`` over at most ``max_lines`` lines; the first may be narrower than the rest."""
    lines = textwrap.wrap(text, first_width, break_long_words=True) or [""]
    head, rest = lines[0], " ".join(lines[1:])
    tail = textwrap.wrap(rest, width, break_long_words=True) if rest else []
    if max_lines > 1 and len(tail) > max_lines - 1:
        tail = tail[: max_lines - 1]
        tail[-1] = _fit(tail[-1] + "...", width)
    return [head, *tail]


def _when(invoice: Invoice, now_local: datetime) -> str:
    """The sale's date and time in the store's local time (``now_local`` carries its zone)."""
    moment = invoice.finalized_at or invoice.created_at
    if moment is None or moment.tzinfo is None or now_local.tzinfo is None:
        moment = now_local
    else:
        moment = moment.astimezone(now_local.tzinfo)
    hour = moment.hour % 12 or 12
    half = "AM" if moment.hour < 12 else "PM"
    return f"{moment.month:02d}/{moment.day:02d}/{moment.year} {hour}:{moment.minute:02d} {half}"


def _percent(rate: Decimal) -> str:
    """0.06 → "6%", 0.0725 → "7.25%"."""
    return f"{(rate * 100).normalize():f}%"


def _line_rows(line: InvoiceLine, columns: int) -> list[str]:
    """An invoice line: description with its amount, then quantity and discount rows."""
    description = printable_text(line.description) or "Item"
    if line.kind is LineKind.TRADE_IN:
        description, main, adjustment = f"Trade-in: {description}", line.amount_cents, 0
    else:
        main = line.quantity * line.unit_price_cents
        adjustment = line.amount_cents - main
        if line.kind is LineKind.RETURN:
            description = f"Return: {description}"
    amount = format_money(main)
    rows = _wrapped(description, columns - len(amount) - 1, columns - 2, MAX_DESCRIPTION_LINES)
    out = [_row(rows[0], amount, columns)] + [f"  {r}" for r in rows[1:]]
    if abs(line.quantity) > 1:
        out.append(f"  {line.quantity} @ {format_money(line.unit_price_cents)}")
    if adjustment:
        label = "Discount" if line.kind is not LineKind.RETURN else "Less discount given"
        out.append(_row(f"  {label}", format_money(adjustment), columns))
    return out


def _tax_label(invoice: Invoice) -> str:
    if invoice.tax_exempt:
        reason = printable_text(invoice.exempt_reason)
        return f"Tax exempt ({reason})" if reason else "Tax exempt"
    label = f"Tax {_percent(invoice.tax_rate)}"
    if invoice.surtax_rate:
        label += f" + {_percent(invoice.surtax_rate)} surtax"
    return label


def _tender_rows(invoice: Invoice, payments: Sequence[Payment], columns: int) -> list[str]:
    """Tenders, change due, credit on account and the balance."""
    rows: list[str] = []
    change = sum(p.change_given_cents for p in payments if p.tender is Tender.CASH)
    credited = sum(p.credited_cents for p in payments)
    for payment in payments:
        # Cash shows what was handed over; the change follows on its own row.
        handed = payment.amount_cents + (
            payment.change_given_cents if payment.tender is Tender.CASH else 0
        )
        rows.append(_row(tender_label(payment), format_money(handed), columns))
    if change:
        rows.append(_row("Change due", format_money(change), columns))
    if credited:
        rows.append(_row("Credit on account", format_money(credited), columns))
    balance = invoice.balance_cents
    if balance > 0:
        rows.append(_row("Balance due", format_money(balance), columns))
    elif balance < 0:
        rows.append(_row("Due to customer", format_money(-balance), columns))
    else:
        rows.append(_row("Balance", format_money(0), columns))
    return rows


# --- writing ----------------------------------------------------------------------------


def render_receipt(
    printer: Any,
    store: Store,
    invoice: Invoice,
    payments: Sequence[Payment],
    *,
    salesperson: str | None,
    customer_name: str | None,
    now_local: datetime,
    columns: int = 48,
) -> None:
    """Write the receipt of ``invoice`` and its ``payments`` to a python-escpos printer; cut."""
    printer.hw("INIT")
    printer.charcode(RECEIPT_CODEPAGE)
    _write_header(printer, store, invoice, now_local, columns)
    if salesperson:
        printer.textln(_row(f"Salesperson: {printable_text(salesperson)}", "", columns))
    if customer_name:
        printer.textln(_row(f"Customer: {printable_text(customer_name)}", "", columns))
    rule = "-" * columns
    printer.textln(rule)
    for line in sorted(invoice.lines, key=lambda ln: ln.position):
        for row in _line_rows(line, columns):
            printer.textln(row)
    printer.textln(rule)
    printer.textln(_row("Subtotal", format_money(invoice.subtotal_cents), columns))
    printer.textln(_row(_tax_label(invoice), format_money(invoice.tax_cents), columns))
    printer.set(bold=True)
    printer.textln(_row("TOTAL", format_money(invoice.total_cents), columns))
    printer.set(bold=False)
    for row in _tender_rows(invoice, payments, columns):
        printer.textln(row)
    _write_footer(printer, store, invoice, columns)


def _write_header(
    printer: Any, store: Store, invoice: Invoice, now_local: datetime, columns: int
) -> None:
    """Store name (large), address, phone, tax number; invoice number and date."""
    printer.set(align="center", bold=True, double_height=True)
    printer.textln(printable_text(store.name)[:columns])
    printer.set(normal_textsize=True, bold=False)
    for text in (store.address, store.phone):
        for row in textwrap.wrap(printable_text(text), columns):
            printer.textln(row)
    if store.tax_number:
        printer.textln(f"Tax # {printable_text(store.tax_number)}"[:columns])
    if invoice.status is InvoiceStatus.VOIDED:
        printer.set(bold=True)
        printer.textln("*** VOIDED ***")
        printer.set(bold=False)
    elif invoice.status is InvoiceStatus.OPEN:
        printer.textln("Open invoice - not a final receipt")
    printer.ln()
    printer.set(align="left")
    printer.textln(_row(f"Invoice {invoice.number}", _when(invoice, now_local), columns))


def _write_footer(printer: Any, store: Store, invoice: Invoice, columns: int) -> None:
    """Disclaimer, the invoice number as Code128, cut."""
    printer.ln()
    printer.set(align="center")
    for row in textwrap.wrap(printable_text(store.disclaimer), columns):
        printer.textln(row)
    number = invoice.number
    if number.isascii() and number.isprintable() and 0 < len(number) <= 40:
        printer.ln()
        # "{B" selects Code128 set B (ESC/POS function B needs the set in the data).
        printer.barcode(
            "{B" + number, "CODE128", height=64, width=2, pos="BELOW", function_type="B"
        )
    printer.cut()
