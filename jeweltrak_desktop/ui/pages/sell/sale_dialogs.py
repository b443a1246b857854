"""Forms for the whole sale: tax exemption, split commission, reopen.

Each stays open until the service has saved the change (``closes_on_submit`` False), so a
refusal by the rules (no reason for an exemption or a reopening, a split with oneself) is
shown in the form in the rules' own words, and the clerk corrects it there.
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from PySide6.QtWidgets import QCheckBox, QComboBox, QLabel, QSpinBox, QWidget

from jeweltrak_core.money import format_money
from jeweltrak_desktop.services.sell_screen import SaleView
from jeweltrak_desktop.ui.pages.sell.form_dialog import FormDialog, index_of

#: Common reasons offered in the reason list (any other can be typed).
EXEMPT_REASONS = ("Out of state (shipped)", "Resale / wholesale")


@dataclass(frozen=True)
class TaxExemption:
    """What the clerk asked for: exempt or not, why, and the buyer's certificate #."""

    exempt: bool
    reason: str
    certificate: str


def tax_exempt_dialog(sale: SaleView | None, parent: QWidget | None) -> FormDialog:
    """Exempt the sale from sales tax (with a reason), or charge tax again."""
    invoice = sale.invoice if sale else None
    exempt_now = bool(invoice and invoice.tax_exempt)
    dialog = FormDialog(
        "Tax-exempt sale",
        "An exempt sale charges no sales tax. Say why (out of state, resale …); a buyer's "
        "exemption or resale certificate # is printed with the reason.",
        parent,
    )
    dialog.closes_on_submit = False
    exempt = QCheckBox("Exempt this sale from sales tax")
    exempt.setObjectName("exempt-on")
    exempt.setChecked(True)
    dialog.add_row("", exempt)
    reason = QComboBox()
    reason.setObjectName("exempt-reason")
    reason.setEditable(True)
    reason.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    # No completion: Enter saves what was typed, not a completion to accept first (Qt
    # takes None here; its type stubs do not say so).
    reason.setCompleter(None)  # type: ignore[arg-type]
    reason.addItems(EXEMPT_REASONS)
    reason.setCurrentIndex(-1)
    reason.setEditText((invoice.exempt_reason or "") if exempt_now and invoice else "")
    line = reason.lineEdit()
    if line is not None:
        line.setPlaceholderText("Type a reason, or ↓ for the usual ones")
        line.textEdited.connect(lambda _text: dialog.message.setText(""))
    dialog.add_row("Reason", reason)
    # Kept inside the stored reason once exempt, so offered only when exempting now.
    on_file = sale.customer.tax_exempt_id if sale and sale.customer else None
    certificate = dialog.add_line("Certificate #", "" if exempt_now else on_file or "",
                                  "Buyer's exemption or resale certificate")
    certificate.setObjectName("exempt-certificate")
    if on_file and not exempt_now:
        dialog.form.addRow(QLabel(f"From the customer's record: {on_file}"))

    def toggled(on: bool) -> None:
        reason.setEnabled(on)
        certificate.setEnabled(on)

    exempt.toggled.connect(toggled)

    def collect() -> TaxExemption:
        return TaxExemption(exempt.isChecked(), reason.currentText(), certificate.text())

    dialog.collect = collect
    reason.setFocus()
    return dialog


@dataclass(frozen=True)
class Split:
    """Who shares the commission (None: nobody) and their percentage of it."""

    second_salesperson_id: UUID | None
    split_pct: int


def split_dialog(
    sale: SaleView | None, people: list[tuple[str, UUID | None]], parent: QWidget | None
) -> FormDialog:
    """Share the sale's commission with a second salesperson."""
    invoice = sale.invoice if sale else None
    primary = sale.salesperson if sale and sale.salesperson else "The salesperson"
    primary_id = invoice.salesperson_id if invoice else None
    dialog = FormDialog("Split the commission",
                        f"{primary} sold this with someone? Choose who, and their share of "
                        "the commission.", parent)
    dialog.closes_on_submit = False
    who = QComboBox()
    who.setObjectName("split-with")
    who.addItem("Nobody (no split)", None)
    for name, user_id in people:  # staff only: the signed-in demo owner is nobody's ID
        if user_id is not None and user_id != primary_id:
            who.addItem(name, user_id)
    dialog.add_row("Shared with", who)
    share = QSpinBox(minimum=0, maximum=100, suffix=" %")
    share.setObjectName("split-pct")
    current = invoice.second_salesperson_id if invoice else None
    share.setValue(invoice.commission_split_pct if invoice and current else 50)
    if current is not None and index_of(who, current) >= 0:
        who.setCurrentIndex(index_of(who, current))
    dialog.add_row("Their share", share)
    outcome = QLabel("")
    outcome.setProperty("muted", True)
    dialog.form.addRow(outcome)

    def shown() -> None:
        sharing = who.currentData() is not None
        share.setEnabled(sharing)
        outcome.setText("Commission: " + (f"{primary} {100 - share.value()}% · "
                                          f"{who.currentText()} {share.value()}%"
                                          if sharing else f"{primary} 100%"))

    who.currentIndexChanged.connect(lambda _i: shown())
    share.valueChanged.connect(lambda _v: shown())
    shown()

    def collect() -> Split:
        second = who.currentData()
        return Split(second, share.value() if second is not None else 0)

    dialog.collect = collect
    who.setFocus()
    return dialog


def reopen_dialog(number: str, total_cents: int, parent: QWidget | None) -> FormDialog:
    """The reason for reopening a finalized invoice (the reopening is audited)."""
    dialog = FormDialog(
        "Reopen invoice",
        f"Reopen invoice {number} ({format_money(total_cents)})? It goes back to Open: its "
        "lines can be changed again and its pieces return to stock until it is finalized "
        "again (F12). Its number stays; the reopening is recorded with your reason.",
        parent,
    )
    dialog.closes_on_submit = False
    reason = dialog.add_line("Reason", placeholder="Wrong ring size sold")
    reason.setObjectName("reopen-reason")
    dialog.collect = lambda: reason.text()
    reason.setFocus()
    return dialog
