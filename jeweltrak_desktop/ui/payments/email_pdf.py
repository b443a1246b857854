"""E-mail a document PDF to a contact through the store server (it looks up the address)."""

from __future__ import annotations

from collections.abc import Callable
from uuid import UUID

from PySide6.QtWidgets import QWidget

from jeweltrak_desktop.ui.context import CounterContext
from jeweltrak_desktop.ui.payments.network import run_net
from jeweltrak_desktop.ui.tasks import error_message, run_op

#: Why an e-mail button is off on a workstation without a store server.
NEEDS_SERVER = ("E-mail goes through the store server: this workstation is not paired with "
                "one.")


def can_email(context: CounterContext, contact_id: UUID | None) -> bool:
    """A client to write to, and a store server to send it."""
    return contact_id is not None and context.payments is not None


def email_pdf(
    parent: QWidget,
    context: CounterContext,
    *,
    contact_id: UUID,
    subject: str,
    filename: str,
    make_pdf: Callable[[], bytes],
    say: Callable[[str], None],
) -> None:
    """Build the PDF on the database worker, then send it on the network pool."""
    client = context.payments
    if client is None:
        say(NEEDS_SERVER)
        return

    def send(pdf: bytes) -> None:
        run_net(lambda: client.email_document(contact_id, subject=subject, filename=filename,
                                              pdf=pdf), parent=parent).success(
            lambda _id: say(f"{subject} e-mailed to the client.")
        ).failure(lambda exc: say(error_message(exc)))

    say(f"E-mailing {filename}…")
    run_op(make_pdf, parent=parent).success(send).failure(lambda exc: say(error_message(exc)))
