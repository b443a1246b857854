"""tenant schema: card payments on readers, Stripe refunds, payment links, readers

Only the reconciliation metadata of PRIVACY_PROMISES.md P3 is kept from Stripe (IDs, method
type, brand, last four, status; refund ID, amount, reason; reader location and label).

Revision ID: t0002
Revises: t0001
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import UUID

revision = "t0002"
down_revision = "t0001"
branch_labels = None
depends_on = None


def _ts(name: str, *, nullable: bool = False) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable,
                     server_default=None if nullable else sa.func.now())


def upgrade() -> None:
    op.create_table(
        "terminal_readers",
        sa.Column("id", sa.String(64), primary_key=True),  # tmr_…
        sa.Column("store_id", UUID(as_uuid=True), nullable=False),
        sa.Column("location_id", sa.String(64), nullable=False),
        sa.Column("label", sa.String(100), nullable=False),
        _ts("created_at"),
    )
    op.create_table(
        "card_payments",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column("store_id", UUID(as_uuid=True), nullable=False),
        sa.Column("device_id", UUID(as_uuid=True), nullable=True),
        sa.Column("channel", sa.String(16), nullable=False),  # terminal / payment_link
        sa.Column("purpose", sa.String(16), nullable=False),  # invoice / deposit
        sa.Column("invoice_id", UUID(as_uuid=True), nullable=True),
        sa.Column("work_order_id", UUID(as_uuid=True), nullable=True),
        sa.Column("contact_id", UUID(as_uuid=True), nullable=True),
        sa.Column("amount_cents", sa.BigInteger, nullable=False),
        sa.Column("request_key", sa.String(200), nullable=True, unique=True),
        sa.Column("reader_id", sa.String(64), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("decline_code", sa.String(64), nullable=True),
        sa.Column("stripe_payment_intent_id", sa.String(64), nullable=True, unique=True),
        sa.Column("stripe_charge_id", sa.String(64), nullable=True, unique=True),
        sa.Column("stripe_customer_id", sa.String(64), nullable=True),
        sa.Column("payment_method_type", sa.String(32), nullable=True),
        sa.Column("card_brand", sa.String(32), nullable=True),
        sa.Column("card_last4", sa.String(4), nullable=True),
        sa.Column("payment_id", UUID(as_uuid=True), nullable=True, unique=True),
        sa.Column("deposit_id", UUID(as_uuid=True), nullable=True),
        _ts("created_at"),
        _ts("expires_at", nullable=True),
        _ts("settled_at", nullable=True),
    )
    op.create_index("ix_card_payments_invoice", "card_payments", ["invoice_id"])
    op.create_table(
        "card_refunds",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),  # the negative Payment's ID
        sa.Column("card_payment_id", UUID(as_uuid=True),
                  sa.ForeignKey("card_payments.id"), nullable=False),
        sa.Column("stripe_refund_id", sa.String(64), nullable=False, unique=True),
        sa.Column("amount_cents", sa.BigInteger, nullable=False),
        sa.Column("reason", sa.String(32), nullable=True),
        sa.Column("status", sa.String(32), nullable=False),
        _ts("created_at"),
    )
    op.create_table(
        "payment_links",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column("store_id", UUID(as_uuid=True), nullable=False),
        sa.Column("invoice_id", UUID(as_uuid=True), nullable=False),
        sa.Column("amount_cents", sa.BigInteger, nullable=False),
        sa.Column("stripe_payment_link_id", sa.String(64), nullable=False, unique=True),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),  # active / paid / deactivated
        sa.Column("card_payment_id", UUID(as_uuid=True), nullable=True),
        _ts("created_at"),
    )
    op.create_index("ix_payment_links_invoice", "payment_links", ["invoice_id"])


def downgrade() -> None:
    for name in ("payment_links", "card_refunds", "card_payments", "terminal_readers"):
        op.drop_table(name)
