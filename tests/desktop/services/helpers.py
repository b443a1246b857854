"""Checks shared by the service tests, reading the database file with plain ``sqlite3``.

Reading the file directly (not through the repository under test) keeps the checks
independent of the code they check:

* ``records_one_op`` — the block wrote exactly one outbox row: next ``seq``, status
  ``pending``, an envelope ``Operation.from_wire`` accepts, and a ``touched`` list equal to
  the rows that really changed (child-table rows count as their parent document).
* ``nothing_written`` — the block changed nothing at all: every table (row counts and full
  contents, the search indexes included), the outbox and the device's ``last_seq``.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from jeweltrak_core.errors import JewelTrakError
from jeweltrak_core.sync.ops import Operation
from jeweltrak_desktop.services.local_store import LocalStore

#: Tables that belong to the workstation itself, not to the store's business data.
LOCAL_TABLES = frozenset(
    {
        "device",
        "outbox",
        "sync_state",
        "number_sequences",
        "alembic_version",
        "snapshot_progress",
        "sync_stale_rows",
    }
)

#: Child tables (lines, notes ...) and the document (table, column) they belong to.
CHILD_TABLES: dict[str, tuple[str, str]] = {
    "invoice_lines": ("invoices", "invoice_id"),
    "memo_lines": ("customer_memos", "customer_memo_id"),
    "vendor_memo_lines": ("vendor_memos", "vendor_memo_id"),
    "work_order_notes": ("work_orders", "work_order_id"),
    "work_order_attachments": ("work_orders", "work_order_id"),
    "work_order_events": ("work_orders", "work_order_id"),
    "appraisal_lines": ("appraisals", "appraisal_id"),
}


def connect(path: Path) -> sqlite3.Connection:
    """A read-only connection to the database file, rows as ``sqlite3.Row``."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    return conn


def query(store: LocalStore, sql: str, *params: Any) -> list[sqlite3.Row]:
    """Run one read-only query on the store's file."""
    with closing(connect(store.path)) as conn:
        return conn.execute(sql, params).fetchall()


def scalar(store: LocalStore, sql: str, *params: Any) -> Any:
    """The single value of a read-only query."""
    rows = query(store, sql, *params)
    assert len(rows) == 1, f"{sql!r} returned {len(rows)} rows"
    return rows[0][0]


def _tables(conn: sqlite3.Connection) -> list[tuple[str, bool]]:
    rows = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table' "
        "AND name NOT LIKE 'sqlite_%' ORDER BY name"
    ).fetchall()
    return [(r["name"], (r["sql"] or "").upper().startswith("CREATE VIRTUAL")) for r in rows]


def table_counts(path: Path) -> dict[str, int]:
    """Row count of every real table (search-index shadow tables included)."""
    with closing(connect(path)) as conn:
        return {
            name: conn.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]
            for name, virtual in _tables(conn)
            if not virtual
        }


