"""Payment operations: tenders, change, overpayment, store credit, deposits, refunds, drawer."""

from __future__ import annotations

from decimal import Decimal
from uuid import UUID

import pytest

from jeweltrak_core.contacts.entities import Contact
from jeweltrak_core.errors import (
    Duplicate,
    IllegalTransition,
    InvalidMoney,
    NotFound,
    ValidationError,
)
from jeweltrak_core.ids import new_id
from jeweltrak_core.inventory.entities import Piece
from jeweltrak_core.inventory.stock import PieceStatus
from jeweltrak_core.payments.entities import Deposit, DrawerSession, Payment, StoreCreditEntry
from jeweltrak_core.payments.operations import (
    CARD_NEEDS_SERVICE,
    AddPayment,
    CloseDrawer,
    OpenDrawer,
    RefundPayment,
    TakeDeposit,
    TenderDetails,
)
from jeweltrak_core.payments.rules import RefundReason, Tender
from jeweltrak_core.sales.invoice_state import InvoiceStatus
from jeweltrak_core.sales.operations import VoidInvoice
from jeweltrak_core.sales.tax import LineKind
from jeweltrak_core.work_orders.operations import OpenWorkOrder
from jeweltrak_core.work_orders.rules import WorkOrderType

from .builders import (
    create_contact,
    create_piece,
    get_invoice,
    misc_line,
    number,
    pay,
    piece_line,
    refuse,
    save_invoice,
    sell,
)
from .memory_repo import (
    DEVICE_ID,
    NOW,
    OTHER_DEVICE_ID,
    SERVER,
    USER_ID,
    MemoryRepository,
    run,
)

CUSTOMER = RefundReason.REQUESTED_BY_CUSTOMER
CHECK = TenderDetails(tender=Tender.CHECK, check_number="1042")
CASH = TenderDetails(tender=Tender.CASH)
CARD = TenderDetails(tender=Tender.CARD, card_brand="visa", card_last4="4242",
                     stripe_payment_intent_id="pi_123", stripe_charge_id="ch_123")


def payment(repo: MemoryRepository, payment_id: UUID) -> Payment:
    p = repo.get(Payment, payment_id)
    assert p is not None
    return p


def credit(repo: MemoryRepository, contact_id: UUID) -> int:
    c = repo.get(Contact, contact_id)
    assert c is not None
    return c.store_credit_cents


def entries(repo: MemoryRepository, contact_id: UUID) -> list[StoreCreditEntry]:
    return [e for e in repo.all(StoreCreditEntry) if e.contact_id == contact_id]


def deposit(repo: MemoryRepository, deposit_id: UUID) -> Deposit:
    d = repo.get(Deposit, deposit_id)
    assert d is not None
    return d


# --- cash, check, references -------------------------------------------------------------


def test_cash_with_change(repo: MemoryRepository) -> None:
    invoice = save_invoice(repo, [misc_line(10_000)], tax_rate=Decimal("0.07"))
    assert invoice.balance_cents == 10_700
    pid = new_id()
    run(repo, AddPayment(payment_id=pid, invoice_id=invoice.id, details=CASH,
                         amount_cents=10_700, handed_cents=20_000), version=3)
    p = payment(repo, pid)
    assert (p.amount_cents, p.change_given_cents) == (10_700, 9_300)
    assert (p.tender, p.invoice_id, p.device_id, p.user_id, p.created_at, p.version) == (
        Tender.CASH, invoice.id, DEVICE_ID, USER_ID, NOW, 3)
    after = get_invoice(repo, invoice.id)
    assert (after.paid_cents, after.balance_cents) == (10_700, 0)


def test_cash_more_than_owed_records_the_balance_and_gives_change(
        repo: MemoryRepository) -> None:
    invoice = save_invoice(repo, [misc_line(4_250)])
    pid = pay(repo, invoice.id, 5_000)
    assert (payment(repo, pid).amount_cents, payment(repo, pid).change_given_cents) == (
        4_250, 750)
    refuse(repo, AddPayment(payment_id=new_id(), invoice_id=invoice.id, details=CASH,
                            amount_cents=100), ValidationError, match="Nothing is owed")


