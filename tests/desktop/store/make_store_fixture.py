"""Write ``data/store-<revision>.sqlite``: a small store made by the current schema.

Run it once per released schema revision, *before* writing the next migration, and commit
the file: ``test_migrations`` upgrades every such file to head and checks that nothing was
lost (habit 8: migrations are tested with database files produced by previous schemas).
Never regenerate an existing file — it stands for databases already out in stores.

    .venv/bin/python tests/desktop/store/make_store_fixture.py
"""

from __future__ import annotations

import sqlite3
import sys
import tempfile
from pathlib import Path

from jeweltrak_desktop.demo import build_demo_store
from jeweltrak_desktop.store.migrate import head_revision

DATA = Path(__file__).with_name("data")


def make_fixture(target: Path) -> None:
    """A demo store with history whose operations are all still waiting to be uploaded."""
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "store.db"
        build_demo_store(source, pieces=60, contacts=40, seed=11, history=True).close()
        con = sqlite3.connect(source)
        try:
            # The demo marks its operations "demo"; a real store's are pending until synced.
            con.execute("UPDATE outbox SET status = 'pending'")
            con.commit()
            con.execute("VACUUM INTO ?", (str(target),))
        finally:
            con.close()
    con = sqlite3.connect(target)
    try:
        con.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
        con.execute("PRAGMA page_size=1024")  # a smaller file to keep in the repository
        con.execute("VACUUM")
    finally:
        con.close()


def main() -> int:
    """Write the fixture of the current head revision (refuses to overwrite)."""
    target = DATA / f"store-{head_revision()}.sqlite"
    if target.exists():
        print(f"{target} exists; fixtures of released schemas are never regenerated")
        return 1
    DATA.mkdir(exist_ok=True)
    make_fixture(target)
    print(f"wrote {target} ({target.stat().st_size // 1024} KiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
