"""The Contacts screen: search, edit, history, duplicates and merge."""

from jeweltrak_desktop.ui.pages.contacts.page import ContactsPage

__all__ = ["ContactsPage"]
