"""The QuickBooks Online Accounting API (v3, JSON) for one company (realm).

Money leaves as JSON numbers written from ``Decimal`` text (never through ``float``) and
comes back parsed as ``Decimal``. Every create carries ``requestid``: Intuit answers a
repeated request ID with the original response instead of creating again, which is what
makes a retry after a lost response harmless. Error bodies are Intuit's ``Fault``
(``{"Fault": {"Error": [{"Message", "Detail", "code"}], "type"}}``); only the code and the
message (never the request) reach logs or our answers.
"""

from __future__ import annotations

import json
import re
import uuid
from decimal import Decimal
from typing import Any

import httpx

from sync_server.integrations.quickbooks.errors import QuickBooksError, Rejected, Unavailable
from sync_server.integrations.quickbooks.settings import QuickBooksSettings


class AccessDenied(QuickBooksError):
    """401 from the API: the access token expired early or the grant was revoked."""

    code = "quickbooks_access_denied"
    status = 409


def dumps_exact(payload: Any) -> str:
    """JSON text of ``payload`` where every ``Decimal`` is written as an exact number."""
    marker = uuid.uuid4().hex  # per call, so no text in the payload can imitate it

    def default(value: object) -> str:
        if isinstance(value, Decimal):
            if not value.is_finite():
                raise ValueError("a money amount must be finite")
            return f"{marker}{value:f}{marker}"
        raise TypeError(f"cannot encode {type(value).__name__}")

    text = json.dumps(payload, default=default, separators=(",", ":"))
    return re.sub(f'"{marker}(-?[0-9]+(?:\\.[0-9]+)?){marker}"', r"\1", text)


def _fault(response: httpx.Response) -> tuple[str | None, str]:
    """(code, sentence) of an Intuit Fault body (either letter case), or a generic one."""
    try:
        body = response.json(parse_float=Decimal)
    except ValueError:
        body = {}
    fault = (body.get("Fault") or body.get("fault") or {}) if isinstance(body, dict) else {}
    errors = fault.get("Error") or fault.get("error") or []
    if errors and isinstance(errors[0], dict):
        first = errors[0]
        message = str(first.get("Message") or first.get("message") or "").strip()
        detail = str(first.get("Detail") or first.get("detail") or "").strip()
        text = f"{message}: {detail}" if detail and detail != message else message
        return (str(first.get("code")) if first.get("code") is not None else None,
                text[:300] or f"QuickBooks answered {response.status_code}.")
    return None, f"QuickBooks answered {response.status_code}."


class AccountingApi:
    """Calls for one realm with one access token (never logged)."""

    def __init__(self, settings: QuickBooksSettings, http: httpx.Client, *, realm_id: str,
                 access_token: str) -> None:
        if not realm_id.isdigit():
            raise ValueError("a QuickBooks realm ID is digits")
        self._base = f"{settings.api_base.rstrip('/')}/v3/company/{realm_id}"
        self._minor = str(settings.minor_version)
        self._http = http
        self._headers = {"Authorization": f"Bearer {access_token}",
                         "Accept": "application/json"}

    def __repr__(self) -> str:
        return f"AccountingApi(base={self._base!r})"

    def _send(self, method: str, path: str, params: dict[str, str],
              body: dict[str, Any] | None = None) -> dict[str, Any]:
        headers = dict(self._headers)
        content = None
        if body is not None:
            headers["Content-Type"] = "application/json"
            content = dumps_exact(body).encode()
        try:
            response = self._http.request(method, f"{self._base}/{path}",
                                          params={**params, "minorversion": self._minor},
                                          content=content, headers=headers)
        except httpx.HTTPError as exc:
            raise Unavailable("QuickBooks did not answer; the next run retries (safely: "
                              "the same request ID is sent again).") from exc
        if response.status_code == 401:
            raise AccessDenied("QuickBooks refused the access token.")
        if response.status_code >= 500 or response.status_code == 429:
            raise Unavailable(f"QuickBooks answered {response.status_code}; the next run "
                              "retries.")
        if response.status_code != 200:
            code, sentence = _fault(response)
            raise Rejected(sentence, status=response.status_code, fault_code=code)
        try:
            parsed = response.json(parse_float=Decimal)
        except ValueError as exc:
            raise Unavailable("QuickBooks answered something that is not JSON.") from exc
        if not isinstance(parsed, dict):
            raise Unavailable("QuickBooks answered something unexpected.")
        return parsed

    def query(self, statement: str, entity: str) -> list[dict[str, Any]]:
        """Rows of a QuickBooks query (``select * from Customer where …``)."""
        body = self._send("GET", "query", {"query": statement})
        rows = (body.get("QueryResponse") or {}).get(entity) or []
        return [row for row in rows if isinstance(row, dict)]

    def create(self, entity: str, payload: dict[str, Any], *, request_id: str
               ) -> dict[str, Any]:
        """Create ``entity`` (``Customer``, ``SalesReceipt``, ``Invoice``) idempotently."""
        body = self._send("POST", entity.lower(), {"requestid": request_id}, payload)
        return _entity(body, entity)

    def read(self, entity: str, entity_id: str) -> dict[str, Any]:
        """One entity by its QuickBooks ID."""
        return _entity(self._send("GET", f"{entity.lower()}/{entity_id}", {}), entity)

    def void(self, entity: str, entity_id: str, sync_token: str, *, request_id: str
             ) -> dict[str, Any]:
        """Void a SalesReceipt or Invoice (kept in the books at zero)."""
        body = self._send("POST", entity.lower(), {"operation": "void",
                                                   "requestid": request_id},
                          {"Id": entity_id, "SyncToken": sync_token, "sparse": True})
        return _entity(body, entity)


def _entity(body: dict[str, Any], entity: str) -> dict[str, Any]:
    found = body.get(entity)
    if not isinstance(found, dict) or not found.get("Id"):
        raise Unavailable(f"QuickBooks answered without the {entity}.")
    return found


def quote(text: str) -> str:
    """A value for a QuickBooks query string literal (quotes escaped)."""
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"
