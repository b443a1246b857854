"""A sale survives SIGKILL at any instant: the rows and their outbox operation commit together.

A worker process (``crash_worker.py``) sells pieces through the real services as fast as it
can; the test kills it with SIGKILL at random moments, again and again, on the same
database, then checks with the plain ``sqlite3`` module (independent of our code) that the
database is intact and that every row change has exactly the operations that explain it.

Each *life* of the worker is killed 5–60 ms after it reports that its store is open (or,
for 15 % of the kills, as soon as it exists, while it is still opening the store).

``JT_CRASH_KILLS`` sets the number of kills (default 200; e.g. 1000 for a long run).
``JT_CRASH_SPAWN=exec`` starts every life with ``Popen([python, crash_worker.py, db])`` in a
fresh interpreter (a second of imports each: 200 kills take about two and a half minutes).
The default starts one such process as a fork server that imports everything once and
forks a life per kill: the same code on the same file, about four times as many kills per
minute.
"""

from __future__ import annotations

import json
import os
import random
import select
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from jeweltrak_desktop.demo import build_demo_store

KILLS = int(os.environ.get("JT_CRASH_KILLS", "200"))
SPAWN = os.environ.get("JT_CRASH_SPAWN", "fork")
assert SPAWN in ("fork", "exec"), f"JT_CRASH_SPAWN must be fork or exec, not {SPAWN!r}"
#: Share of kills sent right after the process starts (while it opens the store).
IMMEDIATE_SHARE = 0.15
WORKER = Path(__file__).with_name("crash_worker.py")
READY_TIMEOUT = 60.0

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs POSIX signals and fork")


