"""Bring a local database to the current schema, backing the file up first.

The backup is taken with SQLite's online backup API (consistent even in WAL mode) before
any migration touches an existing database; the whole upgrade then runs in one
transaction, so a failure leaves the database exactly as it was — unsynced outbox
operations included.
"""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from jeweltrak_desktop.store.db import open_engine

log = logging.getLogger(__name__)
MIGRATIONS = Path(__file__).with_name("migrations")


@dataclass(frozen=True)
class MigrationResult:
    """What ``migrate`` did."""

    from_revision: str | None
    to_revision: str
    backup: Path | None


def alembic_config() -> Config:
    """Alembic configuration pointing at the packaged migration scripts."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def head_revision() -> str:
    """The newest schema revision this build knows."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    """The database's schema revision (None for an empty database)."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def backup_database(path: Path, label: str) -> Path:
    """Copy the database with the online backup API to ``<name>.bak-<label>-<time>``."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    target = path.with_name(f"{path.name}.bak-{label}-{stamp}")
    src = sqlite3.connect(path)
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()
    return target


def migrate(path: Path, engine: Engine | None = None) -> MigrationResult:
    """Upgrade the database at ``path`` to head (creating it if new)."""
    own = engine is None
    engine = engine or open_engine(path)
    try:
        before = current_revision(engine)
        head = head_revision()
        if before == head:
            return MigrationResult(before, head, None)
        backup = None
        if before is not None and path.exists():
            backup = backup_database(path, before)
            log.info("backed up %s to %s before migrating %s → %s", path, backup, before, head)
        cfg = alembic_config()
        # Upgrade on a connection with foreign keys off (table rebuilds must not cascade),
        # then prove the result is consistent before committing.
        upgrade_engine = open_engine(path, foreign_keys=False)
        try:
            with upgrade_engine.begin() as conn:
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, "head")
                broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise RuntimeError(f"migration left broken references: {broken[:5]}")
        finally:
            upgrade_engine.dispose()
        engine.dispose()  # pooled connections must see the new schema
        return MigrationResult(before, head, backup)
    finally:
        if own:
            engine.dispose()
