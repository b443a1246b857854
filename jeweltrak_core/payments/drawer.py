"""End-of-day drawer close: expected vs counted by tender (the Z report figures)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from jeweltrak_core.money import require_cents
from jeweltrak_core.payments.entities import Payment
from jeweltrak_core.payments.rules import Tender

#: Tenders that end up physically in the drawer and are counted at close.
COUNTED_TENDERS: tuple[Tender, ...] = (Tender.CASH, Tender.CHECK)


@dataclass(frozen=True)
class ZReport:
    """Expected, counted and over/short per tender (cents; over is positive)."""

    opening_float_cents: int
    expected_cents: dict[str, int]
    counted_cents: dict[str, int]
    over_short_cents: dict[str, int]
    taken_by_tender_cents: dict[str, int]
    payment_count: int

    @property
    def total_over_short_cents(self) -> int:
        """Net over (+) or short (−) across counted tenders."""
        return sum(self.over_short_cents.values())


def expected_in_drawer(opening_float_cents: int, payments: Iterable[Payment]) -> dict[str, int]:
    """What should be in the drawer: the float plus net cash and checks taken this session."""
    expected = {t.value: 0 for t in COUNTED_TENDERS}
    expected[Tender.CASH.value] = require_cents(opening_float_cents, "opening float")
    for payment in payments:
        if payment.tender in COUNTED_TENDERS:
            expected[payment.tender.value] += payment.amount_cents
    return expected


def z_report(
    opening_float_cents: int, payments: Iterable[Payment], counted_cents: Mapping[str, int]
) -> ZReport:
    """The close-of-day figures for one drawer session."""
    taken: dict[str, int] = {}
    rows = list(payments)
    for payment in rows:
        taken[payment.tender.value] = taken.get(payment.tender.value, 0) + payment.amount_cents
    expected = expected_in_drawer(opening_float_cents, rows)
    counted = {t: require_cents(counted_cents.get(t, 0), f"counted {t}") for t in expected}
    return ZReport(
        opening_float_cents=opening_float_cents,
        expected_cents=expected,
        counted_cents=counted,
        over_short_cents={t: counted[t] - expected[t] for t in expected},
        taken_by_tender_cents=taken,
        payment_count=len(rows),
    )
