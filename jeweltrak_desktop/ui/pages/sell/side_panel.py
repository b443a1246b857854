"""Right of the lines: live totals, payments taken, change due, and the action buttons."""

from __future__ import annotations

from uuid import UUID

from PySide6.QtWidgets import QGridLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from jeweltrak_core.errors import IllegalTransition
from jeweltrak_core.money import format_money
from jeweltrak_core.payments.rules import Tender
from jeweltrak_core.permissions import Permission
from jeweltrak_core.sales.invoice_state import InvoiceAction, InvoiceStatus, invoice_transition
from jeweltrak_desktop.services.card_payments import DisputeInfo
from jeweltrak_desktop.services.sell_screen import SaleView
from jeweltrak_desktop.ui.pages.sell.keys import GATED, KEY_OF
from jeweltrak_desktop.ui.pages.sell.line_dialogs import DISCOUNT_NEEDS
from jeweltrak_desktop.ui.pages.sell.tender_dialogs import CARD_UNAVAILABLE
from jeweltrak_desktop.ui.pages.sell.totals_panel import TotalsPanel
from jeweltrak_desktop.ui.payments.availability import CardState
from jeweltrak_desktop.ui.payments.card_tenders import card_payment

EMAIL_UNAVAILABLE = CARD_UNAVAILABLE  # e-mail goes out through the store server too
RETURN_NEEDS = "Returns need the refund permission; ask a manager."

_LINE_ACTIONS = (("adjust", "Adjust"), ("quantity", "Quantity"), ("remove", "Remove"),
                 ("charge", "Service/misc"), ("trade_in", "Trade-in"), ("return", "Return"))
_SALE_ACTIONS = (("tax_exempt", "Tax exempt…"), ("split", "Split sale…"))
_TENDER_LABELS = {Tender.CASH: "Cash", Tender.CHECK: "Check", Tender.STORE_CREDIT: "Store credit",
                  Tender.GIFT_CARD: "Gift card", Tender.DEPOSIT: "Deposit", Tender.CARD: "Card"}


def refusal(sale: SaleView | None, action: InvoiceAction) -> str:
    """Why the core would refuse ``action`` on the sale now ("" when it is allowed)."""
    if sale is None:
        return "There is no sale on screen."
    try:
        invoice_transition(sale.invoice.status, action)
    except IllegalTransition as exc:
        return exc.message
    return ""


def _button(action: str, label: str) -> QPushButton:
    key = KEY_OF.get(action)
    button = QPushButton(f"{label}  {key}" if key else label)
    button.setProperty("action", action)
    button.setObjectName(f"sell-{action.replace('_', '-')}")
    return button


