"""P13: an unexpected error answers a plain 500 and logs where it happened, never its text
(database errors quote the data they choke on, which may be request content)."""

from __future__ import annotations

import logging

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from sync_server.app import create_app
from sync_server.config import Settings

SECRET = "Customer Ana Ruiz 4111111111111111"


def test_p13_unhandled_error_is_a_plain_500_without_its_message_in_the_log(
    settings: Settings, engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    app = create_app(settings, engine=engine)

    @app.get("/_test/boom")
    def boom() -> None:
        raise RuntimeError(f"invalid input: {SECRET}")

    caplog.set_level(logging.DEBUG)
    with TestClient(app, raise_server_exceptions=False) as client:
        r = client.get("/_test/boom")
    assert r.status_code == 500
    assert r.json()["error"]["code"] == "internal_error"
    assert SECRET not in r.text
    logged = "\n".join(rec.getMessage() for rec in caplog.records)
    assert "RuntimeError at" in logged and "test_safe_errors.py" in logged
    assert SECRET not in logged and "Ana" not in logged
    assert all(rec.exc_info is None for rec in caplog.records)
