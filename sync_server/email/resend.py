"""The Resend adapter: one ``POST /emails`` per message, the API key only in the header.

Recipients come from the tenant's own data (P5), never from a request body.
"""

from __future__ import annotations

import base64
import logging
from dataclasses import dataclass, field
from uuid import UUID

import httpx
from sqlalchemy import Connection

from jeweltrak_core.contacts.entities import Contact
from sync_server.config import Settings
from sync_server.errors import ServiceError
from sync_server.kit import entity_docs

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Attachment:
    """A file sent with the message (a PDF the desktop rendered)."""

    filename: str
    content: bytes


@dataclass(frozen=True)
class Message:
    """One e-mail to one recipient."""

    to: str
    subject: str
    text: str
    attachments: list[Attachment] = field(default_factory=list)


def contact_email(conn: Connection, contact_id: UUID | None) -> tuple[str, str]:
    """(name, first e-mail) of a contact in the tenant's data, or a 422 saying what to do."""
    contact = entity_docs.load(conn, Contact, contact_id) if contact_id else None
    if contact is None:
        raise ServiceError(422, "no_customer", "Choose the customer first; the e-mail goes to "
                           "the address on their card.")
    if not contact.emails:
        raise ServiceError(422, "no_email", f"{contact.display_name} has no e-mail address; "
                           "add one to their card first.")
    return contact.display_name, contact.emails[0]


def send(settings: Settings, message: Message) -> str:
    """Send through Resend; returns Resend's message ID."""
    key = settings.resend_api_key.get_secret_value()
    if not key:
        raise ServiceError(409, "email_not_configured",
                           "E-mail is not set up on this service yet.")
    body: dict[str, object] = {
        "from": settings.email_from, "to": [message.to], "subject": message.subject,
        "text": message.text,
    }
    if message.attachments:
        body["attachments"] = [
            {"filename": a.filename, "content": base64.b64encode(a.content).decode("ascii")}
            for a in message.attachments
        ]
    try:
        response = httpx.post(
            settings.resend_api_base.rstrip("/") + "/emails", json=body, timeout=20.0,
            headers={"Authorization": f"Bearer {key}"},
        )
    except httpx.HTTPError as exc:
        log.warning("Resend unreachable: %s", type(exc).__name__)
        raise ServiceError(502, "email_unavailable",
                           "The e-mail service cannot be reached; try again shortly.") from None
    if response.status_code >= 300:
        log.warning("Resend refused a message: HTTP %s", response.status_code)
        raise ServiceError(502, "email_refused", "The e-mail service refused the message.")
    try:
        return str(response.json().get("id", ""))
    except ValueError:
        return ""
