"""The claim-stub barcode: what it encodes and how a scan is recognised as one.

The stub encodes ``WO/`` + the work-order number (“WO/RDA-12”). A StockID can never contain
“/” (``validate_stock_id``), so the Sell screen's scan field tells a claim stub from a
piece by the prefix alone: ``parse_claim_stub`` gives the work-order number, or None for
anything else (which the scan field then looks up as a piece).
"""

from __future__ import annotations

import re

from jeweltrak_core.errors import ValidationError

CLAIM_STUB_PREFIX = "WO/"
_NUMBER = re.compile(r"^[A-Z0-9][A-Z0-9.-]{0,31}$")


def claim_stub_code(number: str) -> str:
    """The barcode text of a work order's claim stub: ``WO/`` + its number."""
    cleaned = number.strip().upper()
    if not _NUMBER.match(cleaned):
        raise ValidationError(
            f"“{number}” is not a work-order number that can go on a claim stub.",
            field="number",
        )
    return CLAIM_STUB_PREFIX + cleaned


def parse_claim_stub(scan: str) -> str | None:
    """The work-order number in a scanned claim stub, or None if the scan is something else.

    Tolerates what keyboard-wedge scanners add or change: surrounding whitespace, a
    trailing Enter/Tab, lower case (Caps Lock).
    """
    text = scan.strip().upper()
    if not text.startswith(CLAIM_STUB_PREFIX):
        return None
    number = text[len(CLAIM_STUB_PREFIX):]
    return number if _NUMBER.match(number) else None
