"""The lazy inventory model on its own (no view) over a 2,000-piece store."""

from __future__ import annotations

from dataclasses import replace

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QTableView
from pytestqt.qtbot import QtBot

from jeweltrak_core.inventory.entities import Piece
from jeweltrak_core.inventory.stock import Family
from jeweltrak_desktop.services import inventory
from jeweltrak_desktop.services.inventory import PieceWindow
from jeweltrak_desktop.services.local_store import LocalStore
from jeweltrak_desktop.ui.pages.inventory.column_chooser import ColumnChooser, ColumnPrefs
from jeweltrak_desktop.ui.pages.inventory.list_model import InventoryListModel, ListQuery

pytestmark = pytest.mark.qt


def make_model(store: LocalStore, *, show_cost: bool = True, page_size: int = 100
               ) -> InventoryListModel:
    def fetch(query: ListQuery, offset: int, limit: int, with_total: bool) -> PieceWindow:
        return inventory.piece_window(store, family=query.family, text=query.text,
                                      sort=query.sort, descending=query.descending,
                                      offset=offset, limit=limit, with_total=with_total)

    return InventoryListModel(fetch, show_cost=show_cost, page_size=page_size)


def all_of(store: LocalStore, family: Family) -> list[Piece]:
    """Every piece of a family, read another way (the repository, not the list query)."""
    return inventory.list_pieces(store, family=family, limit=10_000)


def shown(model: InventoryListModel, row: int, key: str) -> object:
    return model.data(model.index(row, model.column_index(key)), Qt.ItemDataRole.DisplayRole)


def answered(qtbot: QtBot, model: InventoryListModel, query: ListQuery) -> None:
    with qtbot.waitSignal(model.count_changed, timeout=10_000):
        model.set_query(query)


def test_first_window_counts_the_family_and_holds_only_one_window(
    qtbot: QtBot, big_store: LocalStore
) -> None:
    model = make_model(big_store)
    answered(qtbot, model, ListQuery(Family.DIAMOND))
    diamonds = all_of(big_store, Family.DIAMOND)
    assert model.rowCount() == len(diamonds) > 200
    assert model.loaded_pages() == [0]
    expected = sorted(p.stock_id for p in diamonds)
    assert [shown(model, r, "stock_id") for r in range(100)] == expected[:100]


def test_sorting_is_done_for_the_whole_list_not_the_window(
    qtbot: QtBot, big_store: LocalStore
) -> None:
    model = make_model(big_store)
    answered(qtbot, model, ListQuery(Family.JEWELRY))
    with qtbot.waitSignal(model.count_changed, timeout=10_000):
        model.sort(model.column_index("retail"), Qt.SortOrder.DescendingOrder)
    jewelry = all_of(big_store, Family.JEWELRY)
    top = sorted((p.retail_cents for p in jewelry), reverse=True)[:100]
    assert [model.row_at(r).retail_cents for r in range(100)] == top  # type: ignore[union-attr]
    with qtbot.waitSignal(model.count_changed, timeout=10_000):
        model.sort(model.column_index("description"), Qt.SortOrder.AscendingOrder)
    names = sorted(p.description.lower() for p in jewelry)[:100]
    assert [str(shown(model, r, "description")).lower() for r in range(100)] == names


