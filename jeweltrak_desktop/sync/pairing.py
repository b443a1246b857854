"""Pairing a workstation with one store of the service, and unpairing it (P10, P16).

Pairing signs in with the person's e-mail and password, picks the store, registers the
workstation, keeps the device token in the OS keychain (``credentials``) and records the
workstation's identity in its local database; the person's session is signed out at the
end, so only the device token stays on the workstation. A workstation's local copy
belongs to one store of one business: pairing it elsewhere needs unpairing first
(``unpairing``).
"""

from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from uuid import UUID

import httpx
from sqlalchemy import select

from jeweltrak_core.errors import JewelTrakError
from jeweltrak_core.store.entities import Store
from jeweltrak_core.sync.wire import decode
from jeweltrak_desktop.services.local_store import DeviceIdentity, LocalStore
from jeweltrak_desktop.store.schema import device
from jeweltrak_desktop.sync.credentials import (
    CredentialLocation,
    delete_device_token,
    fallback_path,
    load_device_token,
    save_device_token,
)
from jeweltrak_desktop.sync.tls import (
    check_server_url,
    connection_error,
    service_client,
)

log = logging.getLogger(__name__)

#: The local database's companions that hold (copies of) store data.
_COMPANION_SUFFIXES = ("-wal", "-shm", "-journal")


class PairingError(JewelTrakError):
    """Pairing or unpairing could not be done; the message says what to do."""

    code = "pairing_failed"


class WrongPassword(PairingError):
    """The service did not accept the e-mail and password."""

    code = "wrong_password"


class StoreChoiceNeeded(PairingError):
    """The business has several stores (or not the one asked for): the person must pick."""

    code = "store_choice_needed"


class AlreadyPaired(PairingError):
    """This workstation's local copy belongs to another store (or is a local demo)."""

    code = "already_paired"


class UnsyncedChanges(PairingError):
    """Unpairing now would throw away changes the service has not received."""

    code = "unsynced_changes"


class ServiceRefused(PairingError):
    """The service answered with an error (its own sentence is the message)."""

    code = "service_refused"


@dataclass(frozen=True)
class StoreSummary:
    """A store as the service lists it."""

    id: UUID
    code: str
    name: str

    def __str__(self) -> str:
        return f"{self.code} – {self.name}"


@dataclass(frozen=True)
class Pairing:
    """A paired workstation."""

    device_id: UUID
    tenant_id: UUID
    store: StoreSummary
    workstation_code: str
    server_url: str
    local_store_path: Path
    credential: CredentialLocation


@dataclass(frozen=True)
class LocalPairing:
    """What the local database says about this workstation."""

    device_id: UUID
    store_id: UUID
    store_code: str
    workstation_code: str
    server_url: str | None
    paired: bool
    pending_ops: int


@dataclass(frozen=True)
class UserSession:
    """A signed-in person (the token is used for pairing only, then signed out)."""

    token: str
    tenant_id: UUID
    user_id: UUID


# --- talking to the service ------------------------------------------------------------


def answer(response: httpx.Response) -> Any:
    """The JSON body of a successful answer; otherwise the clerk's error."""
    if response.is_success:
        return response.json() if response.content else None
    code, message = "", ""
    with contextlib.suppress(ValueError, AttributeError):
        error = response.json().get("error") or {}
        code, message = str(error.get("code") or ""), str(error.get("message") or "")
    status = response.status_code
    if status == 401 and code == "invalid_credentials":
        raise WrongPassword(
            "The e-mail address or password is not right. Check both and try again."
        )
    raise ServiceRefused(
        message or f"The service could not do this (HTTP {status}); try again in a moment.",
        status=status,
        service_code=code,
    )


def call(
    client: httpx.Client,
    method: str,
    path: str,
    *,
    token: str | None = None,
    json: Any = None,
    params: dict[str, Any] | None = None,
) -> Any:
    """One request to the service, its answer or a clerk's error (no answer, TLS, refusal)."""
    headers = {"Authorization": f"Bearer {token}"} if token is not None else None
    try:
        response = client.request(method, path, headers=headers, json=json, params=params)
    except httpx.TransportError as exc:
        raise connection_error(exc, str(client.base_url).rstrip("/")) from exc
    return answer(response)


