"""P15 export: every table of the tenant's schema as JSON lines in a zip, streamed.

Tables and columns are read from the catalog of the tenant's schema at export time, so a
table a later migration adds is exported without touching this file. The whole export
runs in one read-only REPEATABLE READ transaction under the tenant's role (its own schema
only, as every tenant request), so the tables agree with each other and the manifest's
row counts are those of the files. The zip is written to the response as it grows: memory
stays at a few buffers whatever the size of the business.

Left out, because they are credentials and not the business's data: columns whose name
says secret (``password``, ``secret``, ``token``, ``ciphertext``, ``encrypted``,
``verifier``, ``hash`` as a word of the name — password and PIN hashes, device token
hashes, encrypted integration tokens), the same keys inside JSON documents (a staff
member's ``pin_verifier``), and, whatever their name, string values shaped like a password
hash (argon2, bcrypt) or a Fernet ciphertext. The manifest lists the columns left out
and counts the values removed. Card numbers are never stored (P2), so none can be exported.
"""

from __future__ import annotations

import base64
import re
import zipfile
from collections.abc import Generator, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

import orjson
from sqlalchemy import Connection, Engine

from sync_server.db.engine import enter_tenant
from sync_server.lifecycle.repository import TenantState

FORMAT = "jeweltrak-tenant-export"
FORMAT_VERSION = 1
#: Bytes gathered before a piece of the zip is handed to the response.
CHUNK_BYTES = 64 * 1024
ROWS_PER_FETCH = 500

_SECRET_NAME = re.compile(
    r"(?:^|_)(?:password|passwd|secret|secrets|token|tokens|ciphertext|encrypted|enc|verifier|hash)"
    r"(?:_|$)",
    re.IGNORECASE,
)
_SECRET_VALUE = re.compile(
    r"^(?:\$argon2(?:id|i|d)\$|\$2[aby]\$\d\d\$|gAAAAA[A-Za-z0-9_-]{60,}={0,2}$)"
)
_TABLES = """
SELECT c.relname, a.attname
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
WHERE n.nspname = %s AND c.relkind IN ('r', 'p') AND NOT c.relispartition
ORDER BY c.relname, a.attnum
"""


def is_secret_name(name: str) -> bool:
    """Whether a column or JSON key names a credential (left out of exports)."""
    return _SECRET_NAME.search(name) is not None


@dataclass(frozen=True)
class TableShape:
    """A table of the tenant's schema: the columns exported and those left out."""

    name: str
    columns: tuple[str, ...]
    omitted: tuple[str, ...]

    @property
    def file(self) -> str:
        return "tables/" + re.sub(r"[^A-Za-z0-9_]", "_", self.name) + ".jsonl"


@dataclass
class TableReport:
    """What was written for one table (the manifest's entry)."""

    shape: TableShape
    rows: int = 0
    redacted_values: int = 0

    def manifest(self) -> dict[str, Any]:
        return {
            "file": self.shape.file,
            "rows": self.rows,
            "columns": list(self.shape.columns),
            "omitted_columns": list(self.shape.omitted),
            "redacted_values": self.redacted_values,
        }


@dataclass
class _Scrubber:
    """Removes secrets inside values; counts what it removed."""

    removed: int = 0

    def value(self, value: Any) -> Any:
        if isinstance(value, str):
            if _SECRET_VALUE.match(value):
                self.removed += 1
                return None
            return value
        if isinstance(value, dict):
            kept = {}
            for key, item in value.items():
                if isinstance(key, str) and is_secret_name(key):
                    self.removed += 1
                    continue
                kept[key] = self.value(item)
            return kept
        if isinstance(value, list):
            return [self.value(item) for item in value]
        return value


