"""The process the crash test kills: it sells pieces as fast as it can, through the services.

One *life* opens the store, warms up, says it is ready, finishes whatever sale the previous
life was killed in the middle of, then loops — new invoice, 1–3 pieces by StockID, payment,
finalize — until it is killed with SIGKILL. It never exits on its own: an exit status other
than SIGKILL means a life failed, and its traceback is on stderr.

    python crash_worker.py DB                  one life in this interpreter
    python crash_worker.py DB --fork-server    import once, then fork one life per "fork"
                                               line read on stdin (a life starts in
                                               milliseconds instead of a second of imports)

The only output is one ``ready <pid>`` line per life once its store is open, so the parent
can time its kill from the moment the life starts writing (not from start-up). A till runs
for hours, so a real crash hits warm code: a life warms up before it says it is ready (one
sale in a transaction that is rolled back) — otherwise its first statements, slower than
most kill windows, would absorb most kills.
Every process asks the kernel to SIGKILL it when its parent dies, so no life can outlive
the test even if pytest itself is killed.
"""

from __future__ import annotations

import argparse
import ctypes
import ctypes.util
import os
import random
import signal
import sys
import tempfile
import time
import traceback
from pathlib import Path
from typing import NoReturn

from sqlalchemy import text

from jeweltrak_core.ids import new_id
from jeweltrak_core.payments.operations import AddPayment, TenderDetails
from jeweltrak_core.payments.rules import Tender
from jeweltrak_core.sales.entities import Invoice, InvoiceLine
from jeweltrak_core.sales.invoice_state import InvoiceStatus
from jeweltrak_core.sales.operations import FinalizeInvoice, InvoiceDraft, SaveInvoice
from jeweltrak_core.sales.tax import LineKind
from jeweltrak_desktop.services import payments, sales
from jeweltrak_desktop.services.local_store import LocalStore
from jeweltrak_desktop.store.schema import table_of

_PR_SET_PDEATHSIG = 1
_INVOICES = table_of(Invoice).table
#: Pieces that can still be sold and are on no invoice yet (not even an abandoned draft).
_FREE_STOCK = text(
    "SELECT stock_id FROM pieces WHERE status = 'in_stock' AND NOT deleted"
    " AND NOT is_quantity_item"
    " AND id NOT IN (SELECT piece_id FROM invoice_lines WHERE piece_id IS NOT NULL)"
)


def die_with_parent(parent_pid: int) -> None:
    """SIGKILL this process when its parent dies (Linux); exit now if it already has."""
    libc_name = ctypes.util.find_library("c")
    if sys.platform.startswith("linux") and libc_name:
        libc = ctypes.CDLL(libc_name, use_errno=True)
        if libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG) failed")
    if os.getppid() != parent_pid:  # the parent died before the request took effect
        os._exit(3)


