"""The one error of ``make run``."""

from __future__ import annotations

from jeweltrak_core.errors import JewelTrakError


class SystemStartError(JewelTrakError):
    """``make run`` could not bring the system up; the message says what to do."""

    code = "system_start_failed"
