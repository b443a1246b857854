"""Benchmark of the workstation's local store at 100,000 pieces.

Figures (issue: foundation): exact lookup by StockID/barcode/certificate (p50, p95 ms),
free-text search p95, finalizing a 3-line invoice with its outbox op (p50, p95), and the
demo-store build rate with its ratio to the raw floor (``sqlite3.executemany`` of the same
rows into the same schema). Each service figure is paired with its raw-SQLite floor
measured in the same run. Run alone: ``python bench/local_store.py [--pieces N]``.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import median, percentile, report, time_ms
from jeweltrak_core.contacts.entities import Contact
from jeweltrak_core.ids import new_id
from jeweltrak_core.inventory.entities import Piece
from jeweltrak_desktop.demo import (
    bulk_insert,
    demo_store_settings,
    make_pieces,
)
from jeweltrak_desktop.services import inventory, payments, sales
from jeweltrak_desktop.services.local_store import DeviceIdentity, LocalStore
from jeweltrak_desktop.store.codec import entity_to_row
from jeweltrak_desktop.store.schema import table_of


def new_store(path: Path) -> LocalStore:
    """An empty store at ``path``."""
    store = LocalStore(path)
    store_id = new_id()
    store.set_up(
        DeviceIdentity(device_id=new_id(), store_id=store_id, store_code="D", workstation_code="A"),
        demo_store_settings(store_id),
    )
    return store


def build(store: LocalStore, count: int, seed: int) -> tuple[float, list[Piece]]:
    """Seconds to generate, encode and insert ``count`` pieces the way the demo builder does."""
    settings = demo_store_settings(store.identity.store_id)
    rng = random.Random(seed)
    started = time.perf_counter()
    kept: list[Piece] = []
    with store.engine.begin() as conn:
        batch: list[Piece] = []
        for piece in make_pieces(rng, settings, count):
            batch.append(piece)
            if len(batch) == 5000:
                bulk_insert(conn, batch)
                kept.extend(batch[:20])
                batch = []
        if batch:
            bulk_insert(conn, batch)
            kept.extend(batch[:20])
    return time.perf_counter() - started, kept


def raw_floor(path: Path, pieces: list[Piece]) -> float:
    """Seconds for plain sqlite3.executemany of the same rows into the same (migrated) schema."""
    columns = [c.name for c in table_of(Piece).table.columns]
    rows = [tuple(entity_to_row(p)[c] for c in columns) for p in pieces]
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    sql = f"INSERT INTO pieces ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
    started = time.perf_counter()
    conn.execute("BEGIN IMMEDIATE")
    conn.executemany(sql, rows)
    conn.execute("COMMIT")
    elapsed = time.perf_counter() - started
    conn.close()
    return elapsed


def main() -> int:
    """Run the benchmark and write bench/results/local_store.json."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--pieces", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=500)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="jt-bench-"))
    store = new_store(workdir / "store.db")

    build_s, sample = build(store, args.pieces, seed=1)
    floor_store = new_store(workdir / "floor.db")
    floor_store.close()
    rng = random.Random(1)
    same_rows = list(make_pieces(rng, demo_store_settings(store.identity.store_id), args.pieces))
    floor_s = raw_floor(workdir / "floor.db", same_rows)

    with store.engine.begin() as conn:
        bulk_insert(
            conn, [Contact(id=new_id(), last_name="Bench", first_name=f"C{i}") for i in range(50)]
        )
    rnd = random.Random(2)
    with store.reader() as repo:
        all_pieces = repo.list(
            Piece, table_of(Piece).table.c.certificate_no.isnot(None), limit=2000
        )
    codes = [p.stock_id for p in sample] + [p.barcode.lower() for p in sample if p.barcode]
    codes += [p.certificate_no for p in all_pieces if p.certificate_no][:200]
    lookup = time_ms(lambda: inventory.lookup(store, rnd.choice(codes)), args.repeat)

    words = [
        "gold ring",
        "sapphire",
        "Rolex Submariner",
        "round diamond VS1",
        "pearl strand",
        "platinum",
        "D1000",
        "emerald 2",
    ]
    fulltext = time_ms(
        lambda: inventory.search_pieces(store, rnd.choice(words), limit=50), args.repeat // 2
    )

    raw = sqlite3.connect(workdir / "store.db")
    raw_lookup = time_ms(
        lambda: raw.execute(
            "SELECT * FROM pieces WHERE stock_id = ?", (rnd.choice(codes),)
        ).fetchall(),
        args.repeat,
    )
    raw_fts = time_ms(
        lambda: raw.execute(
            inventory.SEARCH_PIECES_SQL,
            (inventory.fts_query(rnd.choice(words)), inventory.RANK_CANDIDATES, 50),
        ).fetchall(),
        args.repeat // 2,
    )
    raw.close()

    payments.open_drawer(store, 10_000)
    unique = dict.fromkeys([p.stock_id for p in sample] + [p.stock_id for p in all_pieces])
    available = iter(unique)
    finalize: list[float] = []
    for _ in range(min(args.repeat // 3, 150)):
        invoice = sales.new_invoice(store)
        for _line in range(3):
            invoice = sales.add_piece(store, invoice.id, next(available))
        started = time.perf_counter()
        sales.finalize_invoice(store, invoice.id)
        finalize.append((time.perf_counter() - started) * 1000)

    # Floor for finalize: raw sqlite3 doing the same durable writes on the same database —
    # three pieces sold, the invoice finalized, one outbox row — in one transaction.
    drafts = []
    for _ in range(len(finalize)):
        invoice = sales.new_invoice(store)
        for _line in range(3):
            invoice = sales.add_piece(store, invoice.id, next(available))
        drafts.append(invoice)
    durable = sqlite3.connect(workdir / "store.db", isolation_level=None)
    durable.execute("PRAGMA synchronous=FULL")
    raw_finalize: list[float] = []
    for invoice in drafts:
        started = time.perf_counter()
        durable.execute("BEGIN IMMEDIATE")
        for line in invoice.lines:
            durable.execute(
                "UPDATE pieces SET status = 'sold', updated_at = ? WHERE id = ?",
                ("2026-01-01T00:00:00.000000Z", str(line.piece_id)),
            )
        durable.execute(
            "UPDATE invoices SET status = 'finalized', finalized_at = ? WHERE id = ?",
            ("2026-01-01T00:00:00.000000Z", str(invoice.id)),
        )
        durable.execute(
            "INSERT INTO outbox (seq, op_id, op_type, envelope, touched, created_at, status, "
            "attempts) VALUES ((SELECT max(seq) + 1 FROM outbox), ?, 'finalize_invoice', '{}', "
            "'[]', '', 'floor', 0)",
            (str(new_id()),),
        )
        durable.execute("COMMIT")
        raw_finalize.append((time.perf_counter() - started) * 1000)
    durable.close()
    store.close()

    figures = {
        "pieces": args.pieces,
        "exact_lookup_p50_ms": median(lookup),
        "exact_lookup_p95_ms": percentile(lookup, 95),
        "exact_lookup_floor_p50_ms": median(raw_lookup),
        "exact_lookup_ratio_to_floor": median(lookup) / median(raw_lookup),
        "fulltext_p50_ms": median(fulltext),
        "fulltext_p95_ms": percentile(fulltext, 95),
        "fulltext_floor_p95_ms": percentile(raw_fts, 95),
        "fulltext_ratio_to_floor": percentile(fulltext, 95) / percentile(raw_fts, 95),
        "finalize_p50_ms": median(finalize),
        "finalize_p95_ms": percentile(finalize, 95),
        "finalize_floor_p50_ms": median(raw_finalize),
        "finalize_floor_p95_ms": percentile(raw_finalize, 95),
        "finalize_ratio_to_floor": median(finalize) / median(raw_finalize),
        "build_pieces_per_s": args.pieces / build_s,
        "build_floor_pieces_per_s": args.pieces / floor_s,
        "build_ratio_to_floor": build_s / floor_s,
    }
    units = {k: "ms" for k in figures if k.endswith("_ms")}
    units.update(
        {
            "build_pieces_per_s": "pieces/s",
            "build_floor_pieces_per_s": "pieces/s",
            "pieces": "pieces",
        }
    )
    report("local_store", figures, units)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
