"""Background sync for a paired workstation's window: engine, transport and Qt worker.

The app calls ``start_background_sync`` once its store is open; a workstation that is not
paired (the local-only demo) gets None and stays local.
"""

from __future__ import annotations

import logging
from pathlib import Path

import httpx

from jeweltrak_desktop.services.local_store import LocalStore
from jeweltrak_desktop.sync.credentials import load_device_token
from jeweltrak_desktop.sync.engine import SyncEngine
from jeweltrak_desktop.sync.pairing import pairing_of
from jeweltrak_desktop.sync.tls import check_server_url, service_client
from jeweltrak_desktop.sync.transport import SyncTransport
from jeweltrak_desktop.sync.worker import SyncWorker

log = logging.getLogger(__name__)


class BackgroundSync:
    """The running worker and the HTTP client it owns."""

    def __init__(self, worker: SyncWorker, client: httpx.Client) -> None:
        self.worker = worker
        self.client = client

    def stop(self) -> None:
        """Stop syncing (waits for the current request) and close the connection."""
        self.worker.stop()
        self.client.close()


def start_background_sync(store: LocalStore, database: Path) -> BackgroundSync | None:
    """Start syncing when the workstation is paired; None when it is local only."""
    # The store is already open: read its pairing there rather than opening it again.
    pairing = pairing_of(store)
    if pairing is None or not pairing.paired or not pairing.server_url:
        return None
    url = check_server_url(pairing.server_url)
    token = load_device_token(pairing.device_id, data_dir=database.parent)
    if token is None:
        log.warning("this workstation is paired but its credential is missing; not syncing")
        return None
    client = service_client(url)
    transport = SyncTransport(url, lambda: token, client=client)
    worker = SyncWorker(SyncEngine(store, transport))
    worker.start()
    log.info("syncing with %s in the background", url)
    return BackgroundSync(worker, client)