def test_partial_cash_payment_with_change(repo: MemoryRepository) -> None:
    invoice = save_invoice(repo, [misc_line(100_000)])
    pid = new_id()
    # The customer pays $500 now of the $1,000 and hands over $600.
    run(repo, AddPayment(payment_id=pid, invoice_id=invoice.id, details=CASH,
                         amount_cents=50_000, handed_cents=60_000))
    p = payment(repo, pid)
    assert (p.amount_cents, p.change_given_cents) == (50_000, 10_000)
    assert get_invoice(repo, invoice.id).balance_cents == 50_000


def test_check_needs_a_number(repo: MemoryRepository) -> None:
    invoice = save_invoice(repo, [misc_line(10_000)])
    err = refuse(repo, AddPayment(payment_id=new_id(), invoice_id=invoice.id,
                                  details=TenderDetails(tender=Tender.CHECK, check_number=" "),
                                  amount_cents=10_000), ValidationError)
    assert err.details["field"] == "check_number"
    pid = new_id()
    run(repo, AddPayment(payment_id=pid, invoice_id=invoice.id, details=CHECK,
                         amount_cents=4_000))
    assert payment(repo, pid).check_number == "1042"
    assert get_invoice(repo, invoice.id).balance_cents == 6_000  # partial payment


@pytest.mark.parametrize("tender", [Tender.WIRE, Tender.GIFT_CARD])
def test_wire_and_gift_card_need_a_reference(repo: MemoryRepository, tender: Tender) -> None:
    invoice = save_invoice(repo, [misc_line(10_000)])
    err = refuse(repo, AddPayment(payment_id=new_id(), invoice_id=invoice.id,
                                  details=TenderDetails(tender=tender), amount_cents=10_000),
                 ValidationError)
    assert err.details["field"] == "reference"
    pid = pay(repo, invoice.id, 10_000, tender)
    assert payment(repo, pid).reference == "REF-1"


def test_add_payment_refusals(repo: MemoryRepository) -> None:
    invoice = save_invoice(repo, [misc_line(10_000)])
    refuse(repo, AddPayment(payment_id=new_id(), invoice_id=new_id(), details=CHECK,
                            amount_cents=100), NotFound)
    refuse(repo, AddPayment(payment_id=new_id(), invoice_id=invoice.id, details=CHECK,
                            amount_cents=0), ValidationError)
    refuse(repo, AddPayment(payment_id=new_id(), invoice_id=invoice.id, details=CHECK,
                            amount_cents=10_000_000_001), InvalidMoney)
    refuse(repo, AddPayment(payment_id=new_id(), invoice_id=invoice.id,
                            details=TenderDetails(tender=Tender.DEPOSIT), amount_cents=100),
           ValidationError, match="deposit")
    refuse(repo, AddPayment(payment_id=new_id(), invoice_id=invoice.id,
                            details=TenderDetails(tender=Tender.CHECK, check_number="1",
                                                  card_last4="4242424242424242"),
                            amount_cents=100), ValidationError, match="last four")
    pid = pay(repo, invoice.id, 1_000, Tender.CHECK)
    refuse(repo, AddPayment(payment_id=pid, invoice_id=invoice.id, details=CHECK,
                            amount_cents=1_000), Duplicate)
    run(repo, VoidInvoice(invoice_id=invoice.id, reason="walked out"))
    refuse(repo, AddPayment(payment_id=new_id(), invoice_id=invoice.id, details=CHECK,
                            amount_cents=1_000), IllegalTransition, match="voided")


# --- cards -------------------------------------------------------------------------------


@pytest.mark.parametrize("tender", [Tender.CARD, Tender.PAYMENT_LINK])
def test_card_is_refused_locally_with_the_offline_message(repo: MemoryRepository,
                                                          tender: Tender) -> None:
    invoice = save_invoice(repo, [misc_line(10_000)])
    err = refuse(repo, AddPayment(payment_id=new_id(), invoice_id=invoice.id,
                                  details=TenderDetails(tender=tender), amount_cents=10_000),
                 ValidationError)
    assert err.message == CARD_NEEDS_SERVICE
    assert "cash, check and store credit still work offline" in err.message


