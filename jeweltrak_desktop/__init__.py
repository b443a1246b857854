"""JewelTrak Desktop: the counter workstation (local SQLite store, services, sync client, UI)."""

__version__ = "0.1.0"
