"""Screenshots of the inventory and printing screens for the docs, from a demo store.

``python -m jeweltrak_desktop.ui.printing.screens DIR [--store PATH]`` saves
``inventory.png``, ``item_editor.png``, ``print_preview.png`` and ``printer_settings.png``
(the store is built with 2,000 pieces when PATH does not exist yet).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QWidget

from jeweltrak_core.inventory.stock import Family
from jeweltrak_desktop.demo import open_demo_store
from jeweltrak_desktop.documents.samples import make_sample_photo
from jeweltrak_desktop.services import inventory, payments, printing, sales
from jeweltrak_desktop.ui.context import CounterContext
from jeweltrak_desktop.ui.pages.inventory import InventoryPage
from jeweltrak_desktop.ui.printing.preview import show_pdf_preview
from jeweltrak_desktop.ui.printing.printer_settings import PrinterSettingsWidget
from jeweltrak_desktop.ui.tasks import wait_for_idle


def _until(done: Callable[[], bool], timeout_s: float = 30.0) -> None:
    app = QApplication.instance()
    deadline = time.monotonic() + timeout_s
    while not done():
        if time.monotonic() > deadline:
            raise TimeoutError("the screen did not finish loading")
        app.processEvents()  # type: ignore[union-attr]
        time.sleep(0.01)
    for _ in range(20):  # let layout and paint settle
        app.processEvents()  # type: ignore[union-attr]
        time.sleep(0.005)


def _save(widget: QWidget, folder: Path, name: str) -> Path:
    path = folder / f"{name}.png"
    widget.grab().save(str(path), "PNG")
    return path


def save_screens(context: CounterContext, folder: Path, settings: QSettings) -> list[Path]:
    """Show each screen on the store of ``context`` and save it under ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    saved = []
    page = InventoryPage(context, settings)
    page.resize(1200, 720)
    page.show()
    page.activate()
    _until(lambda: page.model.is_current)
    page.view.selectRow(1)
    saved.append(_save(page, folder, "inventory"))

    page.set_family(Family.DIAMOND)
    _until(lambda: page.model.is_current and page.model.query.family is Family.DIAMOND)
    first = page.model.row_at(0)
    assert first is not None
    page.open_piece(first.piece_id)
    _until(lambda: page.editor is not None and page.editor.fill_button.isEnabled())
    editor = page.editor
    assert editor is not None
    with tempfile.TemporaryDirectory(prefix="jeweltrak-photo-") as scratch:
        editor.add_photo(make_sample_photo(Path(scratch) / "ring.jpg", width=2400, height=1800))
        _until(lambda: bool(editor.photos))
    saved.append(_save(editor, folder, "item_editor"))
    editor.reject()

    pdf = _sample_receipt(context)
    preview = show_pdf_preview(page, pdf, "Receipt")
    _until(lambda: preview.is_rendered)
    saved.append(_save(preview, folder, "print_preview"))
    preview.close()

    widget = PrinterSettingsWidget(context)
    widget.receipt.set_kind("network")  # shown filled in, as a store would set it up
    widget.receipt.host.setText("192.168.1.50")
    widget.tag.set_kind("file")
    widget.tag.file_path.setText(str(Path.home() / "tags.zpl"))
    widget.cost_code.setText("MAKEPROFIT")
    widget.resize(720, 470)
    widget.show()
    _until(lambda: True)
    saved.append(_save(widget, folder, "printer_settings"))
    wait_for_idle()
    return saved


def _sample_receipt(context: CounterContext) -> bytes:
    """A cash sale of two pieces in stock (made on this store), as its 80 mm receipt."""
    store = context.store
    window = inventory.piece_window(store, family=Family.JEWELRY, limit=50)
    stock = [r.stock_id for r in window.rows if r.status == "in_stock" and r.quantity is None]
    invoice = sales.new_invoice(store)
    for stock_id in stock[:2]:
        invoice = sales.add_piece(store, invoice.id, stock_id)
    invoice = sales.finalize_invoice(store, invoice.id)
    payments.take_cash(store, invoice.id, invoice.balance_cents + 5_000)
    return printing.receipt_pdf(store, invoice.id)


def main(argv: list[str] | None = None) -> int:
    """Command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--store", type=Path, default=None)
    args = parser.parse_args(argv)
    app = QApplication(sys.argv[:1])
    app.setStyle("Fusion")
    with tempfile.TemporaryDirectory(prefix="jeweltrak-screens-") as scratch:
        path = args.store or Path(scratch) / "demo.sqlite3"
        store = open_demo_store(path, pieces=2000)
        settings = QSettings(str(Path(scratch) / "ui-settings.ini"), QSettings.Format.IniFormat)
        try:
            for saved in save_screens(CounterContext(store), args.folder, settings):
                print(f"saved {saved}")
        finally:
            wait_for_idle()
            store.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
