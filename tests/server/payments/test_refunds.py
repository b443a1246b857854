"""Refunds to the card (counter and Stripe dashboard) and disputes (chargebacks)."""

from __future__ import annotations

from typing import Any

from tests.server.payments.harness import Shop, ok, wait_until


def _paid(shop: Shop, amount: int = 50_000) -> tuple[str, dict[str, Any]]:
    invoice_id = shop.invoice(amount)
    result = shop.pay(invoice_id)
    assert result["status"] == "approved"
    return str(invoice_id), result


def _refund(shop: Shop, payment_id: str, **body: Any) -> Any:
    body.setdefault("idempotency_key", f"refund-{len(shop.sim.requests)}-{id(body)}")
    return shop.post(f"/v1/payments/{payment_id}/refunds", body)


def _charge_id(shop: Shop, payment_id: str) -> str:
    return str(shop.feed_docs("payments")[payment_id]["stripe_charge_id"])


def test_refund_twice_up_to_the_limit_then_refused(shop: Shop) -> None:
    invoice_id, paid = _paid(shop, 50_000)
    first = ok(_refund(shop, paid["payment_id"], amount_cents=30_000, reason="duplicate"))
    assert first["amount_cents"] == 30_000 and first["reason"] == "duplicate"
    assert first["stripe_refund_id"].startswith("re_")
    summary = ok(shop.get(f"/v1/payments/{paid['payment_id']}/refunds"))
    assert summary["refundable_cents"] == 20_000
    second = ok(_refund(shop, paid["payment_id"]))  # default: the remainder
    assert second["amount_cents"] == 20_000 and second["reason"] == "requested_by_customer"
    third = _refund(shop, paid["payment_id"], amount_cents=1)
    assert third.status_code == 422
    assert "refunded in full" in third.json()["error"]["message"]
    refunds = [p for p in shop.feed_docs("payments").values()
               if p["refund_of_id"] == paid["payment_id"]]
    assert sorted(p["amount_cents"] for p in refunds) == [-30_000, -20_000]
    assert shop.invoice_doc(invoice_id)["refunded_cents"] == 50_000
    charge = shop.sim.get(shop.account, "charge", _charge_id(shop, paid["payment_id"]))
    assert charge["amount_refunded"] == 50_000


def test_over_refund_is_refused_with_the_remainder(shop: Shop) -> None:
    _, paid = _paid(shop, 40_000)
    ok(_refund(shop, paid["payment_id"], amount_cents=15_000))
    refused = _refund(shop, paid["payment_id"], amount_cents=25_001)
    assert refused.status_code == 422
    error = refused.json()["error"]
    assert "$250.00" in error["message"]
    charge = shop.sim.get(shop.account, "charge", _charge_id(shop, paid["payment_id"]))
    assert charge["amount_refunded"] == 15_000  # Stripe was never asked


def test_refund_is_money_only_the_piece_is_not_restocked(shop: Shop) -> None:
    invoice_id, paid = _paid(shop, 30_000)
    line = shop.invoice_doc(invoice_id)["lines"][0]
    before = shop.feed_docs("pieces")[line["piece_id"]]["status"]
    ok(_refund(shop, paid["payment_id"]))
    assert shop.feed_docs("pieces")[line["piece_id"]]["status"] == before == "sold"


def test_refund_request_repeated_refunds_once(shop: Shop) -> None:
    _, paid = _paid(shop, 30_000)
    first = ok(_refund(shop, paid["payment_id"], amount_cents=5_000, idempotency_key="same-000"))
    again = ok(_refund(shop, paid["payment_id"], amount_cents=5_000, idempotency_key="same-000"))
    assert again["stripe_refund_id"] == first["stripe_refund_id"]
    summary = ok(shop.get(f"/v1/payments/{paid['payment_id']}/refunds"))
    assert summary["refunded_cents"] == 5_000


def test_dashboard_refund_is_learned_by_webhook(shop: Shop) -> None:
    invoice_id, paid = _paid(shop, 45_000)
    shop.sim.dashboard_refund(shop.account, _charge_id(shop, paid["payment_id"]), 12_000)

    def refunded() -> int:
        return int(ok(shop.get(f"/v1/payments/{paid['payment_id']}/refunds"))["refunded_cents"])

    wait_until(refunded, what="charge.refunded")
    assert refunded() == 12_000
    assert shop.invoice_doc(invoice_id)["refunded_cents"] == 12_000
    negative = [p for p in shop.feed_docs("payments").values()
                if p["refund_of_id"] == paid["payment_id"]]
    assert [p["amount_cents"] for p in negative] == [-12_000]
    assert negative[0]["stripe_charge_id"] == _charge_id(shop, paid["payment_id"])


def test_refund_of_a_payment_of_another_kind_is_not_found(shop: Shop) -> None:
    response = _refund(shop, "01a00000-0000-7000-8000-000000000001", amount_cents=100)
    assert response.status_code == 404


def test_dispute_is_recorded_and_shown_with_a_dashboard_link(shop: Shop) -> None:
    invoice_id, paid = _paid(shop, 60_000)
    dispute = shop.sim.open_dispute(shop.account, _charge_id(shop, paid["payment_id"]),
                                    "fraudulent")

    def disputes() -> list[dict[str, Any]]:
        return list(ok(shop.get(f"/v1/invoices/{invoice_id}/disputes"))["disputes"])

    shown = wait_until(disputes, what="charge.dispute.created")[0]
    assert shown["stripe_dispute_id"] == dispute["id"]
    assert (shown["amount_cents"], shown["reason"], shown["status"]) == (
        60_000, "fraudulent", "needs_response")
    assert shown["evidence_due_by"] is not None
    assert shown["dashboard_url"] == f"https://dashboard.stripe.com/test/disputes/{dispute['id']}"
    feed = [d for d in shop.feed_docs("disputes").values()
            if d["stripe_dispute_id"] == dispute["id"]]
    assert feed and set(feed[0]) == {
        "id", "payment_id", "stripe_dispute_id", "amount_cents", "reason", "status",
        "evidence_due_by", "version"}  # P6: P3 fields only, no evidence
    shop.sim.close_dispute(shop.account, dispute["id"], "lost")
    wait_until(lambda: disputes()[0]["status"] == "lost", what="charge.dispute.closed")
