"""The Overview page on a real demo store: counts and its piece finder.

The counter's main window no longer shows it (its shell is tested in ``shell/``); the page
stays available for a dashboard, so it keeps its tests here.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget
from pytestqt.qtbot import QtBot

from jeweltrak_core.inventory.stock import Family, PieceStatus
from jeweltrak_core.money import format_money
from jeweltrak_desktop.services import inventory
from jeweltrak_desktop.services.local_store import LocalStore
from jeweltrak_desktop.services.reports import StoreOverview, store_overview
from jeweltrak_desktop.ui.overview_page import OverviewPage
from jeweltrak_desktop.ui.piece_table_model import Column
from jeweltrak_desktop.ui.tasks import run_op, wait_for_idle

pytestmark = pytest.mark.qt


class OverviewWindow(QWidget):
    """The Overview page with the refresh the old window gave it."""

    def __init__(self, store: LocalStore) -> None:
        super().__init__()
        self.store = store
        self.overview_page = OverviewPage(store, parent=self)
        self.loaded = False

    def refresh(self) -> None:
        store = self.store
        run_op(lambda: store_overview(store), parent=self).success(self._show)

    def _show(self, overview: StoreOverview) -> None:
        self.overview_page.show_overview(overview)
        self.setWindowTitle(f"JewelTrak — {overview.store_name}")
        self.loaded = True


@pytest.fixture
def window(qtbot: QtBot, demo_store: LocalStore) -> Iterator[OverviewWindow]:
    shown = OverviewWindow(demo_store)
    qtbot.addWidget(shown)
    shown.resize(1200, 780)
    shown.show()
    with qtbot.waitSignal(shown.overview_page.results_shown, timeout=10_000):
        shown.overview_page.run_search()
        shown.refresh()
    qtbot.waitUntil(lambda: shown.loaded, timeout=10_000)
    yield shown
    shown.close()
    wait_for_idle()


def label_text(window: QWidget, name: str) -> str:
    label = window.findChild(QLabel, name)
    assert label is not None, f"no label named {name}"
    return label.text()


def shown_stock_ids(window: OverviewWindow) -> list[str]:
    model = window.overview_page.model
    return [model.row_at(row).stock_id for row in range(model.rowCount())]


def test_the_status_counts_are_the_store_counts(window: OverviewWindow, demo_store: LocalStore
                                                ) -> None:
    expected = inventory.count_by_status(demo_store)
    assert sum(expected.values()) > 0
    for status in PieceStatus:
        assert label_text(window, f"count-status-{status}") == f"{expected.get(status, 0):,}"


def test_the_family_counts_are_the_store_counts(window: OverviewWindow, demo_store: LocalStore
                                                ) -> None:
    for family in Family:
        expected = len(inventory.list_pieces(demo_store, family=family, limit=100_000))
        assert label_text(window, f"count-family-{family}") == f"{expected:,}"
        assert label_text(window, f"badge-{family}") in {"J", "W", "D", "C", "P"}


def test_the_header_and_tiles_show_the_store(window: OverviewWindow, demo_store: LocalStore
                                             ) -> None:
    overview = store_overview(demo_store)
    assert label_text(window, "store-name") == overview.store_name
    assert overview.store_name in window.windowTitle()
    codes = label_text(window, "store-codes")
    assert demo_store.identity.store_code in codes
    assert demo_store.identity.workstation_code in codes
    for key in ("contacts", "open_invoices", "open_memos", "open_work_orders"):
        assert label_text(window, f"count-{key}") == f"{getattr(overview, key):,}"


def test_the_table_starts_with_the_newest_pieces(window: OverviewWindow, demo_store: LocalStore
                                                 ) -> None:
    newest = [p.stock_id for p in inventory.list_pieces(demo_store, limit=50)]
    assert shown_stock_ids(window) == newest
    assert label_text(window, "results-caption").startswith("Newest pieces")


def test_typing_a_stock_id_shows_that_piece(qtbot: QtBot, window: OverviewWindow,
                                            demo_store: LocalStore) -> None:
    piece = inventory.list_pieces(demo_store, limit=500)[-1]  # not among the newest shown
    assert piece.stock_id not in shown_stock_ids(window)
    qtbot.keyClicks(window.overview_page.search_box, piece.stock_id)
    qtbot.waitUntil(lambda: shown_stock_ids(window) == [piece.stock_id])
    model = window.overview_page.model
    retail = model.data(model.index(0, Column.RETAIL))
    assert retail == format_money(piece.retail_cents)
    assert model.data(model.index(0, Column.DESCRIPTION)) == piece.description
    assert label_text(window, "results-caption") == f"1 piece matches “{piece.stock_id}”"


def test_a_scan_ending_in_enter_searches_at_once(qtbot: QtBot, window: OverviewWindow,
                                                 demo_store: LocalStore) -> None:
    piece = inventory.list_pieces(demo_store, limit=500)[-2]
    box = window.overview_page.search_box
    qtbot.keyClicks(box, piece.stock_id.lower())  # scanners and clerks type any case
    with qtbot.waitSignal(window.overview_page.results_shown):
        qtbot.keyClick(box, Qt.Key.Key_Return)
    assert shown_stock_ids(window) == [piece.stock_id]
    assert box.selectedText() == box.text()  # the next scan replaces this one


def test_words_find_what_the_search_service_finds(qtbot: QtBot, window: OverviewWindow,
                                                  demo_store: LocalStore) -> None:
    expected = [p.stock_id for p in inventory.search_pieces(demo_store, "gold ring")]
    assert expected
    qtbot.keyClicks(window.overview_page.search_box, "gold ring")
    qtbot.waitUntil(lambda: shown_stock_ids(window) == expected)


def test_a_search_with_no_match_says_so(qtbot: QtBot, window: OverviewWindow) -> None:
    qtbot.keyClicks(window.overview_page.search_box, "zzqxj")
    qtbot.waitUntil(lambda: label_text(window, "results-caption") == "No piece matches “zzqxj”.")
    assert window.overview_page.model.rowCount() == 0


def test_a_search_the_service_refuses_shows_its_sentence(qtbot: QtBot, window: OverviewWindow
                                                         ) -> None:
    qtbot.keyClicks(window.overview_page.search_box, "?! --")
    refused = "Type something to search for."
    qtbot.waitUntil(lambda: label_text(window, "results-caption") == refused)
    assert window.overview_page.model.rowCount() == 0
