"""Whether cards can be taken now, and if not, the reason the counter shows."""

from __future__ import annotations

from dataclasses import dataclass, field

from jeweltrak_core.errors import JewelTrakError
from jeweltrak_desktop.services.card_payments import (
    CardPayments,
    CardPaymentsUnavailable,
    Reader,
)

NOT_PAIRED = "Not paired with a store server"
OFFLINE = "Offline — cards wait for the connection"


@dataclass(frozen=True)
class CardState:
    """Cards possible or not (``reason`` says why not), and the store's readers."""

    available: bool
    reason: str = ""
    readers: list[Reader] = field(default_factory=list)

    @property
    def online_readers(self) -> list[Reader]:
        """Readers that can take a card now."""
        return [r for r in self.readers if r.online]


def check_cards(client: CardPayments | None) -> CardState:
    """Ask the service for the readers (blocks: run it with ``run_net``)."""
    if client is None:
        return CardState(False, NOT_PAIRED)
    try:
        readers = client.readers()
    except CardPaymentsUnavailable as exc:
        return CardState(False, OFFLINE if exc.details.get("reason") == "offline"
                         else exc.message)
    except JewelTrakError as exc:  # e.g. the credential was revoked
        return CardState(False, exc.message)
    return CardState(True, "", readers)


def reader_sentence(state: CardState) -> str:
    """The status bar's words for the readers."""
    if not state.available:
        return f"Card reader: {state.reason}"
    if not state.readers:
        return "Card reader: none paired (Settings)"
    online = state.online_readers
    if len(state.readers) == 1:
        reader = state.readers[0]
        return f"Card reader: {reader.label} — {'online' if reader.online else 'offline'}"
    return f"Card readers: {len(online)} of {len(state.readers)} online"
