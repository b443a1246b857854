"""How pieces, weights, rates and tenders read on paper."""

from __future__ import annotations

from decimal import Decimal

from jeweltrak_core.contacts.entities import Contact
from jeweltrak_core.inventory.entities import Piece
from jeweltrak_core.inventory.stock import Family
from jeweltrak_core.payments.entities import Payment
from jeweltrak_core.payments.rules import Tender
from jeweltrak_core.units import WeightUnit, convert_weight

_WEIGHT_PLACES = {WeightUnit.GRAM: 2, WeightUnit.DWT: 2, WeightUnit.OUNCE: 3}
_CARD_BRANDS = {
    "visa": "Visa",
    "mastercard": "Mastercard",
    "amex": "American Express",
    "american_express": "American Express",
    "discover": "Discover",
    "diners": "Diners Club",
    "jcb": "JCB",
    "unionpay": "UnionPay",
}
_TENDER_WORDS = {
    Tender.CASH: "Cash",
    Tender.CHECK: "Check",
    Tender.CARD: "Card",
    Tender.PAYMENT_LINK: "Card (payment link)",
    Tender.STORE_CREDIT: "Store credit",
    Tender.GIFT_CARD: "Gift card",
    Tender.WIRE: "Wire/ACH",
    Tender.DEPOSIT: "Deposit applied",
}


def decimal_text(value: Decimal, places: int) -> str:
    """``value`` with exactly ``places`` decimals (no exponent notation)."""
    return f"{value.quantize(Decimal(1).scaleb(-places)):f}"


def weight_text(grams: Decimal | None, unit: WeightUnit) -> str:
    """A metal weight in the store's unit: “5.20 g”, “3.34 dwt”; empty when unknown."""
    if grams is None:
        return ""
    shown = convert_weight(grams, WeightUnit.GRAM, unit)
    return f"{decimal_text(shown, _WEIGHT_PLACES[unit])} {unit.value}"


def carat_text(carats: Decimal | None) -> str:
    """“1.01 ct”; empty when unknown."""
    if carats is None:
        return ""
    places = max(2, -int(carats.normalize().as_tuple().exponent))
    return f"{decimal_text(carats, min(places, 3))} ct"


def rate_text(rate: Decimal) -> str:
    """A tax rate as a percentage: Decimal("0.065") → “6.5%”."""
    percent = (rate * 100).normalize()
    return f"{percent:f}%"


def join(*parts: str | None, sep: str = " · ") -> str:
    """The non-empty parts joined."""
    return sep.join(p.strip() for p in parts if p and p.strip())


def metal_text(piece: Piece) -> str:
    """“14K yellow gold”, “platinum”; empty when the piece has no metal."""
    if piece.metal_type is None:
        return ""
    return f"{piece.karat}K {piece.metal_type}" if piece.karat else piece.metal_type


def stone_summary(piece: Piece) -> str:
    """One line about the piece's stones (or movement, for a watch)."""
    family = piece.family
    certificate = join(piece.lab, f"#{piece.certificate_no}" if piece.certificate_no else "",
                       sep=" ")
    if family is Family.JEWELRY:
        return piece.set_stones or ""
    if family is Family.DIAMOND:
        stone = join(carat_text(piece.carat_weight), piece.shape, piece.color, piece.clarity,
                     piece.cut, sep=" ")
        return join(stone, certificate, sep=", ")
    if family is Family.COLORED_STONE:
        stone = join(carat_text(piece.carat_weight), piece.shape, piece.color, sep=" ")
        treated = f"treatment: {piece.treatments}" if piece.treatments else ""
        return join(stone, treated, certificate, sep=", ")
    if family is Family.PEARL:
        size = f"{decimal_text(piece.pearl_size_mm, 1)} mm" if piece.pearl_size_mm else ""
        count = f"{piece.stone_count} ×" if piece.stone_count else ""
        return join(count, size, piece.color, piece.shape, sep=" ")
    papers = "box & papers" if piece.box_papers else ""
    return join(piece.case_desc, piece.dial and f"{piece.dial} dial", piece.band, papers,
                sep=", ")


def piece_details(piece: Piece, unit: WeightUnit) -> str:
    """“StockID D100001 · 14K yellow gold · 5.20 g · size 6 · 1.01 ct round G VS1”."""
    serial = f"serial {piece.serial_no}" if piece.serial_no else ""
    size = f"size {piece.size}" if piece.size else ""
    return join(f"StockID {piece.stock_id}", metal_text(piece),
                weight_text(piece.metal_weight_g, unit), size, stone_summary(piece), serial)


def without_stock_id(description: str, stock_id: str) -> str:
    """A line description without the StockID the sales service puts in front of it."""
    head = f"{stock_id} "
    return description[len(head):] if description.startswith(head) else description


def card_text(payment: Payment) -> str:
    """“Visa ending in 4242”: brand and last four only, never more of the number."""
    brand = payment.card_brand or ""
    name = _CARD_BRANDS.get(brand.lower(), brand.title()) or "Card"
    digits = "".join(c for c in (payment.card_last4 or "") if c.isdigit())[-4:]
    return f"{name} ending in {digits}" if len(digits) == 4 else name


def tender_name(value: str) -> str:
    """“Cash”, “Check”, “Store credit” for a tender's stored value."""
    try:
        return _TENDER_WORDS[Tender(value)]
    except ValueError:
        return value.replace("_", " ").capitalize()


def tender_text(payment: Payment) -> str:
    """How a payment reads on a receipt: card brand + last four, check number, reference."""
    if payment.tender in (Tender.CARD, Tender.PAYMENT_LINK):
        return card_text(payment)
    words = _TENDER_WORDS.get(payment.tender, payment.tender.value.replace("_", " ").title())
    if payment.tender is Tender.CHECK and payment.check_number:
        return f"Check #{payment.check_number}"
    if payment.tender is Tender.WIRE and payment.reference:
        return f"{words} ref. {payment.reference}"
    return words


def contact_lines(contact: Contact | None) -> list[str]:
    """Name (and company), first address, first phone and email of a customer."""
    if contact is None:
        return []
    name = join(f"{contact.first_name} {contact.last_name}".strip(), contact.company, sep=", ")
    return [
        line
        for line in (
            name or contact.display_name,
            contact.addresses[0] if contact.addresses else "",
            join(contact.phones[0] if contact.phones else "",
                 contact.emails[0] if contact.emails else ""),
        )
        if line
    ]


def contact_name(contact: Contact | None) -> str:
    """“First Last” (or the company); empty for no contact."""
    if contact is None:
        return ""
    return f"{contact.first_name} {contact.last_name}".strip() or contact.company.strip()
