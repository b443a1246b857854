"""The process the crash test kills: it sells pieces as fast as it can, through the services.

One *life* opens the store, finishes whatever sale the previous life was killed in the middle
of, then loops — new invoice, 1–3 pieces by StockID, payment, finalize — until it is killed
with SIGKILL. It never exits on its own: an exit status other than SIGKILL means a life
failed, and its traceback is on stderr.

    python crash_worker.py DB                  one life in this interpreter
    python crash_worker.py DB --fork-server    import once, then fork one life per "fork"
                                               line read on stdin (a life starts in
                                               milliseconds instead of a second of imports)

The only output is one ``ready <pid>`` line per life once its store is open, so the parent
can time its kill from the moment the life starts writing (not from interpreter start-up).
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
import time
import traceback
from pathlib import Path
from typing import NoReturn

from sqlalchemy import text

from jeweltrak_core.payments.rules import Tender
from jeweltrak_core.sales.entities import Invoice
from jeweltrak_core.sales.invoice_state import InvoiceStatus
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


def finish_interrupted_sales(store: LocalStore, rng: random.Random) -> None:
    """What a clerk does after a crash: drop empty drafts, complete the others."""
    with store.reader() as repo:
        drafts = repo.list(
            Invoice, _INVOICES.c.status == InvoiceStatus.OPEN.value, order_by=_INVOICES.c.number
        )
    for draft in drafts:
        if draft.lines:
            settle(store, draft, rng)
        else:
            sales.delete_invoice(store, draft.id)


def live(db_path: Path) -> NoReturn:
    """One life: open the store and sell until killed."""
    store = LocalStore(db_path)
    store.identity  # noqa: B018 - reads the device row: the store is fully open
    os.write(1, f"ready {os.getpid()}\n".encode())
    rng = random.Random(int.from_bytes(os.urandom(8), "big"))
    finish_interrupted_sales(store, rng)
    with store.reader() as repo:
        stock = list(repo.conn.execute(_FREE_STOCK).scalars())
    rng.shuffle(stock)
    while stock:
        invoice = sales.new_invoice(store)
        for _ in range(rng.randint(1, 3)):
            if stock:
                invoice = sales.add_piece(store, invoice.id, stock.pop())
        settle(store, invoice, rng)
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
