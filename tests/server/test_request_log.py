"""P13: server logs keep IP, browser, page and time for security monitoring only.

The request log (logger ``sync_server.access``) writes one JSON line per request with
exactly ip, user_agent, method, path, status, duration_ms and time; never a request body,
a query string, a bearer token, a password or card data. The service's other loggers,
captured at DEBUG from the root logger, must not carry tokens or passwords either.
"""

from __future__ import annotations

import json
import logging
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from jeweltrak_core.contacts.entities import Contact
from jeweltrak_core.contacts.operations import CreateContact
from jeweltrak_core.ids import new_id

from .builders import create_piece, op
from .conftest import TenantFixture

ACCESS_LOGGER = "sync_server.access"
ACCESS_FIELDS = {"ip", "user_agent", "method", "path", "status", "duration_ms", "time"}
USER_AGENT = "JewelTrak-Desktop/1.4 (P13 log test)"
STOCK_ID = "P13STK4821"
FIRST_NAME, LAST_NAME = "Philippa", "Quarrington-Vale"
CARD_NUMBER = "4242424242424242"  # a Luhn-valid test card number, typed into a note
QUERY_SECRET = "qs-" + uuid.uuid4().hex


@dataclass
class Session:
    """The requests a test made, and every value that must stay out of the log."""

    client: TestClient
    sent: list[tuple[str, str, int]] = field(default_factory=list)
    secrets: list[str] = field(default_factory=list)  # tokens and passwords: in no log
    content: list[str] = field(default_factory=list)  # bodies, queries: not in the access log
    records: list[logging.LogRecord] = field(default_factory=list)  # all loggers, DEBUG up

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        headers = {"User-Agent": USER_AGENT, **kwargs.pop("headers", {})}
        r = self.client.request(method, url, headers=headers, **kwargs)
        self.sent.append((method, url.split("?", 1)[0], r.status_code))
        return r


def _access_lines(records: list[logging.LogRecord]) -> list[str]:
    return [r.getMessage() for r in records if r.name == ACCESS_LOGGER]


def _sign_up_and_in(s: Session) -> dict[str, str] | None:
    """Signup, a failed and a good login, "me" with a query string; None without accounts."""
    paths = s.request("GET", "/openapi.json").json()["paths"]
    if "/v1/auth/signup" not in paths:
        return None
    email = f"p13-{uuid.uuid4().hex[:10]}@example.com"
    password, wrong = "p13-Rose-Gold-" + uuid.uuid4().hex, "p13-Wrong-" + uuid.uuid4().hex
    s.secrets += [password, wrong]
    s.content += [email, "P13 Fine Jewelry"]
    r = s.request("POST", "/v1/auth/signup", json={
        "name": "Owner P13", "business_name": "P13 Fine Jewelry", "email": email,
        "password": password,
    })
    assert r.status_code == 201, r.text
    s.secrets.append(r.json()["token"])
    r = s.request("POST", "/v1/auth/login", json={"email": email, "password": wrong})
    assert r.status_code == 401, r.text
    r = s.request("POST", "/v1/auth/login", json={"email": email, "password": password})
    assert r.status_code == 200, r.text
    token: str = r.json()["token"]
    s.secrets.append(token)
    user = {"Authorization": f"Bearer {token}"}
    r = s.request("GET", f"/v1/auth/me?trace={QUERY_SECRET}", headers=user)
    assert r.status_code == 200, r.text
    return user


