"""The drawer close (Z report) on the 80 mm roll: expected vs counted and over/short by tender."""

from __future__ import annotations

from jeweltrak_core.money import format_money
from jeweltrak_core.payments.drawer import ZReport
from jeweltrak_core.payments.entities import DrawerSession
from jeweltrak_desktop.documents.context import DocumentContext
from jeweltrak_desktop.documents.descriptions import tender_name
from jeweltrak_desktop.documents.fonts import SANS_BOLD
from jeweltrak_desktop.documents.layout import build_roll, roll_store_rows
from jeweltrak_desktop.documents.text_lines import Row, TextLines


def over_short_text(cents: int) -> str:
    """“Over $5.00”, “Short $2.50” or “Balanced”."""
    if cents > 0:
        return f"Over {format_money(cents)}"
    if cents < 0:
        return f"Short {format_money(-cents)}"
    return "Balanced"


def render_z_report(
    report: ZReport,
    *,
    ctx: DocumentContext,
    session: DrawerSession | None = None,
    workstation: str = "",
    closed_by: str = "",
) -> bytes:
    """The end-of-day drawer report for one drawer session."""
    rows = [*roll_store_rows(ctx), Row(rule="solid"),
            Row("DRAWER CLOSE — Z REPORT", font=SANS_BOLD, center=True)]
    if workstation:
        rows.append(Row(f"Workstation: {workstation}"))
    if session is not None:
        rows.append(Row(f"Opened: {ctx.datetime_text(session.opened_at)}"))
        if session.closed_at is not None:
            rows.append(Row(f"Closed: {ctx.datetime_text(session.closed_at)}"))
    if closed_by:
        rows.append(Row(f"Closed by: {closed_by}"))
    rows += [Row(rule="solid"), Row("Opening float", format_money(report.opening_float_cents))]
    for tender, expected in report.expected_cents.items():
        counted = report.counted_cents.get(tender, 0)
        difference = report.over_short_cents.get(tender, 0)
        rows += [
            Row(tender_name(tender), font=SANS_BOLD, space_before=4),
            Row("Expected", format_money(expected)),
            Row("Counted", format_money(counted)),
            Row("Over/short", format_money(difference)),
        ]
    total = report.total_over_short_cents
    rows += [Row(rule="solid"),
             Row("Drawer", over_short_text(total), font=SANS_BOLD),
             Row(rule="dashed"),
             Row("Taken by tender", font=SANS_BOLD)]
    rows += [Row(tender_name(tender), format_money(cents))
             for tender, cents in sorted(report.taken_by_tender_cents.items())]
    rows += [Row(f"Payments: {report.payment_count}", space_before=2), Row(rule="solid"),
             Row("Counted by ____________________", space_before=14)]
    return build_roll([TextLines(rows)], ctx=ctx, title="Z report")
