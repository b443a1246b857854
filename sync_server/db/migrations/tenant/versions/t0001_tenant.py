"""tenant schema: document tables per entity kind, change log, applied ops, device seqs

Runs with ``search_path`` set to the tenant's schema and as the tenant's role, so every
object is created unqualified, inside that schema, owned by that role.

Revision ID: t0001
Revises:
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB, UUID

revision = "t0001"
down_revision = None
branch_labels = None
depends_on = None

# Pinned here (not imported from the live metadata) so this migration never changes.
DOC_TABLES = (
    "stores", "permission_groups", "users", "pieces", "contacts", "invoices", "payments",
    "deposits", "store_credit_entries", "disputes", "drawer_sessions", "customer_memos",
    "vendor_memos", "work_orders", "appraisals", "oversell_exceptions",
)
CONTACT_OWNED = (
    "invoices", "customer_memos", "work_orders", "appraisals", "payments", "deposits",
    "store_credit_entries",
)


def upgrade() -> None:
    for name in DOC_TABLES:
        op.create_table(
            name,
            sa.Column("id", UUID(as_uuid=True), primary_key=True),
            sa.Column("version", sa.BigInteger, nullable=False),
            sa.Column("deleted", sa.Boolean, nullable=False, server_default=sa.text("false")),
            sa.Column("doc", JSONB, nullable=False),
        )
    op.execute("CREATE UNIQUE INDEX ux_pieces_stock_id ON pieces (lower(doc ->> 'stock_id'))")
    op.execute(
        "CREATE UNIQUE INDEX ux_pieces_barcode ON pieces (lower(doc ->> 'barcode')) "
        "WHERE (doc ->> 'barcode') IS NOT NULL"
    )
    op.execute("CREATE UNIQUE INDEX ux_stores_code ON stores (lower(doc ->> 'code'))")
    for doc in ("invoices", "customer_memos", "work_orders", "appraisals"):
        op.execute(
            f"CREATE UNIQUE INDEX ux_{doc}_number ON {doc} (lower(doc ->> 'number')) "
            "WHERE (doc ->> 'number') IS NOT NULL"
        )
    for owned in CONTACT_OWNED:
        op.execute(f"CREATE INDEX ix_{owned}_contact ON {owned} ((doc ->> 'contact_id'))")
    op.execute("CREATE INDEX ix_pieces_vendor ON pieces ((doc ->> 'vendor_id'))")
    op.execute("CREATE INDEX ix_vendor_memos_vendor ON vendor_memos ((doc ->> 'vendor_id'))")
    for link in ("invoice_id", "refund_of_id", "drawer_session_id"):
        op.execute(f"CREATE INDEX ix_payments_{link} ON payments ((doc ->> '{link}'))")
    op.execute(
        "CREATE INDEX ix_drawer_sessions_device ON drawer_sessions ((doc ->> 'device_id'))"
    )

    op.create_table(
        "sync_state",
        sa.Column("id", sa.SmallInteger, primary_key=True),
        sa.Column("version", sa.BigInteger, nullable=False),
        sa.Column("retained_from", sa.BigInteger, nullable=False),
    )
    op.execute("INSERT INTO sync_state (id, version, retained_from) VALUES (1, 0, 0)")
    op.create_table(
        "change_log",
        sa.Column("version", sa.BigInteger, primary_key=True),
        sa.Column("seq", sa.Integer, primary_key=True),
        sa.Column("entity", sa.String(40), nullable=False),
        sa.Column("entity_id", UUID(as_uuid=True), nullable=False),
        sa.Column("deleted", sa.Boolean, nullable=False),
        sa.Column("doc", JSONB, nullable=True),
        sa.Column("op_id", UUID(as_uuid=True), nullable=True),
        sa.Column("committed_at", sa.DateTime(timezone=True), nullable=False,
                  server_default=sa.func.now()),
    )
    op.create_table(
        "applied_ops",
        sa.Column("op_id", UUID(as_uuid=True), primary_key=True),
        sa.Column("device_id", UUID(as_uuid=True), nullable=False),
        sa.Column("seq", sa.BigInteger, nullable=False),
        sa.Column("op_type", sa.String(40), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("result", JSONB, nullable=False),
        sa.Column("version", sa.BigInteger, nullable=True),
        sa.Column("envelope", JSONB, nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False,
                  server_default=sa.func.now()),
    )
    op.execute(
        "CREATE UNIQUE INDEX ux_applied_ops_device_seq ON applied_ops (device_id, seq)"
    )
    op.execute(
        "CREATE INDEX ix_applied_ops_problems ON applied_ops (received_at) "
        "WHERE status <> 'applied'"
    )
    op.create_table(
        "device_seqs",
        sa.Column("device_id", UUID(as_uuid=True), primary_key=True),
        sa.Column("last_seq", sa.BigInteger, nullable=False),
    )


def downgrade() -> None:
    for name in ("device_seqs", "applied_ops", "change_log", "sync_state", *DOC_TABLES):
        op.drop_table(name)