def sign_in(client: httpx.Client, *, email: str, password: str) -> UserSession:
    """A session for the person (WrongPassword if the service refuses them)."""
    body = call(client, "POST", "/v1/auth/login", json={"email": email, "password": password})
    return UserSession(
        token=body["token"], tenant_id=UUID(body["tenant_id"]), user_id=UUID(body["user_id"])
    )


def sign_out(client: httpx.Client, session: UserSession) -> None:
    """End the session (best effort: it expires on its own anyway)."""
    try:
        call(client, "POST", "/v1/auth/logout", token=session.token)
    except JewelTrakError as exc:
        log.info("signing out after pairing failed (%s); the session will expire", exc.code)


def list_stores(client: httpx.Client, session: UserSession) -> list[StoreSummary]:
    """The stores of the signed-in person's business."""
    body = call(client, "GET", "/v1/auth/me", token=session.token)
    return [StoreSummary(id=UUID(s["id"]), code=s["code"], name=s["name"]) for s in body["stores"]]


def choose_store(stores: list[StoreSummary], store_id: UUID | None) -> StoreSummary:
    """The store asked for, or the only one; otherwise say which stores there are."""
    if store_id is not None:
        for store in stores:
            if store.id == store_id:
                return store
    elif len(stores) == 1:
        return stores[0]
    if not stores:
        raise StoreChoiceNeeded(
            "This business has no store yet: create one on the service first, then pair."
        )
    listing = "; ".join(str(s) for s in stores)
    lead = (
        "That store is not part of this business."
        if store_id is not None
        else "This business has several stores."
    )
    raise StoreChoiceNeeded(
        f"{lead} Choose the store for this workstation: {listing}.",
        stores=[{"id": str(s.id), "code": s.code, "name": s.name} for s in stores],
    )


# --- the local side --------------------------------------------------------------------


def local_pairing(local_store_path: Path) -> LocalPairing | None:
    """The workstation's recorded identity, or None if its database has none."""
    path = Path(local_store_path)
    if not path.exists():
        return None
    local = LocalStore(path)
    try:
        return pairing_of(local)
    finally:
        local.close()


def pairing_of(local: LocalStore) -> LocalPairing | None:
    """What an open local store records about its pairing (None: not set up)."""
    with local.engine.connect() as conn:
        row = conn.execute(select(device)).mappings().first()
    if row is None:
        return None
    return LocalPairing(
        device_id=UUID(row["device_id"]),
        store_id=UUID(row["store_id"]),
        store_code=row["store_code"],
        workstation_code=row["workstation_code"],
        server_url=row["server_url"],
        paired=bool(row["paired"]),
        pending_ops=local.pending_ops(),
    )


def wipe_local_store(local_store_path: Path) -> list[Path]:
    """Delete the database, its journal files, backups and half-built copies (P16).

    The database must be closed (every engine disposed) before this is called.
    """
    path = Path(local_store_path)
    candidates = [path, *(path.with_name(path.name + s) for s in _COMPANION_SUFFIXES)]
    if path.parent.exists():
        candidates += sorted(path.parent.glob(f"{path.name}.bak-*"))
        candidates += sorted(path.parent.glob(f"{path.name}.building*"))
    removed = []
    for candidate in candidates:
        with contextlib.suppress(FileNotFoundError):
            candidate.unlink()
            removed.append(candidate)
    return removed


# --- pairing ---------------------------------------------------------------------------


def pair_workstation(
    *,
    server_url: str,
    email: str,
    password: str,
    store_id: UUID | None,
    label: str,
    local_store_path: Path,
    ca_file: Path | str | None = None,
) -> Pairing:
    """Pair this workstation with a store; its local database is set up for that store."""
    url = check_server_url(server_url)
    path = Path(local_store_path)
    existing = local_pairing(path)
    if existing is not None and not existing.paired:
        raise AlreadyPaired(
            "This workstation holds a store that was never paired (a local demo). "
            "Unpair it first to wipe it, then pair it with your store."
        )
    with service_client(url, ca_file=ca_file) as client:
        session = sign_in(client, email=email, password=password)
        try:
            wanted = UUID(str(store_id)) if store_id is not None else None
            store = choose_store(list_stores(client, session), wanted)
            if existing is not None:
                return _confirm_existing(existing, session, store, url, path, ca_file)
            return _pair_new(client, session, store, label=label, url=url, path=path)
        finally:
            sign_out(client, session)