def test_partial_card_payment_on_the_server(repo: MemoryRepository) -> None:
    p = create_piece(repo)
    invoice = save_invoice(repo, [piece_line(p, 100_000)], SERVER)
    pid = new_id()
    outcome = run(repo, AddPayment(payment_id=pid, invoice_id=invoice.id, details=CARD,
                                   amount_cents=40_000), SERVER)
    assert outcome.status == "applied"
    rec = payment(repo, pid)
    assert (rec.card_brand, rec.card_last4, rec.stripe_charge_id) == ("visa", "4242", "ch_123")
    assert get_invoice(repo, invoice.id).status is InvoiceStatus.OPEN
    assert repo.get(Piece, p.id).status is PieceStatus.IN_STOCK  # type: ignore[union-attr]


def test_card_payment_reaching_zero_balance_finalizes_the_invoice(
        repo: MemoryRepository) -> None:
    p = create_piece(repo)
    invoice = save_invoice(repo, [piece_line(p, 100_000)], SERVER, tax_rate=Decimal("0.06"))
    pay(repo, invoice.id, 6_000, Tender.CHECK, authority=SERVER)
    outcome = run(repo, AddPayment(payment_id=new_id(), invoice_id=invoice.id, details=CARD,
                                   amount_cents=100_000), SERVER, version=40)
    assert outcome.status == "applied"
    final = get_invoice(repo, invoice.id)
    assert final.status is InvoiceStatus.FINALIZED
    assert (final.finalized_at, final.balance_cents) == (NOW, 0)
    assert all(ln.committed for ln in final.lines)
    assert repo.get(Piece, p.id).status is PieceStatus.SOLD  # type: ignore[union-attr]


def test_check_reaching_zero_balance_does_not_finalize(repo: MemoryRepository) -> None:
    invoice = save_invoice(repo, [misc_line(10_000)])
    pay(repo, invoice.id, 10_000, Tender.CHECK)
    assert get_invoice(repo, invoice.id).status is InvoiceStatus.OPEN


def test_card_finalize_of_an_oversold_piece_is_a_conflict(repo: MemoryRepository) -> None:
    p = create_piece(repo)
    loser = save_invoice(repo, [piece_line(p, 100_000)], SERVER)
    sell(repo, [piece_line(p, 100_000)], SERVER)
    outcome = run(repo, AddPayment(payment_id=new_id(), invoice_id=loser.id, details=CARD,
                                   amount_cents=100_000), SERVER)
    assert outcome.status == "conflict"
    assert len(outcome.exceptions) == 1
    assert get_invoice(repo, loser.id).status is InvoiceStatus.FINALIZED


# --- overpayment and store credit --------------------------------------------------------


def test_overpayment_by_check_becomes_store_credit(repo: MemoryRepository) -> None:
    ada = create_contact(repo)
    invoice = save_invoice(repo, [misc_line(10_000)], contact_id=ada.id)
    pid = new_id()
    run(repo, AddPayment(payment_id=pid, invoice_id=invoice.id, details=CHECK,
                         amount_cents=15_000), version=5)
    assert payment(repo, pid).amount_cents == 15_000  # the whole check is in the drawer
    after = get_invoice(repo, invoice.id)
    assert (after.paid_cents, after.balance_cents) == (10_000, 0)
    assert credit(repo, ada.id) == 5_000
    [entry] = entries(repo, ada.id)
    assert (entry.amount_cents, entry.reason, entry.payment_id, entry.invoice_id) == (
        5_000, "Overpayment", pid, invoice.id)


def test_overpayment_without_a_customer_is_refused(repo: MemoryRepository) -> None:
    invoice = save_invoice(repo, [misc_line(10_000)])
    refuse(repo, AddPayment(payment_id=new_id(), invoice_id=invoice.id, details=CHECK,
                            amount_cents=15_000), ValidationError, match="choose a customer")


