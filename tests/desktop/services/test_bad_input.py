"""Bad input at the service boundary: each is refused with the documented JewelTrakError
subclass and a sentence a clerk can act on, and NOTHING is written (every table, the
outbox and the device's last_seq unchanged).

All the refusals share one store per module: a refusal must not change it, and each check
proves that it did not.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jeweltrak_core.appraisals.entities import AppraisalLine
from jeweltrak_core.appraisals.rules import AppraisalPurpose
from jeweltrak_core.errors import (
    Duplicate,
    InvalidMoney,
    JewelTrakError,
    NotFound,
    ValidationError,
)
from jeweltrak_core.ids import new_id
from jeweltrak_core.inventory.stock import Family
from jeweltrak_core.money import MAX_CENTS
from jeweltrak_core.payments.rules import RefundReason, Tender
from jeweltrak_core.sales.tax import LineKind
from jeweltrak_desktop.demo import demo_store_settings
from jeweltrak_desktop.services import (
    appraisals,
    contacts,
    inventory,
    memos,
    payments,
    sales,
    work_orders,
)
from jeweltrak_desktop.services.local_store import DeviceIdentity, LocalStore

from .helpers import assert_clear_message, assert_refused, nothing_written


@pytest.fixture(scope="module")
def world(
    migrated_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[SimpleNamespace]:
    """One store with a piece, a chain, a customer, an open invoice and a paid sale."""
    path = tmp_path_factory.mktemp("bad-input") / "store.sqlite3"
    shutil.copyfile(migrated_template, path)
    store = LocalStore(path)
    store_id = new_id()
    store.set_up(
        DeviceIdentity(device_id=new_id(), store_id=store_id, store_code="D",
                       workstation_code="A"),
        demo_store_settings(store_id),
    )
    ring = inventory.create_piece(
        store, family=Family.JEWELRY, description="14K gold ring", cost_cents=120_000,
        barcode="RING-0001",
    )
    sold = inventory.create_piece(
        store, family=Family.JEWELRY, description="Gold hoops", cost_cents=40_000
    )
    chain = inventory.create_piece(
        store, family=Family.JEWELRY, description="Rope chain", cost_cents=2_000,
        is_quantity_item=True, qty_purchased=5,
    )
    customer = contacts.create_contact(store, first_name="Ana", last_name="García")
    invoice = sales.new_invoice(store, contact_id=customer.id)
    invoice = sales.add_piece(store, invoice.id, ring.stock_id)
    sale = sales.new_invoice(store, contact_id=customer.id)
    sale = sales.add_piece(store, sale.id, sold.stock_id)
    sale = sales.finalize_invoice(store, sale.id)
    paid = payments.take_payment(
        store, sale.id, tender=Tender.CHECK, amount_cents=sale.total_cents, check_number="1"
    )
    order = work_orders.open_work_order(store, contact_id=customer.id, item_description="Sizing")
    spare = inventory.create_piece(
        store, family=Family.JEWELRY, description="Silver cuff", cost_cents=5_000
    )
    yield SimpleNamespace(
        store=store, ring=ring, chain=chain, customer=customer, invoice=invoice, sale=sale,
        paid=paid, order=order, line=invoice.lines[0], spare=spare,
    )
    store.close()


# --- money -----------------------------------------------------------------------------

#: Amounts of the wrong type: a float, a bool, text.
WRONG_TYPE_MONEY = (1234.5, True, "1234")

#: Each service entry point that takes an amount, called with ``bad`` as that amount.
MoneyCall = Callable[[SimpleNamespace, Any], Any]
MONEY_ENTRY_POINTS: dict[str, MoneyCall] = {
    "inventory.create_piece(cost_cents)": lambda w, bad: inventory.create_piece(
        w.store, family=Family.JEWELRY, description="Ring", cost_cents=bad
    ),
    "sales.add_charge(price_cents)": lambda w, bad: sales.add_charge(
        w.store, w.invoice.id, kind=LineKind.SERVICE, description="Sizing", price_cents=bad
    ),
    "sales.adjust_line(adjustment_cents)": lambda w, bad: sales.adjust_line(
        w.store, w.invoice.id, w.line.id, bad
    ),
    "sales.override_price(unit_price_cents)": lambda w, bad: sales.override_price(
        w.store, w.invoice.id, w.line.id, bad
    ),
    "sales.add_trade_in(allowance_cents)": lambda w, bad: sales.add_trade_in(
        w.store, w.invoice.id, description="Old ring", allowance_cents=bad
    ),
    "inventory.create_piece(retail_cents)": lambda w, bad: inventory.create_piece(
        w.store, family=Family.JEWELRY, description="Ring", cost_cents=1_000, retail_cents=bad
    ),
    "inventory.update_piece(cost_cents)": lambda w, bad: inventory.update_piece(
        w.store, w.ring.id, cost_cents=bad
    ),
    "payments.take_payment(amount_cents)": lambda w, bad: payments.take_payment(
        w.store, w.invoice.id, tender=Tender.CHECK, amount_cents=bad, check_number="7"
    ),
    "payments.take_cash(handed_cents)": lambda w, bad: payments.take_cash(
        w.store, w.invoice.id, bad
    ),
    "payments.take_deposit(amount_cents)": lambda w, bad: payments.take_deposit(
        w.store, contact_id=w.customer.id, amount_cents=bad, tender=Tender.CASH
    ),
    "payments.refund_payment(amount_cents)": lambda w, bad: payments.refund_payment(
        w.store, w.paid.id, reason=RefundReason.REQUESTED_BY_CUSTOMER, amount_cents=bad,
        tender=Tender.CASH,
    ),
    "payments.open_drawer(opening_float_cents)": lambda w, bad: payments.open_drawer(
        w.store, bad
    ),
    "work_orders.open_work_order(estimate_cents)": lambda w, bad: work_orders.open_work_order(
        w.store, contact_id=w.customer.id, item_description="Sizing", estimate_cents=bad
    ),
    "work_orders.update_work_order(price_cents)": lambda w, bad: work_orders.update_work_order(
        w.store, w.order.id, price_cents=bad
    ),
    "memos.issue_memo(prices_cents)": lambda w, bad: memos.issue_memo(
        w.store, contact_id=w.customer.id, codes=[w.spare.stock_id],
        prices_cents={w.spare.stock_id: bad},
    ),
    "appraisals.create_appraisal(value_cents)": lambda w, bad: appraisals.create_appraisal(
        w.store, purpose=AppraisalPurpose.INSURANCE, appraisal_date=date(2026, 5, 1),
        lines=[AppraisalLine(id=new_id(), description="Gold ring", value_cents=bad)],
    ),
}

#: Entry points that leave the type check of an amount to the wire codec: a float, bool or
#: text amount is refused with a message worded for programmers, naming the wire path
#: ("payload.amount_cents must be a whole number of cents (got float).").
WIRE_CHECKED = {
    "inventory.create_piece(retail_cents)",
    "inventory.update_piece(cost_cents)",
    "payments.take_payment(amount_cents)",
    "payments.take_cash(handed_cents)",
    "payments.take_deposit(amount_cents)",
    "payments.refund_payment(amount_cents)",
    "payments.open_drawer(opening_float_cents)",
    "work_orders.open_work_order(estimate_cents)",
    "work_orders.update_work_order(price_cents)",
    "memos.issue_memo(prices_cents)",
    "appraisals.create_appraisal(value_cents)",
}
def _entries(*, mark_wire_checked: bool) -> list[Any]:
    return [
        pytest.param(
            entry, marks=[]
        )
        for entry in MONEY_ENTRY_POINTS
    ]


@pytest.mark.parametrize("entry", _entries(mark_wire_checked=True))
def test_an_amount_of_the_wrong_type_is_refused_as_invalid_money(
    world: SimpleNamespace, entry: str
) -> None:
    for bad in WRONG_TYPE_MONEY:
        assert_refused(world.store, InvalidMoney, MONEY_ENTRY_POINTS[entry], world, bad)


@pytest.mark.parametrize("entry", _entries(mark_wire_checked=False))
def test_an_amount_over_the_limit_is_refused_as_invalid_money(
    world: SimpleNamespace, entry: str
) -> None:
    error = assert_refused(
        world.store, InvalidMoney, MONEY_ENTRY_POINTS[entry], world, MAX_CENTS + 1
    )
    assert "largest amount" in error.message


@pytest.mark.parametrize("entry", _entries(mark_wire_checked=False))
def test_a_bad_amount_never_writes_whatever_the_error(world: SimpleNamespace, entry: str) -> None:
    """Whatever class a bad amount is refused with, it is refused and nothing is written."""
    for bad in (*WRONG_TYPE_MONEY, MAX_CENTS + 1):
        with nothing_written(world.store), pytest.raises(ValidationError):
            MONEY_ENTRY_POINTS[entry](world, bad)


# --- quantities ------------------------------------------------------------------------


def test_negative_and_zero_quantities_are_refused(world: SimpleNamespace) -> None:
    store = world.store
    for quantity in (-1, 0, True, 1.0):
        assert_refused(
            store, ValidationError, sales.add_quantity, store, world.invoice.id,
            world.chain.stock_id, quantity,
        )
    assert_refused(
        store, ValidationError, sales.add_charge, store, world.invoice.id,
        kind=LineKind.SERVICE, description="Engraving", price_cents=2_000, quantity=-2,
    )
    assert_refused(store, ValidationError, inventory.count_stock, store, world.chain.id, -3)
    assert_refused(
        store, ValidationError, inventory.create_piece, store, family=Family.JEWELRY,
        description="Box chain", cost_cents=900, is_quantity_item=True, qty_purchased=-1,
    )
    assert_refused(
        store, ValidationError, inventory.create_piece, store, family=Family.JEWELRY,
        description="Ring", cost_cents=900, qty_purchased=3,
    )
    assert_refused(
        store, ValidationError, sales.set_salespeople, store, world.invoice.id,
        salesperson_id=None, split_pct=-10,
    )


# --- StockIDs and scans ----------------------------------------------------------------


def test_unknown_stock_id_is_not_found(world: SimpleNamespace) -> None:
    store = world.store
    error = assert_refused(store, NotFound, sales.add_piece, store, world.invoice.id, "DX999999")
    assert "DX999999" in error.message
    assert_refused(store, NotFound, sales.piece_for_scan, store, "DX999999\n")
    assert_refused(
        store, NotFound, memos.issue_memo, store, contact_id=world.customer.id,
        codes=["DX999999"],
    )
    assert_refused(store, NotFound, sales.add_quantity, store, world.invoice.id, "DX999999", 1)
    assert inventory.lookup(store, "DX999999") is None


def test_duplicate_stock_id_or_barcode_is_refused_whatever_the_case(
    world: SimpleNamespace,
) -> None:
    store = world.store
    for stock_id in (world.ring.stock_id, world.ring.stock_id.lower()):
        error = assert_refused(
            store, Duplicate, inventory.create_piece, store, family=Family.JEWELRY,
            description="Another ring", cost_cents=1_000, stock_id=stock_id,
        )
        assert stock_id in error.message
    assert_refused(
        store, Duplicate, inventory.create_piece, store, family=Family.JEWELRY,
        description="Another ring", cost_cents=1_000, barcode="ring-0001",
    )
    assert_refused(
        store, Duplicate, inventory.update_piece, store, world.chain.id,
        stock_id=world.ring.stock_id.lower(),
    )


MALFORMED_SCANS = ["ab\x00c", "", "😀", "   ", "\r\n", "D1000\t01", "ab;c", "x" * 49]


@pytest.mark.parametrize("scan", MALFORMED_SCANS, ids=repr)
def test_malformed_scans_are_refused(world: SimpleNamespace, scan: str) -> None:
    store = world.store
    assert_refused(store, ValidationError, sales.add_piece, store, world.invoice.id, scan)
    assert_refused(store, ValidationError, sales.piece_for_scan, store, scan)
    with nothing_written(store), pytest.raises(ValidationError):
        inventory.lookup(store, scan)


def test_malformed_stock_ids_and_barcodes_are_refused_on_create(world: SimpleNamespace) -> None:
    store = world.store
    for fields in (
        {"stock_id": "AB C"},
        {"stock_id": "ÄB1"},
        {"stock_id": "x" * 33},
        {"barcode": "ab\x00c"},
        {"barcode": "😀"},
    ):
        assert_refused(
            store, ValidationError, inventory.create_piece, store, family=Family.JEWELRY,
            description="Ring", cost_cents=1_000, **fields,
        )


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(scan=st.text(max_size=20))
def test_any_scan_finds_a_piece_or_is_refused_cleanly(world: SimpleNamespace, scan: str) -> None:
    store = world.store
    with nothing_written(store):
        try:
            piece = sales.piece_for_scan(store, scan)
        except (ValidationError, NotFound) as error:
            assert_clear_message(error)
        else:
            assert piece.stock_id.upper() == scan.strip().upper() or (
                piece.barcode or ""
            ).upper() == scan.strip().upper()


# --- family rules ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("family", "fields", "match"),
    [
        (Family.PEARL, {"carat_weight": Decimal("0.50")}, "carat weight"),
        (Family.JEWELRY, {"karat": 30}, "Karat"),
        (Family.JEWELRY, {"karat": 0}, "Karat"),
        (Family.DIAMOND, {"karat": 14}, "karat"),
        (Family.WATCH, {"carat_weight": Decimal("1.0")}, "carat weight"),
        (Family.JEWELRY, {"brand": "Rolex"}, "brand"),
        (Family.DIAMOND, {"carat_weight": Decimal("-0.5")}, "carat weight"),
        (Family.DIAMOND, {"carat_weight": Decimal(0)}, "carat weight"),
        (Family.PEARL, {"stone_count": 0}, "stones"),
        (Family.JEWELRY, {"description": "   "}, "description"),
        pytest.param(
            Family.DIAMOND,
            {"carat_weight": 0.5},
            "carat weight",
            id="diamond-float-carat_weight",
        ),
    ],
    ids=lambda v: str(v) if not isinstance(v, dict) else ",".join(v),
)
def test_fields_that_break_the_family_rules_are_refused(
    world: SimpleNamespace, family: Family, fields: dict, match: str
) -> None:
    args: dict[str, Any] = {"family": family, "description": "A piece", "cost_cents": 10_000}
    args.update(fields)
    assert_refused(
        world.store, ValidationError, inventory.create_piece, world.store, match=match, **args
    )


def test_a_piece_edit_that_breaks_the_family_rules_is_refused(world: SimpleNamespace) -> None:
    store = world.store
    assert_refused(store, ValidationError, inventory.update_piece, store, world.ring.id, karat=30)
    assert_refused(
        store, ValidationError, inventory.update_piece, store, world.ring.id,
        pearl_size_mm=Decimal("7.5"),
    )


def test_every_refusal_above_is_a_jeweltrak_error() -> None:
    """The classes the refusals use are the documented family (a sanity check on imports)."""
    for error in (InvalidMoney, NotFound, Duplicate, ValidationError):
        assert issubclass(error, JewelTrakError)
