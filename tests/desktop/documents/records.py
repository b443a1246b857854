"""Constants and small builders shared by the document tests (fixtures are in conftest)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from jeweltrak_core.appraisals.entities import Appraisal, AppraisalLine
from jeweltrak_core.ids import new_id
from jeweltrak_core.sales.entities import Invoice, InvoiceLine
from jeweltrak_core.sales.tax import LineKind

CONCESSION_CENTS = 12_345
ACTUAL_TRADE_CENTS = 26_789
VENDOR_COST_CENTS = 3_800
INTERNAL_NOTE = "Solder seam at six o'clock is porous; redo before plating"
CUSTOMER_NOTE = "Customer asked for a call before any extra work"
#: 2025-03-05 20:04 UTC is 3:04 PM in New York (EST).
SOLD_AT = datetime(2025, 3, 5, 20, 4, tzinfo=UTC)


MakeInvoice = Callable[..., Invoice]
MakeAppraisal = Callable[..., Appraisal]


def invoice_line(kind: LineKind, description: str, price: int, **fields: object) -> InvoiceLine:
    return InvoiceLine(id=new_id(), kind=kind, description=description, unit_price_cents=price,
                       **fields)  # type: ignore[arg-type]


def appraisal_line(description: str, value: int, photos: list[str] | None = None,
                   **fields: object) -> AppraisalLine:
    return AppraisalLine(id=new_id(), description=description, value_cents=value,
                         photos=photos or [], **fields)  # type: ignore[arg-type]
