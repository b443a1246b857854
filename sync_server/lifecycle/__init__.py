"""The data lifecycle the privacy policy promises: export (P15), delete now (P15), cancel
with 30 days to export, then permanent deletion (P14). See docs/lifecycle.md."""
