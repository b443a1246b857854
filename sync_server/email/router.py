"""``POST /v1/email/document``: e-mail a PDF the workstation rendered to a contact.

The recipient is the contact's stored address in the tenant's own data (P5); the body
names the contact, never an address.
"""

from __future__ import annotations

import base64
import binascii
import re
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter
from pydantic import StringConstraints

from sync_server.db.engine import tenant_transaction
from sync_server.deps import CurrentDevice, EngineDep, SettingsDep
from sync_server.email import resend
from sync_server.errors import ServiceError
from sync_server.kit.fields import InputModel

router = APIRouter(tags=["email"])
MAX_PDF_BYTES = 5 * 1024 * 1024


class DocumentEmail(InputModel):
    """A document for a contact: subject, a short note, the PDF (base64)."""

    contact_id: UUID
    subject: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1,
                                              max_length=200)]
    note: Annotated[str, StringConstraints(max_length=2000)] = ""
    filename: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9 _.-]{1,80}\.pdf$")]
    pdf_base64: Annotated[str, StringConstraints(max_length=MAX_PDF_BYTES * 4 // 3 + 8)]


@router.post("/v1/email/document")
def email_document(body: DocumentEmail, device: CurrentDevice, engine: EngineDep,
                   settings: SettingsDep) -> dict[str, Any]:
    """Send the PDF to the contact's stored e-mail address."""
    try:
        pdf = base64.b64decode(body.pdf_base64, validate=True)
    except (binascii.Error, ValueError):
        raise ServiceError(422, "validation_error", "The document is not valid base64.") from None
    if not pdf.startswith(b"%PDF-"):
        raise ServiceError(422, "validation_error", "Only PDF documents can be e-mailed.")
    with tenant_transaction(engine, device.tenant) as conn:
        name, email = resend.contact_email(conn, body.contact_id)
    text = (body.note.strip() + "\n\n" if body.note.strip() else "") + \
        f"Hello {name}, your document is attached."
    message_id = resend.send(settings, resend.Message(
        to=email, subject=re.sub(r"[\r\n]+", " ", body.subject), text=text,
        attachments=[resend.Attachment(body.filename, pdf)],
    ))
    return {"sent": True, "message_id": message_id}
