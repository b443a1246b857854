"""``PrinterError``: every way a printer can fail, as one error with a clerk sentence."""

from __future__ import annotations

import errno
import socket

from jeweltrak_core.errors import JewelTrakError

#: What the clerk does next when a receipt did not print (the sale itself is already saved).
RECEIPT_ADVICE = "The sale is saved; reprint from the invoice."
#: What the clerk does next when the drawer did not open.
DRAWER_ADVICE = "Open the cash drawer with its key."
#: What the clerk does next when tags did not print.
TAG_ADVICE = "Check the tag printer and print the tags again."


class PrinterError(JewelTrakError):
    """A receipt or tag printer could not be reached, refused the job or is not ready.

    ``details["reason"]`` says why in one word (``no_answer``, ``refused``, ``not_found``,
    ``offline``, ``paper_out``, ``unwritable``, ``usb_unavailable``, ``failed``) for logs
    and for the Settings screen's "test printer" result.
    """

    code = "printer_unavailable"


def network_reason(exc: BaseException | None) -> str:
    """One word for a socket failure: ``refused``, ``timeout``, ``unreachable`` or ``failed``."""
    if isinstance(exc, ConnectionRefusedError):
        return "refused"
    if isinstance(exc, TimeoutError | socket.timeout):
        return "timeout"
    if isinstance(exc, socket.gaierror):
        return "unknown_host"
    if isinstance(exc, OSError) and exc.errno in (
        errno.EHOSTUNREACH,
        errno.ENETUNREACH,
        errno.EHOSTDOWN,
    ):
        return "unreachable"
    return "failed"


def no_answer(printer: str, exc: BaseException | None, advice: str) -> PrinterError:
    """The printer did not take the job (refused, timed out, unreachable, dropped the line)."""
    reason = network_reason(exc)
    if reason == "unknown_host":
        problem = f"The {printer} could not be found on the network."
    else:
        problem = f"The {printer} did not answer."
    return PrinterError(f"{problem} {advice}", reason=reason, printer=printer)
