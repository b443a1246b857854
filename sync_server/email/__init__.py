"""Outgoing e-mail through Resend: payment links and documents, to a contact's stored address."""
