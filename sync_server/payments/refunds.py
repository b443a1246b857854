"""Card refunds (money only, never restocks) and chargebacks, kept in step with Stripe.

A refund asked for at the counter and one made on Stripe's dashboard end the same way: a
``card_refunds`` row keyed by Stripe's refund ID and a negative payment through the core
``refund_payment`` rule, so doing either twice (a webhook and the counter racing, a
replayed event) records it once. Disputes are core ``Dispute`` documents (in the feed)
holding only the P3 fields; the dashboard link is made when they are read (P6).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from sqlalchemy import Connection, Engine, select

from jeweltrak_core.payments.entities import Dispute
from jeweltrak_core.payments.operations import RefundPayment
from jeweltrak_core.payments.rules import RefundReason, check_refund
from sync_server.db.engine import tenant_transaction
from sync_server.db.names import TenantRef
from sync_server.errors import ServiceError
from sync_server.kit import entity_docs
from sync_server.payments import connect
from sync_server.payments.ledger import apply_server_op
from sync_server.payments.stripe_gateway import RefundInfo, StripeGateway, derived_key
from sync_server.payments.tables import card_payments, card_refunds
from sync_server.sync.feed import write_entities

_FINAL_DISPUTE = frozenset({"won", "lost", "warning_closed"})


def _original(conn: Connection, payment_id: UUID, *, lock: bool = False) -> Any:
    query = select(card_payments).where(card_payments.c.payment_id == payment_id,
                                        card_payments.c.status == "approved")
    return conn.execute(query.with_for_update() if lock else query).first()


def _refunded(conn: Connection, attempt_id: UUID) -> list[int]:
    return [int(a) for a in conn.execute(select(card_refunds.c.amount_cents).where(
        card_refunds.c.card_payment_id == attempt_id)).scalars()]


def refund_summary(engine: Engine, tenant: TenantRef, payment_id: UUID) -> dict[str, Any]:
    """The card payment's refunds and what may still be refunded."""
    with tenant_transaction(engine, tenant) as conn:
        row = _original(conn, payment_id)
        if row is None:
            raise ServiceError(404, "not_found", "No card payment with that ID.")
        refunds = conn.execute(select(card_refunds).where(
            card_refunds.c.card_payment_id == row.id).order_by(card_refunds.c.created_at)).all()
    done = sum(r.amount_cents for r in refunds)
    return {
        "payment_id": str(payment_id), "amount_cents": row.amount_cents,
        "refunded_cents": done, "refundable_cents": row.amount_cents - done,
        "refunds": [_refund_json(r) for r in refunds],
    }


def _refund_json(r: Any) -> dict[str, Any]:
    return {"id": str(r.id), "stripe_refund_id": r.stripe_refund_id,
            "amount_cents": r.amount_cents, "reason": r.reason, "status": r.status}


def refund(engine: Engine, gateway: StripeGateway, tenant: TenantRef, payment_id: UUID,
           amount_cents: int | None, reason: RefundReason, request_key: str) -> dict[str, Any]:
    """Refund part or all (default: the remainder) of a card payment back to the card."""
    with tenant_transaction(engine, tenant) as conn:
        row = _original(conn, payment_id)
        if row is None or row.stripe_charge_id is None:
            raise ServiceError(404, "not_found", "No card payment with that ID.")
        amount = check_refund(row.amount_cents, _refunded(conn, row.id), amount_cents)
    acct = connect.store_account(engine, tenant.id, row.store_id)
    if acct is None:
        raise ServiceError(409, "stripe_not_connected", "This store is not connected to Stripe.")
    info = gateway.refund(acct.account_id, row.stripe_charge_id, amount, reason.value,
                          key=derived_key("refund", tenant.id, payment_id, request_key))
    record_refund(engine, tenant, row.id, info)
    with tenant_transaction(engine, tenant) as conn:
        stored = conn.execute(select(card_refunds).where(
            card_refunds.c.stripe_refund_id == info.id)).one()
    return _refund_json(stored)


