"""Split commission, changing the salesperson, and tax exemption with a certificate — each
one ``save_invoice`` operation, refused with a clear sentence and nothing written when the
input makes no sense — and the Sell screen's names that moved out of ``services.sales``."""

from __future__ import annotations

import subprocess
import sys

import pytest

from jeweltrak_core.errors import NotFound, PermissionDenied, ValidationError
from jeweltrak_core.ids import new_id
from jeweltrak_core.inventory.entities import Piece
from jeweltrak_core.sales.entities import Invoice
from jeweltrak_core.store.entities import User
from jeweltrak_desktop.demo import add_demo_staff
from jeweltrak_desktop.services import returns, sales, sell_screen
from jeweltrak_desktop.services.local_store import LocalStore
from jeweltrak_desktop.services.staff import actor_for

from .helpers import assert_clear_message, assert_refused, records_one_op


@pytest.fixture
def staff(store: LocalStore) -> dict[str, User]:
    """The demo's Dana Owner (Owners) and Sam Clerk (Sales), by first name."""
    add_demo_staff(store)
    with store.reader() as repo:
        users = repo.query(User, "SELECT * FROM users")
    return {u.name.split()[0]: u for u in users}


@pytest.fixture
def sale(store: LocalStore, three_pieces: list[Piece], staff: dict[str, User]) -> Invoice:
    """An open sale of one piece credited to Dana."""
    invoice = sales.new_invoice(store, salesperson_id=staff["Dana"].id)
    return sales.add_piece(store, invoice.id, three_pieces[0].stock_id)


def test_the_commission_is_split_in_one_operation(
    store: LocalStore, sale: Invoice, staff: dict[str, User]
) -> None:
    sam = staff["Sam"]
    with records_one_op(store, "save_invoice") as rec:
        split = sales.split_commission(store, sale.id, second_salesperson_id=sam.id,
                                       split_pct=40)
    assert rec.payload.invoice.second_salesperson_id == sam.id
    assert rec.payload.invoice.commission_split_pct == 40
    assert (split.salesperson_id, split.second_salesperson_id, split.commission_split_pct) == (
        staff["Dana"].id, sam.id, 40)
    view = sell_screen.sale_view(store, sale.id)
    assert (view.salesperson, view.second_salesperson) == ("Dana Owner", "Sam Clerk")

    ended = sales.split_commission(store, sale.id, second_salesperson_id=None, split_pct=0)
    assert (ended.second_salesperson_id, ended.commission_split_pct) == (None, 0)
    assert sell_screen.sale_view(store, sale.id).second_salesperson == ""


def test_a_split_that_makes_no_sense_is_refused_and_writes_nothing(
    store: LocalStore, sale: Invoice, staff: dict[str, User]
) -> None:
    dana, sam = staff["Dana"], staff["Sam"]
    cases = [
        (ValidationError, {"second_salesperson_id": dana.id, "split_pct": 50}, "themselves"),
        (ValidationError, {"second_salesperson_id": None, "split_pct": 30}, "who shares"),
        (ValidationError, {"second_salesperson_id": sam.id, "split_pct": 0}, "at least 1%"),
        (ValidationError, {"second_salesperson_id": sam.id, "split_pct": 101}, "0 to 100"),
        (NotFound, {"second_salesperson_id": new_id(), "split_pct": 50}, "not on this"),
    ]
    for error, kwargs, words in cases:
        refused = assert_refused(store, error, sales.split_commission, store, sale.id,
                                 **kwargs)
        assert words in refused.message
        assert_clear_message(refused)


def test_a_new_salesperson_keeps_the_split_unless_they_were_sharing_it(
    store: LocalStore, sale: Invoice, staff: dict[str, User]
) -> None:
    dana, sam = staff["Dana"], staff["Sam"]
    sales.split_commission(store, sale.id, second_salesperson_id=sam.id, split_pct=30)
    other = sales.set_salesperson(store, sale.id, None)  # e.g. the demo owner, no staff ID
    assert (other.salesperson_id, other.second_salesperson_id,
            other.commission_split_pct) == (None, sam.id, 30)
    sales.set_salesperson(store, sale.id, dana.id)
    with records_one_op(store, "save_invoice"):
        himself = sales.set_salesperson(store, sale.id, sam.id)
    assert (himself.salesperson_id, himself.second_salesperson_id,
            himself.commission_split_pct) == (sam.id, None, 0)


