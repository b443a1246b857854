"""The Sell actions on the sale as a whole: tax exemption (Alt+E), split sale (Alt+K)
and reopening a finalized sale (Alt+O, for staff with the reopen permission)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from jeweltrak_core.permissions import Permission
from jeweltrak_core.sales.invoice_state import InvoiceAction
from jeweltrak_desktop.services import sales
from jeweltrak_desktop.ui.pages.sell.sale_dialogs import (
    Split,
    TaxExemption,
    reopen_dialog,
    split_dialog,
    tax_exempt_dialog,
)
from jeweltrak_desktop.ui.pages.sell.side_panel import refusal

if TYPE_CHECKING:
    from jeweltrak_desktop.ui.pages.sell.actions import SellActions

#: The actions this class answers (``do_<action>``).
SALE_ACTIONS = frozenset({"tax_exempt", "split", "reopen"})
REOPEN_NEEDS = "Reopening a sale needs the reopen permission; ask a manager."


class SaleSettings:
    """Forms that change the whole sale; each stays open until the change is saved."""

    def __init__(self, actions: SellActions) -> None:
        self.actions = actions
        self.page = actions.page

    def why_not(self, action: str) -> str:
        """Why ``action`` is not possible on the sale now, in the rules' words ("" if it is)."""
        sale = self.page.sale
        if action == "reopen":
            if not self.page.context.can(Permission.REOPEN_INVOICE):
                return REOPEN_NEEDS
            return refusal(sale, InvoiceAction.REOPEN) if sale else "There is no sale to reopen."
        return refusal(sale, InvoiceAction.EDIT) if sale else ""

    def do_tax_exempt(self) -> None:
        """Alt+E: exempt the sale from sales tax (with its reason), or charge tax again."""
        dialog = tax_exempt_dialog(self.page.sale, self.page)

        def apply(wanted: TaxExemption) -> None:
            done = ("Tax exempt: no sales tax on this sale." if wanted.exempt
                    else "Sales tax is charged again.")
            self.actions.change_sale(lambda store, inv: sales.set_tax_exempt(
                store, inv, exempt=wanted.exempt, reason=wanted.reason,
                certificate=wanted.certificate), done, form=dialog)

        dialog.submitted.connect(apply)
        self.actions.open_dialog(dialog)

    def do_split(self) -> None:
        """Alt+K: share the commission with a second salesperson (or stop sharing it)."""
        combo = self.page.salesperson
        people = [(combo.itemText(i), combo.itemData(i)) for i in range(combo.count())]
        dialog = split_dialog(self.page.sale, people, self.page)

        def apply(wanted: Split) -> None:
            who = next((name for name, user_id in people
                        if user_id == wanted.second_salesperson_id), "")
            done = (f"Commission split: {wanted.split_pct}% to {who}."
                    if wanted.second_salesperson_id else "The commission is not split.")
            self.actions.change_sale(lambda store, inv: sales.split_commission(
                store, inv, second_salesperson_id=wanted.second_salesperson_id,
                split_pct=wanted.split_pct), done, form=dialog)

        dialog.submitted.connect(apply)
        self.actions.open_dialog(dialog)

    def do_reopen(self) -> None:
        """Alt+O: a finalized sale back to Open, with the reason (audited)."""
        sale = self.page.sale
        if sale is None:
            return
        invoice = sale.invoice
        dialog = reopen_dialog(invoice.number, invoice.total_cents, self.page)
        dialog.submitted.connect(lambda reason: self.actions.change_sale(
            lambda store, inv: sales.reopen_invoice(store, inv, str(reason)),
            f"Invoice {invoice.number} reopened: change it, then F12 finalizes it again.",
            form=dialog))
        self.actions.open_dialog(dialog)
