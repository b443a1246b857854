"""Small widgets shared by the record screens (money fields, contact picker, tables, PDFs)."""
