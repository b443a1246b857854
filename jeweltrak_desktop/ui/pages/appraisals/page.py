"""The Appraisals page: every appraisal on the left, the chosen one in the editor."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from uuid import UUID

from PySide6.QtWidgets import QFileDialog, QLabel, QSplitter, QWidget

from jeweltrak_core.appraisals.entities import Appraisal
from jeweltrak_core.contacts.entities import Contact
from jeweltrak_core.errors import JewelTrakError
from jeweltrak_core.permissions import Permission
from jeweltrak_desktop.services import appraisals as appraisals_service
from jeweltrak_desktop.services import contacts as contacts_service
from jeweltrak_desktop.services.appraisals import AppraisalRow
from jeweltrak_desktop.services.local_store import Actor, LocalStore
from jeweltrak_desktop.ui.context import CounterContext
from jeweltrak_desktop.ui.pages.appraisals.editor import AppraisalEditor
from jeweltrak_desktop.ui.payments.email_pdf import NEEDS_SERVER, can_email, email_pdf
from jeweltrak_desktop.ui.tasks import run_op
from jeweltrak_desktop.ui.widgets.money import date_text, money_text
from jeweltrak_desktop.ui.widgets.page_frame import button, page_header, page_layout
from jeweltrak_desktop.ui.widgets.pdf_output import show_pdf
from jeweltrak_desktop.ui.widgets.tables import (
    current_record,
    fill_table,
    make_table,
    select_record,
)


def save(store: LocalStore, appraisal: Appraisal) -> Appraisal:
    """Create the draft the first time, save it after that (runs on the worker)."""
    if appraisal.number:
        return appraisals_service.save_draft(store, appraisal)
    return appraisals_service.create_appraisal(
        store, purpose=appraisal.purpose, appraisal_date=appraisal.appraisal_date,
        contact_id=appraisal.contact_id, appraiser_name=appraisal.appraiser_name,
        appraiser_credentials=appraisal.appraiser_credentials, lines=appraisal.lines,
        notes=appraisal.notes)


def save_and_finalize(store: LocalStore, appraisal: Appraisal) -> Appraisal:
    """Save what is typed, then lock it."""
    saved = save(store, appraisal)
    return appraisals_service.finalize_appraisal(store, saved.id)


def with_customer(store: LocalStore, appraisal: Appraisal) -> tuple[Appraisal, Contact | None]:
    """The appraisal and its client, for the editor."""
    contact = (contacts_service.get_contact(store, appraisal.contact_id)
               if appraisal.contact_id else None)
    return appraisal, contact


class AppraisalsPage(QWidget):
    """Write appraisals: save drafts, finalize (then read-only), revise, print."""

    title = "Appraisals"

    def __init__(self, context: CounterContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self._may_edit = True
        layout = page_layout(self)
        header, _ = page_header("Appraisals", self)
        self.new_button = button("New appraisal", self, name="appraisal-new")
        self.save_button = button("Save draft", self, name="appraisal-save")
        self.finalize_button = button("Finalize", self, name="appraisal-finalize")
        self.revise_button = button("Revise", self, name="appraisal-revise")
        self.print_button = button("Preview / print", self, name="appraisal-print")
        self.email_button = button("E-mail to client", self, name="appraisal-email")
        self.message = QLabel("", self)
        self.message.setProperty("muted", True)
        header.addWidget(self.message)
        for b in (self.new_button, self.save_button, self.finalize_button, self.revise_button,
                  self.print_button, self.email_button):
            header.addWidget(b)
        layout.addLayout(header)
        splitter = QSplitter(self)
        self.list = make_table(["Number", "Date", "Client", "Status", "Total"],
                               numeric=[4], parent=self)
        self.list.setObjectName("appraisal-list")
        self.editor = AppraisalEditor(context.store, self)
        splitter.addWidget(self.list)
        splitter.addWidget(self.editor)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([480, 800])
        layout.addWidget(splitter, 1)
        self.list.itemSelectionChanged.connect(self._chosen)
        self.new_button.clicked.connect(self.new_appraisal)
        self.save_button.clicked.connect(self.save_draft)
        self.finalize_button.clicked.connect(self.finalize)
        self.revise_button.clicked.connect(self.revise)
        self.print_button.clicked.connect(self.preview)
        self.email_button.clicked.connect(self.email_to_client)
        self.editor.photo_button.clicked.connect(self._pick_photo)
        context.events.data_changed.connect(self._data_changed)
        self.apply_permissions(context.actor)

    # --- the page contract -------------------------------------------------------------
    def activate(self) -> None:
        """Read the list again."""
        self.refresh()

    def apply_permissions(self, actor: Actor) -> None:
        """Writing appraisals needs manage_appraisals."""
        self._may_edit = Permission.MANAGE_APPRAISALS in actor.permissions
        self.new_button.setEnabled(self._may_edit)
        self._update_buttons()

    def show_record(self, kind: str, record_id: UUID) -> bool:
        """Open an appraisal."""
        if kind != "appraisal":
            return False
        self.refresh(select=record_id)
        self._open(record_id)
        return True

    # --- list --------------------------------------------------------------------------
    def refresh(self, select: UUID | None = None) -> None:
        """Read the list again, keeping (or moving to) a selection."""
        store = self.context.store
        keep = select or (self.editor.appraisal.id if self.editor.appraisal else None)
        run_op(lambda: appraisals_service.list_appraisals(store), parent=self).success(
            lambda rows: self._show_list(rows, keep))

    def _show_list(self, rows: list[AppraisalRow], keep: UUID | None) -> None:
        self.list.blockSignals(True)
        fill_table(self.list, [[r.appraisal.number, date_text(r.appraisal.appraisal_date),
                                r.customer, r.appraisal.status.value.title(),
                                money_text(r.appraisal.total_cents)] for r in rows],
                   [r.appraisal.id for r in rows])
        if keep is not None:
            select_record(self.list, keep)
        self.list.blockSignals(False)

    def _chosen(self) -> None:
        appraisal_id = current_record(self.list)
        if isinstance(appraisal_id, UUID):
            self._open(appraisal_id)

    def _open(self, appraisal_id: UUID) -> None:
        store = self.context.store
        run_op(lambda: with_customer(store, appraisals_service.get_appraisal(store, appraisal_id)),
               parent=self).success(self._show)

    def _show(self, loaded: tuple[Appraisal, Contact | None]) -> None:
        self.editor.load(*loaded)
        self._update_buttons()

    def _update_buttons(self) -> None:
        final = self.editor.is_finalized
        shown = self.editor.appraisal is not None
        self.save_button.setEnabled(self._may_edit and not final)
        self.finalize_button.setEnabled(self._may_edit and not final)
        self.revise_button.setEnabled(self._may_edit and final)
        self.print_button.setEnabled(shown)
        appraisal = self.editor.appraisal
        emailable = appraisal is not None and can_email(self.context, appraisal.contact_id)
        self.email_button.setEnabled(emailable)
        self.email_button.setToolTip("" if emailable else NEEDS_SERVER)
        if not self._may_edit:
            self.editor.set_locked(True)

    # --- actions -----------------------------------------------------------------------
    def new_appraisal(self) -> None:
        """A blank appraisal (numbered when first saved)."""
        self.list.clearSelection()
        self.editor.load(None)
        self.message.setText("New appraisal: add items, then Save draft.")
        self._update_buttons()

    def _run(self, fn: Any, message: str) -> None:
        try:
            appraisal = self.editor.collect()
        except JewelTrakError as exc:
            self.message.setText(exc.message)
            return
        store = self.context.store
        run_op(lambda: with_customer(store, fn(store, appraisal)), parent=self).success(
            lambda loaded: self._saved(loaded, message))

    def save_draft(self) -> None:
        """Save the draft (created and numbered the first time)."""
        self._run(save, "Saved draft {number}.")

    def finalize(self) -> None:
        """Save, then finalize: from now on the appraisal cannot change."""
        self._run(save_and_finalize, "Appraisal {number} finalized.")

    def revise(self) -> None:
        """A new draft that supersedes the finalized appraisal, with its items copied."""
        if self.editor.appraisal is None:
            return
        old, store = self.editor.appraisal, self.context.store
        run_op(lambda: with_customer(store, appraisals_service.revise_appraisal(store, old.id)),
               parent=self).success(lambda loaded: self._saved(
                   loaded, f"Revision {{number}} replaces {old.number}."))

    def _saved(self, loaded: tuple[Appraisal, Contact | None], message: str) -> None:
        self.editor.load(*loaded)
        self._update_buttons()
        self.message.setText(message.format(number=loaded[0].number))
        self.context.notify_changed()
        self.refresh(select=loaded[0].id)

    def add_photo_file(self, path: Path) -> None:
        """Save a photo beside the database and attach it to the chosen item."""
        row = self.editor.lines.currentRow()
        if row < 0 or self.editor.is_finalized:
            self.message.setText("Choose the item the photo shows first.")
            return
        store = self.context.store
        run_op(lambda: appraisals_service.save_photo(store, path), parent=self).success(
            lambda ref: self.editor.add_photo_ref(row, ref))

    def _pick_photo(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "Photo of the item", str(Path.home()),
                                              "Images (*.jpg *.jpeg *.png)")
        if name:
            self.add_photo_file(Path(name))

    def preview(self) -> None:
        """Preview the saved appraisal (a draft prints marked DRAFT)."""
        appraisal = self.editor.appraisal
        if appraisal is None:
            return
        store = self.context.store
        run_op(lambda: appraisals_service.appraisal_pdf(store, appraisal.id),
               parent=self).success(lambda pdf: self._pdf_ready(pdf, appraisal.number))

    def email_to_client(self) -> None:
        """E-mail the saved appraisal's PDF to its client (the service looks up the address)."""
        appraisal = self.editor.appraisal
        if appraisal is None or appraisal.contact_id is None:
            return
        store, appraisal_id = self.context.store, appraisal.id
        email_pdf(self, self.context, contact_id=appraisal.contact_id,
                  subject=f"Appraisal {appraisal.number}",
                  filename=f"appraisal-{appraisal.number}.pdf",
                  make_pdf=lambda: appraisals_service.appraisal_pdf(store, appraisal_id),
                  say=self.message.setText)

    def _pdf_ready(self, pdf: bytes, number: str) -> None:
        saved = show_pdf(self, pdf, f"Appraisal {number}",
                         self.context.store.path.parent / "documents")
        if saved is not None:
            self.message.setText(f"Saved {saved}.")

    def _data_changed(self) -> None:
        if self.isVisible():
            self.refresh()