def test_the_sales_group_may_split_and_exempt_but_not_reopen(
    store: LocalStore, sale: Invoice, staff: dict[str, User]
) -> None:
    store.actor = actor_for(store, staff["Sam"].id)
    split = sales.split_commission(store, sale.id, second_salesperson_id=staff["Sam"].id,
                                   split_pct=50)
    assert split.second_salesperson_id == staff["Sam"].id
    exempt = sales.set_tax_exempt(store, sale.id, exempt=True, reason="Out of state")
    assert exempt.tax_cents == 0
    done = sales.finalize_invoice(store, sale.id)
    refused = assert_refused(store, PermissionDenied, sales.reopen_invoice, store,
                             done.id, "Wrong size")
    assert refused.message == "Sam Clerk is not allowed to reopen invoice; ask a manager."


def test_the_exemption_keeps_the_buyers_certificate_with_its_reason(
    store: LocalStore, sale: Invoice
) -> None:
    taxed = sale.tax_cents
    assert taxed > 0
    with records_one_op(store, "save_invoice") as rec:
        exempt = sales.set_tax_exempt(store, sale.id, exempt=True, reason=" Resale ",
                                      certificate=" 85-8012345678C-1 ")
    assert rec.payload.invoice.exempt_reason == "Resale, certificate 85-8012345678C-1"
    assert (exempt.tax_exempt, exempt.tax_cents) == (True, 0)
    assert exempt.total_cents == exempt.subtotal_cents
    # A certificate is not a reason: the core still wants to know why.
    again = sales.set_tax_exempt(store, sale.id, exempt=False)
    assert (again.tax_exempt, again.exempt_reason, again.tax_cents) == (False, None, taxed)
    refused = assert_refused(store, ValidationError, sales.set_tax_exempt, store, sale.id,
                             exempt=True, reason="  ", certificate="85-1")
    assert refused.message == "A tax-exempt sale needs a reason (out of state, resale ...)."


@pytest.mark.parametrize(("reason", "certificate", "text"), [
    ("Out of state (shipped)", None, "Out of state (shipped)"),
    ("Resale", "RC-1", "Resale, certificate RC-1"),
    ("  Resale  ", "   ", "Resale"),
    (None, "RC-1", ""),
])
def test_exempt_reason_text(reason: str | None, certificate: str | None, text: str) -> None:
    assert sales.exempt_reason_text(reason, certificate) == text


def test_the_sell_screen_names_still_resolve_from_sales() -> None:
    for name in ("SaleLineView", "SaleView", "Salesperson", "ScanOutcome", "invoice_by_number",
                 "piece_for_scan", "sale_view", "salespeople", "scan_into_sale",
                 "scan_preview", "set_quantity"):
        assert getattr(sales, name) is getattr(sell_screen, name)
    assert sales.add_return is returns.add_return
    with pytest.raises(AttributeError, match="no attribute 'scan_everything'"):
        _ = sales.scan_everything  # type: ignore[attr-defined]


@pytest.mark.parametrize("first", ["sell_screen", "returns", "sales"])
def test_the_split_modules_import_in_any_order(first: str) -> None:
    """``sell_screen`` and ``returns`` build on ``sales``, which re-exports their names: no
    order of first import may find a module half-loaded."""
    code = (f"import jeweltrak_desktop.services.{first}\n"
            "from jeweltrak_desktop.services.sales import SaleView, add_return, scan_into_sale\n"
            "from jeweltrak_desktop.services import returns, sell_screen\n"
            "assert SaleView is sell_screen.SaleView and add_return is returns.add_return\n")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
