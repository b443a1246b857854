"""Migrations: the migrated schema is the declared one, upgrades back up first and apply whole.

Test revisions are added to a *copy* of the packaged scripts in ``tmp_path``. ``migrate()``
reads its script location from the module constant ``MIGRATIONS``, so the tests that must
exercise ``migrate()`` itself (not a replica of its steps) point that constant at the copy.
"""

from __future__ import annotations

import shutil
import sqlite3
import textwrap
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Column, Index, Integer, MetaData, exc

from jeweltrak_core.payments.rules import Tender
from jeweltrak_desktop.demo import build_demo_store
from jeweltrak_desktop.services import payments, sales
from jeweltrak_desktop.services.local_store import LocalStore
from jeweltrak_desktop.store import migrate as migrate_module
from jeweltrak_desktop.store.db import open_engine
from jeweltrak_desktop.store.migrate import (
    MigrationResult,
    backup_database,
    current_revision,
    head_revision,
    migrate,
)
from jeweltrak_desktop.store.schema import metadata

from .conftest import DATA, query, stored_type_problems, table_rows

#: External-content FTS5 indexes (created by raw SQL in 0001, absent from the metadata) and
#: the shadow tables SQLite keeps for each. Listed by name so nothing else hides among them.
FTS_INDEXES = ("pieces_fts", "contacts_fts", "work_orders_fts")
FTS_TABLES = frozenset(
    name
    for fts in FTS_INDEXES
    for name in (fts, *(f"{fts}_{shadow}" for shadow in ("data", "idx", "docsize", "config")))
)
OLD_STORES = sorted(DATA.glob("store-*.sqlite"))


def schema_differences(path: Path, target: MetaData = metadata) -> list[Any]:
    """Alembic's autogenerate diff between the database file and ``target``."""
    engine = open_engine(path)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(
                conn,
                opts={
                    "compare_type": True,
                    "include_name": lambda name, kind, _parent: (
                        not (kind == "table" and name in FTS_TABLES)
                    ),
                },
            )
            return list(compare_metadata(context, target))
    finally:
        engine.dispose()


def schema_objects(path: Path) -> list[tuple[str, str, str, str]]:
    """Everything in sqlite_master: tables, indexes, triggers, FTS — with their SQL."""
    return sorted(query(path, "SELECT type, name, tbl_name, COALESCE(sql, '') FROM sqlite_master"))


# --- the schema ------------------------------------------------------------------------------


def test_migrated_database_has_exactly_the_declared_schema(head_db: Path) -> None:
    tables = {name for (name,) in query(head_db, "SELECT name FROM sqlite_master")}
    assert tables >= FTS_TABLES, "an ignored FTS table no longer exists: update FTS_TABLES"
    assert schema_differences(head_db) == []


def test_schema_comparison_sees_an_entity_change_without_a_migration(head_db: Path) -> None:
    changed = MetaData()
    for table in metadata.tables.values():
        table.to_metadata(changed)
    invoices = changed.tables["invoices"]
    invoices.append_column(Column("gift_message", Integer, nullable=True))
    Index("ix_invoices_gift_message", invoices.c.gift_message)
    kinds = {diff[0] for diff in schema_differences(head_db, changed)}
    assert {"add_column", "add_index"} <= kinds


def test_search_indexes_and_their_triggers_exist(head_db: Path) -> None:
    triggers = {
        name for (name,) in query(head_db, "SELECT name FROM sqlite_master WHERE type = 'trigger'")
    }
    assert triggers == {f"{fts}_{when}" for fts in FTS_INDEXES for when in ("ai", "ad", "au")}


@pytest.mark.parametrize("old_store", OLD_STORES, ids=[p.stem for p in OLD_STORES])
def test_old_database_upgrades_without_losing_anything(old_store: Path, tmp_path: Path) -> None:
    path = tmp_path / "store.db"
    shutil.copyfile(old_store, path)
    before_rows = table_rows(path)
    old_revision = old_store.stem.removeprefix("store-")
    assert query(path, "SELECT version_num FROM alembic_version") == [(old_revision,)]

    result = migrate(path)

    assert result.to_revision == head_revision()
    assert (result.backup is not None) == (old_revision != head_revision())
    if result.backup is not None:
        assert table_rows(result.backup) == before_rows
    after_rows = table_rows(path)
    # Unsynced operations survive the upgrade byte for byte; no table gains or loses rows.
    assert after_rows["outbox"] == before_rows["outbox"]
    assert query(path, "SELECT count(*) FROM outbox WHERE status = 'pending'")[0][0] > 0
    for table, rows in before_rows.items():
        if table != "alembic_version":
            assert len(after_rows[table]) == len(rows), table
    assert query(path, "PRAGMA integrity_check") == [("ok",)]
    assert query(path, "PRAGMA foreign_key_check") == []
    assert stored_type_problems(path) == []  # e.g. a column added with a float default
    assert schema_differences(path) == []
    fresh = tmp_path / "fresh.db"
    migrate(fresh)
    assert schema_objects(path) == schema_objects(fresh), (
        "an upgraded database differs from a new one: was a released migration edited in "
        "place instead of adding a revision?"
    )
    _sell_one_piece(path)


