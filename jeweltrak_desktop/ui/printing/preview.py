"""Print preview for any PDF (receipts, invoices, appraisals, work orders): view, print, save.

This PySide6 build has no QtPdf, so pages are rendered to PNG by ``pdftoppm`` (poppler-utils,
installed by ``make setup``) on a worker thread; printing paints those page images on the
printer chosen in the OS print dialog, and "Save PDF…" writes the original bytes.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from PySide6.QtCore import QRect, Qt, QThreadPool
from PySide6.QtGui import QImage, QPainter, QPixmap
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from jeweltrak_core.errors import JewelTrakError
from jeweltrak_desktop.ui.tasks import error_message, run_op

#: Resolution pages are rendered at (sharp on screen, good enough on paper).
RENDER_DPI = 150
#: Widest a page is shown in the dialog, in pixels.
SHOWN_WIDTH = 820
RENDER_TIMEOUT_S = 60


class PreviewUnavailable(JewelTrakError):
    """The PDF could not be turned into page images."""

    code = "preview_unavailable"


def render_pdf_pages(pdf: bytes, dpi: int = RENDER_DPI) -> list[bytes]:
    """Each page of ``pdf`` as PNG bytes (runs pdftoppm; call it off the UI thread)."""
    tool = shutil.which("pdftoppm")
    if tool is None:
        raise PreviewUnavailable(
            "The preview needs pdftoppm (poppler-utils), which is not installed here. "
            "Save the PDF and open it, or print it directly.")
    with tempfile.TemporaryDirectory(prefix="jeweltrak-preview-") as folder:
        source = Path(folder) / "document.pdf"
        source.write_bytes(pdf)
        result = subprocess.run(
            [tool, "-png", "-r", str(dpi), str(source), str(Path(folder) / "page")],
            capture_output=True, timeout=RENDER_TIMEOUT_S, check=False)
        pages = sorted(Path(folder).glob("page*.png"), key=lambda p: int(p.stem.split("-")[-1]))
        if result.returncode != 0 or not pages:
            raise PreviewUnavailable(
                "This document could not be shown (it may be damaged). Save it and open it "
                "in a PDF reader.")
        return [page.read_bytes() for page in pages]


class PdfPreviewDialog(QDialog):
    """The pages of a PDF, scrollable, with Print…, Save PDF… and Close."""

    def __init__(self, pdf: bytes, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("pdf-preview")
        self.setWindowTitle(title)
        self.pdf = pdf
        self.pages: list[QImage] = []
        self.page_labels: list[QLabel] = []
        self.status = QLabel("Preparing the preview…")
        self.status.setObjectName("preview-status")
        self.status.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._column = QWidget()
        self._column.setStyleSheet("background: #d5d9df;")
        self._pages_layout = QVBoxLayout(self._column)
        self._pages_layout.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self._pages_layout.setSpacing(14)
        self._pages_layout.addWidget(self.status)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self._column)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.print_button = buttons.addButton("Print…", QDialogButtonBox.ButtonRole.ActionRole)
        self.print_button.setObjectName("preview-print")
        self.print_button.setEnabled(False)
        self.print_button.clicked.connect(self.choose_printer)
        self.save_button = buttons.addButton("Save PDF…", QDialogButtonBox.ButtonRole.ActionRole)
        self.save_button.setObjectName("preview-save")
        self.save_button.clicked.connect(self.choose_file)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addWidget(buttons)
        self.resize(SHOWN_WIDTH + 80, 760)
        run_op(lambda: render_pdf_pages(pdf), parent=self,
               pool=QThreadPool.globalInstance()).success(self._rendered).failure(self._failed)

    @property
    def is_rendered(self) -> bool:
        """Whether the page images are on screen."""
        return bool(self.page_labels)

    def _rendered(self, pngs: list[bytes]) -> None:
        self.status.hide()
        for png in pngs:
            image = QImage.fromData(png)
            self.pages.append(image)
            label = QLabel()
            label.setObjectName("preview-page")
            pixmap = QPixmap.fromImage(image)
            if pixmap.width() > SHOWN_WIDTH:
                pixmap = pixmap.scaledToWidth(SHOWN_WIDTH,
                                              Qt.TransformationMode.SmoothTransformation)
            label.setPixmap(pixmap)
            label.setStyleSheet("background: white; border: 1px solid #9aa5b1;")
            self._pages_layout.addWidget(label)
            self.page_labels.append(label)
        self.print_button.setEnabled(True)

    def _failed(self, exc: BaseException) -> None:
        self.status.setText(error_message(exc))
        self.status.setWordWrap(True)

    # --- print and save -----------------------------------------------------------------

    def choose_printer(self) -> None:
        """The OS print dialog, then the pages on the chosen printer."""
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = QPrintDialog(printer, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.print_to(printer)

    def print_to(self, printer: QPrinter) -> None:
        """Paint each page image on ``printer``, fitted to the printable area."""
        painter = QPainter()
        if not painter.begin(printer):
            self.status.setText("The printer could not be started; check it and try again.")
            self.status.show()
            return
        try:
            for number, image in enumerate(self.pages):
                if number:
                    printer.newPage()
                area = painter.viewport()
                size = image.size().scaled(area.size(), Qt.AspectRatioMode.KeepAspectRatio)
                painter.setViewport(QRect(area.x(), area.y(), size.width(), size.height()))
                painter.setWindow(image.rect())
                painter.drawImage(0, 0, image)
                painter.setViewport(area)
        finally:
            painter.end()

    def choose_file(self) -> None:
        """Ask where to save the PDF, then save it."""
        name = self.windowTitle().replace("/", "-") or "document"
        path, _ = QFileDialog.getSaveFileName(self, "Save PDF", str(Path.home() / f"{name}.pdf"),
                                              "PDF files (*.pdf)")
        if path:
            self.save_to(Path(path))

    def save_to(self, path: Path) -> None:
        """Write the PDF's bytes to ``path``; a failure is shown in the dialog."""
        try:
            Path(path).write_bytes(self.pdf)
        except OSError as exc:
            self.status.setText(f"The PDF could not be saved ({exc.strerror}); choose another "
                                "folder.")
            self.status.show()


def show_pdf_preview(parent: QWidget | None, pdf_bytes: bytes, title: str) -> PdfPreviewDialog:
    """Open the preview (window-modal, not blocking) and return it."""
    dialog = PdfPreviewDialog(pdf_bytes, title, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog
