"""PRIVACY_PROMISES.md P15 (export): the owner can download every table of the business,
nothing of any other business, and no credentials."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from sync_server.db.engine import tenant_transaction
from sync_server.lifecycle.export import CHUNK_BYTES, export_chunks
from sync_server.lifecycle.repository import tenant_state

from .accounts_helpers import bearer, own_address_client
from .conftest import rows
from .test_lifecycle_helpers import (
    card_numbers_in,
    clock_of,
    download_export,
    open_business,
    schema_tables,
)

#: Every request of this module comes from its own address (sign-in limits are per IP).
client = own_address_client


def test_p15_export_holds_every_table_of_the_schema_and_the_pushed_rows(
    client: TestClient, engine: Engine
) -> None:
    """P15: the export has one file per table of the tenant's schema (as the catalog lists
    them, so a table added by a later migration is included) with every row; the manifest
    names the tenant, the UTC export time and the row counts."""
    shop = open_business(client, engine)
    clock = clock_of(client)
    exported = download_export(client, shop.owner)

    tables = schema_tables(engine, shop.ref.schema)
    assert {"pieces", "invoices", "users", "stores", "change_log", "applied_ops"} <= tables
    assert set(exported.manifest["tables"]) == tables
    assert set(exported.tables) == tables
    for table in tables:
        ((count,),) = rows(engine, shop.ref, f'SELECT count(*) FROM "{table}"')
        assert exported.manifest["tables"][table]["rows"] == count, table
        assert len(exported.tables[table]) == count, table

    assert str(shop.piece_id) in exported.ids("pieces")
    assert str(shop.invoice_id) in exported.ids("invoices")
    (invoice,) = [r for r in exported.tables["invoices"] if r["id"] == str(shop.invoice_id)]
    assert invoice["doc"]["status"] == "finalized"
    assert isinstance(invoice["doc"]["lines"][0]["unit_price_cents"], int)  # money: cents
    (piece,) = [r for r in exported.tables["pieces"] if r["id"] == str(shop.piece_id)]
    assert piece["doc"]["status"] == "sold"
    op_devices = {r["device_id"] for r in exported.tables["applied_ops"]}
    assert op_devices == {str(shop.workstation.ctx.device_id)}

    manifest = exported.manifest
    assert manifest["tenant_id"] == str(shop.ref.id)
    assert manifest["business_name"] == shop.name
    assert manifest["status"] == "active"
    exported_at = datetime.fromisoformat(manifest["exported_at"])
    assert exported_at.utcoffset() == timedelta(0)
    assert exported_at == clock()


def test_p15_export_includes_a_new_table_and_leaves_credentials_out(
    client: TestClient, engine: Engine
) -> None:
    """P15/P9/P11: a table added later is exported without code changes; password and PIN
    hashes, device and session tokens, and ciphertext columns never are (P2: no card
    numbers either)."""
    shop = open_business(client, engine)
    ciphertext = "gAAAAAB" + "x1Y2z3" * 20
    with tenant_transaction(engine, shop.ref) as conn:
        conn.exec_driver_sql(
            "CREATE TABLE later_channel (id int PRIMARY KEY, shop_domain text, "
            "access_token_enc text, refresh_token text, settings jsonb)"
        )
        settings = {"note": "kept", "client_secret": "sk-never", "copy": ciphertext}
        conn.exec_driver_sql(
            "INSERT INTO later_channel VALUES (1, 'ada.example', %s, 'plain-refresh-secret', "
            "%s::jsonb)",
            (ciphertext, json.dumps(settings)),
        )
    ((pin_verifier,),) = rows(
        engine, shop.ref, "SELECT doc->>'pin_verifier' FROM users WHERE id = %s",
        shop.staff.user_id,
    )
    assert pin_verifier and pin_verifier.startswith("$argon2")

    exported = download_export(client, shop.owner)

    later = exported.manifest["tables"]["later_channel"]
    assert later["columns"] == ["id", "shop_domain", "settings"]
    assert later["omitted_columns"] == ["access_token_enc", "refresh_token"]
    assert exported.tables["later_channel"] == [
        {"id": 1, "shop_domain": "ada.example", "settings": {"note": "kept", "copy": None}}
    ]
    for secret in (
        ciphertext, "plain-refresh-secret", "sk-never", pin_verifier, "$argon2",
        shop.owner.token, shop.staff.token, shop.workstation.token, shop.owner.password,
    ):
        assert secret not in exported.text, secret
    assert "pin_verifier" not in exported.text
    staff_rows = [r for r in exported.tables["users"] if r["id"] == str(shop.staff.user_id)]
    assert staff_rows and "pin_verifier" not in staff_rows[0]["doc"]
    assert staff_rows[0]["doc"]["name"] == "Sam Clerk"  # the rest of the record is there
    assert exported.manifest["tables"]["users"]["redacted_values"] >= 1
    assert card_numbers_in(exported.text) == []


def test_p15_p1_export_holds_nothing_of_another_business(
    client: TestClient, engine: Engine
) -> None:
    """P15/P1: the tenant comes from the session; another business's rows, IDs and name
    appear nowhere in the export."""
    mine = open_business(client, engine, "Mine Jewelers")
    other = open_business(client, engine, "Other Gems")
    exported = download_export(client, mine.owner)
    for foreign in (
        str(other.ref.id), other.ref.schema, str(other.piece_id), str(other.invoice_id),
        str(other.store_id), str(other.workstation.ctx.device_id), "Other Gems",
        str(other.staff.user_id), other.owner.email,
    ):
        assert foreign not in exported.text, foreign
    assert str(mine.piece_id) in exported.ids("pieces")
    # Forged tenant hints are ignored: the path has no tenant, the query is not read.
    r = client.get(
        "/v1/tenant/export", params={"tenant_id": str(other.ref.id)}, headers=mine.owner.headers
    )
    assert r.status_code == 200
    assert str(other.piece_id) not in r.content.decode("latin-1")


def test_p15_only_the_owner_exports(client: TestClient, engine: Engine) -> None:
    """P15: the export is the owner's: staff with every permission get 403, a workstation's
    token and no token get 401."""
    shop = open_business(client, engine)
    r = client.get("/v1/tenant/export", headers=shop.staff.headers)
    assert r.status_code == 403, r.text
    assert r.json()["error"]["code"] == "permission_denied"
    r = client.get("/v1/tenant/export", headers=bearer(shop.workstation.token))
    assert r.status_code == 401
    assert client.get("/v1/tenant/export").status_code == 401
    assert client.get("/v1/tenant", headers=shop.staff.headers).status_code == 403


def test_p15_export_is_streamed_in_bounded_pieces(client: TestClient, engine: Engine) -> None:
    """P15: a large business is exported piece by piece, never built whole in memory."""
    shop = open_business(client, engine)
    with tenant_transaction(engine, shop.ref) as conn:
        conn.exec_driver_sql("CREATE TABLE bulk_notes (id int PRIMARY KEY, body text)")
        conn.exec_driver_sql(
            "INSERT INTO bulk_notes SELECT i, md5(i::text) || md5((i * 7)::text) "
            "FROM generate_series(1, 30000) AS i"
        )
    with engine.connect() as conn:
        state = tenant_state(conn, shop.ref.id)
    assert state is not None
    pieces = list(export_chunks(engine, state, datetime.now(UTC)))
    assert len(pieces) > 10
    assert max(len(p) for p in pieces) < CHUNK_BYTES * 4
    r = client.get("/v1/tenant/export", headers=shop.owner.headers)
    assert r.status_code == 200
    assert "content-length" not in r.headers  # sent as it is produced
    assert len(r.content) > CHUNK_BYTES * 10