class SidePanel(QWidget):
    """Totals, tenders and the sale's buttons; buttons never take the keyboard focus."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFixedWidth(330)
        self.totals = TotalsPanel()
        self.payments = QLabel("")
        self.payments.setObjectName("sell-payments")
        self.payments.setWordWrap(True)
        self.change = QLabel("")
        self.change.setObjectName("sell-change")
        self.exempt_note = QLabel("")
        self.exempt_note.setObjectName("sell-exempt")
        self.exempt_note.setWordWrap(True)
        self.exempt_note.setVisible(False)
        self.by_action: dict[str, QPushButton] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 0, 0, 0)
        layout.addWidget(self.totals)
        layout.addWidget(self.exempt_note)
        layout.addWidget(self.payments)
        layout.addWidget(self.change)
        layout.addLayout(self._grid(_LINE_ACTIONS, columns=2))
        layout.addLayout(self._grid(_SALE_ACTIONS, columns=2))
        self.by_action["split"].setToolTip("Share the commission with a second salesperson")
        layout.addLayout(self._grid((("cash", "Cash"), ("tender", "Other tender")), columns=2))
        layout.addLayout(self._grid((("card", "Card (reader)"), ("email_link", "Email pay link")),
                                    columns=2))
        self.card = self.by_action["card"]
        self.card_reason = QLabel(CARD_UNAVAILABLE + ".")
        self.card_reason.setObjectName("sell-card-reason")
        self.card_reason.setWordWrap(True)
        layout.addWidget(self.card_reason)
        self.disputes = QLabel("")
        self.disputes.setObjectName("sell-disputes")
        self.disputes.setWordWrap(True)
        self.disputes.setOpenExternalLinks(True)
        self.disputes.setVisible(False)
        layout.addWidget(self.disputes)
        finalize = self._add("finalize", "Finalize")
        layout.addWidget(finalize)
        layout.addLayout(self._grid((("print", "Print receipt"), ("email", "Email receipt"),
                                     ("refund_card", "Refund card…")), columns=2))
        layout.addLayout(self._grid((("new_sale", "New sale"), ("reopen", "Reopen…"),
                                     ("void", "Void")), columns=2))
        layout.addStretch(1)
        self.cards = CardState(False, CARD_UNAVAILABLE)
        self._sale: SaleView | None = None
        self._perms: frozenset[Permission] = frozenset()

    def _add(self, action: str, label: str) -> QPushButton:
        button = _button(action, label)
        self.by_action[action] = button
        return button

    def _grid(self, actions: tuple[tuple[str, str], ...], *, columns: int) -> QGridLayout:
        grid = QGridLayout()
        grid.setSpacing(6)
        for i, (action, label) in enumerate(actions):
            grid.addWidget(self._add(action, label), i // columns, i % columns)
        return grid

    def buttons(self) -> list[QPushButton]:
        """The buttons that run an action."""
        return list(self.by_action.values())

    def apply_permissions(self, perms: frozenset[Permission]) -> None:
        """Hide void and reopen without their permissions; explain what is refused on hover."""
        self._perms = perms
        for action, needs in GATED.items():
            self.by_action[action].setVisible(needs in perms)
        adjust = self.by_action["adjust"]
        may_adjust = bool({Permission.DISCOUNT, Permission.OVERRIDE_PRICE} & perms)
        adjust.setToolTip("" if may_adjust else DISCOUNT_NEEDS)
        self.by_action["return"].setToolTip("" if Permission.REFUND in perms else RETURN_NEEDS)
        self._apply_cards()

    def show_sale(self, sale: SaleView | None, change_cents: int) -> None:
        """Totals, payments and which buttons make sense now."""
        self.totals.show_sale(sale)
        self.change.setText(f"Change due {format_money(change_cents)}" if change_cents else "")
        lines = [
            f"{_TENDER_LABELS.get(p.tender, p.tender.value)} {format_money(p.amount_cents)}"
            + (f" #{p.check_number}" if p.check_number else "")
            + (f" •••• {p.card_last4}" if p.card_last4 else "")
            for p in (sale.payments if sale else [])
        ]
        self.payments.setText("Paid: " + ", ".join(lines) if lines else "")
        self.payments.setVisible(bool(lines))
        self.change.setVisible(bool(change_cents))
        status = sale.invoice.status if sale else InvoiceStatus.OPEN
        is_open = status is InvoiceStatus.OPEN
        has_lines = bool(sale and sale.lines)
        owing = bool(sale and sale.invoice.balance_cents != 0)
        for action in ("adjust", "quantity", "remove"):
            self.by_action[action].setEnabled(is_open and has_lines)
        for action in ("charge", "trade_in", "return", "tax_exempt", "split"):
            self.by_action[action].setEnabled(is_open)
        reopen = refusal(sale, InvoiceAction.REOPEN) if sale else "Finalize a sale first."
        self.by_action["reopen"].setEnabled(not reopen)
        self.by_action["reopen"].setToolTip(reopen)
        invoice = sale.invoice if sale else None
        self.exempt_note.setVisible(bool(invoice and invoice.tax_exempt))
        if invoice is not None and invoice.tax_exempt:
            self.exempt_note.setText(f"Tax exempt: {invoice.exempt_reason or 'no reason given'}")
        for action in ("cash", "tender"):
            self.by_action[action].setEnabled(owing and status is not InvoiceStatus.VOIDED)
        self.by_action["finalize"].setEnabled(is_open and has_lines)
        self.by_action["print"].setEnabled(status is InvoiceStatus.FINALIZED)
        self.by_action["void"].setEnabled(sale is not None and status is not InvoiceStatus.VOIDED)
        self._sale = sale
        self._apply_cards()

    @property
    def shown_invoice_id(self) -> UUID | None:
        """The invoice whose totals are shown."""
        return self._sale.invoice.id if self._sale else None

    def set_card_state(self, state: CardState) -> None:
        """Whether cards and e-mail can go through the store server now (and why not)."""
        self.cards = state
        self._apply_cards()

    def _apply_cards(self) -> None:
        sale, state = self._sale, self.cards
        status = sale.invoice.status if sale else InvoiceStatus.OPEN
        owing = bool(sale and sale.lines and sale.invoice.balance_cents > 0
                     and status is not InvoiceStatus.VOIDED)
        customer = sale.customer if sale else None
        wanted = {
            "card": owing,
            "email_link": owing and customer is not None,
            "email": status is InvoiceStatus.FINALIZED and customer is not None,
            "refund_card": card_payment(sale) is not None and Permission.REFUND in self._perms,
        }
        for action, sensible in wanted.items():
            button = self.by_action[action]
            button.setEnabled(state.available and sensible)
            button.setToolTip("" if state.available else state.reason)
        self.card_reason.setText("" if state.available else state.reason + ".")
        self.card_reason.setVisible(not state.available)

    def show_disputes(self, disputes: list[DisputeInfo]) -> None:
        """The dispute badge: each chargeback with a link to Stripe's dashboard."""
        self.disputes.setText("<br>".join(
            f"<b>⚠ Disputed</b> {format_money(d.amount_cents)} ({d.reason.replace('_', ' ')}, "
            f"{d.status.replace('_', ' ')}) — <a href=\"{d.dashboard_url}\">open in Stripe</a>"
            for d in disputes))
        self.disputes.setVisible(bool(disputes))
