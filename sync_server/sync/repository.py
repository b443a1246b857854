"""``PgRepository``: the core ``Repository`` protocol over a tenant schema, with buffered writes.

A push applies up to hundreds of operations in one transaction. Writing each op's rows as
it goes would cost a dozen round trips per op, so writes are buffered: each op writes into
its own layer (dropped whole if the op is rejected — the op is atomic on its own), an
accepted op's layer joins the batch buffer, and the batch is written with one
``executemany`` per table at the end. Every read consults the buffers first, so an op sees
the effects of the ops before it exactly as if they had been written. Documents are kept
encoded and decoded afresh on each ``get``: an op that mutates an entity and then fails
cannot leave a half-changed object behind for the next op.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar
from uuid import UUID

from psycopg import Cursor

from jeweltrak_core.inventory.entities import Piece
from jeweltrak_core.payments.entities import DrawerSession, Payment
from jeweltrak_core.sync.wire import decode, encode
from sync_server.db.tenant_tables import KIND_BY_TABLE, kind_of
from sync_server.sync import jsontext

E = TypeVar("E")
Doc = dict[str, Any]

_CONTACT_OWNED = (
    "invoices",
    "customer_memos",
    "work_orders",
    "appraisals",
    "payments",
    "deposits",
    "store_credit_entries",
)
_VENDOR_OWNED = ("pieces", "vendor_memos")
_ALL_TABLES = tuple(KIND_BY_TABLE)
_UUID_LEN = 36
#: Where an ID found under a key lives: ``piece_id`` → pieces. Keys not listed here are
#: looked up in every table when they come from a payload, and not followed in rows.
_LINKS: dict[str, tuple[str, ...]] = {
    "piece_id": ("pieces",),
    "piece_ids": ("pieces",),
    "invoice_id": ("invoices",),
    "original_invoice_id": ("invoices",),
    "losing_invoice_id": ("invoices",),
    "payment_id": ("payments",),
    "refund_of_id": ("payments",),
    "drawer_session_id": ("drawer_sessions",),
    "work_order_id": ("work_orders",),
    "appraisal_id": ("appraisals",),
    "memo_id": ("customer_memos", "vendor_memos"),
    "exception_id": ("oversell_exceptions",),
    "deposit_id": ("deposits",),
    "contact_id": ("contacts",),
}
#: Fields looked up by value (unique codes, document numbers): the rows holding each
#: value are indexed in memory, so a batch checks hundreds of codes without a query each.
_CODE_FIELDS: dict[str, tuple[str, ...]] = {
    "pieces": ("stock_id", "barcode"),
    "invoices": ("number",),
    "customer_memos": ("number",),
    "work_orders": ("number",),
    "appraisals": ("number",),
}
_CODE_KEYS = frozenset(f for fields in _CODE_FIELDS.values() for f in fields)
#: An ``id`` inside an object under this key (``{"piece": {"id": ...}}``).
_PARENTS: dict[str, tuple[str, ...]] = {
    "piece": ("pieces",),
    "contact": ("contacts",),
    "invoice": ("invoices",),
    "memo": ("customer_memos",),
    "appraisal": ("appraisals",),
}


def _ids_by_table(data: Any, *, rows: bool) -> dict[str, set[str]]:
    """ID strings in JSON data, grouped by the table each may live in.

    In payloads an unknown key means "any table"; in rows only known links are followed
    (a row names many things — salespeople, stores — that no op needs preloaded).
    """
    found: dict[str, set[str]] = {}
    stack: list[tuple[str, Any]] = [("", data)]
    while stack:
        parent, item = stack.pop()
        if isinstance(item, list):
            stack.extend((parent, v) for v in item if isinstance(v, dict | list))
            if parent in _LINKS:
                for v in item:
                    if isinstance(v, str) and len(v) == _UUID_LEN:
                        for table in _LINKS[parent]:
                            found.setdefault(table, set()).add(v)
            continue
        if not isinstance(item, dict):
            continue
        for key, value in item.items():
            if isinstance(value, str):
                if len(value) != _UUID_LEN:
                    continue
                if key == "id":
                    tables = _PARENTS.get(parent, () if rows else _ALL_TABLES)
                elif key.endswith("_id"):
                    tables = _LINKS.get(key, () if rows else _ALL_TABLES)
                else:
                    continue
                for table in tables:
                    found.setdefault(table, set()).add(value)
            elif isinstance(value, dict | list):
                stack.append((key, value))
    return found


def _codes_in(data: Any) -> dict[str, set[str]]:
    """Lower-cased values of code fields (``stock_id``, ``barcode``, ``number``) in payloads."""
    found: dict[str, set[str]] = {}
    stack: list[Any] = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(v for v in item if isinstance(v, dict | list))
        elif isinstance(item, dict):
            for key, value in item.items():
                if isinstance(value, str):
                    if key in _CODE_KEYS:
                        found.setdefault(key, set()).add(value.lower())
                elif isinstance(value, dict | list):
                    stack.append(value)
    return found


def _as_uuid(text: str) -> UUID | None:
    try:
        return UUID(text)
    except ValueError:
        return None


@dataclass
class Stored:
    """One row as this transaction sees it."""

    doc: Doc | None  # None: the row does not exist
    deleted: bool = False
    #: ``doc`` as JSON text, once it is final (written to the row and the change log).
    text: str | None = None


_ABSENT = Stored(None)


@dataclass(frozen=True)
class Change:
    """One row written by an op: becomes a row upsert and a change-log entry."""

    table: str
    entity_id: UUID
    doc: Doc
    deleted: bool
    text: str
    #: The row as it was before the op (None: it did not exist), for the audit log.
    before: Doc | None = None


class PgRepository:
    """Reads through the buffers to the tenant schema; writes into the current op's layer."""

    def __init__(self, cursor: Cursor[Any]) -> None:
        self.cur = cursor
        self._db: dict[tuple[str, UUID], Stored] = {}  # rows read from the database
        self._batch: dict[tuple[str, UUID], Stored] = {}  # accepted ops' writes
        self._op: dict[tuple[str, UUID], Stored] = {}  # the current op's writes
        self._batch_versions: dict[tuple[str, UUID], int] = {}
        #: (table, field, lower-cased value) → IDs of rows in any layer that had it (a
        #: superset: each candidate is checked again against its current document).
        self._code_rows: dict[tuple[str, str, str], set[UUID]] = {}
        #: Code values whose database rows are all in ``_db`` (no query needed).
        self._codes_loaded: set[tuple[str, str, str]] = set()

    def _remember(self, table: str, row_id: UUID, doc: Doc | None) -> None:
        """Index a document entering a layer by its code fields."""
        fields = _CODE_FIELDS.get(table)
        if not fields or doc is None:
            return
        for field in fields:
            value = doc.get(field)
            if isinstance(value, str):
                self._code_rows.setdefault((table, field, value.lower()), set()).add(row_id)

    def _layered(self, key: tuple[str, UUID]) -> Stored | None:
        """The row as this transaction sees it, from the layers only (no query)."""
        for layer in (self._op, self._batch, self._db):
            found = layer.get(key)
            if found is not None:
                return found
        return None

    # --- op layering ----------------------------------------------------------------
    def begin_op(self) -> None:
        """Start a new op layer."""
        self._op = {}

    def rollback_op(self) -> None:
        """Forget everything the current op wrote (it was rejected)."""
        self._op = {}

    def commit_op(self, version: int) -> list[Change]:
        """Move the op's writes into the batch; returns them for the change log."""
        changes = []
        for key, stored in self._op.items():
            assert stored.doc is not None
            prior = self._batch.get(key) or self._db.get(key) or self._read(key)
            before = None if prior.doc is None or prior.deleted else prior.doc
            # The row's version is authoritative: every aggregate written by this op
            # carries it, whether or not the op's rules set it.
            doc = dict(stored.doc)
            if "version" in doc:
                doc["version"] = version
            text = jsontext.dumps(doc)
            stored = Stored(doc, stored.deleted, text)
            self._batch[key] = stored
            self._batch_versions[key] = version
            changes.append(Change(key[0], key[1], doc, stored.deleted, text, before))
        self._op = {}
        return changes

    def discard_batch(self) -> None:
        """Forget unwritten batch writes (their savepoint was rolled back)."""
        self._batch = {}
        self._batch_versions = {}
        self._op = {}

    # --- reads ----------------------------------------------------------------------
    def prefetch(self, data: Any, *, rounds: int = 2) -> None:
        """Load the rows whose IDs appear in ``data`` (op payloads), one query per round.

        The second round follows links inside the rows found (an invoice's pieces), so a
        batch of finalizes reads its invoices and their pieces in two round trips, not
        hundreds. Rows not found are remembered as absent (no second lookup).
        """
        wanted = _ids_by_table(data, rows=False)
        codes = _codes_in(data)
        parsed: dict[str, UUID | None] = {}
        for round_ in range(rounds):
            queries: list[str] = []
            params: list[Any] = []
            for table, fields in _CODE_FIELDS.items():
                for field in fields:
                    values = [
                        v for v in sorted(codes.get(field, ()))
                        if (table, field, v) not in self._codes_loaded
                    ]
                    if values:
                        queries.append(
                            f"SELECT '{table}', id, doc, deleted FROM {table} "
                            f"WHERE NOT deleted AND lower(doc ->> '{field}') = ANY(%s)"
                        )
                        params.append(values)
                        self._codes_loaded.update((table, field, v) for v in values)
            codes = {}
            for table, texts in sorted(wanted.items()):
                ids = []
                for text in texts:
                    if text in parsed:
                        entity_id = parsed[text]
                    else:
                        entity_id = parsed[text] = _as_uuid(text)
                    if entity_id is not None and (table, entity_id) not in self._db:
                        ids.append(entity_id)
                if ids:
                    # One array literal: psycopg would otherwise dump each UUID on its own.
                    queries.append(
                        f"SELECT '{table}', id, doc, deleted FROM {table} "
                        "WHERE id = ANY(%s::uuid[])"
                    )
                    params.append("{" + ",".join(map(str, ids)) + "}")
                    for entity_id in ids:
                        self._db[(table, entity_id)] = _ABSENT
            if not queries:
                return
            self.cur.execute(" UNION ALL ".join(queries), params)
            docs = []
            for table, row_id, doc, deleted in self.cur.fetchall():
                self._db[(table, row_id)] = Stored(doc, deleted)
                self._remember(table, row_id, doc)
                docs.append(doc)
            if round_ + 1 == rounds:
                return
            wanted = _ids_by_table(docs, rows=True)

    def _stored(self, table: str, entity_id: UUID) -> Stored:
        key = (table, entity_id)
        for layer in (self._op, self._batch, self._db):
            found = layer.get(key)
            if found is not None:
                return found
        return self._read(key)

    def _read(self, key: tuple[str, UUID]) -> Stored:
        """The row as the database has it (before this batch's unflushed writes)."""
        table, entity_id = key
        self.cur.execute(f"SELECT doc, deleted FROM {table} WHERE id = %s", (entity_id,))
        row = self.cur.fetchone()
        stored = Stored(row[0], row[1]) if row else Stored(None)
        self._db[key] = stored
        self._remember(table, entity_id, stored.doc)
        return stored

    def get(self, kind: type[E], entity_id: UUID) -> E | None:
        """The entity as of the ops applied so far, or None (missing or deleted)."""
        stored = self._stored(kind_of(kind).table, entity_id)
        if stored.doc is None or stored.deleted:
            return None
        return decode(kind, stored.doc)

    def get_many(self, kind: type[E], entity_ids: Iterable[UUID]) -> dict[UUID, E]:
        """What ``get`` gives for each ID (missing and deleted left out); the rows not yet
        seen by this transaction are read in one query."""
        table = kind_of(kind).table
        wanted = list(dict.fromkeys(entity_ids))
        unseen = [
            i for i in wanted
            if not any((table, i) in layer for layer in (self._op, self._batch, self._db))
        ]
        if unseen:
            self.cur.execute(
                f"SELECT id, doc, deleted FROM {table} WHERE id = ANY(%s)", (unseen,)
            )
            rows = {row_id: Stored(doc, deleted) for row_id, doc, deleted in self.cur.fetchall()}
            for entity_id in unseen:
                self._db[(table, entity_id)] = rows.get(entity_id, _ABSENT)
            for row_id, stored in rows.items():
                self._remember(table, row_id, stored.doc)
        found: dict[UUID, E] = {}
        for entity_id in wanted:
            stored = self._stored(table, entity_id)
            if stored.doc is not None and not stored.deleted:
                found[entity_id] = decode(kind, stored.doc)
        return found

    def _select(
        self,
        table: str,
        where_sql: str,
        params: tuple[Any, ...],
        matches: Callable[[Doc], bool],
    ) -> list[tuple[UUID, Doc]]:
        """Live rows matching both in the database and in the buffers (buffers win)."""
        self.cur.execute(
            f"SELECT id, doc, deleted FROM {table} WHERE NOT deleted AND ({where_sql})", params
        )
        found: dict[UUID, Doc] = {}
        for row_id, doc, deleted in self.cur.fetchall():
            self._db.setdefault((table, row_id), Stored(doc, deleted))
            self._remember(table, row_id, doc)
            found[row_id] = doc
        # The batch's writes, then the op's (the later layer wins).
        for layer in (self._batch, self._op):
            for (tbl, row_id), stored in layer.items():
                if tbl != table:
                    continue
                if stored.doc is not None and not stored.deleted and matches(stored.doc):
                    found[row_id] = stored.doc
                else:
                    found.pop(row_id, None)
        return list(found.items())

    def _by_code(self, table: str, field: str, value: str) -> dict[UUID, Doc]:
        """Live rows whose ``field`` equals ``value`` case-insensitively, layers included.

        The database is asked once per value (or not at all when ``prefetch`` loaded it);
        after that the in-memory index answers, so the batch's own writes count too.
        """
        wanted = value.lower()
        if field not in _CODE_FIELDS.get(table, ()):  # not indexed: ask the database
            return dict(self._select(
                table,
                f"lower(doc ->> '{field}') = %s",
                (wanted,),
                lambda d: isinstance(d.get(field), str) and d[field].lower() == wanted,
            ))
        key = (table, field, wanted)
        if key not in self._codes_loaded:
            self.cur.execute(
                f"SELECT id, doc, deleted FROM {table} "
                f"WHERE NOT deleted AND lower(doc ->> '{field}') = %s",
                (wanted,),
            )
            for row_id, doc, deleted in self.cur.fetchall():
                self._db.setdefault((table, row_id), Stored(doc, deleted))
                self._remember(table, row_id, doc)
            self._codes_loaded.add(key)
        found: dict[UUID, Doc] = {}
        for row_id in self._code_rows.get(key, ()):
            stored = self._layered((table, row_id))
            if stored is None or stored.doc is None or stored.deleted:
                continue
            current = stored.doc.get(field)
            if isinstance(current, str) and current.lower() == wanted:
                found[row_id] = stored.doc
        return found

    def _one(self, kind: type[E], field: str, value: str) -> E | None:
        rows = self._by_code(kind_of(kind).table, field, value)
        return decode(kind, next(iter(rows.values()))) if rows else None

    def piece_by_stock_id(self, stock_id: str) -> Piece | None:
        """Case-insensitive exact StockID."""
        return self._one(Piece, "stock_id", stock_id)

    def piece_by_barcode(self, barcode: str) -> Piece | None:
        """Case-insensitive exact barcode."""
        return self._one(Piece, "barcode", barcode)

    def number_taken(self, kind: type[Any], number: str, exclude_id: UUID) -> bool:
        """Another live document of this kind has the number (case-insensitive)."""
        rows = self._by_code(kind_of(kind).table, "number", number)
        return any(row_id != exclude_id for row_id in rows)

    def payments_for(
        self,
        *,
        invoice_id: UUID | None = None,
        refund_of_id: UUID | None = None,
        drawer_session_id: UUID | None = None,
    ) -> list[Payment]:
        """Payments by invoice, original payment or drawer session, oldest first."""
        filters = [
            (name, str(value))
            for name, value in (
                ("invoice_id", invoice_id),
                ("refund_of_id", refund_of_id),
                ("drawer_session_id", drawer_session_id),
            )
            if value is not None
        ]
        if not filters:
            raise ValueError("payments_for needs a filter")
        where = " OR ".join(f"doc ->> '{name}' = %s" for name, _ in filters)
        rows = self._select(
            "payments",
            where,
            tuple(v for _, v in filters),
            lambda d: any(d.get(name) == v for name, v in filters),
        )
        payments = [decode(Payment, doc) for _, doc in rows]
        payments.sort(key=lambda p: (p.created_at, str(p.id)))
        return payments

    def open_drawer_for(self, device_id: UUID) -> DrawerSession | None:
        """The device's drawer session that is not closed yet."""
        rows = self._select(
            "drawer_sessions",
            "doc ->> 'device_id' = %s AND doc ->> 'closed_at' IS NULL",
            (str(device_id),),
            lambda d: d.get("device_id") == str(device_id) and d.get("closed_at") is None,
        )
        return decode(DrawerSession, rows[0][1]) if rows else None

    # --- writes ---------------------------------------------------------------------
    def put(self, entity: object) -> None:
        """Insert or update the aggregate (in the current op's layer)."""
        table = kind_of(type(entity)).table
        entity_id = entity.id  # type: ignore[attr-defined]
        doc = encode(entity)
        self._op[(table, entity_id)] = Stored(doc, False)
        self._remember(table, entity_id, doc)

    def delete(self, kind: type[Any], entity_id: UUID) -> None:
        """Soft delete: the row stays, marked deleted, and the feed carries a tombstone."""
        table = kind_of(kind).table
        stored = self._stored(table, entity_id)
        if stored.doc is None:
            return
        self._op[(table, entity_id)] = Stored(stored.doc, True)

    def repoint_contact(self, from_id: UUID, to_id: UUID) -> None:
        """Merge: every document of one contact now belongs to the other."""
        self._repoint(_CONTACT_OWNED, "contact_id", from_id, to_id)
        self._repoint(_VENDOR_OWNED, "vendor_id", from_id, to_id)

    def _repoint(self, tables: Iterable[str], field: str, from_id: UUID, to_id: UUID) -> None:
        old = str(from_id)
        for table in tables:
            rows = self._select(
                table, f"doc ->> '{field}' = %s", (old,), lambda d: d.get(field) == old
            )
            for row_id, doc in rows:
                moved = dict(doc)
                moved[field] = str(to_id)
                self._op[(table, row_id)] = Stored(moved, False)
                self._remember(table, row_id, moved)

    # --- flushing -------------------------------------------------------------------
    def flush(self) -> int:
        """Write the batch buffer: one ``executemany`` per table. Returns rows written."""
        by_table: dict[str, list[tuple[Any, ...]]] = {}
        for (table, row_id), stored in self._batch.items():
            version = self._batch_versions[(table, row_id)]
            assert stored.doc is not None
            text = stored.text or jsontext.dumps(stored.doc)
            by_table.setdefault(table, []).append((row_id, version, stored.deleted, text))
        for table, rows in by_table.items():
            self.cur.executemany(
                f"INSERT INTO {table} (id, version, deleted, doc) "
                "VALUES (%s, %s, %s, %s::jsonb) "
                "ON CONFLICT (id) DO UPDATE SET version = excluded.version, "
                "deleted = excluded.deleted, doc = excluded.doc",
                rows,
            )
        for key, stored in self._batch.items():
            self._db[key] = stored
        written = len(self._batch)
        self._batch = {}
        self._batch_versions = {}
        return written
