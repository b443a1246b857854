"""Tenders, refunds, deposits and the drawer through ``services.payments``."""

from __future__ import annotations

from jeweltrak_core.contacts.entities import Contact
from jeweltrak_core.errors import IllegalTransition, ValidationError
from jeweltrak_core.inventory.entities import Piece
from jeweltrak_core.payments.operations import CARD_NEEDS_SERVICE
from jeweltrak_core.payments.rules import RefundReason, Tender
from jeweltrak_core.sales.entities import Invoice
from jeweltrak_core.sales.tax import LineKind
from jeweltrak_desktop.services import contacts, payments, sales
from jeweltrak_desktop.services.local_store import LocalStore

from .helpers import assert_refused, query, records_one_op, scalar


def finalized_sale(store: LocalStore, piece: Piece, customer: Contact | None = None) -> Invoice:
    """A finalized, unpaid sale of one $3,000.00 piece: $3,210.00 with Florida tax."""
    invoice = sales.new_invoice(store, contact_id=customer.id if customer else None)
    invoice = sales.add_piece(store, invoice.id, piece.stock_id)
    invoice = sales.finalize_invoice(store, invoice.id)
    assert invoice.balance_cents == 321_000
    return invoice


def test_split_tender_partial_payments_reach_a_zero_balance(
    store: LocalStore, three_pieces: list[Piece], customer: Contact
) -> None:
    invoice = finalized_sale(store, three_pieces[0], customer)
    with records_one_op(store, "add_payment") as rec:
        check = payments.take_payment(
            store, invoice.id, tender=Tender.CHECK, amount_cents=200_000, check_number="1042"
        )
    assert rec.payload.payment_id == check.id
    assert rec.payload.invoice_id == invoice.id
    assert rec.payload.amount_cents == 200_000
    assert rec.payload.details.tender is Tender.CHECK
    assert rec.payload.details.check_number == "1042"
    assert rec.touched == {f"invoices:{invoice.id}", f"payments:{check.id}"}
    assert sales.get_invoice(store, invoice.id).balance_cents == 121_000

    with records_one_op(store, "add_payment"):
        wire = payments.take_payment(
            store, invoice.id, tender=Tender.WIRE, amount_cents=21_000, reference="ACH 99"
        )
    with records_one_op(store, "add_payment"):
        cash = payments.take_cash(store, invoice.id, 100_000)
    assert (cash.amount_cents, cash.change_given_cents) == (100_000, 0)
    invoice = sales.get_invoice(store, invoice.id)
    assert (invoice.paid_cents, invoice.balance_cents) == (321_000, 0)
    listed = payments.payments_for_invoice(store, invoice.id)
    assert [p.id for p in listed] == [check.id, wire.id, cash.id]
    rows = query(store, "SELECT tender, amount_cents FROM payments ORDER BY created_at")
    assert [tuple(r) for r in rows] == [("check", 200_000), ("wire", 21_000), ("cash", 100_000)]


def test_overpayment_by_check_becomes_credit_on_account(
    store: LocalStore, three_pieces: list[Piece], customer: Contact
) -> None:
    invoice = finalized_sale(store, three_pieces[0], customer)
    with records_one_op(store, "add_payment") as rec:
        payment = payments.take_payment(
            store, invoice.id, tender=Tender.CHECK, amount_cents=350_000, check_number="77"
        )
    entry_id = scalar(store, "SELECT id FROM store_credit_entries")
    assert rec.touched == {
        f"invoices:{invoice.id}",
        f"payments:{payment.id}",
        f"contacts:{customer.id}",
        f"store_credit_entries:{entry_id}",
    }
    assert contacts.get_contact(store, customer.id).store_credit_cents == 29_000
    assert sales.get_invoice(store, invoice.id).balance_cents == 0


def test_refund_defaults_to_the_remainder_and_is_a_negative_payment(
    store: LocalStore, three_pieces: list[Piece], customer: Contact
) -> None:
    invoice = finalized_sale(store, three_pieces[0], customer)
    paid = payments.take_payment(
        store, invoice.id, tender=Tender.CHECK, amount_cents=321_000, check_number="5"
    )
    with records_one_op(store, "refund_payment") as rec:
        partial = payments.refund_payment(
            store,
            paid.id,
            reason=RefundReason.REQUESTED_BY_CUSTOMER,
            amount_cents=21_000,
            tender=Tender.CHECK,
            check_number="2001",
        )
    assert rec.payload.payment_id == paid.id
    assert rec.payload.amount_cents == 21_000
    assert rec.payload.reason is RefundReason.REQUESTED_BY_CUSTOMER
    assert rec.touched == {f"invoices:{invoice.id}", f"payments:{partial.id}"}
    assert partial.amount_cents == -21_000
    assert partial.refund_of_id == paid.id
    assert (partial.tender, partial.check_number) == (Tender.CHECK, "2001")

    with records_one_op(store, "refund_payment") as rec:
        rest = payments.refund_payment(
            store, paid.id, reason=RefundReason.DUPLICATE, tender=Tender.CASH
        )
    assert rec.payload.amount_cents is None  # "the rest", decided by the rules
    assert rest.amount_cents == -300_000
    assert rest.tender is Tender.CASH
    invoice = sales.get_invoice(store, invoice.id)
    assert invoice.refunded_cents == 321_000
    assert invoice.balance_cents == 321_000  # money only: the sale itself stands
    assert scalar(store, "SELECT status FROM pieces WHERE id = ?", str(three_pieces[0].id)) == (
        "sold"
    )


