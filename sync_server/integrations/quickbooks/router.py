"""HTTP endpoints of QuickBooks Online: connect, callback, status, sync, disconnect.

Everything but the callback needs the business owner's session; the callback is Intuit
redirecting the owner's browser, so its tenant comes from the signed ``state`` only. No
answer ever carries a token (P9).
"""

from __future__ import annotations

import html
import logging
import threading
from typing import Annotated, Any

import httpx
from fastapi import APIRouter, Depends, FastAPI, Query, Request
from fastapi.responses import HTMLResponse

from sync_server.deps import CurrentUser, EngineDep, SettingsDep, UserContext
from sync_server.errors import ServiceError
from sync_server.integrations.quickbooks import tokens
from sync_server.integrations.quickbooks.errors import QuickBooksError
from sync_server.integrations.quickbooks.oauth import IntuitOAuth
from sync_server.integrations.quickbooks.push import push_pending_sales
from sync_server.integrations.quickbooks.settings import QuickBooksSettings
from sync_server.integrations.vault import TokenVault

router = APIRouter(prefix="/v1/integrations/quickbooks", tags=["integrations"])
log = logging.getLogger(__name__)
_lock = threading.Lock()


def qbo_settings_for(app: FastAPI) -> QuickBooksSettings:
    """The app's QuickBooks settings, read from the environment on first use."""
    with _lock:
        found: QuickBooksSettings | None = getattr(app.state, "quickbooks_settings", None)
        if found is None:
            found = QuickBooksSettings()
            app.state.quickbooks_settings = found
        return found


def _qbo(request: Request) -> QuickBooksSettings:
    return qbo_settings_for(request.app)


QboDep = Annotated[QuickBooksSettings, Depends(_qbo)]


def _owner(caller: UserContext) -> None:
    if not caller.is_owner:
        raise ServiceError(403, "permission_denied",
                           "Only the business owner can manage the QuickBooks connection.")


def _vault(settings: SettingsDep) -> TokenVault:
    return TokenVault.from_environment(settings.secret_key.get_secret_value())


VaultDep = Annotated[TokenVault, Depends(_vault)]


def _redirect_uri(qbo: QuickBooksSettings, public_base_url: str) -> str:
    return qbo.redirect_uri or f"{public_base_url.rstrip('/')}{router.prefix}/callback"


def _service_error(exc: QuickBooksError) -> ServiceError:
    return ServiceError(exc.status, exc.code, exc.message)


@router.post("/connect")
def connect(caller: CurrentUser, settings: SettingsDep, qbo: QboDep) -> dict[str, str]:
    """Intuit's consent URL for the owner's browser (state signed for this tenant)."""
    _owner(caller)
    with httpx.Client(timeout=qbo.timeout_seconds) as http:
        try:
            url = tokens.connect_url(
                IntuitOAuth(qbo, http), qbo, secret=settings.secret_key.get_secret_value(),
                tenant_id=caller.tenant.id, user_id=caller.user_id,
                redirect_uri=_redirect_uri(qbo, settings.public_base_url))
        except QuickBooksError as exc:
            raise _service_error(exc) from exc
    return {"url": url}


@router.get("/callback", response_class=HTMLResponse)
def callback(engine: EngineDep, settings: SettingsDep, qbo: QboDep, vault: VaultDep,
             state: Annotated[str, Query(max_length=512)] = "",
             code: Annotated[str, Query(max_length=512)] = "",
             realm_id: Annotated[str, Query(alias="realmId", max_length=32)] = "",
             error: Annotated[str, Query(max_length=100)] = "") -> HTMLResponse:
    """Where Intuit sends the owner back; stores the tokens (encrypted) on success."""
    if error:
        raise ServiceError(400, "quickbooks_declined",
                           "QuickBooks was not connected (the request was declined at "
                           "Intuit); start again from Settings → Integrations if you meant to.")
    with httpx.Client(timeout=qbo.timeout_seconds) as http:
        try:
            done = tokens.complete_connect(
                engine, vault, IntuitOAuth(qbo, http),
                secret=settings.secret_key.get_secret_value(), state=state, code=code,
                realm_id=realm_id, redirect_uri=_redirect_uri(qbo, settings.public_base_url))
        except tokens.BadCallback as exc:
            raise ServiceError(400, "invalid_state", str(exc)) from exc
        except QuickBooksError as exc:
            raise ServiceError(400 if exc.code == "quickbooks_reconnect" else exc.status,
                               exc.code, "QuickBooks did not accept this connection; start "
                               "again from Settings → Integrations.") from exc
    return HTMLResponse(
        "<!doctype html><meta charset=utf-8><title>QuickBooks connected</title>"
        f"<p>QuickBooks company {html.escape(done.realm_id)} is connected to JewelTrak. "
        "You can close this window.</p>")


@router.get("")
def get_status(caller: CurrentUser, engine: EngineDep) -> dict[str, Any]:
    """Connected or not, the company, the last error and sales QuickBooks refused."""
    _owner(caller)
    return tokens.status(engine, caller.tenant)


@router.post("/sync")
def sync_now(caller: CurrentUser, engine: EngineDep, qbo: QboDep,
             vault: VaultDep) -> dict[str, Any]:
    """Push the business's finalized sales now; returns what was done."""
    _owner(caller)
    try:
        counts = push_pending_sales(engine, caller.tenant, vault=vault, qbo=qbo)
    except QuickBooksError as exc:
        raise _service_error(exc) from exc
    return counts.as_dict()


@router.delete("")
def disconnect(caller: CurrentUser, engine: EngineDep, qbo: QboDep,
               vault: VaultDep) -> dict[str, Any]:
    """Revoke the grant at Intuit and forget the tokens."""
    _owner(caller)
    with httpx.Client(timeout=qbo.timeout_seconds) as http:
        try:
            return tokens.disconnect(engine, caller.tenant, vault, IntuitOAuth(qbo, http))
        except QuickBooksError as exc:
            raise _service_error(exc) from exc
