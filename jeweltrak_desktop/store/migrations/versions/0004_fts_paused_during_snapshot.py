"""Full-text indexes pause while an initial sync is in progress, and are rebuilt at its end.

Keeping three FTS5 indexes (with prefix indexes) current row by row is most of the cost of
writing 100,000 downloaded pieces; one ``rebuild`` when the download ends is several times
cheaper. The triggers now fire only while ``snapshot_progress`` is empty, i.e. no download
is in progress. The download rebuilds every index in the transaction that completes it,
so search is exact again from that commit; while a download runs, search may miss rows.

Revision ID: 0004
Revises: 0003
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: Each full-text index and the columns it covers (as created by 0001).
FTS_COLUMNS: dict[str, list[str]] = {
    "pieces": [
        "stock_id", "barcode", "certificate_no", "serial_no", "description", "style_no",
        "brand", "model", "reference", "category", "metal_type",
    ],
    "contacts": ["display_name", "company", "phone_digits", "email_text"],
    "work_orders": ["number", "item_description"],
}

NO_DOWNLOAD = "NOT EXISTS (SELECT 1 FROM snapshot_progress)"


def _triggers(table: str, columns: list[str], *, paused_by_download: bool) -> list[str]:
    cols = ", ".join(columns)
    new = ", ".join(f"new.{c}" for c in columns)
    old = ", ".join(f"old.{c}" for c in columns)
    fts = f"{table}_fts"
    changed = " OR ".join(f"old.{c} IS NOT new.{c}" for c in columns)
    guard = f" WHEN {NO_DOWNLOAD}" if paused_by_download else ""
    update_guard = f"({changed}) AND {NO_DOWNLOAD}" if paused_by_download else changed
    return [
        f"DROP TRIGGER IF EXISTS {fts}_ai",
        f"DROP TRIGGER IF EXISTS {fts}_ad",
        f"DROP TRIGGER IF EXISTS {fts}_au",
        f"CREATE TRIGGER {fts}_ai AFTER INSERT ON {table}{guard} BEGIN "
        f"INSERT INTO {fts}(rowid, {cols}) VALUES (new.rowid, {new}); END",
        f"CREATE TRIGGER {fts}_ad AFTER DELETE ON {table}{guard} BEGIN "
        f"INSERT INTO {fts}({fts}, rowid, {cols}) VALUES ('delete', old.rowid, {old}); END",
        f"CREATE TRIGGER {fts}_au AFTER UPDATE OF {cols} ON {table} WHEN {update_guard} BEGIN "
        f"INSERT INTO {fts}({fts}, rowid, {cols}) VALUES ('delete', old.rowid, {old}); "
        f"INSERT INTO {fts}(rowid, {cols}) VALUES (new.rowid, {new}); END",
    ]


def upgrade() -> None:
    """Guard the FTS triggers; rebuild the indexes (a download may be in progress now)."""
    for table, columns in FTS_COLUMNS.items():
        for statement in _triggers(table, columns, paused_by_download=True):
            op.execute(statement)
        op.execute(f"INSERT INTO {table}_fts({table}_fts) VALUES ('rebuild')")


def downgrade() -> None:
    """The unguarded triggers of 0001, and indexes rebuilt to match the tables."""
    for table, columns in FTS_COLUMNS.items():
        for statement in _triggers(table, columns, paused_by_download=False):
            op.execute(statement)
        op.execute(f"INSERT INTO {table}_fts({table}_fts) VALUES ('rebuild')")
