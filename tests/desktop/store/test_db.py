"""``open_engine``: every connection is durable (WAL, synchronous=FULL) and checks foreign keys."""

from __future__ import annotations

import sqlite3
from contextlib import ExitStack
from pathlib import Path

import pytest
from sqlalchemy import Connection, exc

from jeweltrak_desktop.store.db import open_engine

FULL = 2


def _settings(conn: Connection) -> tuple[str, int, int, int]:
    def pragma(name: str) -> object:
        return conn.exec_driver_sql(f"PRAGMA {name}").scalar()

    return (
        str(pragma("journal_mode")),
        int(pragma("synchronous")),  # type: ignore[call-overload]
        int(pragma("foreign_keys")),  # type: ignore[call-overload]
        int(pragma("busy_timeout")),  # type: ignore[call-overload]
    )


def test_every_connection_is_wal_full_sync_with_foreign_keys(head_db: Path) -> None:
    engine = open_engine(head_db)
    try:
        for _ in range(2):  # the pool's first connections, then new ones after dispose()
            with ExitStack() as stack:
                conns = [
                    stack.enter_context(engine.connect()),
                    stack.enter_context(engine.connect()),
                    stack.enter_context(engine.connect()),
                ]
                for conn in conns:
                    assert _settings(conn) == ("wal", FULL, 1, 5000)
                    conn.rollback()  # a writer holds the write lock until its BEGIN ends
                assert len({id(c.connection.dbapi_connection) for c in conns}) == 3
            engine.dispose()
    finally:
        engine.dispose()
    with head_db.open("rb") as f:
        header = f.read(20)
    assert header[18:20] == b"\x02\x02", "the file itself is in WAL mode"


def test_foreign_keys_are_enforced(head_db: Path) -> None:
    engine = open_engine(head_db)
    try:
        with pytest.raises(exc.IntegrityError, match="FOREIGN KEY"), engine.begin() as conn:
            conn.exec_driver_sql(
                "INSERT INTO work_order_notes (id, text, internal, work_order_id, seq)"
                " VALUES ('n1', 'orphan', 1, 'no-such-work-order', 0)"
            )
    finally:
        engine.dispose()


def test_writers_take_the_write_lock_at_begin_readers_do_not(head_db: Path) -> None:
    engine = open_engine(head_db)
    other = sqlite3.connect(head_db, timeout=0, isolation_level=None)
    try:
        with engine.connect() as reader, reader.begin():
            reader.exec_driver_sql("SELECT count(*) FROM outbox").scalar()
            other.execute("BEGIN IMMEDIATE")  # a reader's snapshot does not block a writer
            other.execute("ROLLBACK")
        # LocalStore.transaction() opens its writers this way.
        with engine.connect().execution_options(immediate=True) as writer, writer.begin():
            assert writer.in_transaction()
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
    finally:
        other.close()
        engine.dispose()