def test_refund_of_more_than_refundable_writes_nothing(
    store: LocalStore, three_pieces: list[Piece]
) -> None:
    invoice = finalized_sale(store, three_pieces[0])
    paid = payments.take_payment(
        store, invoice.id, tender=Tender.CHECK, amount_cents=321_000, check_number="5"
    )
    refund = payments.refund_payment(
        store,
        paid.id,
        reason=RefundReason.REQUESTED_BY_CUSTOMER,
        amount_cents=300_000,
        tender=Tender.CASH,
    )
    error = assert_refused(
        store,
        ValidationError,
        payments.refund_payment,
        store,
        paid.id,
        reason=RefundReason.REQUESTED_BY_CUSTOMER,
        amount_cents=21_001,
        tender=Tender.CASH,
    )
    assert "$210.00" in error.message
    # A refund cannot itself be refunded.
    assert_refused(
        store, ValidationError, payments.refund_payment, store, refund.id,
        reason=RefundReason.DUPLICATE, tender=Tender.CASH,
    )
    # A check refund needs the number of the check written.
    assert_refused(
        store, ValidationError, payments.refund_payment, store, paid.id,
        reason=RefundReason.REQUESTED_BY_CUSTOMER, tender=Tender.CHECK, match="check number",
    )
    payments.refund_payment(
        store, paid.id, reason=RefundReason.REQUESTED_BY_CUSTOMER, tender=Tender.CASH
    )
    assert_refused(
        store, ValidationError, payments.refund_payment, store, paid.id,
        reason=RefundReason.REQUESTED_BY_CUSTOMER, tender=Tender.CASH, match="in full",
    )


def test_deposit_is_taken_then_applied_to_the_invoice(
    store: LocalStore, three_pieces: list[Piece], customer: Contact
) -> None:
    with records_one_op(store, "take_deposit") as rec:
        deposit = payments.take_deposit(
            store, contact_id=customer.id, amount_cents=100_000, tender=Tender.CASH,
            handed_cents=100_000, note="Layaway: solitaire",
        )
    payment_id = scalar(store, "SELECT id FROM payments WHERE deposit_id = ?", str(deposit.id))
    assert rec.touched == {f"deposits:{deposit.id}", f"payments:{payment_id}"}
    assert [d.id for d in payments.deposits_for(store, customer.id)] == [deposit.id]

    invoice = finalized_sale(store, three_pieces[0], customer)
    with records_one_op(store, "add_payment") as rec:
        applied = payments.take_payment(
            store, invoice.id, tender=Tender.DEPOSIT, amount_cents=100_000, deposit_id=deposit.id
        )
    assert rec.touched == {
        f"invoices:{invoice.id}",
        f"payments:{applied.id}",
        f"deposits:{deposit.id}",
    }
    assert payments.deposits_for(store, customer.id) == []
    assert sales.get_invoice(store, invoice.id).balance_cents == 221_000


def test_drawer_open_payments_and_close_with_z_report(
    store: LocalStore, three_pieces: list[Piece]
) -> None:
    with records_one_op(store, "open_drawer") as rec:
        session = payments.open_drawer(store, 20_000)
    assert rec.touched == {f"drawer_sessions:{session.id}"}
    assert payments.current_drawer(store) == session
    assert_refused(store, ValidationError, payments.open_drawer, store, 5_000)

    invoice = finalized_sale(store, three_pieces[0])
    cash = payments.take_cash(store, invoice.id, 330_000)
    assert (cash.amount_cents, cash.change_given_cents, cash.drawer_session_id) == (
        321_000,
        9_000,
        session.id,
    )
    with records_one_op(store, "close_drawer") as rec:
        report = payments.close_drawer(store, {"cash": 340_500, "check": 0})
    assert rec.touched == {f"drawer_sessions:{session.id}"}
    assert report.expected_cents == {"cash": 341_000, "check": 0}
    assert report.over_short_cents == {"cash": -500, "check": 0}
    assert payments.current_drawer(store) is None


