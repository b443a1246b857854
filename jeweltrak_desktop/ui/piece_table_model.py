"""A table of pieces (search results, newest pieces) for a ``QTableView``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import IntEnum
from functools import cache
from uuid import UUID

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPixmap

from jeweltrak_core.inventory.entities import Piece
from jeweltrak_core.money import format_money
from jeweltrak_desktop.ui.labels import FAMILY_COLORS, family_badge, family_name, status_name

_Index = QModelIndex | QPersistentModelIndex

#: The piece's ID, for views that open the piece a row shows.
PIECE_ID_ROLE = Qt.ItemDataRole.UserRole + 1


class Column(IntEnum):
    STOCK_ID = 0
    FAMILY = 1
    DESCRIPTION = 2
    STATUS = 3
    RETAIL = 4


HEADERS = {
    Column.STOCK_ID: "StockID",
    Column.FAMILY: "Family",
    Column.DESCRIPTION: "Description",
    Column.STATUS: "Status",
    Column.RETAIL: "Retail",
}


@dataclass(frozen=True)
class PieceRow:
    """What one table row shows of a piece."""

    piece_id: UUID
    stock_id: str
    family: str
    description: str
    status: str
    retail_cents: int

    @classmethod
    def of(cls, piece: Piece) -> PieceRow:
        return cls(
            piece_id=piece.id,
            stock_id=piece.stock_id,
            family=str(piece.family),
            description=piece.description,
            status=str(piece.status),
            retail_cents=piece.retail_cents,
        )

    def text(self, column: Column) -> str:
        """The cell text of ``column``."""
        if column is Column.STOCK_ID:
            return self.stock_id
        if column is Column.FAMILY:
            return family_name(self.family)
        if column is Column.DESCRIPTION:
            return self.description
        if column is Column.STATUS:
            return status_name(self.status)
        return format_money(self.retail_cents)


@cache
def family_icon(family: str, size: int = 18) -> QIcon:
    """A rounded square with the family's badge letter, in the family's colour."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(FAMILY_COLORS.get(family, "#718096")))
    painter.drawRoundedRect(0, 0, size, size, 4, 4)
    font = QFont()
    font.setBold(True)
    font.setPixelSize(int(size * 0.62))
    painter.setFont(font)
    painter.setPen(QColor("white"))
    painter.drawText(pixmap.rect(), Qt.AlignmentFlag.AlignCenter, family_badge(family))
    painter.end()
    return QIcon(pixmap)


class PieceTableModel(QAbstractTableModel):
    """Rows of pieces; replaced whole when a new search answers.

    It holds at most a search's worth of rows (50), so it keeps them in memory; the full
    inventory list of the counter UI needs a model that holds IDs and fetches lazily.
    """

    def __init__(self) -> None:
        super().__init__()
        self._rows: list[PieceRow] = []

    def set_pieces(self, pieces: Sequence[Piece]) -> None:
        """Show these pieces, in this order."""
        self.beginResetModel()
        self._rows = [PieceRow.of(piece) for piece in pieces]
        self.endResetModel()

    def row_at(self, row: int) -> PieceRow:
        """The piece shown on ``row``."""
        return self._rows[row]

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(Column)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        if not 0 <= index.column() < len(Column):
            return None
        row, column = self._rows[index.row()], Column(index.column())
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return row.text(column)
        if role == Qt.ItemDataRole.DecorationRole and column is Column.FAMILY:
            return family_icon(row.family)
        if role == Qt.ItemDataRole.TextAlignmentRole and column is Column.RETAIL:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == PIECE_ID_ROLE:
            return row.piece_id
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(Column):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[Column(section)]
        if role == Qt.ItemDataRole.TextAlignmentRole and section == Column.RETAIL:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None
