"""Bad input to the sync endpoints: refused with the right status and a message naming the
problem, in the JSON error envelope, and nothing written.

"Nothing written" is checked on the tenant's own tables (``applied_ops``, ``change_log``,
``device_seqs``, ``pieces`` and the ``sync_state`` version) and, where it matters, by the
workstation still being able to push the same seq afterwards: a refused batch must not
consume the device's place in its sequence.
"""

from __future__ import annotations

import copy
import json
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from jeweltrak_core.sync.ops import SCHEMA_VERSION
from sync_server.config import Settings
from sync_server.devices.service import revoke_device

from .builders import create_piece
from .conftest import TenantFixture, Workstation, rows

PUSH = "/v1/sync/push"
JSON = {"content-type": "application/json"}


def written(tenant: TenantFixture) -> tuple[Any, ...]:
    """Everything a push can write, counted in the tenant's schema."""
    return rows(
        tenant.engine,
        tenant.ref,
        "SELECT (SELECT count(*) FROM applied_ops), (SELECT count(*) FROM change_log), "
        "(SELECT count(*) FROM device_seqs), (SELECT count(*) FROM pieces), "
        "(SELECT version FROM sync_state WHERE id = 1)",
    )[0]


@dataclass
class Counter:
    """A paired workstation of a fresh tenant and what the tenant held before the test."""

    tenant: TenantFixture
    ws: Workstation
    before: tuple[Any, ...]

    def assert_nothing_written(self) -> None:
        assert written(self.tenant) == self.before, "a refused request wrote to the database"

    def valid_op(self) -> dict[str, Any]:
        """A fresh create_piece op at seq 1 (a refused batch must leave seq 1 free)."""
        _, op = create_piece(self.ws)
        op["seq"] = 1
        return op

    def assert_seq_1_still_free(self, client: TestClient) -> None:
        r = client.post(PUSH, json={"ops": [self.valid_op()]}, headers=self.ws.headers)
        assert r.status_code == 200, r.text
        assert [x["status"] for x in r.json()["results"]] == ["applied"]
        assert written(self.tenant) != self.before, "the write counter did not see a real write"


@pytest.fixture
def counter(client: TestClient, tenant: TenantFixture) -> Counter:
    """A workstation of a fresh tenant (the client fixture's app is running)."""
    return Counter(tenant=tenant, ws=tenant.pair(), before=written(tenant))


def refused(r: httpx.Response, status: int, *, code: str | None = None,
            naming: str | None = None) -> dict[str, Any]:
    """Assert the status and the error envelope; the error object."""
    assert r.status_code == status, r.text
    error = r.json()["error"]
    assert isinstance(error["code"], str) and error["code"], r.text
    assert isinstance(error["message"], str) and error["message"].strip(), r.text
    if code is not None:
        assert error["code"] == code, r.text
    if naming is not None:
        assert naming in error["message"], f"the message does not name {naming!r}: {r.text}"
    return error  # type: ignore[no-any-return]


# --- malformed bodies -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "named"),
    [
        (b'{"ops": [{"op_id": "R000001", ', "JSON"),  # cut off mid-object
        (b'{"ops": [],}', "JSON"),  # trailing comma
        (b"{'ops': []}", "JSON"),  # single quotes
        (b'{"ops": []} trailing', "JSON"),
        (b"", "body"),
    ],
    ids=["truncated", "trailing-comma", "single-quotes", "trailing-text", "empty"],
)
def test_malformed_json_body_is_422_with_a_clear_message(
    client: TestClient, counter: Counter, raw: bytes, named: str
) -> None:
    r = client.post(PUSH, content=raw, headers={**counter.ws.headers, **JSON})
    refused(r, 422, code="validation_error", naming=named)
    counter.assert_nothing_written()


# --- wrong types ----------------------------------------------------------------------


def _set(path: tuple[str, ...], value: Any) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """A body with one field of a valid op replaced."""

    def body(op: dict[str, Any]) -> dict[str, Any]:
        changed = copy.deepcopy(op)
        target = changed
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
        return {"ops": [changed]}

    return body