def test_scrolling_far_fetches_that_window_only(qtbot: QtBot, big_store: LocalStore) -> None:
    model = make_model(big_store)
    answered(qtbot, model, ListQuery(Family.JEWELRY))
    far = model.rowCount() - 5
    assert shown(model, far, "stock_id") == "…"  # not loaded yet: asks for its window
    qtbot.waitUntil(lambda: model.row_at(far) is not None, timeout=10_000)
    expected = sorted(p.stock_id for p in all_of(big_store, Family.JEWELRY))
    assert shown(model, far, "stock_id") == expected[far]
    assert model.loaded_pages() == [0, far // model.page_size]


def test_filter_narrows_in_sql_and_a_late_answer_is_dropped(
    qtbot: QtBot, big_store: LocalStore
) -> None:
    model = make_model(big_store)
    answered(qtbot, model, ListQuery(Family.COLORED_STONE))
    everything = model.rowCount()
    model.set_filter("a")  # superseded before it answers
    with qtbot.waitSignal(model.count_changed, timeout=10_000):
        model.set_filter("sapph")
    stones = all_of(big_store, Family.COLORED_STONE)
    sapphires = [p for p in stones if "sapphire" in p.description.lower()]
    assert 0 < model.rowCount() == len(sapphires) < everything
    qtbot.wait(50)
    assert model.rowCount() == len(sapphires)
    assert all("sapphire" in str(shown(model, r, "description")).lower()
               for r in range(min(model.rowCount(), 100)))


def test_filter_by_stock_id_prefix(qtbot: QtBot, big_store: LocalStore) -> None:
    model = make_model(big_store)
    answered(qtbot, model, ListQuery(Family.JEWELRY))
    first = str(shown(model, 0, "stock_id"))
    answered(qtbot, model, replace(model.query, text=first))
    assert model.rowCount() == 1
    assert shown(model, 0, "stock_id") == first


def test_cost_and_margin_columns_only_for_who_may_see_cost(
    qtbot: QtBot, big_store: LocalStore
) -> None:
    clerk = make_model(big_store, show_cost=False)
    answered(qtbot, clerk, ListQuery(Family.JEWELRY))
    headers = [clerk.headerData(c, Qt.Orientation.Horizontal) for c in range(clerk.columnCount())]
    assert "Cost" not in headers and "Margin" not in headers and "Retail" in headers
    manager = make_model(big_store, show_cost=True)
    answered(qtbot, manager, ListQuery(Family.JEWELRY))
    headers = [manager.headerData(c, Qt.Orientation.Horizontal)
               for c in range(manager.columnCount())]
    assert "Cost" in headers and "Margin" in headers


def test_family_columns_change_with_the_family(qtbot: QtBot, big_store: LocalStore) -> None:
    model = make_model(big_store)
    answered(qtbot, model, ListQuery(Family.WATCH))
    assert model.column_index("brand") >= 0 and model.column_index("karat") == -1
    answered(qtbot, model, ListQuery(Family.DIAMOND))
    assert model.column_index("carat") >= 0 and model.column_index("brand") == -1


def test_column_choice_is_remembered_per_list(
    qtbot: QtBot, big_store: LocalStore, settings: QSettings
) -> None:
    model = make_model(big_store)
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    chooser = ColumnChooser(view, model, ColumnPrefs(settings))
    model.modelReset.connect(chooser.apply)
    answered(qtbot, model, ListQuery(Family.JEWELRY))
    metal = model.column_index("metal")
    assert not view.isColumnHidden(metal)
    menu = chooser.menu()
    action = next(a for a in menu.actions() if a.text() == "Metal")
    action.trigger()  # unchecks: hide
    assert view.isColumnHidden(metal)
    location = next(a for a in chooser.menu().actions() if a.text() == "Location")
    assert not location.isChecked()
    location.trigger()
    assert not view.isColumnHidden(model.column_index("location"))

    again = QSettings(settings.fileName(), QSettings.Format.IniFormat)
    prefs = ColumnPrefs(again)
    assert not prefs.is_visible(Family.JEWELRY, "metal")
    assert prefs.is_visible(Family.JEWELRY, "location")
    assert prefs.is_visible(Family.DIAMOND, "color")  # other lists keep their own choice
    assert not prefs.is_visible(Family.DIAMOND, "location")


def test_a_filtered_list_is_sorted_too(qtbot: QtBot, big_store: LocalStore) -> None:
    model = make_model(big_store)
    answered(qtbot, model, ListQuery(Family.JEWELRY, text="gold", sort="retail",
                                     descending=True))
    golden = [p for p in all_of(big_store, Family.JEWELRY) if "gold" in p.description.lower()]
    assert model.rowCount() == len(golden)
    top = sorted((p.retail_cents for p in golden), reverse=True)[:100]
    assert [model.row_at(r).retail_cents for r in range(100)] == top  # type: ignore[union-attr]


@pytest.mark.parametrize("family", list(Family))
def test_every_column_sorts_both_ways_with_and_without_a_filter(
    big_store: LocalStore, family: Family
) -> None:
    from jeweltrak_desktop.ui.pages.inventory.columns import columns_for

    for column in columns_for(family, show_cost=True):
        if not column.sortable:
            continue
        for text in ("", "a"):
            up = inventory.piece_window(big_store, family=family, text=text, sort=column.key,
                                        limit=50)
            down = inventory.piece_window(big_store, family=family, text=text,
                                          sort=column.key, descending=True, limit=50)
            assert up.total == down.total
            if up.total and up.total > 100:
                assert {r.piece_id for r in up.rows}.isdisjoint(r.piece_id for r in down.rows)
