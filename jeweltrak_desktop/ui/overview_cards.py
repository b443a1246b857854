"""The count cards of the overview page: breakdowns (by family, by status) and tiles."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QVBoxLayout, QWidget

from jeweltrak_desktop.ui.labels import FAMILY_COLORS, count_text, family_badge

#: Shown in place of a number until the first load answers.
NOT_LOADED = "…"


class FamilyBadge(QLabel):
    """The J / W / D / C / P letter of a family on its colour."""

    def __init__(self, family: str, parent: QWidget | None = None) -> None:
        super().__init__(family_badge(family), parent)
        self.setObjectName(f"badge-{family}")
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setFixedSize(24, 24)
        color = FAMILY_COLORS.get(family, "#718096")
        self.setStyleSheet(
            f"background: {color}; color: white; font-weight: bold;border-radius: 5px;"
        )


class BreakdownCard(QFrame):
    """A heading and one line per key: optional badge, name, count."""

    def __init__(
        self,
        title: str,
        *,
        kind: str,
        rows: Sequence[tuple[str, str]],
        badges: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setProperty("card", True)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(16, 12, 16, 12)
        outer.setSpacing(8)
        heading = QLabel(title)
        heading.setProperty("cardTitle", True)
        outer.addWidget(heading)
        grid = QGridLayout()
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(6)
        grid.setColumnStretch(1, 1)
        self._counts: dict[str, QLabel] = {}
        for line, (key, name) in enumerate(rows):
            if badges:
                grid.addWidget(FamilyBadge(key), line, 0)
            grid.addWidget(QLabel(name), line, 1)
            count = QLabel(NOT_LOADED)
            count.setObjectName(f"count-{kind}-{key}")
            count.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            count.setProperty("countValue", True)
            grid.addWidget(count, line, 2)
            self._counts[key] = count
        outer.addLayout(grid)
        outer.addStretch(1)

    def set_counts(self, counts: Mapping[str, int]) -> None:
        """Show these counts; keys not in ``counts`` show zero."""
        for key, label in self._counts.items():
            label.setText(count_text(counts.get(key, 0)))


class CountTile(QFrame):
    """One big number and what it counts."""

    def __init__(self, key: str, caption: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setProperty("card", True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 10, 16, 10)
        layout.setSpacing(2)
        self._value = QLabel(NOT_LOADED)
        self._value.setObjectName(f"count-{key}")
        self._value.setProperty("tileValue", True)
        caption_label = QLabel(caption)
        caption_label.setProperty("tileCaption", True)
        layout.addWidget(self._value)
        layout.addWidget(caption_label)
        layout.addStretch(1)

    def set_count(self, count: int) -> None:
        """Show ``count``."""
        self._value.setText(count_text(count))