WRONG_TYPES: dict[str, tuple[Callable[[dict[str, Any]], dict[str, Any]], str]] = {
    "ops-missing": (lambda op: {"operations": [op]}, "ops"),
    "ops-a-string": (lambda op: {"ops": "create_piece"}, "ops"),
    "ops-an-object": (lambda op: {"ops": {"0": op}}, "ops"),
    "ops-null": (lambda op: {"ops": None}, "ops"),
    "op-a-string": (lambda op: {"ops": [json.dumps(op)]}, "ops.0"),
    "op-a-number": (lambda op: {"ops": [op, 7]}, "ops.1"),
    "op-null": (lambda op: {"ops": [None]}, "ops.0"),
    "seq-a-string": (_set(("seq",), "1"), "seq"),
    "seq-a-float": (_set(("seq",), 1.0), "seq"),
    "seq-a-fraction": (_set(("seq",), 1.5), "seq"),
    "seq-a-bool": (_set(("seq",), True), "seq"),
    "seq-zero": (_set(("seq",), 0), "seq"),
    "op-id-not-a-uuid": (_set(("op_id",), "R000001"), "op_id"),
    "client-ts-naive": (_set(("client_ts",), "2026-05-04T10:00:00"), "client_ts"),
    "schema-version-a-string": (_set(("schema_version",), "1"), "schema_version"),
    "money-a-float": (_set(("payload", "piece", "retail_cents"), 2500.5), "retail_cents"),
    "money-a-whole-float": (_set(("payload", "piece", "retail_cents"), 250000.0), "retail_cents"),
    "money-as-text": (_set(("payload", "piece", "cost_cents"), "100000"), "cost_cents"),
    "money-a-bool": (_set(("payload", "piece", "price1_cents"), True), "price1_cents"),
    "unknown-envelope-field": (_set(("tenant_id",), str(uuid.uuid4())), "tenant_id"),
}


@pytest.mark.parametrize("case", list(WRONG_TYPES), ids=list(WRONG_TYPES))
def test_wrong_types_are_422_naming_the_field_and_write_nothing(
    client: TestClient, counter: Counter, case: str
) -> None:
    make_body, field = WRONG_TYPES[case]
    r = client.post(PUSH, json=make_body(counter.valid_op()), headers=counter.ws.headers)
    error = refused(r, 422, naming=field)
    if case.startswith("money"):
        assert error["code"] == "invalid_money", r.text
    counter.assert_nothing_written()
    counter.assert_seq_1_still_free(client)


def test_a_bad_op_after_a_good_one_refuses_the_whole_batch(
    client: TestClient, counter: Counter
) -> None:
    good = counter.valid_op()
    _, bad = create_piece(counter.ws)
    bad["seq"] = 2
    bad["payload"]["piece"]["retail_cents"] = 99.99
    r = client.post(PUSH, json={"ops": [good, bad]}, headers=counter.ws.headers)
    refused(r, 422, code="invalid_money", naming="ops[1]")
    counter.assert_nothing_written()


@pytest.mark.parametrize("op_type", ["melt_gold", "", "CREATE_PIECE", 7, None])
def test_unknown_op_type_is_422_and_writes_nothing(
    client: TestClient, counter: Counter, op_type: Any
) -> None:
    op = dict(counter.valid_op(), op_type=op_type)
    r = client.post(PUSH, json={"ops": [op]}, headers=counter.ws.headers)
    refused(r, 422, code="unsupported_operation", naming=repr(op_type))
    counter.assert_nothing_written()
    counter.assert_seq_1_still_free(client)


def test_op_from_a_newer_format_asks_to_update_the_service(
    client: TestClient, counter: Counter
) -> None:
    op = dict(counter.valid_op(), schema_version=SCHEMA_VERSION + 1)
    r = client.post(PUSH, json={"ops": [op]}, headers=counter.ws.headers)
    error = refused(r, 422, code="unsupported_operation", naming=f"v{SCHEMA_VERSION + 1}")
    message = error["message"].lower()
    assert "service" in message and "updated" in message, r.text
    counter.assert_nothing_written()
    counter.assert_seq_1_still_free(client)


# --- size limits ----------------------------------------------------------------------


