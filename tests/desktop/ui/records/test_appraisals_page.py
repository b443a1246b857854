"""The Appraisals page: a draft typed in the editor, finalized, then locked; revise."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PIL import Image
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from jeweltrak_core.appraisals.rules import AppraisalPurpose, AppraisalStatus
from jeweltrak_core.permissions import Permission
from jeweltrak_desktop.services import appraisals
from jeweltrak_desktop.services.local_store import Actor
from jeweltrak_desktop.ui.context import CounterContext
from jeweltrak_desktop.ui.pages.appraisals import AppraisalsPage
from jeweltrak_desktop.ui.pages.appraisals.lines_table import COLUMNS

from .helpers import cell, click, edit_cell, type_text


def _type_cell(qtbot: QtBot, page: AppraisalsPage, row: int, field: str, text: str) -> None:
    col = next(i for i, (name, _) in enumerate(COLUMNS) if name == field)
    edit_cell(qtbot, page.editor.lines, row, col, text)


def test_appraisal_finalized_then_locked(
    qtbot: QtBot, context: CounterContext, show: Callable[[QWidget], QWidget], tmp_path: Path
) -> None:
    page = AppraisalsPage(context)
    show(page)
    page.activate()
    qtbot.waitUntil(lambda: page.list.rowCount() >= 1)  # the demo appraisal
    before = page.list.rowCount()

    click(page.new_button)
    editor = page.editor
    editor.purpose.setCurrentIndex(editor.purpose.findData(AppraisalPurpose.ESTATE))
    type_text(editor.appraiser, "Dana Reyes")
    click(editor.add_line_button)
    _type_cell(qtbot, page, 0, "description", "18K white gold diamond pendant")
    _type_cell(qtbot, page, 0, "metal", "18K white gold")
    _type_cell(qtbot, page, 0, "weight_g", "3.25")
    _type_cell(qtbot, page, 0, "stone_carat", "0.50")
    _type_cell(qtbot, page, 0, "value_cents", "2,450.00")
    qtbot.waitUntil(lambda: editor.total.text() == "Total $2,450.00")

    photo = tmp_path / "pendant.png"
    Image.new("RGB", (400, 300), (230, 230, 240)).save(photo)
    editor.lines.setCurrentCell(0, 0)
    page.add_photo_file(photo)
    qtbot.waitUntil(lambda: len(editor.photos.paths) == 1)

    click(page.save_button)
    qtbot.waitUntil(lambda: editor.appraisal is not None and page.list.rowCount() == before + 1)
    draft = editor.appraisal
    assert draft is not None and draft.status == AppraisalStatus.DRAFT
    assert page.message.text() == f"Saved draft {draft.number}."

    click(page.finalize_button)
    qtbot.waitUntil(lambda: editor.is_finalized)
    stored = appraisals.get_appraisal(context.store, draft.id)
    assert stored.status == AppraisalStatus.FINALIZED and stored.purpose == AppraisalPurpose.ESTATE
    line = stored.lines[0]
    assert line.description == "18K white gold diamond pendant" and line.value_cents == 245_000
    assert str(line.weight_g) == "3.25" and str(line.stone_carat) == "0.50"
    assert len(line.photos) == 1

    # Locked: fields read-only, items not editable, Save and Finalize disabled, Revise on.
    assert editor.appraiser.isReadOnly() and editor.notes.isReadOnly()
    assert not editor.purpose.isEnabled() and not editor.add_line_button.isEnabled()
    assert not page.save_button.isEnabled() and not page.finalize_button.isEnabled()
    assert page.revise_button.isEnabled()
    assert editor.banner.isVisible() and "cannot change" in editor.banner.text()
    editor.lines.setCurrentCell(0, 0)
    editor.lines.setFocus()
    type_text(editor.lines.viewport(), "changed")
    assert cell(editor.lines, 0, 0) == "18K white gold diamond pendant"

    click(page.revise_button)
    qtbot.waitUntil(lambda: editor.appraisal is not None and editor.appraisal.id != draft.id)
    revision = editor.appraisal
    assert revision is not None
    assert revision.supersedes_id == draft.id and revision.status == AppraisalStatus.DRAFT
    assert page.save_button.isEnabled() and not editor.appraiser.isReadOnly()
    assert appraisals.get_appraisal(context.store, draft.id).status == AppraisalStatus.FINALIZED


def test_clerk_without_manage_appraisals_sees_read_only(
    qtbot: QtBot, context: CounterContext, show: Callable[[QWidget], QWidget]
) -> None:
    page = AppraisalsPage(context)
    show(page)
    context.set_actor(Actor(user_id=None, name="Sam", permissions=frozenset({Permission.SELL})))
    page.apply_permissions(context.actor)
    page.activate()
    qtbot.waitUntil(lambda: page.list.rowCount() >= 1)
    page.list.selectRow(0)
    qtbot.waitUntil(lambda: page.editor.appraisal is not None)
    assert not page.new_button.isEnabled() and not page.save_button.isEnabled()
    assert page.editor.appraiser.isReadOnly()
