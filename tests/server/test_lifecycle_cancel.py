"""PRIVACY_PROMISES.md P14: after cancelling, the data stays available for export for 30
days (the owner can also come back), then ``prune`` deletes it for good. The clock is the
app's lifecycle clock and ``prune``'s ``now``: no test sleeps."""

from __future__ import annotations

import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from sync_server.lifecycle.service import RETENTION_DAYS, delete_expired_tenants

from .accounts_helpers import login, own_address_client
from .conftest import TEST_SECRET
from .test_lifecycle_helpers import (
    clock_of,
    device_pull_status,
    download_export,
    open_business,
    platform_rows_naming,
    role_exists,
    schema_exists,
)

#: Every request of this module comes from its own address (sign-in limits are per IP).
client = own_address_client
REPO = Path(__file__).resolve().parents[2]


def _cancel(client: TestClient, headers: dict[str, str]) -> dict[str, object]:
    r = client.post("/v1/tenant/cancel", headers=headers)
    assert r.status_code == 200, r.text
    return dict(r.json())


def test_p14_day_29_export_works_day_31_prune_deletes_everything(
    client: TestClient, engine: Engine
) -> None:
    """P14: cancelled on day 0, the business's workstations stop syncing (403) but the owner
    exports on day 29; on day 31 export answers 410 and prune deletes the schema, the role
    and every platform row; an active business and a recently cancelled one stay."""
    clock = clock_of(client)
    shop = open_business(client, engine, "Leaving Jewelers")
    active = open_business(client, engine, "Active Gems")
    status = _cancel(client, shop.owner.headers)
    assert status["status"] == "cancelled"
    assert status["retention_days"] == RETENTION_DAYS == 30
    assert status["delete_after"] is not None
    assert device_pull_status(client, shop.workstation.token) == 403
    assert client.get("/v1/auth/me", headers=shop.staff.headers).status_code == 403

    clock.day(20)
    later = open_business(client, engine, "Later Leavers")
    _cancel(client, later.owner.headers)  # its 30 days end on day 50

    clock.day(29)
    exported = download_export(client, shop.owner)
    assert str(shop.piece_id) in exported.ids("pieces")
    assert str(shop.invoice_id) in exported.ids("invoices")
    assert exported.manifest["status"] == "cancelled"
    assert delete_expired_tenants(engine, clock()).deleted == []
    assert schema_exists(engine, shop.ref.schema) and role_exists(engine, shop.ref.role)

    clock.day(31)
    r = client.get("/v1/tenant/export", headers=shop.owner.headers)
    assert r.status_code == 410, r.text
    assert r.json()["error"]["code"] == "retention_ended"
    assert client.post("/v1/tenant/reactivate", headers=shop.owner.headers).status_code == 410

    outcome = delete_expired_tenants(engine, clock())
    assert shop.ref.id in outcome.deleted and outcome.failed == []
    assert later.ref.id not in outcome.deleted and active.ref.id not in outcome.deleted
    assert not schema_exists(engine, shop.ref.schema)
    assert not role_exists(engine, shop.ref.role)
    assert set(platform_rows_naming(engine, shop.ref.id).values()) == {0}
    assert device_pull_status(client, shop.workstation.token) == 401
    assert client.get("/v1/tenant", headers=shop.owner.headers).status_code == 401

    for kept in (active, later):
        assert schema_exists(engine, kept.ref.schema) and role_exists(engine, kept.ref.role)
    assert device_pull_status(client, active.workstation.token) == 200
    assert download_export(client, later.owner).manifest["status"] == "cancelled"


def test_p14_reactivate_within_the_window_restores_everything(
    client: TestClient, engine: Engine
) -> None:
    """P14: reactivating on day 10 makes the business active again (workstations sync,
    staff sign in) and prune on day 31 no longer deletes it."""
    clock = clock_of(client)
    shop = open_business(client, engine)
    _cancel(client, shop.owner.headers)
    assert device_pull_status(client, shop.workstation.token) == 403

    clock.day(10)
    r = client.post("/v1/tenant/reactivate", headers=shop.owner.headers)
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "active"
    assert r.json()["cancelled_at"] is None and r.json()["delete_after"] is None
    assert device_pull_status(client, shop.workstation.token) == 200
    assert client.get("/v1/auth/me", headers=shop.staff.headers).status_code == 200
    again = client.post("/v1/tenant/reactivate", headers=shop.owner.headers)
    assert again.status_code == 200 and again.json()["status"] == "active"

    clock.day(31)
    assert shop.ref.id not in delete_expired_tenants(engine, clock()).deleted
    assert schema_exists(engine, shop.ref.schema)


