"""Opening the local database: WAL journal, ``synchronous=FULL``, foreign keys on."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event


def _on_connect_no_fk(dbapi_conn: Any, record: Any) -> None:
    _on_connect(dbapi_conn, record)
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA foreign_keys=OFF")
    cursor.close()


def _on_connect(dbapi_conn: Any, _record: Any) -> None:
    # Let SQLAlchemy's BEGIN come from us (see _on_begin), not from pysqlite's guesswork.
    dbapi_conn.isolation_level = None
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    # FULL: a commit is on disk before it returns, so a sale survives a power cut.
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    # 32 MiB page cache (the default is 2 MiB): at 100,000 pieces the indexes a sale
    # touches stay in memory.
    cursor.execute("PRAGMA cache_size=-32768")
    cursor.execute("PRAGMA temp_store=MEMORY")
    cursor.close()


def _on_begin(conn: Any) -> None:
    # Writers (connections opened with ``immediate=True``, see LocalStore.transaction) take
    # the write lock up front: SQLite's one-writer rule without the deadlock of two readers
    # that both later want to write. Everything else starts a deferred transaction, so a
    # plain read never holds the write lock.
    raw = conn.connection.driver_connection  # plain sqlite3: BEGIN needs no result handling
    raw.execute("BEGIN IMMEDIATE" if conn.get_execution_options().get("immediate") else "BEGIN")


def open_engine(path: Path | str, *, foreign_keys: bool = True) -> Engine:
    """An engine on the database file, configured for durable single-writer use.

    ``foreign_keys=False`` is for migrations only: SQLite rebuilds a table by copy and
    rename, which with foreign keys on would cascade-delete the child rows.
    """
    engine = create_engine(f"sqlite:///{path}", future=True)
    event.listen(engine, "connect", _on_connect if foreign_keys else _on_connect_no_fk)
    event.listen(engine, "begin", _on_begin)
    return engine
