"""What the shell and Settings show about this workstation and its store (no Qt here)."""

from __future__ import annotations

from dataclasses import dataclass

from jeweltrak_core.store.entities import OversellException, Store
from jeweltrak_desktop.services.local_store import LocalStore
from jeweltrak_desktop.sync.pairing import LocalPairing, pairing_of


@dataclass(frozen=True)
class WorkstationInfo:
    """The store's settings (as synced) and this workstation's pairing."""

    store: Store | None
    pairing: LocalPairing | None

    @property
    def heading(self) -> str:
        """"Demo Fine Jewelers · store D, workstation A"."""
        name = self.store.name if self.store is not None else "No store yet"
        if self.pairing is None:
            return name
        return f"{name} · store {self.pairing.store_code}, workstation " \
               f"{self.pairing.workstation_code}"


def workstation_info(local: LocalStore) -> WorkstationInfo:
    """Read the store and the pairing."""
    pairing = pairing_of(local)
    store = None
    if pairing is not None:
        with local.reader() as repo:
            store = repo.get(Store, pairing.store_id)
    return WorkstationInfo(store=store, pairing=pairing)


def open_oversells(local: LocalStore, *, limit: int = 200) -> list[OversellException]:
    """Oversell exceptions no manager has resolved yet, newest first."""
    with local.reader() as repo:
        return repo.query(
            OversellException,
            "SELECT * FROM oversell_exceptions WHERE resolved_at IS NULL "
            "ORDER BY created_at DESC LIMIT ?",
            (limit,),
        )