def _sell_one_piece(path: Path) -> None:
    """The upgraded store still works at the counter: a whole sale through the services."""
    ((stock_id,),) = query(path, "SELECT stock_id FROM pieces WHERE status = 'in_stock' LIMIT 1")
    store = LocalStore(path)
    try:
        pending = store.pending_ops()
        invoice = sales.add_piece(store, sales.new_invoice(store).id, stock_id)
        payments.take_payment(
            store,
            invoice.id,
            tender=Tender.CHECK,
            amount_cents=invoice.balance_cents,
            check_number="2001",
        )
        assert sales.finalize_invoice(store, invoice.id).paid_cents == invoice.total_cents
        assert store.pending_ops() == pending + 4
    finally:
        store.close()


# --- backups and no-op runs --------------------------------------------------------------


def test_backup_database_copies_a_consistent_snapshot(tmp_path: Path) -> None:
    path = tmp_path / "store.db"
    store = build_demo_store(path, pieces=60, contacts=40, history=True)
    try:
        # The store is still open: its latest commits sit in the WAL, not in the main file.
        assert Path(f"{path}-wal").stat().st_size > 0
        backup = backup_database(path, "0001")
        second = backup_database(path, "0001")
    finally:
        store.close()
    assert backup.parent == path.parent
    assert backup.name.startswith("store.db.bak-0001-")
    assert second != backup, "a second backup must not overwrite the first"
    assert query(backup, "PRAGMA integrity_check") == [("ok",)]
    assert table_rows(backup) == table_rows(path)
    assert query(backup, "SELECT count(*) FROM outbox")[0][0] > 0


def test_migrate_at_head_changes_nothing_and_backs_nothing_up(tmp_path: Path) -> None:
    path = tmp_path / "store.db"
    build_demo_store(path, pieces=30, contacts=5, history=False).close()
    before = _dump(path)

    result = migrate(path)

    assert result == MigrationResult(head_revision(), head_revision(), None)
    assert _dump(path) == before
    assert list(tmp_path.glob("*.bak-*")) == []


def test_migrate_creates_a_new_database_without_a_backup(tmp_path: Path) -> None:
    result = migrate(tmp_path / "new.db")
    assert result == MigrationResult(None, head_revision(), None)
    assert list(tmp_path.glob("*.bak-*")) == []


def _dump(path: Path) -> list[str]:
    con = sqlite3.connect(path)
    try:
        return list(con.iterdump())
    finally:
        con.close()


# --- upgrades through test revisions -------------------------------------------------------

BROKEN_REVISION = """
    op.create_table("gift_cards", sa.Column("id", sa.Integer(), primary_key=True))
    op.execute("INSERT INTO gift_cards (id) VALUES (1)")
    op.execute("UPDATE outbox SET status = 'rewritten'")
    op.execute("THIS IS NOT SQL")
"""
GOOD_REVISION = """
    op.create_table("gift_cards", sa.Column("id", sa.Integer(), primary_key=True))
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("note", sa.Text(), nullable=True))
"""
#: A copy-and-move rebuild of a parent table, as alembic's batch mode does on SQLite for
#: most column changes (type, nullability, drops, constraints).
REBUILD_INVOICES = """
    with op.batch_alter_table("invoices", recreate="always") as batch:
        batch.add_column(sa.Column("gift_message", sa.Text(), nullable=True))
"""


#: Runs with foreign keys off (as every upgrade does) and leaves invoice lines orphaned.
ORPHAN_LINES = """
    op.create_table("gift_cards", sa.Column("id", sa.Integer(), primary_key=True))
    op.execute("DELETE FROM invoices")
"""


def scripts_with_revision(tmp_path: Path, upgrade_body: str) -> Path:
    """A copy of the packaged migration scripts plus one revision on top of head."""
    scripts = tmp_path / "migrations"
    shutil.copytree(
        migrate_module.MIGRATIONS, scripts, ignore=shutil.ignore_patterns("__pycache__")
    )
    (scripts / "versions" / "9000_test_revision.py").write_text(
        textwrap.dedent(
            f'''
            """A revision written by the test."""
            import sqlalchemy as sa
            from alembic import op

            revision = "9000"
            down_revision = "{head_revision()}"
            branch_labels = None
            depends_on = None


            def upgrade() -> None:
            '''
        )
        + textwrap.indent(textwrap.dedent(upgrade_body).strip(), "    ")
        + "\n"
    )
    return scripts


