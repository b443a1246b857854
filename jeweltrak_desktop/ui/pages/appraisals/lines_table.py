"""The appraised items as an editable table; photos are kept per row."""

from __future__ import annotations

from dataclasses import fields, replace
from decimal import Decimal, InvalidOperation
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from jeweltrak_core.appraisals.entities import AppraisalLine
from jeweltrak_core.errors import ValidationError
from jeweltrak_core.ids import new_id
from jeweltrak_core.money import format_money, parse_money

#: (AppraisalLine field, column heading) in column order.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("description", "Description"),
    ("value_cents", "Value"),
    ("metal", "Metal"),
    ("weight_g", "Weight (g)"),
    ("measurements", "Measurements"),
    ("stone_shape", "Shape"),
    ("stone_carat", "Carat"),
    ("stone_color", "Color"),
    ("stone_clarity", "Clarity"),
    ("stone_cut", "Cut"),
    ("certificate_no", "Certificate #"),
    ("marks", "Marks"),
    ("condition", "Condition"),
)
_DECIMALS = {"weight_g", "stone_carat"}
VALUE_COLUMN = 1
_EDITABLE = (QAbstractItemView.EditTrigger.DoubleClicked
             | QAbstractItemView.EditTrigger.EditKeyPressed
             | QAbstractItemView.EditTrigger.AnyKeyPressed)


def cell_text(line: AppraisalLine, name: str) -> str:
    """A line's field as the table shows it."""
    value = getattr(line, name)
    if value is None:
        return ""
    if name == "value_cents":
        return format_money(value)
    return str(value)


def _parse(name: str, text: str, row: int) -> Any:
    text = text.strip()
    if name == "value_cents":
        return parse_money(text or "0", f"the value of item {row + 1}")
    if name in _DECIMALS:
        if not text:
            return None
        try:
            number = Decimal(text)
        except InvalidOperation as exc:
            raise ValidationError(f"“{text}” is not a number (item {row + 1}).") from exc
        if not number.is_finite() or number < 0:
            raise ValidationError(f"“{text}” is not a weight (item {row + 1}).")
        return number
    if name == "description":
        return text
    return text or None


class LinesTable(QTableWidget):
    """One row per appraised item."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, len(COLUMNS), parent)
        self.setObjectName("appraisal-lines")
        self.setHorizontalHeaderLabels([title for _, title in COLUMNS])
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(_EDITABLE)
        self.setWordWrap(False)
        self.verticalHeader().setVisible(False)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        self.setColumnWidth(0, 260)
        self.lines: list[AppraisalLine] = []

    def set_lines(self, lines: list[AppraisalLine]) -> None:
        """Show these items (sorted by position)."""
        self.lines = sorted(lines, key=lambda ln: ln.position)
        self.setRowCount(len(self.lines))
        for row, line in enumerate(self.lines):
            for col, (name, _) in enumerate(COLUMNS):
                item = QTableWidgetItem(cell_text(line, name))
                if col == VALUE_COLUMN:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                          | Qt.AlignmentFlag.AlignVCenter)
                self.setItem(row, col, item)

    def add_line(self) -> int:
        """Append an empty item row and start editing its description."""
        self.set_lines([*self.read_lines(strict=False),
                        AppraisalLine(id=new_id(), description="", value_cents=0,
                                      position=len(self.lines))])
        row = self.rowCount() - 1
        self.setCurrentCell(row, 0)
        return row

    def remove_current(self) -> None:
        """Remove the chosen item."""
        row = self.currentRow()
        if row >= 0:
            kept = [ln for i, ln in enumerate(self.read_lines(strict=False)) if i != row]
            self.set_lines([replace(ln, position=i) for i, ln in enumerate(kept)])

    def add_photo(self, row: int, ref: str) -> None:
        """Attach a saved photo to an item."""
        self.lines = self.read_lines(strict=False)
        self.lines[row].photos.append(ref)

    def read_lines(self, *, strict: bool = True) -> list[AppraisalLine]:
        """The items as typed; ``strict`` raises ValidationError for bad numbers or no text."""
        out: list[AppraisalLine] = []
        known = {f.name for f in fields(AppraisalLine)}
        for row, line in enumerate(self.lines):
            values: dict[str, Any] = {}
            for col, (name, _) in enumerate(COLUMNS):
                item = self.item(row, col)
                text = item.text() if item is not None else ""
                try:
                    values[name] = _parse(name, text, row)
                except ValidationError:
                    if strict:
                        raise
                    values[name] = getattr(line, name)
            if strict and not values["description"]:
                raise ValidationError(f"Describe item {row + 1}, or remove it.")
            assert set(values) <= known
            out.append(replace(line, position=row, photos=list(line.photos), **values))
        return out

    def set_locked(self, locked: bool) -> None:
        """A finalized appraisal's items cannot be edited."""
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers if locked
                             else _EDITABLE)
