"""Sync problems: each change the store server refused or flagged, in plain words.

Rejected and conflicting operations come from this workstation's outbox
(``sync.status.sync_problems``); oversell exceptions (a one-of-a-kind piece sold on two
workstations while offline) come from the store's synced exceptions.
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from PySide6.QtWidgets import QFrame, QLabel, QScrollArea, QVBoxLayout, QWidget

from jeweltrak_core.store.entities import OversellException
from jeweltrak_desktop.services.local_store import Actor
from jeweltrak_desktop.sync.status import SyncProblem, sync_problems
from jeweltrak_desktop.ui.context import CounterContext
from jeweltrak_desktop.ui.shell.store_info import open_oversells
from jeweltrak_desktop.ui.tasks import error_message, run_op

#: What each kind of change is, in a clerk's words.
OP_WORDS = {
    "create_piece": "Adding a piece",
    "update_piece": "Editing a piece",
    "adjust_stock": "Adjusting a stock count",
    "count_stock": "Counting stock",
    "change_piece_status": "Changing a piece's status",
    "reprice_pieces": "Repricing pieces",
    "create_contact": "Adding a contact",
    "patch_contact": "Editing a contact",
    "merge_contacts": "Merging two contacts",
    "save_invoice": "Saving an invoice",
    "finalize_invoice": "Finalizing an invoice",
    "reopen_invoice": "Reopening an invoice",
    "void_invoice": "Voiding an invoice",
    "delete_invoice": "Deleting an open invoice",
    "add_payment": "Taking a payment",
    "refund_payment": "Refunding a payment",
    "take_deposit": "Taking a deposit",
    "open_drawer": "Opening the cash drawer",
    "close_drawer": "Closing the cash drawer",
    "issue_memo": "Issuing a memo",
    "return_memo_lines": "Returning pieces from a memo",
    "convert_memo_to_invoice": "Converting a memo to an invoice",
    "reverse_memo_line": "Reversing a memo line",
    "open_work_order": "Opening a work order",
    "move_work_order": "Moving a work order",
    "update_work_order": "Editing a work order",
    "save_appraisal": "Saving an appraisal",
    "finalize_appraisal": "Finalizing an appraisal",
    "resolve_oversell": "Resolving an oversold piece",
}

_REJECTED_TODO = (
    "What to do: nothing was changed on the server, and this workstation now shows the "
    "server's copy. Look at the record again and redo the change if it is still needed; "
    "if it is refused again, ask a manager."
)
_CONFLICT_TODO = (
    "What to do: the server kept the change but a manager should review it on the "
    "server (Exceptions) and correct the record if needed."
)
_OVERSELL_TODO = (
    "What to do: a manager decides which sale keeps the piece — call the other customer, "
    "offer a similar piece or a refund — and resolves it on the server (Exceptions)."
)


@dataclass(frozen=True)
class ProblemList:
    """Everything the page lists."""

    rejected: tuple[SyncProblem, ...]
    oversells: list[OversellException]


def read_problems(context: CounterContext) -> ProblemList:
    """Read the outbox problems and the open oversell exceptions."""
    store = context.store
    return ProblemList(rejected=sync_problems(store), oversells=open_oversells(store))


def problem_heading(problem: SyncProblem) -> str:
    """"Adding a piece — refused by the store server on Nov 25, 14:02"."""
    what = OP_WORDS.get(problem.op_type, problem.op_type.replace("_", " ").capitalize())
    verdict = "refused by the store server" if problem.status == "rejected" else (
        "needs a manager's review")
    when = problem.created_at.astimezone()
    return f"{what} — {verdict} (made {when:%b} {when.day}, {when:%H:%M})"


class SyncProblemsPage(QWidget):
    """A card per problem; says so when there are none."""

    title = "Sync problems"

    def __init__(self, context: CounterContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self._reading = False
        self.setObjectName("page-sync-problems")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 16)
        layout.setSpacing(10)
        heading = QLabel("Sync problems")
        heading.setProperty("pageTitle", True)
        self.summary = QLabel("Reading…")
        self.summary.setObjectName("sync-problems-summary")
        self.summary.setWordWrap(True)
        self.summary.setProperty("muted", True)
        layout.addWidget(heading)
        layout.addWidget(self.summary)
        self._cards = QWidget()
        self._cards_layout = QVBoxLayout(self._cards)
        self._cards_layout.setContentsMargins(0, 0, 0, 0)
        self._cards_layout.setSpacing(10)
        self._cards_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self._cards)
        layout.addWidget(scroll, 1)
        context.events.data_changed.connect(self._refresh_if_visible)

    # --- page contract ------------------------------------------------------------------
    def activate(self) -> None:
        """Read the problems again."""
        self.refresh()

    def apply_permissions(self, actor: Actor) -> None:
        """Everyone may read the problems; resolving them happens on the server."""

    def show_record(self, kind: str, record_id: UUID) -> bool:
        """Shows no single records."""
        return False

    # --- data ---------------------------------------------------------------------------
    def _refresh_if_visible(self) -> None:
        if self.isVisible():
            self.refresh()

    def refresh(self) -> None:
        """Read and show the problems."""
        if self._reading:
            return
        self._reading = True
        context = self._context
        run_op(lambda: read_problems(context), parent=self).success(self._show).failure(
            self._show_error
        )

    def _show(self, problems: ProblemList) -> None:
        self._reading = False
        self._clear()
        count = len(problems.rejected) + len(problems.oversells)
        if count == 0:
            self.summary.setText(
                "No sync problems: every change made here was accepted by the store server."
            )
            return
        self.summary.setText(
            f"{count:,} problem{'' if count == 1 else 's'}. Each says what happened and "
            "what to do."
        )
        for oversell in problems.oversells:
            self._add_card(
                "A piece was sold twice while workstations were offline",
                oversell.detail,
                _OVERSELL_TODO,
            )
        for problem in problems.rejected:
            todo = _REJECTED_TODO if problem.status == "rejected" else _CONFLICT_TODO
            self._add_card(problem_heading(problem), problem.sentence, todo)

    def _show_error(self, exc: BaseException) -> None:
        self._reading = False
        self.summary.setText(f"Could not read the sync problems: {error_message(exc)}")

    def _clear(self) -> None:
        while self._cards_layout.count() > 1:
            item = self._cards_layout.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()

    def _add_card(self, heading: str, sentence: str, todo: str) -> None:
        card = QFrame()
        card.setObjectName("sync-problem")
        card.setProperty("card", True)
        layout = QVBoxLayout(card)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(4)
        for text, role in ((heading, "sectionTitle"), (sentence, ""), (todo, "muted")):
            label = QLabel(text)
            label.setWordWrap(True)
            if role:
                label.setProperty(role, True)
            layout.addWidget(label)
        self._cards_layout.insertWidget(self._cards_layout.count() - 1, card)

    def problem_texts(self) -> list[str]:
        """The text of each card, heading and sentences joined (for tests and a11y)."""
        texts = []
        for index in range(self._cards_layout.count()):
            item = self._cards_layout.itemAt(index)
            card = item.widget() if item is not None else None
            if card is not None:
                texts.append(" ".join(lbl.text() for lbl in card.findChildren(QLabel)))
        return texts
