"""A page for a section not built yet: says so plainly, does nothing."""

from __future__ import annotations

from uuid import UUID

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from jeweltrak_desktop.services.local_store import Actor


class ComingSoonPage(QWidget):
    """The section's name, what it will do, and that it is not built yet."""

    def __init__(self, section: str, purpose: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = section
        self.setObjectName(f"page-{section.lower().replace(' ', '-')}")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.setSpacing(10)
        title = QLabel(section)
        title.setProperty("pageTitle", True)
        notice = QLabel("Not available yet — coming in the counter UI issue.")
        notice.setObjectName("coming-soon")
        notice.setProperty("notice", True)
        detail = QLabel(purpose)
        detail.setWordWrap(True)
        detail.setProperty("muted", True)
        for label in (title, notice, detail):
            label.setAlignment(Qt.AlignmentFlag.AlignLeft)
            layout.addWidget(label)
        layout.addStretch(1)
        # Nothing on this page can be used; disabling it says so to the eye and to a11y tools.
        self.setEnabled(False)

    def activate(self) -> None:
        """Nothing to refresh."""

    def apply_permissions(self, actor: Actor) -> None:
        """Nothing to show or hide."""

    def show_record(self, kind: str, record_id: UUID) -> bool:
        """Shows no records."""
        return False
