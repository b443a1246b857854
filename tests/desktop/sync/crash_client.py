"""A workstation process that the fault tests SIGKILL at a chosen point of its sync cycle.

    python crash_client.py DB URL PHASE COUNT BATCH  (the device token is in JT_DEVICE_TOKEN)

It creates COUNT pieces at the counter (each its own committed local transaction), then:

* ``after-commit``: says ``committed`` and waits to be killed — nothing was uploaded;
* ``after-push``: uploads; the moment the service's answer to the first push arrives
  (the service has committed the batch) it says ``pushed`` and waits to be killed, so the
  workstation never records the acknowledgement.

It never exits on its own; the parent kills it with SIGKILL once it has spoken.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from pathlib import Path

import httpx

from jeweltrak_core.inventory.stock import Family
from jeweltrak_desktop.services import inventory
from jeweltrak_desktop.services.local_store import LocalStore
from jeweltrak_desktop.sync.engine import SyncEngine
from jeweltrak_desktop.sync.transport import SyncTransport


class FreezeAfterPushAnswer(httpx.HTTPTransport):
    """Delivers requests for real; after the first push answer arrives, freezes forever."""

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = super().handle_request(request)
        if request.url.path == "/v1/sync/push":
            response.read()
            print("pushed", flush=True)
            threading.Event().wait()
        return response


def main() -> None:
    db, url, phase = sys.argv[1], sys.argv[2], sys.argv[3]
    count, batch = int(sys.argv[4]), int(sys.argv[5])
    token = os.environ["JT_DEVICE_TOKEN"]
    local = LocalStore(Path(db))
    for n in range(count):
        inventory.create_piece(
            local, family=Family.JEWELRY, description=f"Crash-test ring {n}", cost_cents=50_000
        )
    if phase == "after-commit":
        print("committed", flush=True)
    elif phase == "after-push":
        client = httpx.Client(transport=FreezeAfterPushAnswer(), timeout=30)
        transport = SyncTransport(url, lambda: token, client=client)
        SyncEngine(local, transport, batch_size=batch).upload()
        raise SystemExit("the push never answered")
    else:
        raise SystemExit(f"unknown phase {phase}")
    while True:
        time.sleep(3600)


if __name__ == "__main__":
    main()