def test_refused_payments_write_nothing(
    store: LocalStore, three_pieces: list[Piece], customer: Contact, make_contact
) -> None:
    invoice = finalized_sale(store, three_pieces[0], customer)
    anonymous = finalized_sale(store, three_pieces[1])
    cases = [
        (dict(tender=Tender.CHECK, amount_cents=1_000), "check number"),
        (dict(tender=Tender.CARD, amount_cents=1_000), "reader"),
        (dict(tender=Tender.PAYMENT_LINK, amount_cents=1_000), "reader"),
        (dict(tender=Tender.GIFT_CARD, amount_cents=1_000), "reference"),
        (dict(tender=Tender.CHECK, amount_cents=0, check_number="1"), r"\$0\.00"),
        (dict(tender=Tender.STORE_CREDIT, amount_cents=1_000), "store credit"),
        (dict(tender=Tender.DEPOSIT, amount_cents=1_000), "deposit"),
    ]
    for kwargs, match in cases:
        assert_refused(
            store, ValidationError, payments.take_payment, store, invoice.id, match=match, **kwargs
        )
    error = assert_refused(
        store, ValidationError, payments.take_payment, store, invoice.id,
        tender=Tender.CARD, amount_cents=1_000,
    )
    assert error.message == CARD_NEEDS_SERVICE
    # Overpaying without a customer to credit; paying out more than is owed.
    assert_refused(
        store, ValidationError, payments.take_payment, store, anonymous.id,
        tender=Tender.CHECK, amount_cents=400_000, check_number="9",
    )
    assert_refused(
        store, ValidationError, payments.pay_out, store, invoice.id, 1_000, tender=Tender.CASH
    )
    # Payments on a voided invoice.
    sales.void_invoice(store, anonymous.id, "Entered twice")
    assert_refused(store, IllegalTransition, payments.take_cash, store, anonymous.id, 1_000)
    # Paid in full: no cash is due.
    payments.take_payment(
        store, invoice.id, tender=Tender.CHECK, amount_cents=321_000, check_number="3"
    )
    assert_refused(store, ValidationError, payments.take_cash, store, invoice.id, 1_000)
    # Deposit refused for a contact that does not exist, and in store credit.
    stranger = make_contact(first_name="Wei", last_name="Chen", phones=[], emails=[])
    assert_refused(
        store, ValidationError, payments.take_deposit, store, contact_id=stranger.id,
        amount_cents=1_000, tender=Tender.STORE_CREDIT,
    )


# --- regressions: bugs these tests found, fixed since ------------------------------


def test_partial_cash_payment_applies_the_amount_and_gives_change_from_what_was_handed(
    store: LocalStore, three_pieces: list[Piece]
) -> None:
    invoice = finalized_sale(store, three_pieces[0])
    # $3,210.00 owed; the customer puts $100.00 on cash, handing over $120.00.
    payment = payments.take_payment(
        store, invoice.id, tender=Tender.CASH, amount_cents=10_000, handed_cents=12_000
    )
    assert payment.amount_cents == 10_000
    assert payment.change_given_cents == 2_000


def test_store_credit_ledger_adds_up_after_paying_more_than_owed_with_credit(
    store: LocalStore, three_pieces: list[Piece], customer: Contact
) -> None:
    sale = finalized_sale(store, three_pieces[0], customer)
    payments.take_payment(
        store, sale.id, tender=Tender.CHECK, amount_cents=350_000, check_number="8"
    )  # $290.00 overpaid → credit on account
    service = sales.new_invoice(store, contact_id=customer.id)
    service = sales.add_charge(
        store, service.id, kind=LineKind.SERVICE, description="Rhodium plating", price_cents=5_000
    )
    assert service.balance_cents == 5_350
    assert_refused(
        store, ValidationError, payments.take_payment, store, service.id,
        tender=Tender.STORE_CREDIT, amount_cents=10_000, match="at most",
    )
    payments.take_payment(store, service.id, tender=Tender.STORE_CREDIT, amount_cents=5_350)

    balance = contacts.get_contact(store, customer.id).store_credit_cents
    assert balance == 29_000 - 5_350
    ledger = scalar(
        store,
        "SELECT sum(amount_cents) FROM store_credit_entries WHERE contact_id = ?",
        str(customer.id),
    )
    assert ledger == balance


def test_check_refund_back_the_way_it_came_keeps_the_given_check_number(
    store: LocalStore, three_pieces: list[Piece]
) -> None:
    invoice = finalized_sale(store, three_pieces[0])
    paid = payments.take_payment(
        store, invoice.id, tender=Tender.CHECK, amount_cents=321_000, check_number="5"
    )
    refund = payments.refund_payment(
        store, paid.id, reason=RefundReason.REQUESTED_BY_CUSTOMER, check_number="2002"
    )
    assert (refund.tender, refund.check_number, refund.amount_cents) == (
        Tender.CHECK,
        "2002",
        -321_000,
    )