def record_refund(engine: Engine, tenant: TenantRef, attempt_id: UUID, info: RefundInfo) -> bool:
    """Book one Stripe refund once (negative payment in the feed); False if already known."""
    if info.status in ("failed", "canceled"):
        return False
    with tenant_transaction(engine, tenant) as conn:
        row = conn.execute(select(card_payments).where(card_payments.c.id == attempt_id)
                           .with_for_update()).one()
        known = conn.execute(select(card_refunds.c.id).where(
            card_refunds.c.stripe_refund_id == info.id)).first()
        if known is not None or row.payment_id is None:
            return False
        refund_id = uuid5(NAMESPACE_URL, f"stripe-refund:{tenant.id}:{info.id}")
        reason = info.reason if info.reason in RefundReason._value2member_map_ else None
        apply_server_op(conn, tenant, op_key=f"refund:{info.id}", store_id=row.store_id,
                        device_id=row.device_id, payload=RefundPayment(
                            refund_id=refund_id, payment_id=row.payment_id,
                            reason=RefundReason(reason or "requested_by_customer"),
                            amount_cents=info.amount_cents))
        conn.execute(card_refunds.insert().values(
            id=refund_id, card_payment_id=row.id, stripe_refund_id=info.id,
            amount_cents=info.amount_cents, reason=reason, status=info.status))
    return True


def sync_refunds(engine: Engine, gateway: StripeGateway, tenant: TenantRef, account: str,
                 charge_id: str) -> int:
    """Learn refunds made elsewhere (Stripe's dashboard): ``charge.refunded`` and friends."""
    with tenant_transaction(engine, tenant) as conn:
        row = conn.execute(select(card_payments.c.id).where(
            card_payments.c.stripe_charge_id == charge_id)).first()
    if row is None:
        return 0
    return sum(record_refund(engine, tenant, row.id, info)
               for info in gateway.refunds_of(account, charge_id))


def record_dispute(engine: Engine, tenant: TenantRef, obj: dict[str, Any]) -> bool:
    """Create or update the Dispute from a ``charge.dispute.*`` object (P3 fields only)."""
    charge = obj.get("charge")
    charge_id = charge if isinstance(charge, str) else (charge or {}).get("id")
    dispute_key = str(obj["id"])
    due = (obj.get("evidence_details") or {}).get("due_by")
    with tenant_transaction(engine, tenant) as conn:
        row = conn.execute(select(card_payments).where(
            card_payments.c.stripe_charge_id == charge_id)).first()
        if row is None:
            return False
        dispute_id = uuid5(NAMESPACE_URL, f"stripe-dispute:{tenant.id}:{dispute_key}")
        current = entity_docs.load(conn, Dispute, dispute_id)
        status = str(obj.get("status") or "needs_response")
        if current is not None and current.status in _FINAL_DISPUTE and \
                status not in _FINAL_DISPUTE:
            return False  # an older event arriving late never reopens a closed dispute
        dispute = Dispute(
            id=dispute_id, payment_id=row.payment_id, stripe_dispute_id=dispute_key,
            amount_cents=int(obj.get("amount") or 0), reason=str(obj.get("reason") or ""),
            status=status,
            evidence_due_by=datetime.fromtimestamp(int(due), UTC).date() if due else None,
        )
        if current is not None and _same(current, dispute):
            return False
        write_entities(conn, tenant, [dispute])
    return True


def _same(a: Dispute, b: Dispute) -> bool:
    return (a.status, a.amount_cents, a.reason, a.evidence_due_by) == (
        b.status, b.amount_cents, b.reason, b.evidence_due_by)


def disputes_for_invoice(engine: Engine, tenant: TenantRef, invoice_id: UUID,
                         livemode: bool) -> list[dict[str, Any]]:
    """An invoice's disputes, each with a link to it on Stripe's dashboard."""
    with tenant_transaction(engine, tenant) as conn:
        payment_ids = [str(p) for p in conn.execute(select(card_payments.c.payment_id).where(
            card_payments.c.invoice_id == invoice_id,
            card_payments.c.payment_id.isnot(None))).scalars()]
        docs = conn.exec_driver_sql(
            "SELECT doc FROM disputes WHERE NOT deleted AND doc ->> 'payment_id' = ANY(%s)",
            (payment_ids,)).scalars().all() if payment_ids else []
    prefix = "https://dashboard.stripe.com/" + ("" if livemode else "test/")
    result = []
    for doc in docs:
        due = doc.get("evidence_due_by")
        result.append({
            "stripe_dispute_id": doc["stripe_dispute_id"], "payment_id": doc["payment_id"],
            "amount_cents": doc["amount_cents"], "reason": doc["reason"],
            "status": doc["status"],
            "evidence_due_by": date.fromisoformat(due).isoformat() if due else None,
            "dashboard_url": f"{prefix}disputes/{doc['stripe_dispute_id']}",
        })
    return result
