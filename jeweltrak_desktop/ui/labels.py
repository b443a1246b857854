"""Words and colours the screens use for families, stock statuses and sync states."""

from __future__ import annotations

from datetime import datetime

from jeweltrak_core.inventory.stock import FAMILY_BADGE, Family, PieceStatus

#: One piece of each family, as a table cell says it.
FAMILY_NAMES: dict[str, str] = {
    Family.JEWELRY: "Jewelry",
    Family.WATCH: "Watch",
    Family.DIAMOND: "Diamond",
    Family.COLORED_STONE: "Colored stone",
    Family.PEARL: "Pearl",
}

#: The family as a heading over a count.
FAMILY_PLURALS: dict[str, str] = {
    Family.JEWELRY: "Jewelry",
    Family.WATCH: "Watches",
    Family.DIAMOND: "Diamonds",
    Family.COLORED_STONE: "Colored stones",
    Family.PEARL: "Pearls",
}

#: Badge colours: distinct at a glance, all dark enough for white letters.
FAMILY_COLORS: dict[str, str] = {
    Family.JEWELRY: "#a8741a",
    Family.WATCH: "#4a5568",
    Family.DIAMOND: "#2b6cb0",
    Family.COLORED_STONE: "#2f855a",
    Family.PEARL: "#97266d",
}

STATUS_NAMES: dict[str, str] = {
    PieceStatus.IN_STOCK: "In stock",
    PieceStatus.ON_VENDOR_MEMO: "On vendor memo",
    PieceStatus.ON_MEMO: "Out on memo",
    PieceStatus.OUT_FOR_SERVICE: "Out for service",
    PieceStatus.SOLD: "Sold",
    PieceStatus.RETURNED_TO_VENDOR: "Returned to vendor",
    PieceStatus.SCRAPPED: "Scrapped",
}

SYNC_STATE_TEXT: dict[str, str] = {
    "local": "Local demo store — not syncing",
    "local only": "Local only — not paired",
    "syncing": "Syncing with the store server…",
    "online": "Online — syncing with the store server",
    "offline": "Offline — changes are kept here until the connection returns",
}


def family_badge(family: str) -> str:
    """The one-letter badge of a family (J, W, D, C, P)."""
    try:
        return FAMILY_BADGE[Family(family)]
    except ValueError:
        return "?"


def family_name(family: str) -> str:
    """A family as a table cell says it."""
    return FAMILY_NAMES.get(family, family.replace("_", " ").capitalize())


def status_name(status: str) -> str:
    """A stock status as the clerk reads it."""
    return STATUS_NAMES.get(status, status.replace("_", " ").capitalize())


def sync_state_text(state: str) -> str:
    """The status-bar sentence for a sync state."""
    return SYNC_STATE_TEXT.get(state, state.capitalize())


def pending_text(count: int) -> str:
    """How many local changes the service has not acknowledged yet."""
    if count == 0:
        return "Nothing waiting to sync"
    return f"{count:,} change{'' if count == 1 else 's'} waiting to sync"


def last_sync_text(when: datetime | None) -> str:
    """When this workstation last synced, in local time."""
    if when is None:
        return "Last sync: never"
    local = when.astimezone()
    return f"Last sync: {local:%b} {local.day}, {local:%Y %H:%M}"


def count_text(count: int) -> str:
    """A count with thousands separators."""
    return f"{count:,}"