def test_batch_over_max_batch_ops_is_413_and_the_limit_itself_is_accepted(
    client: TestClient, counter: Counter, settings: Settings
) -> None:
    ops = [create_piece(counter.ws)[1] for _ in range(settings.max_batch_ops + 1)]
    r = client.post(PUSH, json={"ops": ops}, headers=counter.ws.headers)
    error = refused(r, 413, code="batch_too_large", naming=str(settings.max_batch_ops))
    assert error["details"]["max_ops"] == settings.max_batch_ops
    counter.assert_nothing_written()
    # The same ops minus one are a legal batch: the limit is the count, nothing else.
    r = client.post(PUSH, json={"ops": ops[:-1]}, headers=counter.ws.headers)
    assert r.status_code == 200, r.text
    assert {x["status"] for x in r.json()["results"]} == {"applied"}


def _padded_body(size: int, op: dict[str, Any]) -> bytes:
    """A JSON push body of exactly ``size`` bytes: one valid op and a padding field."""
    head = json.dumps({"ops": [op], "pad": ""}).encode()
    pad = size - len(head)
    assert pad >= 0
    body = head[:-2] + b"x" * pad + head[-2:]
    assert len(body) == size
    return body


def test_body_over_max_body_bytes_is_413_and_writes_nothing(
    client: TestClient, counter: Counter, settings: Settings
) -> None:
    limit = settings.max_body_bytes
    body = _padded_body(limit + 1, counter.valid_op())
    r = client.post(PUSH, content=body, headers={**counter.ws.headers, **JSON})
    error = refused(r, 413, code="body_too_large", naming=str(limit))
    assert error["details"]["max_bytes"] == limit
    counter.assert_nothing_written()