def settle(store: LocalStore, invoice: Invoice, rng: random.Random) -> None:
    """Take the payment (if not taken yet) and finalize."""
    if invoice.paid_cents == 0:
        balance = invoice.balance_cents
        if rng.random() < 0.5:
            handed = -(-balance // 2_000) * 2_000  # round up to $20 bills: change is due
            payments.take_cash(store, invoice.id, handed)
        else:
            payments.take_payment(
                store,
                invoice.id,
                tender=Tender.CHECK,
                amount_cents=balance,
                check_number=str(rng.randrange(1000, 9999)),
            )
    sales.finalize_invoice(store, invoice.id)


def finish_interrupted_sales(store: LocalStore, stock: list[str], rng: random.Random) -> None:
    """What a clerk does after a crash: complete the drafts (or drop some empty ones)."""
    with store.reader() as repo:
        drafts = repo.list(
            Invoice, _INVOICES.c.status == InvoiceStatus.OPEN.value, order_by=_INVOICES.c.number
        )
    for draft in drafts:
        if not draft.lines and rng.random() < 0.3:
            sales.delete_invoice(store, draft.id)
        else:
            sell(store, draft, stock, rng)


def sell(store: LocalStore, invoice: Invoice, stock: list[str], rng: random.Random) -> None:
    """Scan 1–3 pieces onto the invoice (unless it has some already), take payment, finalize."""
    if not invoice.lines:
        for _ in range(rng.randint(1, 3)):
            if stock:
                invoice = sales.add_piece(store, invoice.id, stock.pop())
    if invoice.lines:
        settle(store, invoice, rng)


class _RolledBack(Exception):
    """Ends the warm-up transaction."""


def warm_up(store: LocalStore, stock_id: str) -> None:
    """Sell a piece in a transaction that is rolled back: warm code, nothing written."""
    try:
        with store.transaction() as tx:
            piece = tx.repo.piece_by_stock_id(stock_id)
            assert piece is not None
            line = InvoiceLine(
                id=new_id(),
                kind=LineKind.PIECE,
                description="warm-up",
                unit_price_cents=piece.retail_cents,
                piece_id=piece.id,
            )
            draft = InvoiceDraft(id=new_id(), number=tx.next_number("invoice"), lines=[line])
            tx.apply(SaveInvoice(invoice=draft))
            invoice = tx.repo.get(Invoice, draft.id)
            assert invoice is not None
            tx.apply(
                AddPayment(
                    payment_id=new_id(),
                    invoice_id=invoice.id,
                    amount_cents=invoice.balance_cents,
                    details=TenderDetails(tender=Tender.CHECK, check_number="1001"),
                )
            )
            tx.apply(
                FinalizeInvoice(invoice_id=invoice.id, expected_total_cents=invoice.total_cents)
            )
            raise _RolledBack
    except _RolledBack:
        pass


def warm_up_imports() -> None:
    """Warm up once on a scratch store: lazy imports and per-class caches are then ready in
    every process forked afterwards, which opens its store faster."""
    from jeweltrak_desktop.demo import build_demo_store

    with tempfile.TemporaryDirectory() as scratch:
        store = build_demo_store(Path(scratch) / "warm.db", pieces=2, contacts=1, history=False)
        try:
            warm_up(store, "D100001")
        finally:
            store.close()


def live(db_path: Path) -> NoReturn:
    """One life: open the store and sell until killed."""
    store = LocalStore(db_path)
    rng = random.Random(int.from_bytes(os.urandom(8), "big"))
    with store.reader() as repo:
        stock = list(repo.conn.execute(_FREE_STOCK).scalars())
    rng.shuffle(stock)
    if stock:
        warm_up(store, stock[-1])
    os.write(1, f"ready {os.getpid()}\n".encode())
    finish_interrupted_sales(store, stock, rng)
    while stock:
        sell(store, sales.new_invoice(store), stock, rng)
    while True:  # sold out: wait for the kill
        time.sleep(3600)


def _life_in_child(db_path: Path, server_pid: int) -> NoReturn:
    try:
        die_with_parent(server_pid)
        live(db_path)
    except BaseException:
        traceback.print_exc()
        sys.stderr.flush()
        os._exit(1)


def serve(db_path: Path) -> None:
    """Fork a life per ``fork`` line; ``reap PID`` waits for it and reports its status."""
    server_pid = os.getpid()
    warm_up_imports()
    for line in sys.stdin:
        command, _, arg = line.strip().partition(" ")
        if command == "fork":
            pid = os.fork()
            if pid == 0:
                _life_in_child(db_path, server_pid)
            os.write(1, f"pid {pid}\n".encode())
        elif command == "reap":
            _, status = os.waitpid(int(arg), 0)
            os.write(1, f"reaped {arg} {status}\n".encode())
        else:
            raise SystemExit(f"unknown command {line!r}")


def main() -> None:
    """Command line (see the module docstring)."""
    parser = argparse.ArgumentParser()
    parser.add_argument("db", type=Path)
    parser.add_argument("--fork-server", action="store_true")
    parser.add_argument("--parent", type=int, required=True, help="the test's PID")
    args = parser.parse_args()
    die_with_parent(args.parent)
    if args.fork_server:
        serve(args.db)
    else:
        live(args.db)


if __name__ == "__main__":
    main()
