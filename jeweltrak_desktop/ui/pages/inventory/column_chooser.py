"""The column chooser: right-click the list header to show or hide columns, per family."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPoint, QSettings
from PySide6.QtWidgets import QMenu, QTableView

from jeweltrak_core.inventory.stock import Family
from jeweltrak_desktop.ui.pages.inventory.columns import DEFAULT_VISIBLE
from jeweltrak_desktop.ui.pages.inventory.list_model import InventoryListModel

#: The UI settings file, kept beside the workstation's database.
UI_SETTINGS_FILE = "ui-settings.ini"


def ui_settings(database: Path) -> QSettings:
    """The workstation's UI settings (column choices), in an INI file beside the database."""
    return QSettings(str(Path(database).with_name(UI_SETTINGS_FILE)), QSettings.Format.IniFormat)


class ColumnPrefs:
    """Which columns each family's list shows, remembered in ``settings``."""

    def __init__(self, settings: QSettings) -> None:
        self._settings = settings

    @staticmethod
    def _key(family: Family) -> str:
        return f"inventory/{family.value}/hidden_columns"

    def hidden(self, family: Family) -> set[str]:
        """Columns the clerk hid (or hidden by default) in the ``family`` list."""
        value = self._settings.value(self._key(family))
        if value is None:
            return {"__defaults__"}
        if isinstance(value, str):
            return {value} if value else set()
        return {str(v) for v in value}  # a QSettings list

    def is_visible(self, family: Family, key: str) -> bool:
        """Whether column ``key`` shows in the ``family`` list."""
        hidden = self.hidden(family)
        if "__defaults__" in hidden:
            return key in DEFAULT_VISIBLE
        return key not in hidden

    def set_hidden(self, family: Family, keys: set[str]) -> None:
        """Remember the hidden columns of the ``family`` list."""
        self._settings.setValue(self._key(family), sorted(keys) or "")
        self._settings.sync()


class ColumnChooser:
    """Applies the prefs to a view and offers the header menu that changes them."""

    def __init__(self, view: QTableView, model: InventoryListModel, prefs: ColumnPrefs) -> None:
        self._view = view
        self._model = model
        self.prefs = prefs
        header = view.horizontalHeader()
        header.setContextMenuPolicy(header.contextMenuPolicy().CustomContextMenu)
        header.customContextMenuRequested.connect(self._show_menu)

    def apply(self) -> None:
        """Hide the columns the current family's list hides (always keep StockID)."""
        family = self._model.query.family
        for index, column in enumerate(self._model.columns):
            visible = column.key == "stock_id" or self.prefs.is_visible(family, column.key)
            self._view.setColumnHidden(index, not visible)

    def menu(self) -> QMenu:
        """The checkable list of this family's columns."""
        menu = QMenu(self._view)
        menu.setObjectName("column-chooser")
        for index, column in enumerate(self._model.columns):
            action = menu.addAction(column.header)
            action.setCheckable(True)
            action.setChecked(not self._view.isColumnHidden(index))
            action.setEnabled(column.key != "stock_id")
            action.setData(column.key)
            action.toggled.connect(lambda on, key=column.key: self.set_visible(key, on))
        return menu

    def set_visible(self, key: str, visible: bool) -> None:
        """Show or hide one column and remember it for this family."""
        index = self._model.column_index(key)
        if index < 0:
            return
        self._view.setColumnHidden(index, not visible)
        hidden = {c.key for i, c in enumerate(self._model.columns)
                  if self._view.isColumnHidden(i)}
        family = self._model.query.family
        # Columns this clerk cannot see (cost) keep their remembered state.
        known = {c.key for c in self._model.columns}
        previous = self.prefs.hidden(family) - {"__defaults__"} - known
        self.prefs.set_hidden(family, hidden | previous)

    def _show_menu(self, position: QPoint) -> None:
        menu = self.menu()
        menu.popup(self._view.horizontalHeader().mapToGlobal(position))