def test_store_credit_tender(repo: MemoryRepository) -> None:
    ada = create_contact(repo)
    first = save_invoice(repo, [misc_line(10_000)], contact_id=ada.id)
    pay(repo, first.id, 15_000, Tender.CHECK)  # $50 credit
    second = save_invoice(repo, [misc_line(8_000)], contact_id=ada.id)
    pid = pay(repo, second.id, 3_000, Tender.STORE_CREDIT)
    assert credit(repo, ada.id) == 2_000
    assert get_invoice(repo, second.id).balance_cents == 5_000
    used = [e for e in entries(repo, ada.id) if e.payment_id == pid]
    assert [(e.amount_cents, e.reason) for e in used] == [(-3_000, "Used on a sale")]
    refuse(repo, AddPayment(payment_id=new_id(), invoice_id=second.id,
                            details=TenderDetails(tender=Tender.STORE_CREDIT),
                            amount_cents=4_000), ValidationError, match="store credit")
    anonymous = save_invoice(repo, [misc_line(1_000)])
    refuse(repo, AddPayment(payment_id=new_id(), invoice_id=anonymous.id,
                            details=TenderDetails(tender=Tender.STORE_CREDIT),
                            amount_cents=1_000), ValidationError, match="Choose the customer")


def test_store_credit_cannot_pay_more_than_the_balance_and_the_ledger_adds_up(
        repo: MemoryRepository) -> None:
    ada = create_contact(repo)
    first = save_invoice(repo, [misc_line(10_000)], contact_id=ada.id)
    pay(repo, first.id, 15_000, Tender.CHECK)  # $50 credit
    second = save_invoice(repo, [misc_line(3_000)], contact_id=ada.id)
    refuse(repo, AddPayment(payment_id=new_id(), invoice_id=second.id,
                            details=TenderDetails(tender=Tender.STORE_CREDIT),
                            amount_cents=5_000), ValidationError, match="at most")
    pay(repo, second.id, 3_000, Tender.STORE_CREDIT)
    assert credit(repo, ada.id) == 2_000
    assert get_invoice(repo, second.id).balance_cents == 0
    assert sum(e.amount_cents for e in entries(repo, ada.id)) == credit(repo, ada.id)


def test_exchange_pays_out_a_negative_balance_as_store_credit(repo: MemoryRepository) -> None:
    ada = create_contact(repo)
    p = create_piece(repo)
    sell(repo, [piece_line(p, 100_000)], contact_id=ada.id)
    exchange = sell(repo, [piece_line(p, 100_000, kind=LineKind.RETURN, quantity=-1),
                           misc_line(30_000)], contact_id=ada.id)
    assert exchange.balance_cents == -70_000
    refuse(repo, AddPayment(payment_id=new_id(), invoice_id=exchange.id, details=CASH,
                            amount_cents=-80_000), ValidationError, match="too much")
    refuse(repo, AddPayment(payment_id=new_id(), invoice_id=exchange.id,
                            details=TenderDetails(tender=Tender.WIRE, reference="x"),
                            amount_cents=-70_000), ValidationError, match="Pay a customer back")
    pid = pay(repo, exchange.id, -70_000, Tender.STORE_CREDIT)
    assert payment(repo, pid).amount_cents == -70_000
    assert get_invoice(repo, exchange.id).balance_cents == 0
    assert credit(repo, ada.id) == 70_000
    assert [e.reason for e in entries(repo, ada.id)] == ["Exchange credit"]
    # a pay-out is not a payment that can be refunded
    refuse(repo, RefundPayment(refund_id=new_id(), payment_id=pid, reason=CUSTOMER),
           ValidationError)


# --- deposits ----------------------------------------------------------------------------


def take_deposit(repo: MemoryRepository, contact_id: UUID, amount: int, **kw: object) -> UUID:
    deposit_id = new_id()
    run(repo, TakeDeposit(deposit_id=deposit_id, payment_id=new_id(), contact_id=contact_id,
                          details=kw.pop("details", CASH), amount_cents=amount,  # type: ignore[arg-type]
                          **kw))  # type: ignore[arg-type]
    return deposit_id


