"""tenant schema: integration connections (encrypted tokens), ID links, webhook deliveries

Tokens are stored only as ciphertext (``sync_server/integrations/vault.py``, PRIVACY_PROMISES
P9); the account reference (a Shopify shop domain, a QuickBooks realm ID) is not a secret.

Revision ID: t0003
Revises: t0002
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB, UUID

revision = "t0003"
down_revision = "t0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "integration_connections",
        sa.Column("provider", sa.String(32), primary_key=True),  # shopify / quickbooks
        sa.Column("account_ref", sa.String(255), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),  # connected / error
        sa.Column("access_token_enc", sa.Text, nullable=False),
        sa.Column("refresh_token_enc", sa.Text, nullable=True),
        sa.Column("token_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("settings", JSONB, nullable=False, server_default=sa.text("'{}'::jsonb")),
        sa.Column("last_error", sa.String(500), nullable=True),
        sa.Column("connected_at", sa.DateTime(timezone=True), nullable=False,
                  server_default=sa.func.now()),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False,
                  server_default=sa.func.now()),
    )
    op.create_table(
        "integration_links",
        sa.Column("provider", sa.String(32), nullable=False),
        sa.Column("entity", sa.String(32), nullable=False),  # contact / invoice / piece …
        sa.Column("remote_id", sa.String(100), nullable=False),
        sa.Column("local_id", UUID(as_uuid=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False,
                  server_default=sa.func.now()),
        sa.PrimaryKeyConstraint("provider", "entity", "remote_id"),
        sa.UniqueConstraint("provider", "entity", "local_id", name="ux_integration_links_local"),
    )
    op.create_table(
        "integration_events",
        sa.Column("provider", sa.String(32), nullable=False),
        sa.Column("event_id", sa.String(200), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False,
                  server_default=sa.func.now()),
        sa.PrimaryKeyConstraint("provider", "event_id"),
    )


def downgrade() -> None:
    op.drop_table("integration_events")
    op.drop_table("integration_links")
    op.drop_table("integration_connections")
