"""Batch tag printing from the inventory list: to a loopback printer, to a file, offline."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from jeweltrak_desktop.hardware.cost_code import cost_code
from jeweltrak_desktop.hardware.printer_config import (
    PrinterSettings,
    TagPrinterConfig,
    printer_settings_path,
    save_printer_settings,
)
from jeweltrak_desktop.ui.pages.inventory import InventoryPage
from jeweltrak_desktop.ui.pages.inventory.tag_print import TagPrintDialog
from tests.desktop.hardware.conftest import LoopbackPrinter

pytestmark = pytest.mark.qt


def set_tag_printer(page: InventoryPage, port: int, cost_code: str | None = None) -> None:
    config = TagPrinterConfig(kind="network", host="127.0.0.1", port=port)
    save_printer_settings(printer_settings_path(page.context.store.path),
                          PrinterSettings(tag=config, cost_code=cost_code))


def select_rows(page: InventoryPage, rows: list[int]) -> list[str]:
    selection = page.view.selectionModel()
    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    for row in rows:
        selection.select(page.model.index(row, 0), flags)
    return [page.model.row_at(r).stock_id for r in rows]  # type: ignore[union-attr]


def open_dialog(qtbot: QtBot, page: InventoryPage) -> TagPrintDialog:
    QTest.mouseClick(page.tags_button, Qt.MouseButton.LeftButton)
    dialog = page.tag_dialog
    assert dialog is not None and dialog.isVisible()
    return dialog


def test_selected_rows_are_printed_on_the_tag_printer(
    qtbot: QtBot, page: InventoryPage, tag_printer: LoopbackPrinter
) -> None:
    set_tag_printer(page, tag_printer.port, cost_code="BLACKHORSE")
    stock_ids = select_rows(page, [0, 2, 5])
    dialog = open_dialog(qtbot, page)
    assert dialog.to_printer.isChecked()
    assert f"127.0.0.1:{tag_printer.port}" in dialog.to_printer.text()
    QTest.mouseClick(dialog.print_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "sent" in dialog.result_label.text(), timeout=5000)
    assert dialog.result_label.text() == (
        f"3 tags sent to the tag printer at 127.0.0.1:{tag_printer.port}.")
    zpl = tag_printer.wait().decode()
    assert zpl.count("^XA") == 3
    for stock_id in stock_ids:
        assert stock_id in zpl
    # Each tag carries the cost in the workstation's letters (not the store's MAKEPROFIT).
    for row in (page.model.row_at(r) for r in (0, 2, 5)):
        assert row is not None
        assert f"^FD{cost_code(row.cost_cents, 'BLACKHORSE')}^FS" in zpl
        assert f"^FD{cost_code(row.cost_cents, 'MAKEPROFIT')}^FS" not in zpl


def test_printer_offline_says_so_plainly(
    qtbot: QtBot, page: InventoryPage, closed_port: int
) -> None:
    set_tag_printer(page, closed_port)
    select_rows(page, [1])
    dialog = open_dialog(qtbot, page)
    QTest.mouseClick(dialog.print_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "did not answer" in dialog.result_label.text(), timeout=10_000)
    assert dialog.result_label.text() == (
        f"The tag printer at 127.0.0.1:{closed_port} did not answer. "
        "Check the tag printer and print the tags again.")
    assert dialog.print_button.isEnabled()  # the clerk can try again


def test_tags_can_be_saved_to_a_file(
    qtbot: QtBot, page: InventoryPage, tmp_path: Path
) -> None:
    stock_ids = select_rows(page, [0, 1])
    dialog = open_dialog(qtbot, page)
    assert not dialog.to_printer.isEnabled()  # no tag printer set up on this workstation
    assert dialog.to_file.isChecked()
    target = tmp_path / "tags.zpl"
    dialog.file_edit.setText(str(target))
    QTest.mouseClick(dialog.print_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "saved" in dialog.result_label.text(), timeout=5000)
    zpl = target.read_text()
    assert zpl.count("^XZ") == 2 and all(s in zpl for s in stock_ids)


def test_print_tags_without_a_selection_says_what_to_do(
    qtbot: QtBot, page: InventoryPage
) -> None:
    QTest.mouseClick(page.tags_button, Qt.MouseButton.LeftButton)
    assert page.tag_dialog is None
    assert page.count_label.text() == "Select the pieces to print tags for."


def test_the_service_says_when_no_tag_printer_is_set_up(page: InventoryPage) -> None:
    from jeweltrak_core.errors import ValidationError
    from jeweltrak_desktop.services import printing

    row = page.model.row_at(0)
    assert row is not None
    with pytest.raises(ValidationError, match="No tag printer is set up"):
        printing.deliver_tags(page.context.store, [row.piece_id], None)
    with pytest.raises(ValidationError, match="Choose the pieces"):
        printing.deliver_tags(page.context.store, [], None)