def test_deposit_taken_then_applied_to_the_sale(repo: MemoryRepository) -> None:
    ada = create_contact(repo)
    wo_id = new_id()
    run(repo, OpenWorkOrder(work_order_id=wo_id, number=number("W-"), type=WorkOrderType.CUSTOM,
                            contact_id=ada.id, item_description="Custom pendant"))
    dep_id, dep_payment = new_id(), new_id()
    run(repo, TakeDeposit(deposit_id=dep_id, payment_id=dep_payment, contact_id=ada.id,
                          details=CASH, amount_cents=50_000, handed_cents=60_000,
                          work_order_id=wo_id, note="Half down"))
    d = deposit(repo, dep_id)
    assert (d.amount_cents, d.applied_cents, d.work_order_id, d.note) == (
        50_000, 0, wo_id, "Half down")
    money_in = payment(repo, dep_payment)
    assert (money_in.amount_cents, money_in.change_given_cents, money_in.deposit_id,
            money_in.invoice_id) == (50_000, 10_000, dep_id, None)

    invoice = save_invoice(repo, [misc_line(80_000)], contact_id=ada.id)
    applied_id = new_id()
    run(repo, AddPayment(payment_id=applied_id, invoice_id=invoice.id,
                         details=TenderDetails(tender=Tender.DEPOSIT), amount_cents=30_000,
                         deposit_id=dep_id))
    assert deposit(repo, dep_id).remaining_cents == 20_000
    assert get_invoice(repo, invoice.id).balance_cents == 50_000
    assert payment(repo, applied_id).deposit_id == dep_id
    refuse(repo, AddPayment(payment_id=new_id(), invoice_id=invoice.id,
                            details=TenderDetails(tender=Tender.DEPOSIT), amount_cents=25_000,
                            deposit_id=dep_id), ValidationError, match=r"Only \$200.00")
    run(repo, AddPayment(payment_id=new_id(), invoice_id=invoice.id,
                         details=TenderDetails(tender=Tender.DEPOSIT), amount_cents=20_000,
                         deposit_id=dep_id))
    assert deposit(repo, dep_id).remaining_cents == 0
    assert get_invoice(repo, invoice.id).balance_cents == 30_000


def test_deposit_of_another_customer_is_refused(repo: MemoryRepository) -> None:
    ada, bob = create_contact(repo), create_contact(repo, first_name="Bob")
    dep_id = take_deposit(repo, ada.id, 10_000)
    invoice = save_invoice(repo, [misc_line(10_000)], contact_id=bob.id)
    refuse(repo, AddPayment(payment_id=new_id(), invoice_id=invoice.id,
                            details=TenderDetails(tender=Tender.DEPOSIT), amount_cents=10_000,
                            deposit_id=dep_id), ValidationError, match="another customer")
    refuse(repo, AddPayment(payment_id=new_id(), invoice_id=invoice.id,
                            details=TenderDetails(tender=Tender.DEPOSIT), amount_cents=10_000,
                            deposit_id=new_id()), NotFound)


def test_take_deposit_refusals(repo: MemoryRepository) -> None:
    ada = create_contact(repo)

    def dep(**kw: object) -> TakeDeposit:
        fields: dict[str, object] = {"deposit_id": new_id(), "payment_id": new_id(),
                                     "contact_id": ada.id, "details": CASH,
                                     "amount_cents": 10_000}
        fields.update(kw)
        return TakeDeposit(**fields)  # type: ignore[arg-type]

    refuse(repo, dep(amount_cents=0), ValidationError)
    refuse(repo, dep(amount_cents=-5), InvalidMoney)
    refuse(repo, dep(details=TenderDetails(tender=Tender.STORE_CREDIT)), ValidationError)
    refuse(repo, dep(details=TenderDetails(tender=Tender.DEPOSIT)), ValidationError)
    refuse(repo, dep(details=CARD), ValidationError, match="reader")
    refuse(repo, dep(contact_id=new_id()), NotFound)
    refuse(repo, dep(work_order_id=new_id()), NotFound)
    taken = dep()
    run(repo, taken)
    refuse(repo, taken, Duplicate)
    assert run(repo, dep(details=CARD), SERVER).status == "applied"


def test_cash_deposit_with_less_cash_handed_is_refused(repo: MemoryRepository) -> None:
    ada = create_contact(repo)
    refuse(repo, TakeDeposit(deposit_id=new_id(), payment_id=new_id(), contact_id=ada.id,
                             details=CASH, amount_cents=50_000, handed_cents=30_000),
           ValidationError)


# --- refunds -----------------------------------------------------------------------------


