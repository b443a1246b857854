"""The item editor: a piece's family-specific fields, prices filled from cost, and photos."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QIcon, QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from jeweltrak_core.errors import ValidationError
from jeweltrak_core.inventory.entities import Piece
from jeweltrak_core.inventory.pricing import Multipliers, price_tiers_from_cost
from jeweltrak_core.inventory.stock import Family
from jeweltrak_core.permissions import Permission
from jeweltrak_desktop.services import inventory
from jeweltrak_desktop.ui.context import CounterContext
from jeweltrak_desktop.ui.labels import FAMILY_NAMES
from jeweltrak_desktop.ui.pages.inventory.editor_fields import (
    COMMON_FIELDS,
    LABELS,
    PRICE_FIELDS,
    family_fields,
    make_widget,
    read_value,
    show_value,
)
from jeweltrak_desktop.ui.tasks import error_message, run_op

_THUMB = QSize(96, 96)


class PieceEditor(QDialog):
    """Add a piece of ``family`` (``piece`` None) or edit ``piece``; saves through services."""

    #: The saved piece.
    saved = Signal(object)

    def __init__(self, context: CounterContext, family: Family, piece: Piece | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self.family = Family(piece.family if piece else family)
        self.piece = piece
        self._multipliers: Multipliers | None = None
        self._prices_touched = piece is not None
        self.photos: list[str] = list(piece.photos) if piece else []
        self.show_cost = context.can(Permission.VIEW_COST)
        name = FAMILY_NAMES[self.family]
        self.setWindowTitle(f"{piece.stock_id} · {name}" if piece else f"New {name.lower()} piece")
        self.setObjectName("piece-editor")
        self.fields: dict[str, QWidget] = {}
        self.error_label = QLabel("")
        self.error_label.setObjectName("editor-error")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #b42318; font-weight: bold;")
        self.error_label.hide()
        self._build()
        if piece is not None:
            for field, widget in self.fields.items():
                show_value(widget, field, getattr(piece, field))
        self._show_photos()
        run_op(lambda: inventory.store_multipliers(context.store), parent=self).success(
            self._multipliers_loaded)

    # --- layout -------------------------------------------------------------------------

    def _build(self) -> None:
        columns = QHBoxLayout()
        left, right = QVBoxLayout(), QVBoxLayout()
        left.addWidget(self._group("Piece", [*COMMON_FIELDS, "notes"]))
        left.addWidget(self._group(f"{FAMILY_NAMES[self.family]} details",
                                   family_fields(self.family)))
        left.addStretch(1)
        right.addWidget(self._prices_group())
        right.addWidget(self._photos_group(), 1)
        columns.addLayout(left, 3)
        columns.addLayout(right, 2)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setObjectName("editor-save")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        heading = QLabel(self.windowTitle())
        heading.setStyleSheet("font-size: 18px; font-weight: bold; color: #1f2933;")
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.error_label)
        layout.addLayout(columns, 1)
        layout.addWidget(buttons)
        self.resize(860, 620)

    def _group(self, title: str, names: list[str]) -> QGroupBox:
        box = QGroupBox(title)
        form = QFormLayout(box)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for name in names:
            widget = self.fields[name] = make_widget(name)
            form.addRow("" if isinstance(widget, QCheckBox) else LABELS[name], widget)
        return box

    def _prices_group(self) -> QGroupBox:
        box = self._group("Prices", list(PRICE_FIELDS))
        form = box.layout()
        assert isinstance(form, QFormLayout)
        cost = self.fields["cost_cents"]
        assert isinstance(cost, QLineEdit)
        cost.textEdited.connect(self._cost_edited)
        for name in PRICE_FIELDS[1:]:
            widget = self.fields[name]
            assert isinstance(widget, QLineEdit)
            widget.textEdited.connect(self._price_edited)
        self.fill_button = QPushButton("Fill prices from cost")
        self.fill_button.setObjectName("fill-prices")
        self.fill_button.setEnabled(False)
        self.fill_button.clicked.connect(self.fill_prices)
        form.addRow("", self.fill_button)
        form.setRowVisible(cost, self.show_cost)
        self.fill_button.setVisible(self.show_cost)
        return box

    def _photos_group(self) -> QGroupBox:
        box = QGroupBox("Photos")
        self.photo_list = QListWidget()
        self.photo_list.setObjectName("piece-photos")
        self.photo_list.setViewMode(QListWidget.ViewMode.IconMode)
        self.photo_list.setIconSize(_THUMB)
        self.photo_list.setResizeMode(QListWidget.ResizeMode.Adjust)
        add = QPushButton("Add photo…")
        add.setObjectName("add-photo")
        add.clicked.connect(self._choose_photo)
        remove = QPushButton("Remove")
        remove.clicked.connect(self._remove_photo)
        row = QHBoxLayout()
        row.addWidget(add)
        row.addWidget(remove)
        row.addStretch(1)
        self.no_photos = QLabel("No photos yet. Add one from a file: it is kept downscaled "
                                "to 1200 px, so documents stay small.")
        self.no_photos.setWordWrap(True)
        self.no_photos.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.no_photos.setStyleSheet("color: #7b8794; font-style: italic; padding: 20px;")
        layout = QVBoxLayout(box)
        layout.addWidget(self.no_photos, 1)
        layout.addWidget(self.photo_list, 1)
        layout.addLayout(row)
        return box

    # --- prices -------------------------------------------------------------------------

    def _multipliers_loaded(self, multipliers: Multipliers) -> None:
        self._multipliers = multipliers
        self.fill_button.setEnabled(True)
        if not self._prices_touched:
            self.fill_prices()

    def _cost_edited(self, _text: str) -> None:
        if not self._prices_touched:
            self.fill_prices(quiet=True)

    def _price_edited(self, _text: str) -> None:
        self._prices_touched = True

    def fill_prices(self, *, quiet: bool = False) -> None:
        """Price 1–3 and Retail from cost with the store's multipliers."""
        if self._multipliers is None:
            return
        try:
            cost = read_value(self.fields["cost_cents"], "cost_cents")
            tiers = price_tiers_from_cost(cost, self._multipliers)
        except ValidationError as exc:
            if not quiet:
                self.show_problem(exc)
            return
        for name in PRICE_FIELDS[1:]:
            show_value(self.fields[name], name, getattr(tiers, name))
        self.error_label.hide()

    # --- photos -------------------------------------------------------------------------

    def _choose_photo(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Add a photo", str(Path.home()), "Photos (*.jpg *.jpeg *.png *.heic *.webp)")
        if path:
            self.add_photo(Path(path))

    def add_photo(self, path: Path) -> None:
        """Keep a downscaled copy of the photo and show it (saved with the piece)."""
        store = self._context.store
        run_op(lambda: inventory.save_piece_photo(store, path), parent=self).success(
            self._photo_added).failure(self.show_problem)

    def _photo_added(self, ref: str) -> None:
        if ref not in self.photos:
            self.photos.append(ref)
        self._show_photos()

    def _remove_photo(self) -> None:
        for item in self.photo_list.selectedItems():
            self.photos.remove(item.data(Qt.ItemDataRole.UserRole))
        self._show_photos()

    def _show_photos(self) -> None:
        self.photo_list.clear()
        self.no_photos.setVisible(not self.photos)
        self.photo_list.setVisible(bool(self.photos))
        for ref in self.photos:
            pixmap = QPixmap(str(inventory.photo_path(self._context.store, ref)))
            item = QListWidgetItem(QIcon(pixmap.scaled(
                _THUMB, Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation)), "")
            item.setData(Qt.ItemDataRole.UserRole, ref)
            item.setToolTip(ref)
            self.photo_list.addItem(item)

    # --- saving -------------------------------------------------------------------------

    def values(self) -> dict[str, Any]:
        """What the form holds, as Piece fields (ValidationError names a bad field)."""
        names = [n for n in self.fields if self.show_cost or n != "cost_cents"]
        return {name: read_value(self.fields[name], name) for name in names}

    def _changes(self, values: dict[str, Any]) -> dict[str, Any]:
        assert self.piece is not None
        piece = self.piece
        changes = {k: v for k, v in values.items()
                   if getattr(piece, k) != v and not (v is False and getattr(piece, k) is None)}
        if self.photos != list(self.piece.photos):
            changes["photos"] = list(self.photos)
        return changes

    def save(self) -> None:
        """Validate and save through the inventory service; problems are shown here."""
        try:
            values = self.values()
        except ValidationError as exc:
            self.show_problem(exc)
            return
        store, piece, family = self._context.store, self.piece, self.family
        if piece is None:
            stock_id = values.pop("stock_id")
            description = values.pop("description") or ""
            cost = values.pop("cost_cents", 0)
            fields = {k: v for k, v in values.items() if v is not None}
            fields["photos"] = list(self.photos)
            op = run_op(lambda: inventory.create_piece(
                store, family=family, description=description, cost_cents=cost,
                stock_id=stock_id, **fields), parent=self)
        else:
            changes = self._changes(values)
            if not changes:
                self.accept()
                return
            op = run_op(lambda: inventory.update_piece(store, piece.id, **changes), parent=self)
        self.save_button.setEnabled(False)
        op.success(self._saved).failure(self._save_failed)

    def _saved(self, piece: Piece) -> None:
        self.piece = piece
        self._context.notify_changed()
        self._context.events.status_message.emit(f"Saved {piece.stock_id}")
        self.saved.emit(piece)
        self.accept()

    def _save_failed(self, exc: BaseException) -> None:
        self.save_button.setEnabled(True)
        self.show_problem(exc)

    def show_problem(self, exc: BaseException) -> None:
        """Say what is wrong above the form and put the cursor in the field at fault."""
        self.error_label.setText(error_message(exc))
        self.error_label.show()
        field = getattr(exc, "details", {}).get("field")
        widget = self.fields.get(str(field)) if field else None
        if widget is not None:
            widget.setFocus()
