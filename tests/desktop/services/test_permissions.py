"""Permissions at the counter: a clerk who may only sell cannot discount, override a price,
void, reopen or refund, and a refused action writes nothing."""

from __future__ import annotations

from datetime import date

import pytest

from jeweltrak_core.appraisals.rules import AppraisalPurpose
from jeweltrak_core.contacts.entities import Contact
from jeweltrak_core.errors import PermissionDenied
from jeweltrak_core.ids import new_id
from jeweltrak_core.inventory.entities import Piece
from jeweltrak_core.inventory.stock import Family
from jeweltrak_core.payments.rules import RefundReason, Tender
from jeweltrak_core.permissions import Permission
from jeweltrak_desktop.services import (
    appraisals,
    contacts,
    inventory,
    memos,
    payments,
    sales,
    work_orders,
)
from jeweltrak_desktop.services.local_store import DEMO_OWNER, Actor, LocalStore

from .helpers import assert_refused, records_one_op

SELLER = Actor(user_id=new_id(), name="Sam Seller", permissions=frozenset({Permission.SELL}))
NOBODY = Actor(user_id=new_id(), name="Guest", permissions=frozenset())


@pytest.fixture
def counter(store: LocalStore, three_pieces: list[Piece], customer: Contact) -> dict:
    """As the owner: a paid sale, an open invoice with a line, an exchange owing money back.
    Then the seller signs in."""
    first, second, third = three_pieces
    sale = sales.new_invoice(store, contact_id=customer.id)
    sale = sales.add_piece(store, sale.id, first.stock_id)
    sale = sales.finalize_invoice(store, sale.id)
    paid = payments.take_payment(
        store, sale.id, tender=Tender.CHECK, amount_cents=sale.total_cents, check_number="10"
    )
    open_invoice = sales.new_invoice(store, contact_id=customer.id)
    open_invoice = sales.add_piece(store, open_invoice.id, second.stock_id)
    second_sale = sales.new_invoice(store, contact_id=customer.id)
    second_sale = sales.add_piece(store, second_sale.id, third.stock_id)
    second_sale = sales.finalize_invoice(store, second_sale.id)
    exchange = sales.new_invoice(store)
    exchange = sales.add_return(store, exchange.id, second_sale.lines[0].id)
    exchange = sales.finalize_invoice(store, exchange.id)
    assert exchange.balance_cents == -321_000
    store.actor = SELLER
    return {
        "sale": sale,
        "paid": paid,
        "open": open_invoice,
        "exchange": exchange,
        "sold_line": sale.lines[0],
    }


def test_seller_may_still_sell(store: LocalStore, counter: dict, make_piece) -> None:
    store.actor = DEMO_OWNER
    extra = make_piece(description="Pearl stud earrings", cost_cents=20_000)
    store.actor = SELLER
    with records_one_op(store, "save_invoice") as rec:
        invoice = sales.new_invoice(store)
    assert rec.op is not None and rec.op.user_id == SELLER.user_id
    assert invoice.salesperson_id == SELLER.user_id
    invoice = sales.add_piece(store, invoice.id, extra.stock_id)
    invoice = sales.finalize_invoice(store, invoice.id)
    payments.take_cash(store, invoice.id, invoice.total_cents)
    assert sales.get_invoice(store, invoice.id).balance_cents == 0


def test_seller_cannot_discount_override_void_reopen_or_refund(
    store: LocalStore, counter: dict
) -> None:
    open_id, open_line = counter["open"].id, counter["open"].lines[0].id
    refused = [
        (Permission.DISCOUNT, sales.adjust_line, (open_id, open_line, 5_000), {}),
        (Permission.OVERRIDE_PRICE, sales.override_price, (open_id, open_line, 100_000), {}),
        (Permission.VOID_INVOICE, sales.void_invoice, (counter["sale"].id, "mistake"), {}),
        (Permission.REOPEN_INVOICE, sales.reopen_invoice, (counter["sale"].id, "size"), {}),
        (
            Permission.REFUND,
            payments.refund_payment,
            (counter["paid"].id,),
            {"reason": RefundReason.REQUESTED_BY_CUSTOMER, "tender": Tender.CASH},
        ),
        (Permission.REFUND, sales.add_return, (open_id, counter["sold_line"].id), {}),
        (
            Permission.REFUND,
            payments.pay_out,
            (counter["exchange"].id, 321_000),
            {"tender": Tender.CASH},
        ),
    ]
    for permission, action, args, kwargs in refused:
        error = assert_refused(store, PermissionDenied, action, store, *args, **kwargs)
        assert error.details["permission"] == permission.value
        assert "Sam Seller" in error.message
        assert "manager" in error.message


def test_a_user_without_permissions_cannot_create_anything(
    store: LocalStore, counter: dict, customer: Contact, three_pieces: list[Piece]
) -> None:
    store.actor = NOBODY
    assert_refused(store, PermissionDenied, sales.new_invoice, store)
    assert_refused(
        store, PermissionDenied, inventory.create_piece, store,
        family=Family.JEWELRY, description="Ring", cost_cents=1_000,
    )
    assert_refused(store, PermissionDenied, contacts.create_contact, store, last_name="Kim")
    assert_refused(
        store, PermissionDenied, memos.issue_memo, store,
        contact_id=customer.id, codes=[three_pieces[1].stock_id],
    )
    assert_refused(
        store, PermissionDenied, work_orders.open_work_order, store,
        contact_id=customer.id, item_description="Ring sizing",
    )
    assert_refused(
        store, PermissionDenied, appraisals.create_appraisal, store,
        purpose=AppraisalPurpose.INSURANCE, appraisal_date=date(2026, 1, 5),
    )
    assert_refused(store, PermissionDenied, payments.take_cash, store, counter["open"].id, 100)
    assert_refused(store, PermissionDenied, payments.close_drawer, store, {"cash": 0})


def test_seller_cannot_pay_money_out_through_take_payment(
    store: LocalStore, counter: dict
) -> None:
    assert_refused(
        store,
        PermissionDenied,
        payments.take_payment,
        store,
        counter["exchange"].id,
        tender=Tender.CASH,
        amount_cents=-321_000,
    )
