"""P9: integration OAuth tokens are stored encrypted in the tenant's database; key rotation
works; a token never appears in a representation meant for responses or logs."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import Engine

from sync_server.db.engine import tenant_transaction
from sync_server.integrations.connections import (
    IntegrationConnection,
    disconnect,
    first_delivery,
    link,
    load_connection,
    local_id,
    remote_id,
    rotate_tokens,
    save_connection,
)
from sync_server.integrations.vault import KEYS_ENV, TokenVault, VaultError, derived_key
from tests.server.conftest import TenantFixture, make_tenant

ACCESS = "shpat_0123456789abcdef0123456789abcdef"
REFRESH = "AB11-refresh-token-for-realm-9130"


def _connection() -> IntegrationConnection:
    return IntegrationConnection(
        provider="quickbooks", account_ref="9130354", access_token=ACCESS,
        refresh_token=REFRESH, settings={"income_account": "79"},
    )


def _raw(tenant: TenantFixture) -> tuple[str, str | None]:
    with tenant_transaction(tenant.engine, tenant.ref) as conn:
        row = conn.exec_driver_sql(
            "SELECT access_token_enc, refresh_token_enc FROM integration_connections"
        ).one()
    return row[0], row[1]


def test_p9_the_column_holds_ciphertext_and_reads_back(tenant: TenantFixture) -> None:
    vault = TokenVault([Fernet.generate_key()])
    with tenant_transaction(tenant.engine, tenant.ref) as conn:
        save_connection(conn, vault, _connection())
    access, refresh = _raw(tenant)
    assert ACCESS not in access and REFRESH not in (refresh or "")
    assert "shpat" not in access and "refresh" not in (refresh or "")
    with tenant_transaction(tenant.engine, tenant.ref) as conn:
        loaded = load_connection(conn, vault, "quickbooks")
    assert loaded is not None
    assert (loaded.access_token, loaded.refresh_token) == (ACCESS, REFRESH)
    assert loaded.settings == {"income_account": "79"}
    # What may be shown or logged carries no token.
    assert ACCESS not in repr(loaded) and REFRESH not in repr(loaded)
    assert ACCESS not in str(loaded.public()) and REFRESH not in str(loaded.public())


def test_p9_key_rotation_re_encrypts_and_the_old_key_can_go(tenant: TenantFixture) -> None:
    old, new = Fernet.generate_key(), Fernet.generate_key()
    with tenant_transaction(tenant.engine, tenant.ref) as conn:
        save_connection(conn, TokenVault([old]), _connection())
    before = _raw(tenant)
    rotating = TokenVault([new, old])
    with tenant_transaction(tenant.engine, tenant.ref) as conn:
        assert rotate_tokens(conn, rotating) == 1
        assert rotate_tokens(conn, rotating) == 0  # already on the newest key
    after = _raw(tenant)
    assert after[0] != before[0] and after[1] != before[1]
    with tenant_transaction(tenant.engine, tenant.ref) as conn:
        loaded = load_connection(conn, TokenVault([new]), "quickbooks")  # old key dropped
    assert loaded is not None and loaded.access_token == ACCESS
    with (pytest.raises(VaultError, match="cannot be decrypted"),
          tenant_transaction(tenant.engine, tenant.ref) as conn):
        load_connection(conn, TokenVault([old]), "quickbooks")


def test_tampered_ciphertext_is_refused_not_garbled(tenant: TenantFixture) -> None:
    vault = TokenVault([Fernet.generate_key()])
    with tenant_transaction(tenant.engine, tenant.ref) as conn:
        save_connection(conn, vault, _connection())
        conn.exec_driver_sql(
            "UPDATE integration_connections SET access_token_enc = "
            "overlay(access_token_enc placing 'A' from 20 for 1)"
        )
    with (pytest.raises(VaultError),
          tenant_transaction(tenant.engine, tenant.ref) as conn):
        load_connection(conn, vault, "quickbooks")


def test_keys_from_the_environment_or_derived_from_the_secret(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(KEYS_ENV, raising=False)
    derived = TokenVault.from_environment("a-secret-of-at-least-thirty-two-chars!!")
    same = TokenVault([derived_key("a-secret-of-at-least-thirty-two-chars!!")])
    assert same.decrypt(derived.encrypt("t")) == "t"
    other = TokenVault([derived_key("another-secret-of-at-least-thirty-two!!")])
    with pytest.raises(VaultError):
        other.decrypt(derived.encrypt("t"))
    first, second = Fernet.generate_key(), Fernet.generate_key()
    monkeypatch.setenv(KEYS_ENV, f" {first.decode()} , {second.decode()} ")
    listed = TokenVault.from_environment("ignored-when-keys-are-listed-xxxxxxxxxx")
    assert TokenVault([first]).decrypt(listed.encrypt("t")) == "t"  # the first encrypts
    assert listed.decrypt(TokenVault([second]).encrypt("u")) == "u"  # all decrypt
    monkeypatch.setenv(KEYS_ENV, "not-a-key")
    with pytest.raises(VaultError, match="not a Fernet key"):
        TokenVault.from_environment("x" * 40)


def test_links_and_deliveries_stay_in_the_tenant(engine: Engine, tenant: TenantFixture
                                                 ) -> None:
    other = make_tenant(engine, "Other Jewelers")
    vault = TokenVault([Fernet.generate_key()])
    with tenant_transaction(tenant.engine, tenant.ref) as conn:
        link(conn, "shopify", "contact", "gid-1", tenant.store.id)
        link(conn, "shopify", "contact", "gid-1", tenant.store.id)  # idempotent
        assert local_id(conn, "shopify", "contact", "gid-1") == tenant.store.id
        assert remote_id(conn, "shopify", "contact", tenant.store.id) == "gid-1"
        assert first_delivery(conn, "shopify", "delivery-1")
        assert not first_delivery(conn, "shopify", "delivery-1")
        save_connection(conn, vault, _connection())
    with tenant_transaction(other.engine, other.ref) as conn:
        assert local_id(conn, "shopify", "contact", "gid-1") is None
        assert first_delivery(conn, "shopify", "delivery-1")  # its own deliveries
        assert load_connection(conn, vault, "quickbooks") is None
    with tenant_transaction(tenant.engine, tenant.ref) as conn:
        assert disconnect(conn, "quickbooks")
        assert load_connection(conn, vault, "quickbooks") is None
        assert not disconnect(conn, "quickbooks")
