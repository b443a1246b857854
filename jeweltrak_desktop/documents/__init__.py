"""Printed documents as PDF bytes: receipts, invoices, appraisals, work orders, memos, reports.

Plain Python (reportlab, Pillow): no Qt here. Each renderer takes core dataclasses and a
``DocumentContext`` and returns the bytes of a PDF; printing and preview belong to the UI.
"""
