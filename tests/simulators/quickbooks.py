"""A QuickBooks Online simulator: Intuit's OAuth 2.0 endpoints and a slice of the v3
Accounting API (Customer, SalesReceipt, Invoice, query), on loopback.

Shapes follow Intuit's published behaviour: the token endpoint takes form posts with HTTP
Basic client credentials and answers ``{access_token, refresh_token, expires_in,
x_refresh_token_expires_in, token_type}``; a refused grant is 400 ``{"error":
"invalid_grant"}``; API errors are ``{"Fault": {"Error": [{"Message", "Detail", "code"}],
"type"}, "time"}`` (401s use Intuit's lower-case ``fault``/``error``); a repeated
``requestid`` replays the original answer instead of creating again. Money is kept as
``Decimal``; JSON numbers go out through ``float`` only at the wire (exact for amounts
below 10^13 cents, which is what JSON text holds anyway).
"""

from __future__ import annotations

import base64
import json
import re
import secrets
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, Self
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from .loopback import Handler, LoopbackSimulator, Response, serve

SCOPE = "com.intuit.quickbooks.accounting"
_API = re.compile(r"^/v3/company/(?P<realm>[0-9]+)/(?P<rest>.+)$")
_QUERY = re.compile(r"^\s*select \* from (?P<entity>\w+)(?:\s+where\s+(?P<field>\w+)\s*=\s*"
                    r"'(?P<value>(?:[^'\\]|\\.)*)')?\s*$", re.IGNORECASE)
_CENT = Decimal("0.01")


class _Dropped(Exception):
    """The simulator did the work but the answer is "lost": the connection just closes."""


@dataclass
class Company:
    """One QuickBooks company (realm) and what it holds."""

    realm: str
    customers: dict[str, dict[str, Any]] = field(default_factory=dict)
    documents: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    items: dict[str, str] = field(default_factory=lambda: {"1": "Services"})
    replies: dict[str, Response] = field(default_factory=dict)  # requestid -> answer
    next_id: int = 1

    def new_id(self) -> str:
        self.next_id += 1
        return str(self.next_id)


@dataclass
class Grant:
    """One owner's consent: its current tokens."""

    realm: str
    refresh_token: str
    access_tokens: dict[str, float] = field(default_factory=dict)  # token -> expires (epoch)
    revoked: bool = False


