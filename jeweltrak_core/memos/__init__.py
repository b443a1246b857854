"""Memo rules: customer memos, vendor (consignment) memos, and memo aging."""
