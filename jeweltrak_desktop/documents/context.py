"""What every document needs besides its own record: the store, the display time zone, the logo."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from jeweltrak_core.store.entities import Store

# Not strftime("%b"): the month names must not depend on the workstation's locale.
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True, kw_only=True)
class DocumentContext:
    """The store printing the document; times are stored in UTC and shown in ``timezone``."""

    store: Store
    timezone: tzinfo
    logo_path: Path | None = None
    #: Where relative photo references (work-order attachments) live, beside the database.
    photo_root: Path | None = None

    @classmethod
    def for_store(
        cls, store: Store, *, logo_path: Path | None = None, photo_root: Path | None = None
    ) -> DocumentContext:
        """A context that shows times in the store's own time zone (UTC if it is unknown)."""
        try:
            zone: tzinfo = ZoneInfo(store.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            zone = ZoneInfo("UTC")
        return cls(store=store, timezone=zone, logo_path=logo_path, photo_root=photo_root)

    def local(self, moment: datetime) -> datetime:
        """``moment`` (aware, UTC in storage) in the display time zone."""
        if moment.tzinfo is None:
            raise ValueError("naive datetime: stored times must carry a time zone (UTC)")
        return moment.astimezone(self.timezone)

    def datetime_text(self, moment: datetime | None) -> str:
        """“Mar 5, 2025 3:04 PM” in local time; empty for None."""
        if moment is None:
            return ""
        shown = self.local(moment)
        hour = shown.hour % 12 or 12
        half = "AM" if shown.hour < 12 else "PM"
        return f"{date_text(shown.date())} {hour}:{shown.minute:02d} {half}"

    def resolve(self, ref: str) -> Path:
        """A photo reference as a path: absolute as is, relative under ``photo_root``."""
        path = Path(ref)
        if path.is_absolute() or self.photo_root is None:
            return path
        return self.photo_root / path


def date_text(day: date | None) -> str:
    """“Mar 5, 2025”; empty for None."""
    if day is None:
        return ""
    return f"{_MONTHS[day.month - 1]} {day.day}, {day.year}"