class _Lines:
    """Lines from a pipe, read with a deadline (never blocks the test forever)."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.buffer = b""

    def next(self, timeout: float) -> str:
        deadline = time.monotonic() + timeout
        while b"\n" not in self.buffer:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not select.select([self.fd], [], [], remaining)[0]:
                raise TimeoutError(f"no line from the worker within {timeout:.0f} s")
            chunk = os.read(self.fd, 4096)
            if not chunk:
                raise EOFError("the worker closed its output")
            self.buffer += chunk
        line, _, self.buffer = self.buffer.partition(b"\n")
        return line.decode()


class _Lives:
    """Starts worker lives, waits until one is ready, kills it and collects its status."""

    def __init__(self, db: Path, log: Path, spawn: str) -> None:
        self.db = db
        self.log_path = log
        self.spawn = spawn
        self.log = log.open("ab")
        self.server: subprocess.Popen[bytes] | None = None
        self.life: subprocess.Popen[bytes] | None = None
        self.lines: _Lines | None = None
        self.ready_pids: set[int] = set()
        self.ready = 0

    def _popen(self, *extra: str) -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            [sys.executable, str(WORKER), str(self.db), "--parent", str(os.getpid()), *extra],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.log,
            bufsize=0,
            start_new_session=True,  # one process group: killed whole in close()
        )

    def start(self) -> int:
        if self.spawn == "exec":
            self.life = self._popen()
            assert self.life.stdout is not None
            self.lines = _Lines(self.life.stdout.fileno())
            return self.life.pid
        if self.server is None:
            self.server = self._popen("--fork-server")
            assert self.server.stdout is not None
            self.lines = _Lines(self.server.stdout.fileno())
        reply = self._command("fork")
        assert reply.startswith("pid "), reply
        return int(reply.split()[1])

    def _command(self, command: str) -> str:
        assert self.server is not None and self.server.stdin is not None
        self.server.stdin.write(f"{command}\n".encode())
        return self._line(lambda line: not line.startswith("ready "))

    def _line(self, wanted: Any, timeout: float = READY_TIMEOUT) -> str:
        """The next line ``wanted`` accepts; ``ready`` lines met on the way are noted."""
        assert self.lines is not None
        while True:
            try:
                line = self.lines.next(timeout)
            except (TimeoutError, EOFError) as exc:
                raise AssertionError(f"{exc}; worker log:\n{self.log_text()}") from exc
            if line.startswith("ready "):
                self.ready_pids.add(int(line.split()[1]))
            if wanted(line):
                return line

    def wait_ready(self, pid: int) -> None:
        if pid not in self.ready_pids:
            self._line(lambda line: line == f"ready {pid}")
        self.ready += 1

    def kill(self, pid: int) -> None:
        """SIGKILL the life and check that the kill (not an error) ended it."""
        os.kill(pid, signal.SIGKILL)
        if self.spawn == "exec":
            assert self.life is not None
            returncode = self.life.wait(timeout=READY_TIMEOUT)
            assert self.life.stdout is not None and self.life.stdin is not None
            self.life.stdout.close()
            self.life.stdin.close()
            died_of_kill = returncode == -signal.SIGKILL
        else:
            reply = self._command(f"reap {pid}")
            status = int(reply.split()[2])
            died_of_kill = os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
        assert died_of_kill, f"a worker life ended by itself; log:\n{self.log_text()}"
        # Its lines all came before the reap reply; a later life may get the same PID.
        self.ready_pids.discard(pid)

    def log_text(self) -> str:
        self.log.flush()
        return self.log_path.read_text(errors="replace")[-5000:]

    def close(self) -> None:
        for proc in (self.server, self.life):
            if proc is not None and proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)  # the server and any life it forked
                proc.wait()
            if proc is not None:
                for pipe in (proc.stdin, proc.stdout):
                    if pipe is not None:
                        pipe.close()
        self.log.close()


@contextmanager
def worker_lives(db: Path, log: Path, spawn: str) -> Iterator[_Lives]:
    lives = _Lives(db, log, spawn)
    try:
        yield lives
    finally:
        lives.close()


@pytest.mark.slow
@pytest.mark.timeout(max(600, KILLS * (4 if SPAWN == "exec" else 1)))
def test_sales_survive_sigkill_at_any_instant(tmp_path: Path) -> None:
    db = tmp_path / "store.db"
    # Enough stock that the worker never sells out, however fast the machine.
    build_demo_store(db, pieces=max(3000, 4 * KILLS), contacts=20, history=False).close()
    rng = random.Random()
    started = time.monotonic()
    with worker_lives(db, tmp_path / "worker.log", SPAWN) as lives:
        for _ in range(KILLS):
            pid = lives.start()
            if rng.random() >= IMMEDIATE_SHARE:
                lives.wait_ready(pid)
                time.sleep(rng.uniform(0.005, 0.060))
            lives.kill(pid)
        log = lives.log_text()
        ready = lives.ready
    assert not log.strip(), f"the worker wrote errors:\n{log}"
    counts = check_store(db)
    print(
        f"\ncrash test ({SPAWN}): {KILLS} kills ({ready} after the store was open) in "
        f"{time.monotonic() - started:.1f} s; {counts['invoices']} invoices "
        f"({counts['finalized']} finalized, {counts['open']} open, {counts['deleted']} deleted), "
        f"{counts['sold']} pieces sold, {counts['ops']} outbox operations"
    )
    if KILLS >= 100:
        assert counts["finalized"] > 0, "no sale ever completed: the worker made no progress"


# --- the checks: plain sqlite3, no code of ours ---------------------------------------------


def _invoice_of(op_type: str, payload: dict[str, Any]) -> str:
    return str(payload["invoice"]["id"] if op_type == "save_invoice" else payload["invoice_id"])


def check_store(db: Path) -> dict[str, int]:
    """Assert every invariant; return what the store holds."""
    con = sqlite3.connect(db)
    try:
        assert con.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
        for fts in ("pieces_fts", "contacts_fts", "work_orders_fts"):
            # rank 1: also compare the index with its external content table
            con.execute(f"INSERT INTO {fts}({fts}, rank) VALUES ('integrity-check', 1)")
        ops = _check_outbox(con)
        counts = _check_invoices(con, ops)
        _check_payments(con, ops)
        counts["sold"] = _check_stock(con)
        counts["ops"] = len(ops)
        return counts
    finally:
        con.close()


def _check_outbox(con: sqlite3.Connection) -> list[tuple[int, str, dict[str, Any]]]:
    rows = con.execute("SELECT seq, op_id, op_type, envelope FROM outbox ORDER BY seq").fetchall()
    seqs = [seq for seq, *_ in rows]
    assert seqs == list(range(1, len(rows) + 1)), "outbox seqs have gaps or do not start at 1"
    (last_seq,) = con.execute("SELECT last_seq FROM device").fetchone()
    assert last_seq == len(rows), f"device.last_seq {last_seq} but {len(rows)} outbox rows"
    ops = []
    for seq, op_id, op_type, envelope in rows:
        wire = json.loads(envelope)
        assert (wire["seq"], wire["op_id"], wire["op_type"]) == (seq, op_id, op_type)
        assert op_type in {"save_invoice", "add_payment", "finalize_invoice", "delete_invoice"}
        ops.append((seq, op_type, wire["payload"]))
    return ops


def _check_invoices(
    con: sqlite3.Connection, ops: list[tuple[int, str, dict[str, Any]]]
) -> dict[str, int]:
    invoices = dict(con.execute("SELECT id, status FROM invoices").fetchall())
    assert set(invoices.values()) <= {"open", "finalized"}
    history: dict[str, list[str]] = defaultdict(list)  # invoice → op types in seq order
    for _, op_type, payload in ops:
        history[_invoice_of(op_type, payload)].append(op_type)
    problems = []
    for invoice_id, status in invoices.items():
        kinds = history.get(invoice_id, [])
        if not kinds or kinds[0] != "save_invoice":
            problems.append(f"invoice {invoice_id} ({status}) was not created by an op: {kinds}")
        if kinds.count("finalize_invoice") != (status == "finalized"):
            problems.append(f"invoice {invoice_id} is {status} but its ops are {kinds}")
        if "delete_invoice" in kinds:
            problems.append(f"invoice {invoice_id} exists but was deleted: {kinds}")
    deleted = 0
    for invoice_id, kinds in history.items():
        if invoice_id in invoices:
            continue
        if kinds[0] != "save_invoice" or kinds[-1] != "delete_invoice" or len(kinds) != 2:
            problems.append(f"ops for missing invoice {invoice_id} are {kinds}")
        deleted += 1
    assert not problems, "\n".join(problems[:20])
    # Numbering and creation share a transaction: one number per invoice ever created.
    row = con.execute("SELECT next_value FROM number_sequences WHERE kind = 'invoice'").fetchone()
    assert (row[0] - 1000 if row else 0) == len(history)
    finalized = sum(status == "finalized" for status in invoices.values())
    return {
        "invoices": len(invoices),
        "finalized": finalized,
        "open": len(invoices) - finalized,
        "deleted": deleted,
    }


def _check_payments(con: sqlite3.Connection, ops: list[tuple[int, str, dict[str, Any]]]) -> None:
    paid_ops = {p["payment_id"] for _, op_type, p in ops if op_type == "add_payment"}
    payments = {pid for (pid,) in con.execute("SELECT id FROM payments")}
    assert payments == paid_ops, "payments and add_payment operations differ"
    mismatched = con.execute(
        "SELECT i.number, i.paid_cents, COALESCE(SUM(p.amount_cents), 0) AS payments"
        " FROM invoices i LEFT JOIN payments p ON p.invoice_id = i.id"
        " GROUP BY i.id HAVING i.paid_cents != payments"
    ).fetchall()
    assert mismatched == [], f"paid_cents differs from the sum of payments: {mismatched[:20]}"
    unpaid = con.execute(
        "SELECT number FROM invoices WHERE status = 'finalized' AND paid_cents != total_cents"
    ).fetchall()
    assert unpaid == [], f"the worker pays in full before finalizing: {unpaid[:20]}"


def _check_stock(con: sqlite3.Connection) -> int:
    sold = {pid for (pid,) in con.execute("SELECT id FROM pieces WHERE status = 'sold'")}
    on_finalized = Counter(
        pid
        for (pid,) in con.execute(
            "SELECT l.piece_id FROM invoice_lines l JOIN invoices i ON i.id = l.invoice_id"
            " WHERE i.status = 'finalized'"
        )
    )
    assert set(on_finalized) == sold, "sold pieces and finalized invoices' pieces differ"
    twice = [pid for pid, n in on_finalized.items() if n != 1]
    assert twice == [], f"pieces on more than one finalized invoice: {twice[:20]}"
    committed = con.execute(
        "SELECT i.status, l.committed, COUNT(*) FROM invoice_lines l"
        " JOIN invoices i ON i.id = l.invoice_id GROUP BY 1, 2"
    ).fetchall()
    assert all((status == "finalized") == bool(flag) for status, flag, _ in committed), committed
    return len(sold)


# --- the checks themselves must catch a torn sale ------------------------------------------

TORN = {
    "finalized without its operation": (
        "DELETE FROM outbox WHERE seq = (SELECT max(seq) FROM outbox);"
        "UPDATE device SET last_seq = last_seq - 1;"
    ),
    "a gap in the outbox": "DELETE FROM outbox WHERE seq = 1;",
    "a sold piece on no invoice": "UPDATE pieces SET status = 'sold' WHERE rowid = ("
    "SELECT min(rowid) FROM pieces WHERE status = 'in_stock');",
    "a sale that did not move its stock": "UPDATE pieces SET status = 'in_stock';",
    "paid without a payment": "UPDATE invoices SET paid_cents = paid_cents + 1;",
    "a payment without its operation": "DELETE FROM payments;",
    "a number used without an invoice": "UPDATE number_sequences SET next_value = next_value + 1;",
}


@pytest.fixture(scope="module")
def one_sale(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store with one completed sale, made through the services."""
    from jeweltrak_desktop.services import payments, sales

    db = tmp_path_factory.mktemp("one_sale") / "store.db"
    store = build_demo_store(db, pieces=10, contacts=2, history=False)
    try:
        invoice = sales.new_invoice(store)
        invoice = sales.add_piece(store, invoice.id, "D100001")
        invoice = sales.add_piece(store, invoice.id, "D100002")
        payments.take_cash(store, invoice.id, invoice.balance_cents + 1_000)
        sales.finalize_invoice(store, invoice.id)
    finally:
        store.close()
    return db


def test_the_checks_pass_on_a_completed_sale(one_sale: Path) -> None:
    assert check_store(one_sale) == {
        "invoices": 1,
        "finalized": 1,
        "open": 0,
        "deleted": 0,
        "sold": 2,
        "ops": 5,
    }


@pytest.mark.parametrize("damage", TORN.values(), ids=TORN.keys())
def test_the_checks_catch_a_torn_sale(damage: str, one_sale: Path, tmp_path: Path) -> None:
    db = tmp_path / "store.db"
    source = sqlite3.connect(one_sale)
    target = sqlite3.connect(db)
    try:
        source.backup(target)
        target.executescript(damage)
    finally:
        source.close()
        target.close()
    with pytest.raises(AssertionError):
        check_store(db)