def _device_traffic(s: Session, tenant: TenantFixture) -> None:
    """A push with a customer, a piece and a card number; a bad push; a bad token; a pull."""
    ws = tenant.pair()
    s.secrets.append(ws.token)
    contact = Contact(id=new_id(), first_name=FIRST_NAME, last_name=LAST_NAME)
    _, piece_op = create_piece(ws, stock_id=STOCK_ID, notes=f"paid with {CARD_NUMBER}")
    ops = [piece_op, op(ws, CreateContact(contact=contact))]
    s.content += [STOCK_ID, FIRST_NAME, LAST_NAME, CARD_NUMBER, QUERY_SECRET]
    r = s.request("POST", f"/v1/sync/push?client_trace={QUERY_SECRET}", json={"ops": ops},
                  headers=ws.headers)
    assert r.status_code == 200, r.text
    assert [x["status"] for x in r.json()["results"]] == ["applied", "applied"], r.text
    malformed = f'{{"ops": [{{"stock_id": "{STOCK_ID}", "last_name": "{LAST_NAME}"'.encode()
    r = s.request("POST", "/v1/sync/push", content=malformed,
                  headers={**ws.headers, "content-type": "application/json"})
    assert r.status_code == 422, r.text
    garbage = "jtd_" + uuid.uuid4().hex
    s.secrets.append(garbage)
    r = s.request("GET", "/v1/sync/pull?cursor=0",
                  headers={"Authorization": f"Bearer {garbage}"})
    assert r.status_code == 401, r.text
    r = s.request("GET", f"/v1/sync/pull?cursor=0&limit=7&trace={QUERY_SECRET}",
                  headers=ws.headers)
    assert r.status_code == 200, r.text
    assert STOCK_ID in r.text, "the pull should carry the piece (so the log had it to leak)"


@pytest.fixture
def traffic(client: TestClient, tenant: TenantFixture,
            caplog: pytest.LogCaptureFixture) -> Session:
    """Account and device requests, captured from the root logger at DEBUG."""
    caplog.set_level(logging.DEBUG)
    s = Session(client=client)
    _sign_up_and_in(s)
    _device_traffic(s, tenant)
    s.records = list(caplog.records)
    return s


def test_p13_one_access_line_per_request_with_exactly_the_promised_fields(
    traffic: Session,
) -> None:
    """P13: ip, user agent (browser), method and path (page), status, duration, time."""
    lines = _access_lines(traffic.records)
    assert len(lines) == len(traffic.sent), lines
    now = datetime.now(UTC)
    for line, (method, path, status) in zip(lines, traffic.sent, strict=True):
        entry = json.loads(line)
        assert set(entry) == ACCESS_FIELDS, line
        assert (entry["method"], entry["path"], entry["status"]) == (method, path, status)
        assert isinstance(entry["ip"], str) and entry["ip"], line
        assert entry["user_agent"] == USER_AGENT, line
        assert isinstance(entry["duration_ms"], int | float) and entry["duration_ms"] >= 0
        logged_at = datetime.fromisoformat(entry["time"])
        assert logged_at.tzinfo is not None, line
        assert now - timedelta(minutes=5) < logged_at <= now + timedelta(seconds=1), line


def test_p13_access_log_has_no_bodies_query_strings_tokens_passwords_or_card_data(
    traffic: Session,
) -> None:
    """P13: nothing a request carried beyond the promised fields reaches the request log."""
    lines = _access_lines(traffic.records)
    assert lines, "no request was logged"
    for line in lines:
        path = json.loads(line)["path"]
        assert "?" not in path and "=" not in path, f"query string logged: {line}"
        for value in traffic.secrets + traffic.content:
            assert value not in line, f"{value!r} leaked into the request log: {line}"
        assert "Bearer" not in line and "jtd_" not in line and "jtu_" not in line, line


def test_p13_no_logger_of_the_service_writes_tokens_or_passwords(
    traffic: Session,
) -> None:
    """P13 (and P9/P11): every record of every logger at DEBUG, message, arguments,
    extra fields and tracebacks included, is free of bearer tokens and passwords."""
    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
    assert len(traffic.secrets) >= 3  # device token, garbage token, and the accounts' ones
    # The capture sees every level of every service logger (none is raised above DEBUG).
    for name in ("sync_server", "sync_server.sync.push", "sync_server.accounts", "jeweltrak_core"):
        assert logging.getLogger(name).isEnabledFor(logging.DEBUG), name
    for record in traffic.records:
        text = formatter.format(record) + repr(vars(record))
        for secret in traffic.secrets:
            assert secret not in text, f"{record.name} logged a token or password: {text[:500]}"