def store_with_pending_ops(path: Path) -> list[tuple[Any, ...]]:
    """A demo store at head whose operations wait for upload; returns the outbox rows."""
    build_demo_store(path, pieces=60, contacts=40, history=True).close()
    con = sqlite3.connect(path)
    try:
        con.execute("UPDATE outbox SET status = 'pending'")
        con.commit()
    finally:
        con.close()
    return query(path, "SELECT * FROM outbox ORDER BY seq")


def upgrade_as_migrate_does(path: Path, scripts: Path) -> Path:
    """``migrate()``'s steps, through its public helpers, with another script location."""
    engine = open_engine(path)
    try:
        before = current_revision(engine)
    finally:
        engine.dispose()
    assert before is not None
    backup = backup_database(path, before)
    cfg = Config()
    cfg.set_main_option("script_location", str(scripts))
    engine = open_engine(path, foreign_keys=False)
    try:
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
    finally:
        engine.dispose()
    return backup


def test_failed_upgrade_rolls_back_whole(tmp_path: Path) -> None:
    path = tmp_path / "store.db"
    outbox = store_with_pending_ops(path)
    scripts = scripts_with_revision(tmp_path, BROKEN_REVISION)

    with pytest.raises(exc.OperationalError, match="syntax error"):
        upgrade_as_migrate_does(path, scripts)

    _assert_untouched(path, outbox, head_revision())
    (backup,) = tmp_path.glob("store.db.bak-*")
    assert query(backup, "SELECT * FROM outbox ORDER BY seq") == outbox


def test_migrate_backs_up_then_upgrades_an_older_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "store.db"
    outbox = store_with_pending_ops(path)
    old_head = head_revision()
    good = scripts_with_revision(tmp_path, GOOD_REVISION)
    monkeypatch.setattr(migrate_module, "MIGRATIONS", good)

    result = migrate(path)

    assert (result.from_revision, result.to_revision) == (old_head, "9000")
    assert result.backup is not None and result.backup.name.startswith(f"store.db.bak-{old_head}-")
    assert query(result.backup, "SELECT version_num FROM alembic_version") == [(old_head,)]
    assert query(result.backup, "SELECT * FROM outbox ORDER BY seq") == outbox
    assert query(path, "SELECT version_num FROM alembic_version") == [("9000",)]
    assert query(path, "SELECT * FROM outbox ORDER BY seq") == [(*row, None) for row in outbox]
    assert query(path, "PRAGMA integrity_check") == [("ok",)]


def test_migrate_that_fails_leaves_the_database_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "store.db"
    outbox = store_with_pending_ops(path)
    old_head = head_revision()
    broken = scripts_with_revision(tmp_path, BROKEN_REVISION)
    monkeypatch.setattr(migrate_module, "MIGRATIONS", broken)

    with pytest.raises(exc.OperationalError, match="syntax error"):
        migrate(path)

    _assert_untouched(path, outbox, old_head)
    assert len(list(tmp_path.glob("store.db.bak-*"))) == 1
    monkeypatch.undo()
    store = LocalStore(path)  # this build (without the broken revision) still opens it
    try:
        assert store.pending_ops() == len(outbox)
    finally:
        store.close()


def test_rebuilding_a_parent_table_keeps_its_child_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Regression: with foreign keys on, dropping the old table fired ON DELETE CASCADE.
    path = tmp_path / "store.db"
    store_with_pending_ops(path)
    lines = query(path, "SELECT * FROM invoice_lines ORDER BY rowid")
    assert lines
    rebuild = scripts_with_revision(tmp_path, REBUILD_INVOICES)
    monkeypatch.setattr(migrate_module, "MIGRATIONS", rebuild)

    migrate(path)

    assert query(path, "SELECT * FROM invoice_lines ORDER BY rowid") == lines
    assert query(path, "PRAGMA foreign_key_check") == []


def test_upgrade_that_breaks_references_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "store.db"
    outbox = store_with_pending_ops(path)
    invoices = query(path, "SELECT * FROM invoices ORDER BY rowid")
    old_head = head_revision()
    orphaning = scripts_with_revision(tmp_path, ORPHAN_LINES)
    monkeypatch.setattr(migrate_module, "MIGRATIONS", orphaning)

    with pytest.raises(RuntimeError, match="broken references"):
        migrate(path)

    _assert_untouched(path, outbox, old_head)
    assert query(path, "SELECT * FROM invoices ORDER BY rowid") == invoices


def _assert_untouched(path: Path, outbox: list[tuple[Any, ...]], revision: str) -> None:
    tables = {name for (name,) in query(path, "SELECT name FROM sqlite_master")}
    assert "gift_cards" not in tables
    assert query(path, "SELECT version_num FROM alembic_version") == [(revision,)]
    assert query(path, "SELECT * FROM outbox ORDER BY seq") == outbox
    assert query(path, "PRAGMA integrity_check") == [("ok",)]
