"""A printer failure after a sale leaves the sale exactly as it was: finalized, paid, and
with nothing added to or changed in the local database or its outbox."""

from __future__ import annotations

# tests/desktop is on sys.path (pytest's rootdir-relative import of this package), so the
# service tests' database checks import as ``services.helpers`` here, as they do there.
from services.helpers import assert_clear_message, nothing_written, outbox_rows

from jeweltrak_core.contacts.entities import Contact
from jeweltrak_core.inventory.entities import Piece
from jeweltrak_core.sales.invoice_state import InvoiceStatus
from jeweltrak_desktop.demo import demo_store_settings
from jeweltrak_desktop.hardware.errors import PrinterError
from jeweltrak_desktop.hardware.printers import PrinterConfig, open_receipt_printer
from jeweltrak_desktop.services import payments, sales
from jeweltrak_desktop.services.local_store import LocalStore

from .conftest import EDT


def test_offline_printer_does_not_touch_the_finalized_cash_sale(
    store: LocalStore, three_pieces: list[Piece], customer: Contact, closed_port: int
) -> None:
    invoice = sales.new_invoice(store, contact_id=customer.id)
    invoice = sales.add_piece(store, invoice.id, three_pieces[0].stock_id)
    invoice = sales.finalize_invoice(store, invoice.id)
    payments.take_cash(store, invoice.id, invoice.total_cents + 1_000)
    invoice = sales.get_invoice(store, invoice.id)
    taken = payments.payments_for_invoice(store, invoice.id)
    outbox_before = outbox_rows(store)
    assert invoice.finalized_at is not None
    sold_at = invoice.finalized_at.astimezone(EDT)
    printer = open_receipt_printer(
        PrinterConfig(kind="network", host="127.0.0.1", port=closed_port, timeout_s=0.3)
    )

    with nothing_written(store):
        try:
            printer.print_receipt(
                demo_store_settings(store.identity.store_id),
                invoice,
                taken,
                salesperson="Demo Owner",
                customer_name=customer.display_name,
                now_local=sold_at,
            )
        except PrinterError as error:
            failure = error
        else:
            raise AssertionError("printing to a closed port must fail")

    assert failure.message.endswith("The sale is saved; reprint from the invoice.")
    assert_clear_message(failure)
    after = sales.get_invoice(store, invoice.id)
    assert after.status is InvoiceStatus.FINALIZED
    assert (after.total_cents, after.paid_cents, after.balance_cents) == (
        invoice.total_cents,
        invoice.total_cents,
        0,
    )
    assert outbox_rows(store) == outbox_before
    assert [r["op_type"] for r in outbox_before][-2:] == ["finalize_invoice", "add_payment"]