def test_refund_defaults_to_the_remainder_and_never_exceeds_it(repo: MemoryRepository) -> None:
    invoice = sell(repo, [misc_line(10_000)])
    pid = pay(repo, invoice.id, 10_000)
    first = new_id()
    run(repo, RefundPayment(refund_id=first, payment_id=pid, reason=CUSTOMER,
                            amount_cents=3_000), version=9)
    r = payment(repo, first)
    assert (r.amount_cents, r.refund_of_id, r.refund_reason, r.tender, r.invoice_id,
            r.version) == (-3_000, pid, CUSTOMER, Tender.CASH, invoice.id, 9)
    err = refuse(repo, RefundPayment(refund_id=new_id(), payment_id=pid, reason=CUSTOMER,
                                     amount_cents=7_001), ValidationError)
    assert err.details["remainder_cents"] == 7_000
    refuse(repo, RefundPayment(refund_id=new_id(), payment_id=pid, reason=CUSTOMER,
                               amount_cents=0), ValidationError)
    rest = new_id()
    run(repo, RefundPayment(refund_id=rest, payment_id=pid, reason=RefundReason.DUPLICATE))
    assert payment(repo, rest).amount_cents == -7_000
    after = get_invoice(repo, invoice.id)
    assert (after.paid_cents, after.refunded_cents, after.balance_cents) == (
        10_000, 10_000, 10_000)
    refuse(repo, RefundPayment(refund_id=new_id(), payment_id=pid, reason=CUSTOMER),
           ValidationError, match="refunded in full")
    refuse(repo, RefundPayment(refund_id=new_id(), payment_id=rest, reason=CUSTOMER),
           ValidationError, match="Only a payment that was taken")
    refuse(repo, RefundPayment(refund_id=first, payment_id=new_id(), reason=CUSTOMER),
           NotFound)


def test_refund_never_restocks(repo: MemoryRepository) -> None:
    p = create_piece(repo)
    invoice = sell(repo, [piece_line(p, 10_000)])
    pid = pay(repo, invoice.id, 10_000)
    run(repo, RefundPayment(refund_id=new_id(), payment_id=pid, reason=CUSTOMER))
    assert repo.get(Piece, p.id).status is PieceStatus.SOLD  # type: ignore[union-attr]
    assert get_invoice(repo, invoice.id).status is InvoiceStatus.FINALIZED


def test_refund_to_store_credit(repo: MemoryRepository) -> None:
    ada = create_contact(repo)
    invoice = sell(repo, [misc_line(10_000)], contact_id=ada.id)
    pid = pay(repo, invoice.id, 10_000, Tender.CHECK)
    rid = new_id()
    run(repo, RefundPayment(refund_id=rid, payment_id=pid, reason=CUSTOMER, amount_cents=4_000,
                            details=TenderDetails(tender=Tender.STORE_CREDIT)))
    assert credit(repo, ada.id) == 4_000
    [entry] = entries(repo, ada.id)
    assert (entry.amount_cents, entry.reason, entry.payment_id) == (4_000, "Refund", rid)
    assert payment(repo, rid).tender is Tender.STORE_CREDIT
    anonymous = sell(repo, [misc_line(1_000)])
    apid = pay(repo, anonymous.id, 1_000)
    refuse(repo, RefundPayment(refund_id=new_id(), payment_id=apid, reason=CUSTOMER,
                               details=TenderDetails(tender=Tender.STORE_CREDIT)),
           ValidationError, match="Choose the customer")


def test_card_refund_only_through_the_service(repo: MemoryRepository) -> None:
    invoice = sell(repo, [misc_line(10_000)], SERVER)
    pid = new_id()
    run(repo, AddPayment(payment_id=pid, invoice_id=invoice.id, details=CARD,
                         amount_cents=10_000), SERVER)
    err = refuse(repo, RefundPayment(refund_id=new_id(), payment_id=pid, reason=CUSTOMER),
                 ValidationError)
    assert err.message == CARD_NEEDS_SERVICE
    rid = new_id()
    run(repo, RefundPayment(refund_id=rid, payment_id=pid, reason=RefundReason.FRAUDULENT),
        SERVER)
    r = payment(repo, rid)
    assert (r.amount_cents, r.tender, r.card_last4, r.stripe_charge_id) == (
        -10_000, Tender.CARD, "4242", "ch_123")