def test_chunked_body_over_max_body_bytes_is_413_and_writes_nothing(
    client: TestClient, counter: Counter, settings: Settings
) -> None:
    """No Content-Length to go by (chunked transfer): still 413, not a parse error."""
    limit = settings.max_body_bytes
    head = json.dumps({"ops": [counter.valid_op()], "pad": ""}).encode()
    chunk = b"x" * 65536
    chunks = -(-(limit + 1 - len(head)) // len(chunk))

    def body() -> Iterator[bytes]:
        yield head[:-2]
        for _ in range(chunks):
            yield chunk
        yield head[-2:]

    r = client.post(PUSH, content=body(), headers={**counter.ws.headers, **JSON})
    assert "content-length" not in r.request.headers, "the test meant to send it chunked"
    assert r.request.headers.get("transfer-encoding") == "chunked"
    refused(r, 413, code="body_too_large", naming=str(limit))
    counter.assert_nothing_written()


def test_chunked_body_under_the_limit_is_read(client: TestClient, counter: Counter) -> None:
    """The control: the same chunked transfer with a small body is applied."""
    raw = json.dumps({"ops": [counter.valid_op()]}).encode()

    def body() -> Iterator[bytes]:
        for start in range(0, len(raw), 100):
            yield raw[start:start + 100]

    r = client.post(PUSH, content=body(), headers={**counter.ws.headers, **JSON})
    assert "content-length" not in r.request.headers
    assert r.status_code == 200, r.text
    assert [x["status"] for x in r.json()["results"]] == ["applied"]


def test_body_of_exactly_max_body_bytes_is_accepted(
    client: TestClient, counter: Counter, settings: Settings
) -> None:
    """The boundary: a body of exactly the limit is read and its op applied."""
    body = _padded_body(settings.max_body_bytes, counter.valid_op())
    r = client.post(PUSH, content=body, headers={**counter.ws.headers, **JSON})
    assert r.status_code == 200, r.text[:500]
    assert [x["status"] for x in r.json()["results"]] == ["applied"]


# --- credentials ----------------------------------------------------------------------


def _sync_operations(client: TestClient) -> list[tuple[str, str]]:
    """Every device endpoint (``/v1/sync/*``) the running app serves."""
    paths = client.get("/openapi.json").json()["paths"]
    found = [
        (method.upper(), path)
        for path, item in paths.items()
        if path.startswith("/v1/sync/")
        for method in item
        if method in ("get", "post", "put", "patch", "delete")
    ]
    assert found, "no /v1/sync endpoints in /openapi.json"
    return found


def _call(client: TestClient, method: str, path: str, headers: dict[str, str],
          op: dict[str, Any]) -> httpx.Response:
    url = path.replace("{entity}", "pieces")
    if method == "GET":
        return client.get(url, params={"cursor": 0}, headers=headers)
    return client.request(method, url, json={"ops": [op]}, headers=headers)


def _user_token(client: TestClient) -> str:
    if "/v1/auth/signup" not in client.get("/openapi.json").json()["paths"]:
        pytest.skip("POST /v1/auth/signup does not exist yet: no user token to try")
    r = client.post(
        "/v1/auth/signup",
        json={
            "name": "Owner",
            "business_name": "User Token Jewelers",
            "email": f"owner-{uuid.uuid4().hex[:10]}@example.com",
            "password": "correct horse battery staple",
        },
    )
    assert r.status_code == 201, r.text
    token: str = r.json()["token"]
    assert token.startswith("jtu_")
    assert client.get("/v1/auth/me", headers={"Authorization": f"Bearer {token}"}).status_code \
        == 200, "the user token should be valid for user endpoints"
    return token


def _revoked_device(tenant: TenantFixture, client: TestClient) -> Workstation:
    ws = tenant.pair("Back office")
    assert client.get("/v1/sync/snapshot", headers=ws.headers).status_code == 200
    with tenant.engine.begin() as conn:
        assert revoke_device(conn, tenant_id=tenant.ref.id, device_id=ws.ctx.device_id)
    return ws


BAD_CREDENTIALS = [
    "none", "empty-bearer", "garbage", "garbage-device-shaped", "basic-scheme",
    "over-long", "user-token", "revoked-device",
]


@pytest.fixture(params=BAD_CREDENTIALS)
def bad_credential(
    request: pytest.FixtureRequest, client: TestClient, counter: Counter
) -> Iterator[tuple[dict[str, str], Workstation]]:
    """(headers, the workstation whose op goes in a push body) for each bad credential."""
    kind: str = request.param
    ws = counter.ws
    headers: dict[str, str]
    if kind == "none":
        headers = {}
    elif kind == "empty-bearer":
        headers = {"Authorization": "Bearer "}
    elif kind == "garbage":
        headers = {"Authorization": "Bearer not-a-token"}
    elif kind == "garbage-device-shaped":
        headers = {"Authorization": "Bearer jtd_" + uuid.uuid4().hex}
    elif kind == "basic-scheme":
        headers = {"Authorization": ws.headers["Authorization"].replace("Bearer", "Basic")}
    elif kind == "over-long":
        headers = {"Authorization": ws.headers["Authorization"] + "x" * 200}
    elif kind == "user-token":
        headers = {"Authorization": f"Bearer {_user_token(client)}"}
    else:
        ws = _revoked_device(counter.tenant, client)
        headers = ws.headers
    counter.before = written(counter.tenant)
    yield headers, ws


def test_device_endpoints_refuse_bad_credentials_with_401_and_www_authenticate(
    client: TestClient, counter: Counter, bad_credential: tuple[dict[str, str], Workstation]
) -> None:
    headers, ws = bad_credential
    _, op = create_piece(ws)
    for method, path in _sync_operations(client):
        r = _call(client, method, path, headers, op)
        refused(r, 401, code="unauthorized")
        challenge = r.headers.get("www-authenticate", "")
        assert challenge.startswith("Bearer"), f"{method} {path}: {r.headers}"
    counter.assert_nothing_written()


def test_a_valid_device_token_passes_the_same_calls(
    client: TestClient, counter: Counter
) -> None:
    """The control for the test above: with the right token none of the calls is a 401."""
    _, op = create_piece(counter.ws)
    for method, path in _sync_operations(client):
        r = _call(client, method, path, counter.ws.headers, op)
        assert r.status_code < 400, f"{method} {path}: {r.text}"


def test_revoked_device_cannot_push_its_queued_ops(client: TestClient, counter: Counter) -> None:
    ws = _revoked_device(counter.tenant, client)
    before = written(counter.tenant)
    _, op = create_piece(ws)
    r = client.post(PUSH, json={"ops": [op]}, headers=ws.headers)
    refused(r, 401, code="unauthorized", naming="pair")
    assert r.headers["www-authenticate"].startswith("Bearer")
    assert written(counter.tenant) == before
