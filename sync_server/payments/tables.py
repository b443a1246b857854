"""Payment tables: platform routing (connected accounts, processed events) and tenant tables.

The tenant tables hold only the reconciliation metadata PRIVACY_PROMISES.md P3 allows;
``P3_COLUMNS`` names every column and why it may exist (the allow-list test reads it).
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    MetaData,
    String,
    Table,
    Text,
    func,
)
from sqlalchemy.dialects.postgresql import UUID as PgUUID

platform_metadata = MetaData(schema="platform")
tenant_metadata = MetaData()

stripe_accounts = Table(
    "stripe_accounts",
    platform_metadata,
    Column("store_id", PgUUID(as_uuid=True), primary_key=True),
    Column("tenant_id", PgUUID(as_uuid=True), nullable=False),
    Column("account_id", String(64), nullable=False, unique=True),
    Column("location_id", String(64), nullable=True),
    Column("charges_enabled", Boolean, nullable=False, server_default="false"),
    Column("details_submitted", Boolean, nullable=False, server_default="false"),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

stripe_events = Table(
    "stripe_events",
    platform_metadata,
    Column("event_id", String(64), primary_key=True),
    Column("event_type", String(80), nullable=False),
    Column("account_id", String(64), nullable=True),
    Column("received_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

terminal_readers = Table(
    "terminal_readers",
    tenant_metadata,
    Column("id", String(64), primary_key=True),
    Column("store_id", PgUUID(as_uuid=True), nullable=False),
    Column("location_id", String(64), nullable=False),
    Column("label", String(100), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

card_payments = Table(
    "card_payments",
    tenant_metadata,
    Column("id", PgUUID(as_uuid=True), primary_key=True),
    Column("store_id", PgUUID(as_uuid=True), nullable=False),
    Column("device_id", PgUUID(as_uuid=True), nullable=True),
    Column("channel", String(16), nullable=False),
    Column("purpose", String(16), nullable=False),
    Column("invoice_id", PgUUID(as_uuid=True), nullable=True),
    Column("work_order_id", PgUUID(as_uuid=True), nullable=True),
    Column("contact_id", PgUUID(as_uuid=True), nullable=True),
    Column("amount_cents", BigInteger, nullable=False),
    Column("request_key", String(200), nullable=True, unique=True),
    Column("reader_id", String(64), nullable=True),
    Column("status", String(16), nullable=False),
    Column("decline_code", String(64), nullable=True),
    Column("stripe_payment_intent_id", String(64), nullable=True, unique=True),
    Column("stripe_charge_id", String(64), nullable=True, unique=True),
    Column("stripe_customer_id", String(64), nullable=True),
    Column("payment_method_type", String(32), nullable=True),
    Column("card_brand", String(32), nullable=True),
    Column("card_last4", String(4), nullable=True),
    Column("payment_id", PgUUID(as_uuid=True), nullable=True, unique=True),
    Column("deposit_id", PgUUID(as_uuid=True), nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("expires_at", DateTime(timezone=True), nullable=True),
    Column("settled_at", DateTime(timezone=True), nullable=True),
)

card_refunds = Table(
    "card_refunds",
    tenant_metadata,
    Column("id", PgUUID(as_uuid=True), primary_key=True),
    Column("card_payment_id", PgUUID(as_uuid=True), nullable=False),
    Column("stripe_refund_id", String(64), nullable=False, unique=True),
    Column("amount_cents", BigInteger, nullable=False),
    Column("reason", String(32), nullable=True),
    Column("status", String(32), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

payment_links = Table(
    "payment_links",
    tenant_metadata,
    Column("id", PgUUID(as_uuid=True), primary_key=True),
    Column("store_id", PgUUID(as_uuid=True), nullable=False),
    Column("invoice_id", PgUUID(as_uuid=True), nullable=False),
    Column("amount_cents", BigInteger, nullable=False),
    Column("stripe_payment_link_id", String(64), nullable=False, unique=True),
    Column("url", Text, nullable=False),
    Column("status", String(16), nullable=False),
    Column("card_payment_id", PgUUID(as_uuid=True), nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

_OURS = "JewelTrak's own link, amount or time (not from Stripe)"
#: Every column of the payment tables and the P3 item (or own bookkeeping) it stands for.
P3_COLUMNS: dict[str, dict[str, str]] = {
    "terminal_readers": {
        "id": "Terminal: the reader's ID", "store_id": _OURS,
        "location_id": "Terminal: the reader's location ID", "label": "Terminal: operator label",
        "created_at": _OURS,
    },
    "card_payments": {
        "id": _OURS, "store_id": _OURS, "device_id": _OURS, "channel": _OURS,
        "purpose": _OURS, "invoice_id": _OURS, "work_order_id": _OURS, "contact_id": _OURS,
        "amount_cents": _OURS, "request_key": _OURS, "reader_id": "Terminal: reader ID",
        "status": "status", "decline_code": "status (Stripe's decline code)",
        "stripe_payment_intent_id": "payment intent ID", "stripe_charge_id": "charge ID",
        "stripe_customer_id": "customer ID", "payment_method_type": "payment method type",
        "card_brand": "card brand", "card_last4": "last four", "payment_id": _OURS,
        "deposit_id": _OURS, "created_at": _OURS, "expires_at": _OURS, "settled_at": _OURS,
    },
    "card_refunds": {
        "id": _OURS, "card_payment_id": _OURS, "stripe_refund_id": "refund ID",
        "amount_cents": "refund amount", "reason": "refund reason", "status": "status",
        "created_at": _OURS,
    },
    "payment_links": {
        "id": _OURS, "store_id": _OURS, "invoice_id": _OURS, "amount_cents": _OURS,
        "stripe_payment_link_id": "payment link ID (Stripe's hosted page, P5)",
        "url": "the link Stripe returned (P5)", "status": "status", "card_payment_id": _OURS,
        "created_at": _OURS,
    },
}