class QuickBooksSimulator(LoopbackSimulator):
    """Intuit OAuth + Accounting API on 127.0.0.1; see docs/simulators.md."""

    def __init__(self, client_id: str = "qbo-sim-client", client_secret: str = "qbo-sim-secret",
                 *, access_token_seconds: int = 3600,
                 refresh_token_seconds: int = 8_726_400) -> None:
        self.client_id, self.client_secret = client_id, client_secret
        self.access_token_seconds = access_token_seconds
        self.refresh_token_seconds = refresh_token_seconds
        self.companies: dict[str, Company] = {}
        self.grants: list[Grant] = []
        self.requests: list[tuple[str, str, int]] = []  # (method, path, status): no tokens
        self.revoked_tokens = 0
        self.next_realm = "9130354000001"
        self._codes: dict[str, tuple[str, str]] = {}  # code -> (realm, redirect_uri)
        self._drop: list[str] = []  # entity paths whose next answer is lost
        self._lock = threading.Lock()

    # --- lifecycle: the loopback server, plus the query string of POSTs --------------
    def _handler(self) -> Handler:
        return self._handle

    def start(self) -> Self:
        """Serve; POST handlers also see the query (Intuit puts ``requestid`` there)."""
        if self._server is None:
            server = serve(self._handler())
            base = server.RequestHandlerClass

            class _WithQuery(base):  # type: ignore[valid-type,misc]
                def _run(self) -> None:
                    del self.headers["X-Loopback-Query"]
                    self.headers["X-Loopback-Query"] = urlsplit(self.path).query
                    try:
                        base._run(self)  # type: ignore[attr-defined]
                    except _Dropped:
                        self.close_connection = True

                do_GET = do_POST = do_DELETE = _run

            server.RequestHandlerClass = _WithQuery
            self._server = server
        return self

    # --- test helpers -------------------------------------------------------------------
    @property
    def authorize_url(self) -> str:
        return f"{self.base_url}/connect/oauth2"

    @property
    def token_url(self) -> str:
        return f"{self.base_url}/oauth2/v1/tokens/bearer"

    @property
    def revoke_url(self) -> str:
        return f"{self.base_url}/oauth2/v1/tokens/revoke"

    def env(self) -> dict[str, str]:
        """``JEWELTRAK_QBO_*`` variables pointing the service at this simulator."""
        return {"JEWELTRAK_QBO_CLIENT_ID": self.client_id,
                "JEWELTRAK_QBO_CLIENT_SECRET": self.client_secret,
                "JEWELTRAK_QBO_AUTHORIZE_URL": self.authorize_url,
                "JEWELTRAK_QBO_TOKEN_URL": self.token_url,
                "JEWELTRAK_QBO_REVOKE_URL": self.revoke_url,
                "JEWELTRAK_QBO_API_BASE": self.base_url}

    def company(self, realm: str) -> Company:
        with self._lock:
            return self.companies.setdefault(realm, Company(realm))

    def documents(self, realm: str, kind: str | None = None) -> list[dict[str, Any]]:
        """Copies of the SalesReceipts/Invoices of a company (``kind`` filters)."""
        with self._lock:
            found = self.companies.get(realm)
            return [json.loads(json.dumps(d, default=str)) | {"_amounts": _amounts(d)}
                    for (k, _), d in sorted((found.documents if found else {}).items())
                    if kind is None or k == kind]

    def customers(self, realm: str) -> list[dict[str, Any]]:
        with self._lock:
            found = self.companies.get(realm)
            return [dict(c) for c in (found.customers.values() if found else [])]

    def expire_access_tokens(self) -> None:
        """Every issued access token expires now (Intuit answers 401 to them)."""
        with self._lock:
            for grant in self.grants:
                grant.access_tokens = dict.fromkeys(grant.access_tokens, 0.0)

    def revoke_grant(self, realm: str) -> None:
        """The owner disconnected the app inside QuickBooks: refresh → invalid_grant."""
        with self._lock:
            for grant in self.grants:
                if grant.realm == realm:
                    grant.revoked = True

    def drop_next_answer(self, entity: str) -> None:
        """Do the next create/void of ``entity`` (e.g. ``salesreceipt``), lose the answer."""
        with self._lock:
            self._drop.append(entity.lower())

    def live_grants(self, realm: str) -> int:
        with self._lock:
            return sum(1 for g in self.grants if g.realm == realm and not g.revoked)

    def stored_text(self) -> str:
        """Everything the simulator keeps about API objects, as text (for scans)."""
        with self._lock:
            return json.dumps([(c.customers, list(c.documents.values()))
                               for c in self.companies.values()], default=str)

    # --- HTTP ---------------------------------------------------------------------------
    def _handle(self, method: str, path: str, text: str, headers: dict[str, str]) -> Response:
        query = parse_qs(headers.get("x-loopback-query", "") if method == "POST" else text)
        with self._lock:
            response = self._route(method, path, text, query, headers)
            self.requests.append((method, path, response.status))
            entity = path.rsplit("/", 1)[-1]
            if method == "POST" and response.status == 200 and entity in self._drop:
                self._drop.remove(entity)
                raise _Dropped
        return response

    def _route(self, method: str, path: str, text: str, query: dict[str, list[str]],
               headers: dict[str, str]) -> Response:
        if method == "GET" and path == "/connect/oauth2":
            return self._authorize(query)
        if method == "POST" and path == "/oauth2/v1/tokens/bearer":
            return self._token(text, headers)
        if method == "POST" and path == "/oauth2/v1/tokens/revoke":
            return self._revoke(text, headers)
        match = _API.match(path)
        if match is None:
            return _fault(404, "ValidationFault", "610", "Object Not Found", "No such endpoint.")
        denied = self._bearer(headers, match["realm"])
        if denied is not None:
            return denied
        company = self.companies.setdefault(match["realm"], Company(match["realm"]))
        return self._api(company, method, match["rest"], text, query)

    # --- OAuth ------------------------------------------------------------------------
    def _authorize(self, query: dict[str, list[str]]) -> Response:
        one = {k: v[0] for k, v in query.items()}
        if one.get("client_id") != self.client_id:
            return Response(400, {"error": "invalid_client"})
        if one.get("response_type") != "code" or SCOPE not in one.get("scope", "").split():
            return Response(400, {"error": "invalid_request"})
        redirect = one.get("redirect_uri", "")
        if not redirect.startswith(("http://", "https://")):
            return Response(400, {"error": "invalid_request"})
        code = "AB" + secrets.token_urlsafe(24)
        realm = self.next_realm
        self._codes[code] = (realm, redirect)
        self.companies.setdefault(realm, Company(realm))
        params = urlencode({"code": code, "state": one.get("state", ""), "realmId": realm})
        return Response(302, {}, headers={"Location": f"{redirect}?{params}"})

    def _client_ok(self, headers: dict[str, str]) -> bool:
        scheme, _, value = headers.get("authorization", "").partition(" ")
        if scheme.lower() != "basic":
            return False
        try:
            ident, _, secret = base64.b64decode(value).decode().partition(":")
        except ValueError:
            return False
        return (ident, secret) == (self.client_id, self.client_secret)

    def _issue(self, grant: Grant) -> Response:
        access = "eyJsim." + secrets.token_urlsafe(32)
        grant.access_tokens[access] = time.time() + self.access_token_seconds
        return Response(200, {"token_type": "bearer", "access_token": access,
                              "refresh_token": grant.refresh_token,
                              "expires_in": self.access_token_seconds,
                              "x_refresh_token_expires_in": self.refresh_token_seconds})

    def _token(self, text: str, headers: dict[str, str]) -> Response:
        if not self._client_ok(headers):
            return Response(401, {"error": "invalid_client"})
        form = {k: v[0] for k, v in parse_qs(text).items()}
        if form.get("grant_type") == "authorization_code":
            found = self._codes.pop(form.get("code", ""), None)  # a code works once
            if found is None or found[1] != form.get("redirect_uri"):
                return Response(400, {"error": "invalid_grant"})
            grant = Grant(realm=found[0], refresh_token="RT1-" + secrets.token_urlsafe(24))
            self.grants.append(grant)
            return self._issue(grant)
        if form.get("grant_type") == "refresh_token":
            for grant in self.grants:
                if grant.refresh_token == form.get("refresh_token") and not grant.revoked:
                    grant.refresh_token = "RT1-" + secrets.token_urlsafe(24)  # rotated
                    return self._issue(grant)
            return Response(400, {"error": "invalid_grant"})
        return Response(400, {"error": "unsupported_grant_type"})

    def _revoke(self, text: str, headers: dict[str, str]) -> Response:
        if not self._client_ok(headers):
            return Response(401, {"error": "invalid_client"})
        try:
            token = json.loads(text or "{}").get("token", "")
        except json.JSONDecodeError:
            return Response(400, {"error": "invalid_request"})
        for grant in self.grants:
            if token == grant.refresh_token or token in grant.access_tokens:
                grant.revoked = True
                grant.access_tokens.clear()
                self.revoked_tokens += 1
                return Response(200, {})
        return Response(400, {"error": "invalid_token"})

    def _bearer(self, headers: dict[str, str], realm: str) -> Response | None:
        scheme, _, token = headers.get("authorization", "").partition(" ")
        for grant in self.grants:
            expires = grant.access_tokens.get(token)
            if scheme.lower() == "bearer" and expires is not None and not grant.revoked:
                if expires <= time.time():
                    break
                if grant.realm != realm:
                    return _fault(403, "AUTHORIZATION", "3100",
                                  "message=ApplicationAuthorizationFailed; errorCode=003100; "
                                  "statusCode=403", "", lower=True)
                return None
        return _fault(401, "AUTHENTICATION", "3200", "message=AuthenticationFailed; "
                      "errorCode=003200; statusCode=401", "Token expired or invalid", lower=True)

    # --- Accounting API ---------------------------------------------------------------
    def _api(self, company: Company, method: str, rest: str, text: str,
             query: dict[str, list[str]]) -> Response:
        entity, _, entity_id = rest.partition("/")
        if method == "GET" and entity == "query":
            return self._query(company, query.get("query", [""])[0])
        kinds = {"customer": "Customer", "salesreceipt": "SalesReceipt", "invoice": "Invoice"}
        if entity not in kinds:
            return _fault(400, "ValidationFault", "610", "Object Not Found", entity)
        kind = kinds[entity]
        if method == "GET" and entity_id:
            found = (company.customers.get(entity_id) if kind == "Customer"
                     else company.documents.get((kind, entity_id)))
            if found is None:
                return _fault(400, "ValidationFault", "610", "Object Not Found",
                              f"Object Not Found : Something you're trying to use has been "
                              f"made inactive. Check the fields with accounts, customers, "
                              f"items, vendors or employees. {kind} {entity_id}")
            return _answer(kind, found)
        if method != "POST" or entity_id:
            return _fault(400, "ValidationFault", "4000", "Unsupported Operation", rest)
        request_id = query.get("requestid", [""])[0]
        if request_id and request_id in company.replies:
            return company.replies[request_id]
        try:
            body = json.loads(text or "null", parse_float=Decimal)
        except json.JSONDecodeError:
            return _fault(400, "ValidationFault", "2500", "Invalid Reference Id",
                          "Request body is not JSON")
        if not isinstance(body, dict):
            return _fault(400, "ValidationFault", "2020", "Required param missing", "body")
        operation = query.get("operation", ["create"])[0]
        if kind == "Customer":
            response = self._create_customer(company, body)
        elif operation == "void":
            response = self._void(company, kind, body)
        else:
            response = self._create_document(company, kind, body)
        if request_id and response.status == 200:
            company.replies[request_id] = response
        return response

    def _query(self, company: Company, statement: str) -> Response:
        match = _QUERY.match(statement)
        if match is None or match["entity"] not in ("Customer", "SalesReceipt", "Invoice"):
            return _fault(400, "ValidationFault", "4000", "Error parsing query",
                          "QueryParserError: Encountered an unsupported statement")
        entity = match["entity"]
        rows = (list(company.customers.values()) if entity == "Customer" else
                [d for (k, _), d in company.documents.items() if k == entity])
        if match["field"]:
            if match["field"] not in ("DisplayName", "Id", "DocNumber"):
                return _fault(400, "ValidationFault", "4001", "Invalid query",
                              f"Property {match['field']} is not queryable")
            value = re.sub(r"\\(.)", r"\1", match["value"])
            rows = [r for r in rows if str(r.get(match["field"], "")) == value]
        if not rows:
            return Response(200, {"QueryResponse": {}, "time": _now()})
        return Response(200, {"QueryResponse": {entity: [_wire(r) for r in rows],
                                                "startPosition": 1, "maxResults": len(rows)},
                              "time": _now()})

    def _create_customer(self, company: Company, body: dict[str, Any]) -> Response:
        name = str(body.get("DisplayName") or "").strip()
        if not name:
            return _fault(400, "ValidationFault", "2020", "Required param missing, need to "
                          "supply the required value for the API", "Required parameter "
                          "DisplayName is missing in the request")
        if ":" in name:
            return _fault(400, "ValidationFault", "2170", "Invalid String",
                          "DisplayName cannot contain a colon (:).")
        if any(c["DisplayName"] == name for c in company.customers.values()):
            return _fault(400, "ValidationFault", "6240", "Duplicate Name Exists Error",
                          "The name supplied already exists. : Another customer, vendor or "
                          "employee is already using this name. Please use a different name.")
        customer = {**body, "Id": company.new_id(), "SyncToken": "0", "Active": True,
                    "DisplayName": name, "Balance": Decimal(0),
                    "MetaData": {"CreateTime": _now(), "LastUpdatedTime": _now()}}
        company.customers[customer["Id"]] = customer
        return _answer("Customer", customer)

    def _create_document(self, company: Company, kind: str, body: dict[str, Any]) -> Response:
        lines = body.get("Line")
        if not isinstance(lines, list) or not lines:
            return _fault(400, "ValidationFault", "2020", "Required param missing, need to "
                          "supply the required value for the API", "Required parameter Line "
                          "is missing in the request")
        customer = (body.get("CustomerRef") or {}).get("value")
        if kind == "Invoice" and not customer:
            return _fault(400, "ValidationFault", "2020", "Required param missing, need to "
                          "supply the required value for the API", "Required parameter "
                          "CustomerRef is missing in the request")
        if customer is not None and customer not in company.customers:
            return _fault(400, "ValidationFault", "2500", "Invalid Reference Id",
                          f"Invalid Reference Id : Customer {customer} does not exist")
        total = Decimal(0)
        for line in lines:
            problem = self._check_line(company, line)
            if problem is not None:
                return problem
            total += line["Amount"]
        tax = (body.get("TxnTaxDetail") or {}).get("TotalTax", Decimal(0))
        if not _is_money(tax):
            return _fault(400, "ValidationFault", "2050", "Invalid Number",
                          "TotalTax must be an amount with at most 2 decimals")
        doc = {**body, "Id": company.new_id(), "SyncToken": "0", "TotalAmt": total + tax,
               "Balance": (total + tax) if kind == "Invoice" else Decimal(0),
               "MetaData": {"CreateTime": _now(), "LastUpdatedTime": _now()}}
        company.documents[(kind, doc["Id"])] = doc
        return _answer(kind, doc)

    def _check_line(self, company: Company, line: Any) -> Response | None:
        if not isinstance(line, dict) or line.get("DetailType") != "SalesItemLineDetail":
            return _fault(400, "ValidationFault", "2020", "Required param missing",
                          "Line.DetailType must be SalesItemLineDetail")
        amount, detail = line.get("Amount"), line.get("SalesItemLineDetail") or {}
        if not _is_money(amount):
            return _fault(400, "ValidationFault", "2050", "Invalid Number",
                          f"Line Amount {amount!s} is not an amount with at most 2 decimals")
        item = (detail.get("ItemRef") or {}).get("value")
        if item not in company.items:
            return _fault(400, "ValidationFault", "2500", "Invalid Reference Id",
                          f"Invalid Reference Id : Item {item} does not exist")
        if "Qty" in detail and "UnitPrice" in detail and (
                Decimal(detail["Qty"]) * detail["UnitPrice"] != amount):
            return _fault(400, "ValidationFault", "6070", "Amount is not equal to UnitPrice "
                          "* Qty", f"Amount {amount} ≠ {detail['UnitPrice']} × {detail['Qty']}")
        if (detail.get("TaxCodeRef") or {}).get("value") not in ("TAX", "NON", None):
            return _fault(400, "ValidationFault", "2500", "Invalid Reference Id", "TaxCode")
        return None

    def _void(self, company: Company, kind: str, body: dict[str, Any]) -> Response:
        doc = company.documents.get((kind, str(body.get("Id"))))
        if doc is None:
            return _fault(400, "ValidationFault", "610", "Object Not Found", str(body.get("Id")))
        if str(body.get("SyncToken")) != doc["SyncToken"]:
            return _fault(400, "ValidationFault", "5010", "Stale Object Error",
                          "You and another user were working on the same thing.")
        doc["SyncToken"] = str(int(doc["SyncToken"]) + 1)
        doc["PrivateNote"] = f"Voided - {doc.get('PrivateNote', '')}".strip(" -")
        doc["TotalAmt"], doc["Balance"] = Decimal(0), Decimal(0)
        doc["Voided"] = True
        for line in doc["Line"]:
            line["Amount"] = Decimal(0)
        return _answer(kind, doc)