def test_refund_of_a_deposit_before_it_is_applied(repo: MemoryRepository) -> None:
    ada = create_contact(repo)
    dep_id, dep_payment = new_id(), new_id()
    run(repo, TakeDeposit(deposit_id=dep_id, payment_id=dep_payment, contact_id=ada.id,
                          details=CHECK, amount_cents=50_000))
    run(repo, RefundPayment(refund_id=new_id(), payment_id=dep_payment, reason=CUSTOMER,
                            amount_cents=20_000, details=CASH))
    assert deposit(repo, dep_id).amount_cents == 30_000
    invoice = save_invoice(repo, [misc_line(40_000)], contact_id=ada.id)
    run(repo, AddPayment(payment_id=new_id(), invoice_id=invoice.id,
                         details=TenderDetails(tender=Tender.DEPOSIT), amount_cents=30_000,
                         deposit_id=dep_id))
    refuse(repo, RefundPayment(refund_id=new_id(), payment_id=dep_payment, reason=CUSTOMER,
                               details=CASH), ValidationError, match="already applied")
    refuse(repo, RefundPayment(refund_id=new_id(), payment_id=dep_payment, reason=CUSTOMER,
                               details=TenderDetails(tender=Tender.DEPOSIT)),
           ValidationError)


def test_full_refund_of_an_overpaid_payment_pays_the_customer_once(
        repo: MemoryRepository) -> None:
    ada = create_contact(repo)
    invoice = sell(repo, [misc_line(10_000)], contact_id=ada.id)
    pid = pay(repo, invoice.id, 15_000, Tender.CHECK)  # $100 applied, $50 store credit
    run(repo, VoidInvoice(invoice_id=invoice.id, reason="Customer changed their mind"))
    rid = new_id()
    run(repo, RefundPayment(refund_id=rid, payment_id=pid, reason=CUSTOMER,
                            details=TenderDetails(tender=Tender.CHECK, check_number="77")))
    refunded = -payment(repo, rid).amount_cents
    after = get_invoice(repo, invoice.id)
    assert after.refunded_cents <= after.paid_cents
    assert refunded + credit(repo, ada.id) == 15_000  # the customer gets the $150 back once


def test_refund_of_a_deposit_funded_payment_after_a_void(repo: MemoryRepository) -> None:
    ada = create_contact(repo)
    dep_id = take_deposit(repo, ada.id, 50_000)
    invoice = sell(repo, [misc_line(50_000)], contact_id=ada.id)
    applied = new_id()
    run(repo, AddPayment(payment_id=applied, invoice_id=invoice.id,
                         details=TenderDetails(tender=Tender.DEPOSIT), amount_cents=50_000,
                         deposit_id=dep_id))
    run(repo, VoidInvoice(invoice_id=invoice.id, reason="Order cancelled"))
    # The $500 the deposit paid on the voided sale goes back to the customer in cash.
    run(repo, RefundPayment(refund_id=new_id(), payment_id=applied, reason=CUSTOMER,
                            details=CASH))
    assert get_invoice(repo, invoice.id).refunded_cents == 50_000


# --- drawer ------------------------------------------------------------------------------


def test_drawer_z_report(repo: MemoryRepository) -> None:
    ada = create_contact(repo)
    session = new_id()
    run(repo, OpenDrawer(session_id=session, opening_float_cents=20_000))
    assert repo.open_drawer_for(DEVICE_ID) is not None
    sale = sell(repo, [misc_line(10_000)], tax_rate=Decimal("0.07"))
    cash_id = new_id()
    run(repo, AddPayment(payment_id=cash_id, invoice_id=sale.id, details=CASH,
                         amount_cents=10_700, handed_cents=20_000, drawer_session_id=session))
    other = sell(repo, [misc_line(5_000)])
    pay(repo, other.id, 5_000, Tender.CHECK, drawer_session_id=session)
    run(repo, TakeDeposit(deposit_id=new_id(), payment_id=new_id(), contact_id=ada.id,
                          details=CASH, amount_cents=10_000, drawer_session_id=session))
    run(repo, RefundPayment(refund_id=new_id(), payment_id=cash_id, reason=CUSTOMER,
                            amount_cents=3_000, drawer_session_id=session))
    stray = sell(repo, [misc_line(2_000)])  # cash outside this drawer is not expected in it
    pay(repo, stray.id, 2_000)
    card_sale = sell(repo, [misc_line(9_000)], SERVER)
    run(repo, AddPayment(payment_id=new_id(), invoice_id=card_sale.id, details=CARD,
                         amount_cents=9_000, drawer_session_id=session), SERVER)

    run(repo, CloseDrawer(session_id=session, counted_cents={"cash": 37_500, "check": 5_000}),
        version=50)
    closed = repo.get(DrawerSession, session)
    assert closed is not None
    # float + cash taken − cash refunds: 200 + 107 + 100 − 30 (change never stays in it)
    assert closed.expected_cents == {"cash": 37_700, "check": 5_000}
    assert closed.counted_cents == {"cash": 37_500, "check": 5_000}
    assert (closed.closed_at, closed.closed_by, closed.version) == (NOW, USER_ID, 50)
    assert repo.open_drawer_for(DEVICE_ID) is None
    refuse(repo, CloseDrawer(session_id=session), ValidationError, match="already closed")


