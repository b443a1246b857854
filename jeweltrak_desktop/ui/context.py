"""What every counter screen is given: the store, the signed-in clerk, and shared signals.

A page is a ``QWidget`` built as ``SomePage(context)``. It reads and writes only through
the desktop services (``jeweltrak_desktop.services``), off the UI thread with
``ui.tasks.run_op``, and calls ``context.notify_changed()`` after a write so other pages
and the status bar refresh. The main window calls ``activate()`` each time the page is
shown and ``apply_permissions(actor)`` whenever someone signs in or out.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable
from uuid import UUID

from PySide6.QtCore import QObject, Signal

from jeweltrak_core.permissions import Permission
from jeweltrak_desktop.services.card_payments import CardPayments
from jeweltrak_desktop.services.local_store import Actor, LocalStore


class CounterEvents(QObject):
    """Signals shared by the main window and its pages (all emitted on the UI thread)."""

    #: Local data changed (a write here, or changes pulled by sync): re-read what is shown.
    data_changed = Signal()
    #: Someone signed in or out; the argument is the new ``Actor``.
    actor_changed = Signal(object)
    #: Ask the main window to show a record: (kind, id), kind in ``RECORD_KINDS``.
    open_record = Signal(str, object)
    #: A sentence for the status bar (e.g. "Invoice 1042 finalized").
    status_message = Signal(str)


#: The kinds ``open_record`` understands, and the page that shows each.
RECORD_KINDS = ("piece", "contact", "invoice", "memo", "work_order", "appraisal")


class CounterContext:
    """The store and the signed-in clerk, shared by the main window and every page."""

    def __init__(self, store: LocalStore) -> None:
        self.store = store
        self.events = CounterEvents()
        #: The card payments (and e-mail) client of a paired workstation; None for a local
        #: demo store, which has no store server. Its calls block: run them off the UI thread.
        self.payments: CardPayments | None = None

    @property
    def actor(self) -> Actor:
        """Who is signed in (the store's actor; every service call acts as them)."""
        return self.store.actor

    def can(self, permission: Permission) -> bool:
        """Whether the signed-in clerk may do this (for showing or hiding controls)."""
        return permission in self.store.actor.permissions

    def set_actor(self, actor: Actor) -> None:
        """Sign someone in (or the locked state out) and tell every page."""
        self.store.actor = actor
        self.events.actor_changed.emit(actor)

    def notify_changed(self) -> None:
        """Say that local data changed, so what is on screen is read again."""
        self.events.data_changed.emit()

    def open_record(self, kind: str, record_id: UUID) -> None:
        """Ask the main window to show one record."""
        if kind not in RECORD_KINDS:
            raise ValueError(f"unknown record kind {kind!r}")
        self.events.open_record.emit(kind, record_id)


@runtime_checkable
class CounterPage(Protocol):
    """The methods the main window calls on a page."""

    #: The navigation label ("Sell", "Inventory", …).
    title: str

    def activate(self) -> None:
        """The page is being shown: refresh what is stale and put focus where it belongs."""

    def apply_permissions(self, actor: Actor) -> None:
        """Show, hide or disable what the clerk may not see or do."""

    def show_record(self, kind: str, record_id: UUID) -> bool:
        """Show one record if this page owns the kind; False if it does not."""