def test_p14_cancelling_again_keeps_the_first_date(client: TestClient, engine: Engine) -> None:
    """P14: the 30 days count from the first cancellation; cancelling again on day 5 does
    not move the deletion date. P15: a cancelled business can still be deleted at once."""
    clock = clock_of(client)
    shop = open_business(client, engine)
    first = _cancel(client, shop.owner.headers)
    clock.day(5)
    second = _cancel(client, shop.owner.headers)
    assert second["cancelled_at"] == first["cancelled_at"]
    assert second["delete_after"] == first["delete_after"]
    r = client.get("/v1/tenant", headers=shop.owner.headers)
    assert r.json()["delete_after"] == first["delete_after"]
    # P15 still holds while cancelled: the owner may delete at once instead of waiting.
    r = client.request(
        "DELETE", "/v1/tenant", json={"password": shop.owner.password}, headers=shop.owner.headers
    )
    assert r.status_code == 200, r.text
    assert not schema_exists(engine, shop.ref.schema)


def test_p14_only_the_owner_cancels_or_reactivates(client: TestClient, engine: Engine) -> None:
    """P14: staff holding every permission cannot cancel or reactivate (403)."""
    shop = open_business(client, engine)
    for path in ("/v1/tenant/cancel", "/v1/tenant/reactivate"):
        r = client.post(path, headers=shop.staff.headers)
        assert r.status_code == 403, r.text
    r = client.get("/v1/tenant", headers=shop.owner.headers)
    assert r.json()["status"] == "active"


def test_p14_prune_command_deletes_businesses_cancelled_over_30_days_ago(
    client: TestClient, engine: Engine, pg_url: str
) -> None:
    """P14: ``python -m sync_server prune`` (a real process) deletes a business cancelled
    31 days ago and keeps one cancelled 29 days ago."""
    clock = clock_of(client)
    expired, recent = open_business(client, engine), open_business(client, engine)
    clock.start -= timedelta(days=31)
    _cancel(client, expired.owner.headers)
    clock.start += timedelta(days=2)
    _cancel(client, recent.owner.headers)

    env = {
        "PATH": "/usr/bin:/bin",
        "PYTHONUNBUFFERED": "1",
        "DATABASE_URL": pg_url,
        "JEWELTRAK_ENVIRONMENT": "test",
        "JEWELTRAK_SECRET_KEY": TEST_SECRET,
    }
    done = subprocess.run(
        [sys.executable, "-m", "sync_server", "prune"], cwd=REPO, env=env,
        stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert f"tenant {expired.ref.id}: deleted" in done.stdout
    assert f"tenant {recent.ref.id}: deleted" not in done.stdout
    assert not schema_exists(engine, expired.ref.schema)
    assert not role_exists(engine, expired.ref.role)
    assert set(platform_rows_naming(engine, expired.ref.id).values()) == {0}
    assert schema_exists(engine, recent.ref.schema) and role_exists(engine, recent.ref.role)


def test_p14_the_owner_signs_in_again_after_cancelling_to_export(
    client: TestClient, engine: Engine
) -> None:
    """P14: the owner's session may have ended after cancelling; signing in again still
    works for the 30 days, but only the /v1/tenant routes answer it; staff stay out."""
    shop = open_business(client, engine, "Signing Back Jewelers")
    _cancel(client, shop.owner.headers)
    fresh = login(client, shop.owner.email, shop.owner.password)
    assert download_export(client, fresh).manifest["status"] == "cancelled"
    assert client.get("/v1/stores", headers=fresh.headers).status_code == 403
    staff = client.post("/v1/auth/login", json={"email": shop.staff.email,
                                                "password": shop.staff.password})
    assert staff.status_code == 403
    assert staff.json()["error"]["code"] == "tenant_inactive"
    reactivated = client.post("/v1/tenant/reactivate", headers=fresh.headers)
    assert reactivated.status_code == 200, reactivated.text
    assert client.get("/v1/stores", headers=fresh.headers).status_code == 200
