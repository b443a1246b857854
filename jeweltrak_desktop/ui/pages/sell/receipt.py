"""The receipt after a sale: the PDF is saved to the receipts folder and previewed."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import TYPE_CHECKING
from uuid import UUID

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QWidget

from jeweltrak_desktop.services import printing
from jeweltrak_desktop.services.local_store import LocalStore
from jeweltrak_desktop.ui.tasks import run_op

if TYPE_CHECKING:
    from jeweltrak_desktop.ui.pages.sell.page import SellPage

_PREVIEW_MODULE = "jeweltrak_desktop.ui.printing.preview"


def save_receipt(store: LocalStore, invoice_id: UUID, folder: Path) -> tuple[Path, bytes]:
    """Render the receipt and write it as ``receipt-<number>.pdf`` in ``folder``."""
    pdf = printing.receipt_pdf(store, invoice_id)
    number = printing.sale_record(store, invoice_id).invoice.number
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"receipt-{number}.pdf"
    path.write_bytes(pdf)
    return path, pdf


class ReceiptActions:
    """Print receipt (save + preview); email waits for the payments update."""

    def __init__(self, page: SellPage) -> None:
        self.page = page
        #: Where receipts are saved: beside the store's database unless set otherwise.
        self.folder = page.context.store.path.parent / "receipts"
        self.last_path: Path | None = None
        self.preview: QWidget | None = None

    def print_receipt(self) -> None:
        """Save the receipt PDF, then show it in the print preview (when it is installed)."""
        invoice_id = self.page.current.invoice_id
        if invoice_id is None:
            return
        store, folder = self.page.context.store, self.folder
        run_op(lambda: save_receipt(store, invoice_id, folder), parent=self.page).success(
            self._saved).failure(self.page.show_error)

    def _saved(self, result: tuple[Path, bytes]) -> None:
        path, pdf = result
        self.last_path = path
        self.page.say(f"Receipt saved to {path}.")
        try:
            preview = importlib.import_module(_PREVIEW_MODULE)
        except ModuleNotFoundError as exc:
            if not exc.name or not _PREVIEW_MODULE.startswith(exc.name):
                raise
            self.page.refocus()
            return
        dialog = preview.show_pdf_preview(self.page, pdf, f"Receipt {path.stem}")
        self.preview = dialog
        page = self.page
        dialog.finished.connect(lambda _r: QTimer.singleShot(0, page, page.take_keyboard_back))
