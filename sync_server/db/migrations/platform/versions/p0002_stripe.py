"""platform schema: Stripe connected accounts per store, processed Connect events

Routing data only (P1): which connected account and Terminal location belong to which
tenant's store, and which webhook events were already processed. No payment data.

Revision ID: p0002
Revises: p0001
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import UUID

revision = "p0002"
down_revision = "p0001"
branch_labels = None
depends_on = None

S = "platform"


def upgrade() -> None:
    op.create_table(
        "stripe_accounts",
        sa.Column("store_id", UUID(as_uuid=True), primary_key=True),
        sa.Column("tenant_id", UUID(as_uuid=True), sa.ForeignKey(f"{S}.tenants.id"),
                  nullable=False),
        sa.Column("account_id", sa.String(64), nullable=False, unique=True),
        sa.Column("location_id", sa.String(64), nullable=True),
        sa.Column("charges_enabled", sa.Boolean, nullable=False, server_default="false"),
        sa.Column("details_submitted", sa.Boolean, nullable=False, server_default="false"),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False,
                  server_default=sa.func.now()),
        schema=S,
    )
    op.create_table(
        "stripe_events",
        sa.Column("event_id", sa.String(64), primary_key=True),
        sa.Column("event_type", sa.String(80), nullable=False),
        sa.Column("account_id", sa.String(64), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False,
                  server_default=sa.func.now()),
        schema=S,
    )


def downgrade() -> None:
    op.drop_table("stripe_events", schema=S)
    op.drop_table("stripe_accounts", schema=S)