def test_drawer_refusals(repo: MemoryRepository) -> None:
    session = new_id()
    refuse(repo, OpenDrawer(session_id=session, opening_float_cents=-1), InvalidMoney)
    run(repo, OpenDrawer(session_id=session, opening_float_cents=10_000))
    refuse(repo, OpenDrawer(session_id=new_id(), opening_float_cents=0), ValidationError,
           match="already open")
    refuse(repo, OpenDrawer(session_id=session, opening_float_cents=0), Duplicate,
           device_id=OTHER_DEVICE_ID)
    # the server accepts a second open drawer (two workstations' ops arrive out of order)
    assert run(repo, OpenDrawer(session_id=new_id(), opening_float_cents=0), SERVER).status \
        == "applied"
    # another workstation has its own drawer
    run(repo, OpenDrawer(session_id=new_id(), opening_float_cents=0), device_id=OTHER_DEVICE_ID)
    refuse(repo, CloseDrawer(session_id=session, counted_cents={"card": 100}), ValidationError)
    refuse(repo, CloseDrawer(session_id=session, counted_cents={"cash": -1}), InvalidMoney)
    refuse(repo, CloseDrawer(session_id=new_id()), NotFound)


def test_payment_into_a_closed_drawer(repo: MemoryRepository) -> None:
    session = new_id()
    run(repo, OpenDrawer(session_id=session, opening_float_cents=0))
    run(repo, CloseDrawer(session_id=session, counted_cents={"cash": 0}))
    invoice = save_invoice(repo, [misc_line(1_000)])
    refuse(repo, AddPayment(payment_id=new_id(), invoice_id=invoice.id, details=CASH,
                            amount_cents=1_000, drawer_session_id=session), ValidationError,
           match="drawer is closed")
    refuse(repo, AddPayment(payment_id=new_id(), invoice_id=invoice.id, details=CASH,
                            amount_cents=1_000, drawer_session_id=new_id()), NotFound)
    # an op that was taken offline before the close still lands on the server
    assert run(repo, AddPayment(payment_id=new_id(), invoice_id=invoice.id, details=CASH,
                                amount_cents=1_000, drawer_session_id=session), SERVER).status \
        == "applied"


def test_default_refund_of_a_gift_card_payment_goes_back_to_the_card(
        repo: MemoryRepository) -> None:
    invoice = sell(repo, [misc_line(10_000)])
    pid = new_id()
    run(repo, AddPayment(payment_id=pid, invoice_id=invoice.id, amount_cents=10_000,
                         details=TenderDetails(tender=Tender.GIFT_CARD, reference="GC-7731")))
    rid = new_id()
    run(repo, RefundPayment(refund_id=rid, payment_id=pid, reason=CUSTOMER))
    r = payment(repo, rid)
    assert (r.tender, r.reference, r.amount_cents) == (Tender.GIFT_CARD, "GC-7731", -10_000)


def test_a_deposit_cannot_pay_an_invoice_without_its_customer(repo: MemoryRepository) -> None:
    ada = create_contact(repo)
    dep_id = take_deposit(repo, ada.id, 10_000)
    walk_in = save_invoice(repo, [misc_line(10_000)])  # no customer on the invoice
    refuse(repo, AddPayment(payment_id=new_id(), invoice_id=walk_in.id,
                            details=TenderDetails(tender=Tender.DEPOSIT), amount_cents=10_000,
                            deposit_id=dep_id), ValidationError)
