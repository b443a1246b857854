"""The Appraisals screen: the list and the editor (draft, finalize, revise, print)."""

from jeweltrak_desktop.ui.pages.appraisals.page import AppraisalsPage

__all__ = ["AppraisalsPage"]