def _is_money(value: Any) -> bool:
    return isinstance(value, Decimal | int) and not isinstance(value, bool) and (
        Decimal(value) == Decimal(value).quantize(_CENT))


def _amounts(doc: dict[str, Any]) -> dict[str, str]:
    """Exact amounts of a document as Decimal text (tests compare these, not floats)."""
    return {"TotalAmt": str(doc["TotalAmt"]),
            "TotalTax": str((doc.get("TxnTaxDetail") or {}).get("TotalTax", "0")),
            "Lines": ",".join(str(line["Amount"]) for line in doc["Line"])}


def _wire(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)  # the loopback writes JSON with json.dumps (see module doc)
    if isinstance(value, dict):
        return {k: _wire(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_wire(v) for v in value]
    return value


def _answer(kind: str, obj: dict[str, Any]) -> Response:
    return Response(200, {kind: _wire(obj), "time": _now()})


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def _fault(status: int, kind: str, code: str, message: str, detail: str, *,
           lower: bool = False) -> Response:
    if lower:  # Intuit's authentication faults come in lower case
        return Response(status, {"fault": {"error": [{"message": message, "detail": detail,
                                                      "code": code}], "type": kind},
                                 "time": _now()})
    return Response(status, {"Fault": {"Error": [{"Message": message, "Detail": detail,
                                                  "code": code, "element": ""}],
                                       "type": kind}, "time": _now()})


@pytest.fixture
def quickbooks_sim() -> Iterator[QuickBooksSimulator]:
    """A fresh, started QuickBooks simulator per test."""
    with QuickBooksSimulator() as sim:
        yield sim
