"""Constrained input types for the admin API's request models (no silent coercion).

Text is never accepted where a number is expected or the other way round; every string has
a length limit; names are one line without control characters; e-mail addresses are
checked for shape and lower-cased (the platform compares them case-insensitively);
decimal values (rates, multipliers) arrive as exact text such as ``"0.06"``, never as JSON
numbers, because a float cannot carry a rate exactly.

E-mail shape is checked with a deliberately plain rule (``local@domain.tld``, ASCII, RFC
length limits) rather than a full RFC 5322 parser: the address is only used to sign in and
to send mail, and a mistyped one fails visibly on the first message.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, ClassVar
from uuid import UUID

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    Strict,
    StringConstraints,
    model_validator,
)
from pydantic_core import PydanticCustomError

from jeweltrak_core.money import MAX_CENTS

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_CONTROL_BUT_NEWLINE = re.compile(r"[\x00-\x09\x0b-\x1f\x7f]")
_EMAIL = re.compile(
    r"^[a-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}"
    r"@(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
    r"(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*\.[a-z]{2,63}$"
)


def invalid_value(message: str) -> PydanticCustomError:
    """A validation problem whose message is shown as written (no "Value error," prefix)."""
    return PydanticCustomError("invalid_value", message)


def _one_line(value: str) -> str:
    if _CONTROL.search(value):
        raise invalid_value("must be one line of text without control characters")
    return value


def _lines(value: str) -> str:
    if _CONTROL_BUT_NEWLINE.search(value):
        raise invalid_value("must be text without control characters (line breaks are fine)")
    return value


def _email(value: str) -> str:
    lowered = value.lower()
    if not _EMAIL.fullmatch(lowered) or ".." in lowered:
        raise invalid_value("must be an e-mail address like name@example.com")
    return lowered


def _email_or_empty(value: str) -> str:
    return _email(value) if value else value


def _digits_pin(value: Any) -> str:
    if not isinstance(value, str) or not re.fullmatch(r"[0-9]{4,8}", value):
        raise invalid_value("must be 4 to 8 digits (0-9), written as text")
    return value


def _decimal_text(value: Any) -> Decimal:
    if not isinstance(value, str):
        raise invalid_value(
            'must be a decimal number written as text, e.g. "0.06" (not a JSON number)'
        )
    if not re.fullmatch(r"[0-9]{1,6}(\.[0-9]{1,6})?", value.strip()):
        raise invalid_value('must be a plain decimal number written as text, e.g. "0.06" or "2.5"')
    try:
        return Decimal(value.strip())
    except InvalidOperation:  # pragma: no cover - the pattern already guarantees a number
        raise invalid_value("must be a decimal number") from None


#: A person's or a store's name.
Name = Annotated[
    str,
    Strict(),
    StringConstraints(strip_whitespace=True, min_length=1, max_length=100),
    AfterValidator(_one_line),
]
BusinessName = Annotated[
    str,
    Strict(),
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
    AfterValidator(_one_line),
]
#: A workstation's label ("Front counter").
Label = Annotated[
    str,
    Strict(),
    StringConstraints(strip_whitespace=True, min_length=1, max_length=60),
    AfterValidator(_one_line),
]
#: Phone numbers, tax numbers: short, possibly empty.
ShortText = Annotated[
    str,
    Strict(),
    StringConstraints(strip_whitespace=True, max_length=40),
    AfterValidator(_one_line),
]
Address = Annotated[
    str, Strict(), StringConstraints(strip_whitespace=True, max_length=300), AfterValidator(_lines)
]
Disclaimer = Annotated[
    str, Strict(), StringConstraints(strip_whitespace=True, max_length=2000), AfterValidator(_lines)
]
Email = Annotated[
    str,
    Strict(),
    StringConstraints(strip_whitespace=True, min_length=3, max_length=254),
    AfterValidator(_email),
]
#: A staff member may have no e-mail (PIN sign-in at the counter only): ``""``.
EmailOrEmpty = Annotated[
    str,
    Strict(),
    StringConstraints(strip_whitespace=True, max_length=254),
    AfterValidator(_email_or_empty),
]
#: Never stripped or altered: what the person typed is what is hashed.
Password = Annotated[str, Strict(), StringConstraints(min_length=10, max_length=256)]
#: Checked before any conversion so 1234 (a JSON number) gets the same clear message.
Pin = Annotated[str, BeforeValidator(_digits_pin)]
#: An exact decimal written as text (rates, multipliers).
DecimalText = Annotated[Decimal, BeforeValidator(_decimal_text)]
def _whole_cents(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise invalid_value("must be a whole number of cents, e.g. 500000 for $5,000.00")
    return int(value)


#: Money: whole cents, a JSON integer (never a float, never text).
Cents = Annotated[int, BeforeValidator(_whole_cents), Field(ge=0, le=MAX_CENTS)]
Flag = Annotated[bool, Strict()]
IdList = Annotated[list[UUID], Field(max_length=50)]


class InputModel(BaseModel):
    """A request body: unknown fields are refused, not ignored."""

    model_config = ConfigDict(extra="forbid")


class PatchModel(InputModel):
    """A partial update: absent fields keep their value; ``null`` is refused.

    Refusing ``null`` keeps "leave it as it is" (field absent) and "clear it" (an empty
    value) from being confused with each other.
    """

    nullable: ClassVar[frozenset[str]] = frozenset()

    @model_validator(mode="before")
    @classmethod
    def _refuse_nulls(cls, data: Any) -> Any:
        if isinstance(data, dict):
            nulls = sorted(
                k for k, v in data.items()
                if v is None and k in cls.model_fields and k not in cls.nullable
            )
            if nulls:
                raise invalid_value(
                    f"{', '.join(nulls)} cannot be null; leave a field out to keep its value"
                )
        return data

    def changes(self) -> dict[str, Any]:
        """The fields the request sent, with their validated values."""
        return {name: getattr(self, name) for name in self.model_fields_set}
