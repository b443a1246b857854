"""Unpairing a workstation (P16): revoke the device, forget its token, wipe the local copy.

The workstation revokes itself with its own device token (``DELETE /v1/devices/me``), so
no one needs to sign in; when a person does sign in (``email``/``password``), the device is
revoked in their name instead. When the service cannot be reached, or refuses, the local
copy and the token are wiped all the same and a warning names the device an administrator
should remove.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from uuid import UUID

from jeweltrak_desktop.sync.credentials import delete_device_token, load_device_token
from jeweltrak_desktop.sync.pairing import (
    LocalPairing,
    ServiceRefused,
    UnsyncedChanges,
    call,
    local_pairing,
    sign_in,
    sign_out,
    wipe_local_store,
)
from jeweltrak_desktop.sync.tls import InsecureConnection, ServiceUnreachable, service_client

log = logging.getLogger(__name__)

_LEFT_BEHIND = (
    "Workstation %s was not removed from the service (%s); an administrator should "
    "remove it under Devices."
)


@dataclass(frozen=True)
class Unpairing:
    """What unpairing did."""

    device_id: UUID | None
    revoked: bool
    removed: list[Path]


def unpair_workstation(
    local_store_path: Path,
    *,
    email: str | None = None,
    password: str | None = None,
    discard_unsynced: bool = False,
    ca_file: Path | str | None = None,
) -> Unpairing:
    """Revoke the device (best effort), forget its token, wipe the local copy (P16).

    Refuses while changes are waiting to upload unless ``discard_unsynced``. The local
    database must be closed.
    """
    path = Path(local_store_path)
    existing = local_pairing(path)
    if existing is not None and existing.pending_ops and not discard_unsynced:
        raise UnsyncedChanges(
            f"{existing.pending_ops} change(s) made on this workstation have not reached the "
            "service yet. Connect and let them upload, or unpair anyway to discard them.",
            pending=existing.pending_ops,
        )
    if existing is not None and existing.pending_ops:
        log.warning(
            "Unpairing discards %s change(s) the service never received.", existing.pending_ops
        )
    revoked = False
    if existing is not None and existing.paired and existing.server_url:
        revoked = _revoke(
            existing, email=email, password=password, ca_file=ca_file, data_dir=path.parent
        )
    if existing is not None:
        delete_device_token(existing.device_id, data_dir=path.parent)
    removed = wipe_local_store(path)
    log.info("unpaired: removed %s", ", ".join(p.name for p in removed) or "nothing")
    return Unpairing(
        device_id=existing.device_id if existing else None, revoked=revoked, removed=removed
    )


def _revoke(
    existing: LocalPairing,
    *,
    email: str | None,
    password: str | None,
    ca_file: Path | str | None,
    data_dir: Path,
) -> bool:
    """Revoke the device on the service; False (warning logged) when that cannot be done."""
    assert existing.server_url is not None
    device_token = load_device_token(existing.device_id, data_dir=data_dir)
    if not (email and password) and device_token is None:
        log.warning(_LEFT_BEHIND, existing.device_id, "its token is gone and no one signed in")
        return False
    try:
        with service_client(existing.server_url, ca_file=ca_file) as client:
            if email and password:
                session = sign_in(client, email=email, password=password)
                try:
                    call(client, "DELETE", f"/v1/devices/{existing.device_id}",
                         token=session.token)
                finally:
                    sign_out(client, session)
            else:
                call(client, "DELETE", "/v1/devices/me", token=device_token)
    except (ServiceUnreachable, InsecureConnection) as exc:
        log.warning(_LEFT_BEHIND, existing.device_id, exc.message)
        return False
    except ServiceRefused as exc:
        if exc.details.get("status") not in (401, 404):
            raise
        log.warning(_LEFT_BEHIND, existing.device_id, exc.message)
        return False
    return True
