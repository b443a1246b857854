"""The Resend simulator over real HTTP with httpx."""

from __future__ import annotations

import httpx
import pytest

from tests.simulators.resend import ResendSimulator, resend_sim

__all__ = ["resend_sim"]

KEY = "re_test_simulator"
EMAIL = {
    "from": "Gold & Co <billing@goldco.example>",
    "to": ["ana@example.com"],
    "subject": "Your payment link",
    "html": "<p><a href='https://buy.stripe.com/test_x'>Pay</a></p>",
}


def _send(
    sim: ResendSimulator, body: object, key: str | None = KEY, **headers: str
) -> httpx.Response:
    if key is not None:
        headers["Authorization"] = f"Bearer {key}"
    return httpx.post(f"{sim.base_url}/emails", json=body, headers=headers)


def test_email_is_accepted_and_kept(resend_sim: ResendSimulator) -> None:
    response = _send(resend_sim, EMAIL)
    assert response.status_code == 200
    email_id = response.json()["id"]
    assert [e["id"] for e in resend_sim.sent] == [email_id]
    sent = resend_sim.sent[0]
    assert sent["to"] == ["ana@example.com"] and "buy.stripe.com/test_x" in sent["html"]
    single = _send(resend_sim, {**EMAIL, "to": "bo@example.com"})
    assert single.status_code == 200 and resend_sim.sent[-1]["to"] == ["bo@example.com"]
    fetched = httpx.get(
        f"{resend_sim.base_url}/emails/{email_id}", headers={"Authorization": f"Bearer {KEY}"}
    )
    assert fetched.json()["subject"] == "Your payment link"


def test_missing_or_wrong_key_is_401(resend_sim: ResendSimulator) -> None:
    missing = _send(resend_sim, EMAIL, key=None)
    assert (missing.status_code, missing.json()["name"]) == (401, "missing_api_key")
    wrong = _send(resend_sim, EMAIL, key="re_wrong")
    assert wrong.status_code == 401 and wrong.json()["message"] == "API key is invalid"
    assert resend_sim.sent == []


@pytest.mark.parametrize("field", ["from", "to", "subject"])
def test_missing_field_is_422(resend_sim: ResendSimulator, field: str) -> None:
    response = _send(resend_sim, {k: v for k, v in EMAIL.items() if k != field})
    assert response.status_code == 422
    body = response.json()
    assert body["name"] == "missing_required_field" and field in body["message"]
    assert body["statusCode"] == 422 and resend_sim.sent == []


@pytest.mark.parametrize(
    ("change", "name"),
    [
        ({"from": "not an address"}, "invalid_from_address"),
        ({"to": ["nobody"]}, "validation_error"),
        ({"html": None}, "missing_required_field"),
    ],
)
def test_invalid_fields_are_422(
    resend_sim: ResendSimulator, change: dict[str, object], name: str
) -> None:
    response = _send(resend_sim, {**EMAIL, **change})
    assert (response.status_code, response.json()["name"]) == (422, name)


def test_injected_failures_then_success(resend_sim: ResendSimulator) -> None:
    resend_sim.fail_next(1, status=500)
    resend_sim.fail_next(1, status=429)
    assert _send(resend_sim, EMAIL).status_code == 500
    limited = _send(resend_sim, EMAIL)
    assert limited.status_code == 429 and limited.headers["retry-after"] == "1"
    assert resend_sim.sent == []
    assert _send(resend_sim, EMAIL).status_code == 200 and len(resend_sim.sent) == 1
    assert [status for _, _, status in resend_sim.requests] == [500, 429, 200]


def test_idempotency_key(resend_sim: ResendSimulator) -> None:
    first = _send(resend_sim, EMAIL, **{"Idempotency-Key": "inv-1042-link"})
    again = _send(resend_sim, EMAIL, **{"Idempotency-Key": "inv-1042-link"})
    assert first.json() == again.json() and len(resend_sim.sent) == 1
    other = _send(resend_sim, {**EMAIL, "subject": "x"}, **{"Idempotency-Key": "inv-1042-link"})
    assert other.status_code == 409