def _confirm_existing(
    existing: LocalPairing,
    session: UserSession,
    store: StoreSummary,
    url: str,
    path: Path,
    ca_file: Path | str | None,
) -> Pairing:
    """Pairing again with the same store is a no-op; any other store is refused."""
    refusal = AlreadyPaired(
        f"This workstation is paired with store {existing.store_code}"
        f"{' at ' + existing.server_url if existing.server_url else ''}. Unpair it first "
        f"(its local copy is wiped), then pair it with {store}.",
        store_code=existing.store_code,
    )
    if existing.store_id != store.id or existing.server_url != url:
        raise refusal
    orphaned = AlreadyPaired(
        f"This workstation's pairing with store {existing.store_code} is no longer valid "
        "(its credential was revoked or lost). Unpair it first (its local copy is wiped), "
        "then pair it again.",
        store_code=existing.store_code,
    )
    token = load_device_token(existing.device_id, data_dir=path.parent)
    if token is None:
        raise orphaned
    with service_client(url, token=token, ca_file=ca_file) as device_client:
        try:
            me = call(device_client, "GET", "/v1/devices/me")
        except ServiceRefused as exc:  # revoked or unknown to the service
            raise orphaned from exc
    if UUID(me["tenant_id"]) != session.tenant_id:
        raise refusal
    return Pairing(
        device_id=existing.device_id,
        tenant_id=session.tenant_id,
        store=store,
        workstation_code=existing.workstation_code,
        server_url=url,
        local_store_path=path,
        credential=CredentialLocation.KEYCHAIN
        if _in_keychain(existing.device_id, path)
        else CredentialLocation.FILE,
    )


def _in_keychain(device_id: UUID, path: Path) -> bool:
    return not fallback_path(device_id, path.parent).exists()


def _pair_new(
    client: httpx.Client,
    session: UserSession,
    store: StoreSummary,
    *,
    label: str,
    url: str,
    path: Path,
) -> Pairing:
    body = call(
        client,
        "POST",
        "/v1/devices/pair",
        token=session.token,
        json={"store_id": str(store.id), "label": label},
    )
    device_id = UUID(body["device_id"])
    token: str = body["device_token"]
    existed = path.exists()
    try:
        location = save_device_token(device_id, token, data_dir=path.parent)
        settings = _store_settings(client, token, store)
        path.parent.mkdir(parents=True, exist_ok=True)
        local = LocalStore(path)
        try:
            local.set_up(
                DeviceIdentity(
                    device_id=device_id,
                    store_id=store.id,
                    store_code=settings.code,
                    workstation_code=body["workstation_code"],
                ),
                settings,
                paired=True,
                server_url=url,
            )
        finally:
            local.close()
    except BaseException:
        _undo_pairing(client, session, device_id, path, wipe=not existed)
        raise
    log.info(
        "paired this workstation (%s) with store %s as workstation %s",
        device_id,
        store.code,
        body["workstation_code"],
    )
    return Pairing(
        device_id=device_id,
        tenant_id=UUID(body["tenant_id"]),
        store=store,
        workstation_code=body["workstation_code"],
        server_url=url,
        local_store_path=path,
        credential=location,
    )


def _store_settings(client: httpx.Client, device_token: str, store: StoreSummary) -> Store:
    """The store with all its settings, as the service keeps it (read with the new token)."""
    after: str | None = None
    while True:
        params: dict[str, Any] = {"limit": 200}
        if after is not None:
            params["after"] = after
        page = call(client, "GET", "/v1/sync/snapshot/stores", token=device_token, params=params)
        for row in page["rows"]:
            if UUID(row["id"]) == store.id:
                return decode(Store, row["doc"])
        after = page.get("next_after")
        if after is None:
            raise PairingError(
                f"The service did not send the settings of store {store}; try pairing again."
            )


def _undo_pairing(
    client: httpx.Client, session: UserSession, device_id: UUID, path: Path, *, wipe: bool
) -> None:
    """A pairing that failed half-way leaves no device, token or database behind."""
    try:
        call(client, "DELETE", f"/v1/devices/{device_id}", token=session.token)
    except JewelTrakError as exc:
        log.warning(
            "Pairing failed and workstation %s could not be removed from the service (%s); "
            "remove it under Devices.",
            device_id,
            exc.message,
        )
    delete_device_token(device_id, data_dir=path.parent)
    if wipe:
        wipe_local_store(path)
