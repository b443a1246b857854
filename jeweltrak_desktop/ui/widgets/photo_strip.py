"""A row of photo thumbnails (work-order intake photos, appraisal item photos)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

THUMB = 72


class PhotoStrip(QWidget):
    """Thumbnails of photo files; a missing file shows its name instead."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._row = QHBoxLayout(self)
        self._row.setContentsMargins(0, 0, 0, 0)
        self._row.setSpacing(6)
        self._empty = QLabel("No photos", self)
        self._empty.setProperty("muted", True)
        self._row.addWidget(self._empty)
        self._row.addStretch(1)
        self.paths: list[Path] = []

    def set_photos(self, paths: list[Path]) -> None:
        """Show these photos."""
        while self._row.count() > 2:
            item = self._row.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.paths = list(paths)
        self._empty.setVisible(not paths)
        for n, path in enumerate(paths):
            label = QLabel(self)
            label.setFixedSize(THUMB, THUMB)
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            label.setStyleSheet("border: 1px solid #d9dde3; background: #f7f8fa;")
            pixmap = QPixmap(str(path))
            if pixmap.isNull():
                label.setText(path.name[:10])
            else:
                label.setPixmap(pixmap.scaled(THUMB - 2, THUMB - 2,
                                              Qt.AspectRatioMode.KeepAspectRatio,
                                              Qt.TransformationMode.SmoothTransformation))
            label.setToolTip(str(path))
            self._row.insertWidget(n, label)
