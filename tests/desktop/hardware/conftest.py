"""Fixtures for the counter-hardware tests: a sample sale, and loopback TCP "printers".

Every socket here is on 127.0.0.1 and every wait is bounded, so a broken test fails in
seconds instead of hanging the run.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from uuid import UUID

import pytest

from jeweltrak_core.inventory.entities import Piece
from jeweltrak_core.inventory.stock import Family
from jeweltrak_core.payments.entities import Payment
from jeweltrak_core.payments.rules import Tender
from jeweltrak_core.sales.entities import Invoice, InvoiceLine
from jeweltrak_core.sales.invoice_state import InvoiceStatus
from jeweltrak_core.sales.tax import LineKind
from jeweltrak_core.store.entities import Store

#: Longest any loopback helper waits for anything.
WAIT_S = 5.0

STORE_ID = UUID("00000000-0000-4000-8000-000000000001")
INVOICE_ID = UUID("00000000-0000-4000-8000-000000000002")
#: Eastern daylight time, the store's local time on the sale date.
EDT = timezone(timedelta(hours=-4))


def uid(n: int) -> UUID:
    """A readable fixed UUID."""
    return UUID(f"00000000-0000-4000-8000-{n:012d}")


@pytest.fixture
def shop() -> Store:
    """The store as tags and receipts see it (a valid cost code: MAKEPROFIT)."""
    return Store(
        id=STORE_ID,
        name="Demo Fine Jewelers",
        code="D",
        address="100 Main Street, Sarasota, FL 34236",
        phone="(941) 555-0100",
        tax_number="FL-78-8012345678-9",
        tax_rate=Decimal("0.06"),
        surtax_rate=Decimal("0.01"),
        surtax_threshold_cents=500_000,
        cost_code="MAKEPROFIT",
        disclaimer="All sales final after 30 days.",
    )


@pytest.fixture
def ring() -> Piece:
    """A $3,000.00 ring that cost $1,250.00."""
    return Piece(
        id=uid(10),
        store_id=STORE_ID,
        stock_id="D100001",
        family=Family.JEWELRY,
        description="14K yellow gold solitaire ring",
        cost_cents=125_000,
        retail_cents=300_000,
    )


def piece_line(description: str, price_cents: int, *, position: int = 0) -> InvoiceLine:
    """A sold piece at ``price_cents`` (6% + 1% surtax below the cap: 7% tax)."""
    return InvoiceLine(
        id=uid(100 + position),
        kind=LineKind.PIECE,
        description=description,
        unit_price_cents=price_cents,
        amount_cents=price_cents,
        tax_cents=price_cents * 7 // 100,
        position=position,
    )


def make_invoice(lines: list[InvoiceLine], *, paid_cents: int | None = None) -> Invoice:
    """A finalized invoice at 6% + 1% surtax with totals summed from ``lines``."""
    subtotal = sum(line.amount_cents for line in lines)
    tax = sum(line.tax_cents for line in lines)
    return Invoice(
        id=INVOICE_ID,
        store_id=STORE_ID,
        number="DA-1001",
        status=InvoiceStatus.FINALIZED,
        tax_rate=Decimal("0.06"),
        surtax_rate=Decimal("0.01"),
        surtax_threshold_cents=500_000,
        lines=lines,
        subtotal_cents=subtotal,
        tax_cents=tax,
        total_cents=subtotal + tax,
        paid_cents=subtotal + tax if paid_cents is None else paid_cents,
        # 18:30 UTC is 2:30 PM in Sarasota (EDT).
        finalized_at=datetime(2025, 6, 14, 18, 30, tzinfo=UTC),
    )


def cash(amount_cents: int, change_cents: int = 0) -> Payment:
    """Cash applied to the invoice, with the change given back."""
    return Payment(
        id=uid(200 + amount_cents % 997),
        store_id=STORE_ID,
        invoice_id=INVOICE_ID,
        tender=Tender.CASH,
        amount_cents=amount_cents,
        change_given_cents=change_cents,
    )


def card(amount_cents: int, brand: str | None = "visa", last4: str | None = "4242") -> Payment:
    """A card-present payment carrying every Stripe ID the record may hold."""
    return Payment(
        id=uid(300 + amount_cents % 997),
        store_id=STORE_ID,
        invoice_id=INVOICE_ID,
        tender=Tender.CARD,
        amount_cents=amount_cents,
        card_brand=brand,
        card_last4=last4,
        stripe_payment_intent_id="pi_3PqSecretIntent",
        stripe_charge_id="ch_3PqSecretCharge",
    )


@pytest.fixture
def sale_time() -> datetime:
    """When the receipt is printed, in the store's local time."""
    return datetime(2025, 6, 14, 14, 31, tzinfo=EDT)


# --- loopback printers ------------------------------------------------------------------


@dataclass
class LoopbackPrinter:
    """A thread on 127.0.0.1 acting as a port-9100 printer: accepts one connection and reads
    until the sender closes. ``answers`` maps a status request to the byte(s) sent back."""

    answers: dict[bytes, bytes] = field(default_factory=dict)
    received: bytearray = field(default_factory=bytearray)
    error: BaseException | None = None

    def __post_init__(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(WAIT_S)
        self.port: int = self._listener.getsockname()[1]
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        try:
            conn, _ = self._listener.accept()
            with conn:
                conn.settimeout(WAIT_S)
                answered: dict[bytes, int] = {}
                while chunk := conn.recv(65536):
                    self.received += chunk
                    for request, answer in self.answers.items():
                        seen = bytes(self.received).count(request)
                        for _ in range(seen - answered.get(request, 0)):
                            conn.sendall(answer)
                        answered[request] = seen
        except BaseException as exc:  # reported by ``wait`` in the test's thread
            self.error = exc
        finally:
            self._listener.close()

    def wait(self) -> bytes:
        """Everything the printer received once the sender closed the connection."""
        self._thread.join(WAIT_S)
        assert not self._thread.is_alive(), "the sender never closed the connection"
        if self.error is not None:
            raise self.error
        return bytes(self.received)


@pytest.fixture
def loopback_printer() -> Iterator[LoopbackPrinter]:
    """A printer that reads everything it is sent."""
    printer = LoopbackPrinter()
    yield printer
    printer._thread.join(WAIT_S)


@pytest.fixture
def closed_port() -> int:
    """A loopback port nothing listens on: connecting is refused at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def unresponsive_port() -> Iterator[int]:
    """A loopback port whose listener never accepts and whose queue is full: a connection
    attempt gets no answer at all, like a printer that is switched off."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    port = int(listener.getsockname()[1])
    filler = socket.create_connection(("127.0.0.1", port), timeout=WAIT_S)
    yield port
    filler.close()
    listener.close()


@pytest.fixture
def silent_printer() -> Iterator[int]:
    """A loopback listener that accepts connections but never reads or answers."""
    listener = socket.create_server(("127.0.0.1", 0), backlog=4)
    port = int(listener.getsockname()[1])
    yield port
    listener.close()