@dataclass
class _Chunks:
    """A write-only file for ``zipfile`` that the generator empties as it goes."""

    buffer: bytearray = field(default_factory=bytearray)

    def write(self, data: bytes, /) -> int:
        self.buffer += data
        return len(data)

    def flush(self) -> None:
        """Nothing to flush: the generator hands the bytes on."""

    def close(self) -> None:
        """Nothing to close: the bytes stay until taken."""

    def take(self) -> bytes:
        out = bytes(self.buffer)
        self.buffer.clear()
        return out


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)  # exact: quantities, weights, rates
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    return str(value)


def _dumps(data: Any) -> bytes:
    return orjson.dumps(data, default=_json_default, option=orjson.OPT_UTC_Z)


def table_shapes(conn: Connection, schema: str) -> list[TableShape]:
    """Every table of ``schema`` (from its catalog), secret columns set apart."""
    columns: dict[str, list[str]] = {}
    for table, column in conn.exec_driver_sql(_TABLES, (schema,)).all():
        columns.setdefault(str(table), []).append(str(column))
    return [
        TableShape(
            name=table,
            columns=tuple(c for c in names if not is_secret_name(c)),
            omitted=tuple(c for c in names if is_secret_name(c)),
        )
        for table, names in columns.items()
    ]


def _write_table(
    conn: Connection, archive: zipfile.ZipFile, sink: _Chunks, shape: TableShape
) -> Generator[bytes, None, TableReport]:
    report = TableReport(shape=shape)
    scrubber = _Scrubber()
    with archive.open(shape.file, "w", force_zip64=True) as entry:
        if shape.columns:
            select_list = ", ".join(_quote(c) for c in shape.columns)
            result = conn.execution_options(
                stream_results=True, yield_per=ROWS_PER_FETCH
            ).exec_driver_sql(f"SELECT {select_list} FROM {_quote(shape.name)}")
            for row in result:
                record = {c: scrubber.value(v) for c, v in zip(shape.columns, row, strict=True)}
                entry.write(_dumps(record) + b"\n")
                report.rows += 1
                if len(sink.buffer) >= CHUNK_BYTES:
                    yield sink.take()
    report.redacted_values = scrubber.removed
    return report


def _manifest(state: TenantState, now: datetime, reports: list[TableReport]) -> bytes:
    return orjson.dumps(
        {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "tenant_id": str(state.ref.id),
            "business_name": state.business_name,
            "exported_at": now,
            "status": state.status,
            "cancelled_at": state.cancelled_at,
            "delete_after": state.delete_after,
            "tables": {r.shape.name: r.manifest() for r in reports},
            "notes": (
                "One JSON object per line and table. Money is in integer cents, times are "
                "UTC, quantities and rates are exact decimal text. Business documents are "
                "in the doc column as the apps exchange them. Credentials (password and "
                "PIN hashes, device tokens, encrypted integration tokens) are left out."
            ),
        },
        default=_json_default,
        option=orjson.OPT_UTC_Z | orjson.OPT_INDENT_2,
    )


def export_chunks(engine: Engine, state: TenantState, now: datetime) -> Iterator[bytes]:
    """The tenant's export as zip bytes, piece by piece.

    The first piece is empty and comes once the transaction is open and the tables are
    known: a caller that takes it before answering turns failures to start into a normal
    error response instead of a broken download.
    """
    sink = _Chunks()
    with engine.connect() as raw:
        conn = raw.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
        with conn.begin():
            enter_tenant(conn, state.ref)
            conn.exec_driver_sql("SET LOCAL TIME ZONE 'UTC'")
            shapes = table_shapes(conn, state.ref.schema)
            yield b""
            reports: list[TableReport] = []
            with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED) as archive:
                for shape in shapes:
                    reports.append((yield from _write_table(conn, archive, sink, shape)))
                archive.writestr("manifest.json", _manifest(state, now, reports))
    yield sink.take()


def export_filename(state: TenantState, now: datetime) -> str:
    """``jeweltrak-export-<tenant>-<UTC time>.zip``."""
    return f"jeweltrak-export-{state.ref.id}-{now:%Y%m%dT%H%M%SZ}.zip"
