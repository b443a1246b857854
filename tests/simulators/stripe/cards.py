"""Stripe's test card numbers and what each does on a simulated reader.

Only brand and last four ever leave this module; the number itself is never kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_DIGIT_RUN = re.compile(r"(?<!\d)\d{13,19}(?!\d)")


@dataclass(frozen=True)
class CardOutcome:
    """What presenting a card does: approve, or decline with Stripe's codes."""

    brand: str
    last4: str
    funding: str = "credit"
    code: str | None = None  # error code, e.g. "card_declined"; None when approved
    decline_code: str | None = None
    message: str | None = None

    @property
    def approved(self) -> bool:
        return self.code is None


_DECLINES: dict[str, tuple[str, str, str]] = {
    # number: (code, decline_code, message) — as Stripe's testing docs list them.
    "4000000000000002": ("card_declined", "generic_decline", "Your card was declined."),
    "4000000000009995": (
        "card_declined",
        "insufficient_funds",
        "Your card has insufficient funds.",
    ),
    "4000000000009987": ("card_declined", "lost_card", "Your card was declined."),
    "4000000000009979": ("card_declined", "stolen_card", "Your card was declined."),
    "4000000000000069": ("expired_card", "expired_card", "Your card has expired."),
    "4000000000000127": (
        "incorrect_cvc",
        "incorrect_cvc",
        "Your card's security code is incorrect.",
    ),
    "4000000000000119": (
        "processing_error",
        "processing_error",
        "An error occurred while processing your card. Try again in a little bit.",
    ),
}

_BRANDS: tuple[tuple[str, str], ...] = (
    ("34", "amex"),
    ("37", "amex"),
    ("6011", "discover"),
    ("65", "discover"),
    ("35", "jcb"),
    ("36", "diners"),
    ("30", "diners"),
    ("5", "mastercard"),
    ("2", "mastercard"),
    ("4", "visa"),
)

DEFAULT_CARD = "4242424242424242"
"""What Stripe's simulated reader uses when ``present_payment_method`` gets no number."""


def luhn_valid(digits: str) -> bool:
    """True if ``digits`` passes the Luhn check (what a real card number does)."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def find_card_numbers(text: str) -> list[str]:
    """Every Luhn-valid 13–19 digit run in ``text`` (the P2 scan)."""
    return [m for m in _DIGIT_RUN.findall(text) if luhn_valid(m)]


def redact(text: str) -> str:
    """``text`` with each 13–19 digit run replaced by its last four."""
    return _DIGIT_RUN.sub(lambda m: "•••• " + m.group(0)[-4:], text)


def brand_of(number: str) -> str:
    for prefix, brand in _BRANDS:
        if number.startswith(prefix):
            return brand
    return "unknown"


def outcome_for(number: str) -> CardOutcome:
    """Approve or decline ``number`` the way Stripe's test mode does."""
    last4 = number[-4:]
    brand = brand_of(number)
    if not luhn_valid(number) or not 13 <= len(number) <= 19:
        return CardOutcome(
            brand, last4, code="incorrect_number", message="Your card number is incorrect."
        )
    decline = _DECLINES.get(number)
    if decline is None:
        return CardOutcome(brand, last4)
    code, decline_code, message = decline
    return CardOutcome(brand, last4, code=code, decline_code=decline_code, message=message)
