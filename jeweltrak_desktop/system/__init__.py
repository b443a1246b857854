"""``make run``: the whole system in one command — sync service, demo business, paired desktop.

    python -m jeweltrak_desktop.system [--no-gui] [--port 8765] [--data-dir DIR]

1. The sync service (``service``): one already answering ``/health`` on 127.0.0.1:PORT is
   reused; otherwise ``python -m sync_server serve`` is started in the background, on its
   embedded PostgreSQL (or ``DATABASE_URL`` when set), its files in ``DIR/sync-service``.
   Only a service started here is stopped on exit (with its embedded PostgreSQL).
2. The demo business (``demo_business``, staff in ``jeweltrak_desktop.system_staff``):
   owner ``demo@jeweltrak.test`` with a password generated on first use and kept in
   ``DIR/demo-owner.json`` (mode 0600) — never a secret in the repository — and its
   store D, each created only if absent.
3. This workstation (``workstation``): paired with store D like any workstation (token in
   the keychain, or the logged file fallback), then synced from the service. A store with
   no pieces yet gets the demo's pieces, contacts and history as operations on this
   workstation, which are uploaded, so the service — and any other workstation — holds
   the same store.
4. The desktop (``cli``): ``python -m jeweltrak_desktop --data-dir DIR/synced-demo``
   (skipped with ``--no-gui``). ``DIR`` defaults to the desktop's data folder
   (``JEWELTRAK_DATA_DIR``).

A developer tool, never bundled with the app (``installers/bundle.py`` excludes this
package). The names below are importable from here as they were from the single module
this package replaced.
"""

from __future__ import annotations

from jeweltrak_desktop.system.cli import main, parse_args, run_desktop
from jeweltrak_desktop.system.demo_business import (
    DEMO_EMAIL,
    DEMO_OWNER_NAME,
    OWNER_FILE,
    demo_owner_password,
    ensure_demo_owner,
    ensure_demo_store,
)
from jeweltrak_desktop.system.errors import SystemStartError
from jeweltrak_desktop.system.service import (
    DEFAULT_PORT,
    SERVICE_DIR,
    START_TIMEOUT_S,
    STOP_TIMEOUT_S,
    ServiceHandle,
    answers_health,
    start_or_reuse_service,
)
from jeweltrak_desktop.system.workstation import (
    MIN_CONTACTS,
    MIN_PIECES,
    WORKSTATION_DIR,
    DemoWorkstation,
    ensure_paired,
    prepare_demo_workstation,
    seed_demo_store,
    sync_demo_store,
)

__all__ = [
    "DEFAULT_PORT",
    "DEMO_EMAIL",
    "DEMO_OWNER_NAME",
    "MIN_CONTACTS",
    "MIN_PIECES",
    "OWNER_FILE",
    "SERVICE_DIR",
    "START_TIMEOUT_S",
    "STOP_TIMEOUT_S",
    "WORKSTATION_DIR",
    "DemoWorkstation",
    "ServiceHandle",
    "SystemStartError",
    "answers_health",
    "demo_owner_password",
    "ensure_demo_owner",
    "ensure_demo_store",
    "ensure_paired",
    "main",
    "parse_args",
    "prepare_demo_workstation",
    "run_desktop",
    "seed_demo_store",
    "start_or_reuse_service",
    "sync_demo_store",
]