def dump(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every real table, in a stable order."""
    with closing(connect(path)) as conn:
        return {
            name: sorted(
                (tuple(r) for r in conn.execute(f'SELECT * FROM "{name}"')), key=repr
            )
            for name, virtual in _tables(conn)
            if not virtual
        }


def entity_rows(path: Path) -> dict[str, dict[str, dict[str, Any]]]:
    """Business rows by table and ID (every table with an ``id`` column but the local ones)."""
    result: dict[str, dict[str, dict[str, Any]]] = {}
    with closing(connect(path)) as conn:
        for name, virtual in _tables(conn):
            if virtual or name in LOCAL_TABLES or "_fts" in name:
                continue
            rows = conn.execute(f'SELECT * FROM "{name}"').fetchall()
            result[name] = {str(r["id"]): dict(r) for r in rows}
    return result


def changed_rows(
    before: dict[str, dict[str, dict[str, Any]]], after: dict[str, dict[str, dict[str, Any]]]
) -> set[str]:
    """``table:id`` of every document that was added, changed or removed.

    A changed child row (an invoice line, a work-order note ...) marks its parent document.
    """
    changed: set[str] = set()
    for table in before.keys() | after.keys():
        old, new = before.get(table, {}), after.get(table, {})
        for row_id in old.keys() | new.keys():
            if old.get(row_id) == new.get(row_id):
                continue
            if table in CHILD_TABLES:
                parent, column = CHILD_TABLES[table]
                for version in (old.get(row_id), new.get(row_id)):
                    if version is not None:
                        changed.add(f"{parent}:{version[column]}")
            else:
                changed.add(f"{table}:{row_id}")
    return changed


def last_seq(store: LocalStore) -> int:
    """The device's last used operation number."""
    return int(scalar(store, "SELECT last_seq FROM device"))


def outbox_rows(store: LocalStore, *, after_seq: int = 0) -> list[dict[str, Any]]:
    """Outbox rows after ``after_seq`` in seq order (``touched`` decoded)."""
    rows = query(store, "SELECT * FROM outbox WHERE seq > ? ORDER BY seq", after_seq)
    result = []
    for r in rows:
        row = dict(r)
        row["touched"] = json.loads(row["touched"])
        result.append(row)
    return result


@dataclass
class RecordedOp:
    """What ``records_one_op`` found after its block."""

    row: dict[str, Any] = field(default_factory=dict)
    op: Operation | None = None
    touched: set[str] = field(default_factory=set)
    changed: set[str] = field(default_factory=set)

    @property
    def payload(self) -> Any:
        """The decoded payload."""
        assert self.op is not None
        return self.op.payload


@contextmanager
def records_one_op(store: LocalStore, op_type: str) -> Iterator[RecordedOp]:
    """The block must write its rows and exactly one well-formed outbox operation."""
    seq_before = last_seq(store)
    rows_before = entity_rows(store.path)
    recorded = RecordedOp()
    yield recorded
    new = outbox_rows(store, after_seq=seq_before)
    assert [r["op_type"] for r in new] == [op_type], "expected exactly one outbox operation"
    row = new[0]
    assert row["seq"] == seq_before + 1 == last_seq(store), "seq must be the next number"
    assert row["status"] == "pending"
    assert row["attempts"] == 0
    assert row["result"] is None
    envelope = json.loads(row["envelope"])
    op = Operation.from_wire(envelope)
    assert op.op_type == op_type
    assert op.seq == row["seq"]
    assert str(op.op_id) == row["op_id"]
    assert op.device_id == store.identity.device_id
    assert op.store_id == store.identity.store_id
    assert op.user_id == store.actor.user_id
    assert op.to_wire() == envelope, "the envelope must survive a decode/encode round trip"
    changed = changed_rows(rows_before, entity_rows(store.path))
    touched = set(row["touched"])
    assert changed, "the operation changed no rows"
    assert touched == changed, (
        f"touched lists {sorted(touched - changed)} that did not change and misses "
        f"{sorted(changed - touched)}"
    )
    recorded.row, recorded.op, recorded.touched, recorded.changed = row, op, touched, changed


@contextmanager
def nothing_written(store: LocalStore) -> Iterator[None]:
    """The block must leave every table exactly as it was (outbox and ``last_seq`` too)."""
    seq = last_seq(store)
    counts = table_counts(store.path)
    contents = dump(store.path)
    yield
    assert last_seq(store) == seq, "the device's last_seq moved"
    assert table_counts(store.path) == counts, "row counts changed"
    after = dump(store.path)
    changed = sorted(t for t in contents.keys() | after.keys() if contents.get(t) != after.get(t))
    assert not changed, f"rows changed in {changed}"


#: Patterns that mean a message was written for programmers, not for the clerk: wire paths
#: (``payload.amount_cents``, ``$.lines[0]``, ``op.seq``) and Python internals.
_UNCLEAR = re.compile(
    r"\bpayload\b|\$\.|\bop\.[a-z_]|on the wire|Traceback|NoneType|<class"
)


def assert_clear_message(error: JewelTrakError) -> None:
    """A sentence a clerk can act on: non-empty, no wire paths or Python type names."""
    message = error.message
    assert isinstance(message, str) and len(message.strip()) >= 10, repr(message)
    assert not _UNCLEAR.search(message), f"unclear message {message!r}"


def assert_refused(
    store: LocalStore,
    error: type[JewelTrakError],
    action: Callable[..., Any],
    *args: Any,
    match: str | None = None,
    **kwargs: Any,
) -> JewelTrakError:
    """``action`` raises ``error`` with a clear message and writes nothing at all."""
    with nothing_written(store), pytest.raises(error, match=match) as info:
        action(*args, **kwargs)
    assert_clear_message(info.value)
    return info.value
