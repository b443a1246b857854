"""P1: each tenant's data lives in its own schema and no other tenant can reach it.

Two tenants on the real PostgreSQL. Every sync path with tenant A's device token and
tenant B's IDs fails or sees nothing of B; the database role of a tenant request cannot
read another tenant's schema (Postgres itself says permission denied) nor the platform's.
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from psycopg import errors as pg_errors
from sqlalchemy import Engine
from sqlalchemy.exc import ProgrammingError

from jeweltrak_core.ids import new_id
from jeweltrak_core.inventory.operations import AdjustStock
from jeweltrak_core.sales.operations import VoidInvoice
from jeweltrak_core.sync.ops import Operation
from sync_server.db.engine import tenant_transaction
from sync_server.db.names import TenantRef

from .builders import create_piece, op, sale
from .conftest import TenantFixture, Workstation, make_tenant, rows


@pytest.fixture
def two(engine: Engine, client: TestClient) -> tuple[TenantFixture, Workstation, TenantFixture,
                                                     Workstation, dict[str, Any]]:
    """Tenant A and B, each with a device; B has a sold piece, an invoice and a contact."""
    a, b = make_tenant(engine, "Alpha Jewelers"), make_tenant(engine, "Beta Gems")
    wa, wb = a.pair(), b.pair()
    p, create = create_piece(wb)
    invoice_id, sell = sale(wb, p)
    r = client.post("/v1/sync/push", json={"ops": [create, *sell]}, headers=wb.headers)
    assert r.status_code == 200
    return a, wa, b, wb, {"piece": p, "invoice_id": invoice_id}


def _b_state(b: TenantFixture) -> list[tuple[Any, ...]]:
    return rows(b.engine, b.ref, "SELECT entity, entity_id::text, version FROM change_log "
                "ORDER BY version, seq")


def test_p1_ops_with_another_tenants_ids_cannot_touch_them(client: TestClient, two: Any) -> None:
    _a, wa, b, _wb, ids = two
    before = _b_state(b)
    forged = [
        op(wa, VoidInvoice(invoice_id=ids["invoice_id"], reason="forged")),
        op(wa, AdjustStock(piece_id=ids["piece"].id, delta=1, reason="forged")),
    ]
    r = client.post("/v1/sync/push", json={"ops": forged}, headers=wa.headers)
    assert r.status_code == 200
    assert [x["status"] for x in r.json()["results"]] == ["rejected", "rejected"]
    assert all(x["error"]["code"] == "not_found" for x in r.json()["results"])
    assert _b_state(b) == before


def test_p1_ops_claiming_another_store_or_device_are_refused(client: TestClient, two: Any
                                                            ) -> None:
    a, wa, b, wb, _ids = two
    before = _b_state(b)
    raw = create_piece(wa)[1]
    for field, value, code in (
        ("store_id", str(b.store.id), "wrong_store"),
        ("device_id", str(wb.ctx.device_id), "wrong_device"),
    ):
        forged = dict(raw, **{field: value})
        r = client.post("/v1/sync/push", json={"ops": [forged]}, headers=wa.headers)
        assert r.status_code == 403, r.text
        assert r.json()["error"]["code"] == code
    # A tenant named in the body is not a field of the wire format at all.
    r = client.post("/v1/sync/push", json={"ops": [dict(raw, tenant_id=str(b.ref.id))]},
                    headers=wa.headers)
    assert r.status_code == 422
    assert _b_state(b) == before
    assert rows(a.engine, a.ref, "SELECT count(*) FROM pieces") == [(0,)]


def test_p1_reads_with_tenant_a_token_never_show_tenant_b(client: TestClient, two: Any) -> None:
    a, wa, b, _wb, ids = two
    pulled = client.get("/v1/sync/pull", params={"cursor": 0}, headers=wa.headers).json()
    ids_a = {c["id"] for c in pulled["changes"]}
    assert str(ids["piece"].id) not in ids_a and str(ids["invoice_id"]) not in ids_a
    assert ids_a == {str(a.store.id)}
    for entity in ("pieces", "invoices", "stores"):
        page = client.get(f"/v1/sync/snapshot/{entity}", headers=wa.headers).json()
        assert all(row["id"] != str(ids["piece"].id) for row in page["rows"])
        assert all(row["id"] != str(b.store.id) for row in page["rows"])
    manifest = client.get("/v1/sync/snapshot", headers=wa.headers).json()
    counts = {t["entity"]: t["rows"] for t in manifest["tables"]}
    assert counts["pieces"] == 0 and counts["invoices"] == 0
    assert client.get("/v1/sync/problems", headers=wa.headers).json() == {"problems": []}


def test_p1_tenant_role_cannot_read_another_schema(engine: Engine, two: Any) -> None:
    a, _wa, b, _wb, _ids = two
    with pytest.raises(ProgrammingError) as info, tenant_transaction(engine, a.ref) as conn:
        conn.exec_driver_sql(f"SELECT doc FROM {b.ref.schema}.pieces")
    assert isinstance(info.value.orig, pg_errors.InsufficientPrivilege)
    assert "permission denied for schema" in str(info.value.orig)
    with pytest.raises(ProgrammingError) as info, tenant_transaction(engine, a.ref) as conn:
        conn.exec_driver_sql("SELECT token_hash FROM platform.devices")
    assert isinstance(info.value.orig, pg_errors.InsufficientPrivilege)
    # Even by changing its own search_path, a tenant request cannot reach B.
    with pytest.raises(ProgrammingError) as info, tenant_transaction(engine, a.ref) as conn:
        conn.exec_driver_sql(f"SET LOCAL search_path = {b.ref.schema}")
        conn.exec_driver_sql("SELECT doc FROM pieces")
    assert isinstance(info.value.orig, pg_errors.InsufficientPrivilege | pg_errors.UndefinedTable)
    # Note: SET ROLE is checked against the *session* user, so SQL that itself issued
    # ``SET ROLE`` could switch tenants; the role guards against a query that forgets its
    # tenant, and parameterised SQL (no text from input) guards against injection.


def test_p1_no_business_table_outside_tenant_schemas(engine: Engine, two: Any) -> None:
    """Business tables exist only inside t_<id> schemas; the platform holds identities."""
    a, _wa, b, _wb, _ids = two
    with engine.connect() as conn:
        found = conn.exec_driver_sql(
            "SELECT table_schema, table_name FROM information_schema.tables "
            "WHERE table_name IN ('pieces', 'invoices', 'contacts', 'payments', 'change_log')"
        ).all()
        platform_tables = {
            r[0] for r in conn.exec_driver_sql(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'platform'"
            )
        }
    assert {schema for schema, _ in found} >= {a.ref.schema, b.ref.schema}
    assert all(schema.startswith("t_") for schema, _ in found)
    assert platform_tables <= {
        "tenants", "accounts", "sessions", "devices", "login_attempts", "alembic_version",
        # Webhook routing only: a Connect event names an account before any tenant is
        # known (store → connected account and location; IDs of events already handled).
        "stripe_accounts", "stripe_events",
    }


def test_p1_tenant_names_are_generated_and_validated() -> None:
    with pytest.raises(ValueError):
        TenantRef(id=new_id(), schema="t_x; DROP SCHEMA platform", role="jt_t_x")
    with pytest.raises(ValueError):
        TenantRef(id=new_id(), schema="public", role="jt_t_x")
    ref = TenantRef.for_id(new_id())
    assert ref.schema.startswith("t_") and ref.role == f"jt_{ref.schema}"


def test_p1_direct_service_call_cannot_cross_tenants(engine: Engine, two: Any) -> None:
    """Even a caller that hands the push function B's IDs under A's tenant finds nothing."""
    from sync_server.sync.push import push_batch

    a, wa, b, _wb, ids = two
    raw = op(wa, VoidInvoice(invoice_id=ids["invoice_id"], reason="forged"))
    outcome = push_batch(engine, a.ref, wa.ctx.device_id, [Operation.from_wire(raw)], [raw])
    assert outcome.results[0].status == "rejected"
    ((status,),) = rows(engine, b.ref, "SELECT doc->>'status' FROM invoices")
    assert status == "finalized"
