"""``piece_window`` with a filter: every way it reads a window gives the same rows, in order.

A filtered window in StockID order is read either by sorting the matches or by walking the
list index in order (many matches, or a later window whose count is not asked for). Both are
checked against the plain sqlite3 module's own answer.
"""

from __future__ import annotations

import sqlite3

import pytest

from jeweltrak_core.inventory.stock import Family
from jeweltrak_desktop.services import inventory
from jeweltrak_desktop.services.local_store import LocalStore


def _expected(store: LocalStore, family: Family, match: str, descending: bool) -> list[str]:
    con = sqlite3.connect(store.path)
    try:
        rows = con.execute(
            "SELECT p.stock_id FROM pieces p WHERE p.family = ? AND p.deleted = 0 AND p.rowid IN"
            " (SELECT rowid FROM pieces_fts WHERE pieces_fts MATCH ?)", (family.value, match)
        ).fetchall()
    finally:
        con.close()
    return sorted((r[0] for r in rows), reverse=descending)


@pytest.mark.parametrize("words", ["gold", "ring", "white gold", "d1", "zzzz"])
@pytest.mark.parametrize("descending", [False, True])
def test_filtered_windows_agree_with_sqlite_whichever_way_they_are_read(
        big_store: LocalStore, words: str, descending: bool) -> None:
    match = inventory.list_filter_query(words)
    assert match is not None
    expected = _expected(big_store, Family.JEWELRY, match, descending)
    whole = inventory.piece_window(big_store, family=Family.JEWELRY, text=words,
                                   descending=descending, limit=1000)
    assert whole.total == len(expected)
    assert [r.stock_id for r in whole.rows] == expected[:1000]
    for offset, limit in ((0, 50), (7, 30), (120, 200), (len(expected), 10)):
        for with_total in (True, False):
            window = inventory.piece_window(
                big_store, family=Family.JEWELRY, text=words, descending=descending,
                offset=offset, limit=limit, with_total=with_total)
            assert [r.stock_id for r in window.rows] == expected[offset:offset + limit]
            assert window.total == (len(expected) if with_total else None)


def test_a_filter_matching_most_of_the_family_is_counted_and_ordered(
        big_store: LocalStore) -> None:
    match = inventory.list_filter_query("d")
    assert match is not None
    expected = _expected(big_store, Family.JEWELRY, match, False)
    assert len(expected) > 1000  # beyond what is sorted whole: the list index is walked
    first = inventory.piece_window(big_store, family=Family.JEWELRY, text="d", limit=200)
    assert first.total == len(expected)
    assert [r.stock_id for r in first.rows] == expected[:200]
    last = inventory.piece_window(big_store, family=Family.JEWELRY, text="d",
                                  offset=len(expected) - 5, limit=200)
    assert [r.stock_id for r in last.rows] == expected[-5:]
