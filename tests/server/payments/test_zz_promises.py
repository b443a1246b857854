"""PRIVACY_PROMISES.md P2, P3, P4 and P6 for card payments.

Named ``zz`` so it runs after the other payment tests of the session and scans what they
left behind as well; each test also makes its own payments first, so it stands alone.
"""

from __future__ import annotations

import re
import uuid

from sqlalchemy import Engine, text

from sync_server.payments.tables import P3_COLUMNS
from tests.server.live import LogCapture
from tests.server.payments.harness import Shop, ok, wait_until
from tests.simulators.stripe import StripeSimulator
from tests.simulators.stripe.cards import find_card_numbers

_TEXT_TYPES = ("text", "character varying", "character", "jsonb", "json")
#: Generated identifiers whose hex or base62 bodies can contain a long digit run by chance
#: (a tenant schema ``t_01a2131198747000…``): UUIDs, 32-hex names, Stripe object IDs. They
#: are removed before the scan; a card number stored as such would still be found.
_GENERATED_IDS = re.compile(
    r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
    r"|(?<![0-9A-Za-z])[0-9a-f]{32}(?![0-9A-Za-z])"
    r"|(?<![0-9A-Za-z])[a-z]{2,8}(?:_test|_live)?_(?=[A-Za-z0-9]*[A-Za-z])[A-Za-z0-9]{8,}"
)


def _cards_in(value: str) -> list[str]:
    return find_card_numbers(_GENERATED_IDS.sub(" ", value))


def _every_text_value(engine: Engine) -> list[tuple[str, str]]:
    """(where, value) for every text/JSON column of the platform and all tenant schemas."""
    found: list[tuple[str, str]] = []
    with engine.connect() as conn:
        columns = conn.execute(text(
            "SELECT table_schema, table_name, column_name FROM information_schema.columns "
            "WHERE (table_schema = 'platform' OR table_schema LIKE 't\\_%') "
            "AND data_type = ANY(:types)"), {"types": list(_TEXT_TYPES)}).all()
        assert columns, "no columns found to scan"
        for schema, table, column in columns:
            rows = conn.exec_driver_sql(
                f'SELECT "{column}"::text FROM "{schema}"."{table}" WHERE "{column}" IS NOT NULL'
            ).scalars().all()
            found.extend((f"{schema}.{table}.{column}", str(v)) for v in rows)
    return found


def _card_activity(shop: Shop) -> None:
    """Approved, declined and refunded card payments, a link paid: cards were presented."""
    invoice_id = shop.invoice(40_000)
    declined = shop.charge(invoice_id)
    shop.tap("4000000000009995")
    assert shop.outcome(declined["id"])["status"] == "declined"
    paid = shop.pay(invoice_id, number="378282246310005")  # an Amex test number
    assert paid["status"] == "approved"
    ok(shop.post(f"/v1/payments/{paid['payment_id']}/refunds",
                 {"amount_cents": 1_000, "idempotency_key": "p2-refund-01"}))


def test_p2_no_card_number_in_any_table_or_log(shop: Shop, engine: Engine,
                                              log_capture: LogCapture) -> None:
    """P2: no Luhn-valid 13–19 digit number in any text/JSON column of either schema, or logs."""
    _card_activity(shop)
    values = _every_text_value(engine)
    assert len(values) > 50
    leaks = [(where, n) for where, value in values for n in _cards_in(value)]
    assert leaks == []
    assert log_capture.lines, "the log capture saw nothing"
    logged = [n for line in log_capture.lines for n in _cards_in(line)]
    assert logged == []
    # The scan works, also on a number inside JSON or next to an ID.
    assert _cards_in('{"number":"4000000000009995","id":"pi_3AbCdEfGh1"}') == [
        "4000000000009995"]
    assert _cards_in("card 378282246310005 t_01a21311987470008f0c9a1b2c3d4e5f") == [
        "378282246310005"]


def test_p3_payment_tables_hold_only_allowed_columns(shop: Shop, engine: Engine) -> None:
    """P3: every column of the payment tables is on the allow-list, with its reason."""
    with engine.connect() as conn:
        schema = conn.execute(text(
            "SELECT schema_name FROM platform.tenants WHERE id = :t"),
            {"t": shop.tenant_id}).scalar_one()
        for table, allowed in P3_COLUMNS.items():
            columns = set(conn.execute(text(
                "SELECT column_name FROM information_schema.columns "
                "WHERE table_schema = :s AND table_name = :t"), {"s": schema, "t": table},
            ).scalars())
            assert columns == set(allowed), table


def test_p3_webhook_payload_extras_are_not_stored(shop: Shop, engine: Engine) -> None:
    """P3: the checkout session carries the payer's e-mail; it is stored nowhere."""
    payer = f"payer.{uuid.uuid4().hex[:10]}@example.com"
    invoice_id = shop.invoice(12_000, contact_id=shop.contact())
    link = ok(shop.post(f"/v1/invoices/{invoice_id}/payment_link"))
    shop.sim.pay_payment_link(shop.account, link["stripe_payment_link_id"], email=payer)
    wait_until(lambda: shop.invoice_doc(invoice_id)["paid_cents"] == 12_000, what="the link")
    assert [w for w, v in _every_text_value(engine) if payer in v] == []


def test_p4_every_store_request_carries_the_connected_account(shop: Shop,
                                                             sim: StripeSimulator) -> None:
    """P4: all payment calls name the store's account; only account setup is the platform's."""
    _card_activity(shop)
    platform_paths = ("/v1/accounts", "/v1/account_links")
    requests = sim.requests
    ours = [r for r in requests if r.account == shop.account]
    assert {r.path for r in ours} >= {"/v1/payment_intents", "/v1/refunds",
                                      "/v1/terminal/locations", "/v1/terminal/readers"}
    for record in requests:
        if record.path.startswith(platform_paths):
            continue
        assert record.account is not None and record.account.startswith("acct_"), record
    intents = [i for i in sim.objects(None, "payment_intent")]
    assert intents == []  # nothing was ever created on the platform account
