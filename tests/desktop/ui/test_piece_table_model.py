"""The piece table model on its own, without a view."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QIcon
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from jeweltrak_core.ids import new_id
from jeweltrak_core.inventory.entities import Piece
from jeweltrak_core.inventory.stock import Family, PieceStatus
from jeweltrak_desktop.ui.piece_table_model import PIECE_ID_ROLE, Column, PieceTableModel

pytestmark = pytest.mark.qt

STORE_ID = new_id()


def piece(stock_id: str, family: Family, description: str, retail_cents: int,
          status: PieceStatus = PieceStatus.IN_STOCK) -> Piece:
    return Piece(id=new_id(), store_id=STORE_ID, stock_id=stock_id, family=family,
                 description=description, retail_cents=retail_cents, status=status)


@pytest.fixture
def pieces() -> list[Piece]:
    return [
        piece("D100001", Family.JEWELRY, "14K yellow gold ring", 123_456),
        piece("D100002", Family.COLORED_STONE, "2.1 ct blue sapphire", 99,
              status=PieceStatus.ON_MEMO),
        piece("D100003", Family.WATCH, "Omega Seamaster", 750_000_00,
              status=PieceStatus.ON_VENDOR_MEMO),
    ]


def text(model: PieceTableModel, row: int, column: Column) -> object:
    return model.data(model.index(row, column), Qt.ItemDataRole.DisplayRole)


def test_an_empty_model_has_columns_and_no_rows() -> None:
    model = PieceTableModel()
    assert model.rowCount() == 0
    assert model.columnCount() == 5
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(5)]
    assert headers == ["StockID", "Family", "Description", "Status", "Retail"]


def test_rows_show_the_pieces(pieces: list[Piece]) -> None:
    model = PieceTableModel()
    model.set_pieces(pieces)
    assert model.rowCount() == 3
    assert [text(model, 0, c) for c in Column] == [
        "D100001", "Jewelry", "14K yellow gold ring", "In stock", "$1,234.56"]
    assert [text(model, 1, c) for c in Column] == [
        "D100002", "Colored stone", "2.1 ct blue sapphire", "Out on memo", "$0.99"]
    assert text(model, 2, Column.STATUS) == "On vendor memo"
    assert text(model, 2, Column.RETAIL) == "$750,000.00"


def test_retail_is_right_aligned_and_rows_carry_the_piece_id(pieces: list[Piece]) -> None:
    model = PieceTableModel()
    model.set_pieces(pieces)
    alignment = model.data(model.index(0, Column.RETAIL), Qt.ItemDataRole.TextAlignmentRole)
    assert isinstance(alignment, int)
    assert alignment & int(Qt.AlignmentFlag.AlignRight)
    assert model.data(model.index(1, Column.STOCK_ID), PIECE_ID_ROLE) == pieces[1].id
    assert model.row_at(2).stock_id == "D100003"


def test_the_family_cell_has_a_badge_icon(qtbot: QtBot, pieces: list[Piece]) -> None:
    model = PieceTableModel()
    model.set_pieces(pieces)
    icon = model.data(model.index(0, Column.FAMILY), Qt.ItemDataRole.DecorationRole)
    assert isinstance(icon, QIcon)
    assert not icon.isNull()
    assert model.data(model.index(0, Column.STOCK_ID), Qt.ItemDataRole.DecorationRole) is None


def test_out_of_range_indexes_give_nothing(pieces: list[Piece]) -> None:
    model = PieceTableModel()
    model.set_pieces(pieces)
    assert model.data(QModelIndex()) is None
    assert model.data(model.index(7, 0)) is None
    assert model.rowCount(model.index(0, 0)) == 0  # a table: rows have no children


def test_replacing_the_pieces_resets_the_model(qtbot: QtBot, pieces: list[Piece]) -> None:
    model = PieceTableModel()
    model.set_pieces(pieces)
    with qtbot.waitSignal(model.modelReset, timeout=1000):
        model.set_pieces(pieces[:1])
    assert model.rowCount() == 1


def test_the_model_keeps_qt_model_rules(qtmodeltester: ModelTester, pieces: list[Piece]
                                        ) -> None:
    model = PieceTableModel()
    model.set_pieces(pieces)
    qtmodeltester.check(model, force_py=True)
