"""The hidden cost code printed on tags: a store's ten letters standing for digits 1234567890.

With the letters "MAKEPROFIT", M=1, A=2, K=3, E=4, P=5, R=6, O=7, F=8, I=9 and T=0, so a
piece that cost $1,250.00 carries "MAPT". Staff who know the word read the cost; customers
see letters.

What is encoded: the cost in whole dollars, cents rounded UP to the next dollar. Tags have
room for a few letters, staff read the code to know the lowest acceptable price, and rounding
up means the code never shows a cost lower than the real one ($1,249.01 → 1250 → "MAPT").
So ``decode_cost_code(cost_code(c))`` is ``c`` for whole-dollar costs and ``c`` rounded up
to the dollar otherwise.

The ten letters must all differ; with a repeated letter a code could not be read back.
"""

from __future__ import annotations

from jeweltrak_core.errors import ValidationError
from jeweltrak_core.money import require_cents

#: The digits the store's letters stand for, in order.
DIGITS = "1234567890"


def check_cost_code_letters(letters: str) -> str:
    """The store's cost-code letters upper-cased, or ValidationError saying what is wrong."""
    if not isinstance(letters, str):
        raise ValidationError("The cost code must be ten letters.", field="cost_code")
    word = letters.strip().upper()
    if len(word) != 10 or not all("A" <= c <= "Z" for c in word):
        raise ValidationError(
            f"The cost code “{letters}” must be exactly ten letters A–Z, one for each digit "
            "1234567890 (e.g. MAKEPROFIT). Change it in Settings → Store.",
            field="cost_code",
        )
    repeated = sorted({c for c in word if word.count(c) > 1})
    if repeated:
        raise ValidationError(
            f"The cost code “{word}” uses {', '.join(repeated)} more than once; it needs ten "
            "different letters so tags can be read back (e.g. MAKEPROFIT). "
            "Change it in Settings → Store.",
            field="cost_code",
        )
    return word


def cost_code(cost_cents: int, letters: str) -> str:
    """The letters for ``cost_cents`` in whole dollars, cents rounded up (see module doc)."""
    word = check_cost_code_letters(letters)
    cents = require_cents(cost_cents, "Cost", allow_negative=False)
    dollars = -(-cents // 100)
    table = str.maketrans(DIGITS, word)
    return str(dollars).translate(table)


def decode_cost_code(code: str, letters: str) -> int:
    """The cost in cents a tag's code stands for (always whole dollars)."""
    word = check_cost_code_letters(letters)
    text = code.strip().upper() if isinstance(code, str) else ""
    if not text or any(c not in word for c in text):
        raise ValidationError(
            f"“{code}” is not a cost code made of the letters {word}.", field="cost_code"
        )
    digits = text.translate(str.maketrans(word, DIGITS))
    return int(digits) * 100
