"""Payment links e-mailed through Resend (P5), paid on Stripe's page, posted by webhook."""

from __future__ import annotations

import base64

from jeweltrak_core.ids import new_id
from jeweltrak_core.payments.operations import AddPayment, TenderDetails
from jeweltrak_core.payments.rules import Tender
from tests.server.payments.harness import Shop, ok, wait_until
from tests.simulators.resend import ResendSimulator


def _emails_to(resend: ResendSimulator, address: str) -> list[dict[str, object]]:
    return [m for m in resend.sent if address in (m.get("to") or [])]


def test_payment_link_is_emailed_to_the_stored_address_and_paid_by_webhook(
        shop: Shop, resend_sim: ResendSimulator) -> None:
    """P5: the e-mail carries the link Stripe returned, to the contact's stored address."""
    address = f"pat.{shop.device_id.hex[:8]}@example.com"
    invoice_id = shop.invoice(75_000, contact_id=shop.contact(address))
    link = ok(shop.post(f"/v1/invoices/{invoice_id}/payment_link"))
    assert link["amount_cents"] == 75_000 and link["url"].startswith("https://buy.stripe.com/")
    stripe_link = shop.sim.get(shop.account, "payment_link", link["stripe_payment_link_id"])
    assert stripe_link["url"] == link["url"]
    assert stripe_link["restrictions"]["completed_sessions"]["limit"] == 1  # single use
    (mail,) = _emails_to(resend_sim, address)
    assert link["url"] in str(mail["text"])
    shop.sim.pay_payment_link(shop.account, link["stripe_payment_link_id"])
    wait_until(lambda: shop.invoice_doc(invoice_id)["status"] == "finalized",
               what="checkout.session.completed")
    invoice = shop.invoice_doc(invoice_id)
    assert invoice["paid_cents"] == 75_000
    (payment,) = [p for p in shop.feed_docs("payments").values()
                  if p["invoice_id"] == str(invoice_id)]
    assert payment["tender"] == "payment_link" and payment["card_last4"] == "4242"
    links = ok(shop.get(f"/v1/invoices/{invoice_id}/payment_links"))["links"]
    assert [lk["status"] for lk in links] == ["paid"]


def test_link_request_cannot_choose_the_recipient(shop: Shop) -> None:
    """P5: the body cannot name an address; unknown fields are refused."""
    invoice_id = shop.invoice(10_000, contact_id=shop.contact())
    response = shop.http.post(f"{shop.url}/v1/invoices/{invoice_id}/payment_link",
                              json={"email": "attacker@example.com"}, headers=shop.device)
    assert response.status_code == 200  # body ignored: there is no body model at all
    assert response.json()["emailed"] is True


def test_link_needs_a_customer_with_an_email(shop: Shop) -> None:
    no_customer = shop.post(f"/v1/invoices/{shop.invoice(10_000)}/payment_link")
    assert no_customer.status_code == 422 and "customer" in no_customer.json()["error"]["message"]
    no_email = shop.post(
        f"/v1/invoices/{shop.invoice(10_000, contact_id=shop.contact(None))}/payment_link")
    assert no_email.status_code == 422 and "e-mail" in no_email.json()["error"]["message"]


def test_link_is_deactivated_when_the_invoice_is_paid_another_way(shop: Shop) -> None:
    invoice_id = shop.invoice(20_000, contact_id=shop.contact())
    link = ok(shop.post(f"/v1/invoices/{invoice_id}/payment_link"))
    assert shop.pay(invoice_id)["status"] == "approved"
    links = ok(shop.get(f"/v1/invoices/{invoice_id}/payment_links"))["links"]
    assert [lk["status"] for lk in links] == ["deactivated"]
    assert shop.sim.get(shop.account, "payment_link",
                        link["stripe_payment_link_id"])["active"] is False


def test_document_pdf_is_emailed_to_the_contacts_stored_address(
        shop: Shop, resend_sim: ResendSimulator) -> None:
    address = f"doc.{shop.device_id.hex[:8]}@example.com"
    contact = shop.contact(address)
    pdf = b"%PDF-1.4\n% JewelTrak test\n"
    sent = ok(shop.post("/v1/email/document", {
        "contact_id": str(contact), "subject": "Your appraisal", "filename": "appraisal.pdf",
        "pdf_base64": base64.b64encode(pdf).decode()}))
    assert sent["sent"] is True
    (mail,) = _emails_to(resend_sim, address)
    attachments = mail["attachments"]
    assert isinstance(attachments, list)
    assert base64.b64decode(attachments[0]["content"]) == pdf
    refused = shop.post("/v1/email/document", {
        "contact_id": str(contact), "subject": "x", "filename": "x.pdf",
        "pdf_base64": base64.b64encode(pdf).decode(), "to": "someone@else.example"})
    assert refused.status_code == 422


def test_link_is_deactivated_when_a_workstation_uploads_a_cash_payment(shop: Shop) -> None:
    """Paid at the counter (a pushed op, no card): the e-mailed link closes without a read."""
    invoice_id = shop.invoice(20_000, contact_id=shop.contact())
    link = ok(shop.post(f"/v1/invoices/{invoice_id}/payment_link"))
    plink = link["stripe_payment_link_id"]
    assert shop.sim.get(shop.account, "payment_link", plink)["active"] is True

    shop.push(AddPayment(payment_id=new_id(), invoice_id=invoice_id, amount_cents=20_000,
                         details=TenderDetails(tender=Tender.CASH)))

    wait_until(lambda: shop.sim.get(shop.account, "payment_link", plink)["active"] is False,
               what="the payment link deactivated after the push")
    links = ok(shop.get(f"/v1/invoices/{invoice_id}/payment_links"))["links"]
    assert [lk["status"] for lk in links] == ["deactivated"]


def test_a_push_that_settles_no_linked_invoice_calls_stripe_for_nothing(shop: Shop) -> None:
    invoice_id = shop.invoice(20_000, contact_id=shop.contact())
    before = len(shop.sim.requests)
    shop.push(AddPayment(payment_id=new_id(), invoice_id=invoice_id, amount_cents=20_000,
                         details=TenderDetails(tender=Tender.CASH)))
    assert shop.invoice_doc(invoice_id)["paid_cents"] == 20_000
    assert len(shop.sim.requests) == before
