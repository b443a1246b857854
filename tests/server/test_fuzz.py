"""Property-based fuzz of the whole ``/openapi.json``: no generated request gets a 5xx.

Schemathesis reads the running app's own schema (so endpoints added later are fuzzed
without editing this file) and sends generated requests, valid and invalid, to the ASGI
app in-process with the real PostgreSQL behind it. Each operation is fuzzed three times:
without credentials, with a paired workstation's device token, and with a signed-up
owner's user token. Every answer must be below 500, and every 4xx must carry the service's
JSON error envelope ``{"error": {"code": ..., "message": ...}}``.

Bounded by default (``max_examples`` 25 per operation, derandomized); set
``JEWELTRAK_FUZZ_EXAMPLES=500`` for a deeper run.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import requests
import schemathesis
from fastapi import FastAPI
from schemathesis import Case
from schemathesis.checks import not_a_server_error
from schemathesis.core.transport import Response
from schemathesis.python import asgi
from sqlalchemy import Engine

from sync_server.app import create_app
from sync_server.auth.secrets import USER_TOKEN_PREFIX
from sync_server.config import Settings

from .conftest import make_tenant

FUZZ_EXAMPLES = int(os.environ.get("JEWELTRAK_FUZZ_EXAMPLES", "25"))
SIGNUP_PATH = "/v1/auth/signup"
LOGIN_PATH = "/v1/auth/login"
ME_PATH = "/v1/auth/me"
DEVICE_PROBE_PATH = "/v1/sync/snapshot"


def _config() -> schemathesis.Config:
    return schemathesis.Config.from_dict(
        {
            "suppress-health-check": ["all"],
            "generation": {
                "max-examples": FUZZ_EXAMPLES,
                "deterministic": True,
                "database": "none",
            },
        }
    )


def _openapi_document() -> dict[str, Any]:
    """The service's ``/openapi.json``, built from its routes at collection time.

    Describing the routes needs no database (the engine connects lazily), and collecting
    from the document gives one test per operation; ``fuzz_target`` checks that the live
    app serves the same operations. (``schemathesis.pytest.from_fixture`` would load it from
    the live app instead, but schemathesis 4.32 reads ``Function._nodeid``, which pytest 9.2
    no longer has: every lazy-schema test errors with AttributeError.)
    """
    describe_only = Settings(environment="test", database_url="postgresql://describe-only.invalid/x")
    document: dict[str, Any] = create_app(describe_only).openapi()
    return document


schema = schemathesis.openapi.from_dict(_openapi_document(), config=_config())


def _operations(document: dict[str, Any]) -> set[tuple[str, str]]:
    methods = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}
    return {
        (method, path)
        for path, item in document.get("paths", {}).items()
        for method in item
        if method in methods
    }


@dataclass
class FuzzTarget:
    """The app under fuzz (real PostgreSQL behind it) and a client reaching it in-process."""

    app: FastAPI
    http: requests.Session
    document: dict[str, Any]

    def has(self, method: str, path: str) -> bool:
        return method.lower() in self.document.get("paths", {}).get(path, {})


@pytest.fixture(scope="module")
def fuzz_target(settings: Settings, engine: Engine) -> Iterator[FuzzTarget]:
    """One app for the module; its lifespan (change listener) runs under schemathesis.

    The long-poll cap is lowered: a generated ``wait=120`` must not hold each example for
    the production maximum of 30 s (the cap is a setting, not a code path).
    """
    fuzz_settings = settings.model_copy(update={"long_poll_max_seconds": 0.05})
    app = create_app(fuzz_settings, engine=engine)
    try:
        with asgi.get_client(app) as http:
            served = http.get("/openapi.json")
            assert served.status_code == 200, served.text
            document = served.json()
            assert _operations(document) == _operations(schema.raw_schema), (
                "the app serves other operations than the ones collected"
            )
            yield FuzzTarget(app=app, http=http, document=document)
    finally:
        asgi.shutdown_lifespans()


# --- credentials ----------------------------------------------------------------------


@dataclass
class Credential:
    """Headers for one fuzz run; re-issued when a fuzzed request revoked them (a logout)."""

    kind: str
    issue: Callable[[], dict[str, str]]
    still_valid: Callable[[dict[str, str]], bool]
    headers: dict[str, str] = field(default_factory=dict)
    _checked_for: str | None = None

    def headers_for(self, operation_label: str) -> dict[str, str]:
        """Current headers, checked once per operation (a fuzzed logout must not blind the
        rest of the run to everything behind authentication)."""
        if operation_label != self._checked_for:
            self._checked_for = operation_label
            if not self.still_valid(self.headers):
                self.headers = self.issue()
        return dict(self.headers)


def _resolve(doc: dict[str, Any], node: Any) -> Any:
    while isinstance(node, dict) and "$ref" in node:
        target: Any = doc
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


def _value_for(name: str, prop: dict[str, Any], email: str, password: str) -> Any:
    """A plausible value for a sign-up field, by its name and schema."""
    lowered = name.lower()
    if "email" in lowered or prop.get("format") == "email":
        return email
    if "password" in lowered or "confirm" in lowered:
        return password
    if "business" in lowered or "company" in lowered or "store" in lowered:
        return "Fuzz Fine Jewelry"
    if "name" in lowered:
        return "Fuzz Owner"
    if "phone" in lowered:
        return "+15555550123"
    if "default" in prop:
        return prop["default"]
    if prop.get("enum"):
        return prop["enum"][0]
    kind = prop.get("type")
    if kind is None:
        for option in prop.get("anyOf", []):
            if option.get("type") not in (None, "null"):
                kind = option["type"]
                break
    return {"integer": 1, "number": 1, "boolean": True, "array": [], "object": {}}.get(
        str(kind), "Fuzz"
    )


def _request_body(doc: dict[str, Any], path: str, email: str, password: str) -> dict[str, Any]:
    """A JSON body for ``POST path`` filling every declared property."""
    operation = doc["paths"][path]["post"]
    content = _resolve(doc, operation.get("requestBody", {})).get("content", {})
    body_schema = _resolve(doc, content.get("application/json", {}).get("schema", {}))
    properties = body_schema.get("properties", {})
    return {
        name: _value_for(name, _resolve(doc, prop), email, password)
        for name, prop in properties.items()
    }


def _find_user_token(value: Any) -> str | None:
    if isinstance(value, str) and value.startswith(USER_TOKEN_PREFIX):
        return value
    items = value.values() if isinstance(value, dict) else value if isinstance(value, list) else []
    for item in items:
        found = _find_user_token(item)
        if found:
            return found
    return None


def _sign_up(target: FuzzTarget) -> dict[str, str]:
    """A new owner account through the API itself; its bearer user token."""
    email = f"fuzz-{uuid.uuid4().hex[:12]}@example.com"
    password = f"Fuzz-{uuid.uuid4().hex}-Ring!"
    body = _request_body(target.document, SIGNUP_PATH, email, password)
    r = target.http.post(SIGNUP_PATH, json=body)
    assert r.status_code < 300, f"sign-up for the user-token fuzz failed: {r.text}"
    token = _find_user_token(r.json())
    if token is None and target.has("post", LOGIN_PATH):
        body = _request_body(target.document, LOGIN_PATH, email, password)
        r = target.http.post(LOGIN_PATH, json=body)
        assert r.status_code < 300, f"login for the user-token fuzz failed: {r.text}"
        token = _find_user_token(r.json())
    assert token is not None, (
        f"neither {SIGNUP_PATH} nor {LOGIN_PATH} answered with a {USER_TOKEN_PREFIX}... token: "
        f"{r.text}"
    )
    return {"Authorization": f"Bearer {token}"}


def _probe(target: FuzzTarget, path: str) -> Callable[[dict[str, str]], bool]:
    def still_valid(headers: dict[str, str]) -> bool:
        if not headers:
            return False
        if not target.has("get", path):
            return True
        return target.http.get(path, headers=headers).status_code != 401

    return still_valid


@pytest.fixture(scope="module", params=["anonymous", "device", "user"])
def credential(
    request: pytest.FixtureRequest, fuzz_target: FuzzTarget, engine: Engine
) -> Credential:
    """(a) no credentials, (b) a valid device token, (c) a valid user token."""
    kind: str = request.param
    if kind == "anonymous":
        return Credential(kind, issue=dict, still_valid=lambda _: True)
    if kind == "device":
        tenant = make_tenant(engine, "Fuzz Device Jewelers")
        return Credential(
            kind,
            issue=lambda: tenant.pair("Fuzz counter").headers,
            still_valid=_probe(fuzz_target, DEVICE_PROBE_PATH),
        )
    if not fuzz_target.has("post", SIGNUP_PATH):
        pytest.skip(
            f"POST {SIGNUP_PATH} is not in /openapi.json yet, so no user token can be "
            "obtained; the user-token fuzz runs once the accounts endpoints exist."
        )
    return Credential(
        kind, issue=lambda: _sign_up(fuzz_target), still_valid=_probe(fuzz_target, ME_PATH)
    )


# --- the fuzz -------------------------------------------------------------------------


def error_envelope_problem(response: Response) -> str | None:
    """Why a 4xx body is not ``{"error": {"code": str, "message": str}}``, or None."""
    if not 400 <= response.status_code < 500 or response.request.method == "HEAD":
        return None
    try:
        body = json.loads(response.content)
    except ValueError:
        return f"the body is not JSON: {response.content[:200]!r}"
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict):
        return f"no 'error' object in {body!r:.300}"
    for key in ("code", "message"):
        if not isinstance(error.get(key), str) or not error[key].strip():
            return f"error.{key} is missing or empty in {body!r:.300}"
    return None


@schema.parametrize()
def test_fuzz_no_server_error_and_4xx_use_the_error_envelope(
    case: Case, credential: Credential, fuzz_target: FuzzTarget
) -> None:
    response = case.call(app=fuzz_target.app, headers=credential.headers_for(case.operation.label))
    case.validate_response(response, checks=[not_a_server_error])
    problem = error_envelope_problem(response)
    assert problem is None, (
        f"{response.status_code} without the error envelope ({credential.kind}): {problem}\n"
        f"{case.as_curl_command()}"
    )
