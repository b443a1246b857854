"""Sync client of the desktop: pairing, credentials, TLS, and the background sync."""
