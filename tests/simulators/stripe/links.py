"""Products, prices, payment links and the checkout sessions that pay them."""

from __future__ import annotations

from . import cards
from .charges import settle
from .common import (
    LIST_PARAMS,
    allow,
    list_objects,
    positive_amount,
    required,
)
from .errors import StripeApiError, invalid, missing
from .forms import boolean, integer, metadata
from .shapes import new_id, now, shape
from .state import Ctx, Obj, Params

LINK_PARAMS = (
    "line_items",
    "metadata",
    "restrictions",
    "after_completion",
    "payment_intent_data",
    "payment_method_types",
    "customer_creation",
    "inactive_message",
    "currency",
)


def create_product(ctx: Ctx, params: Params) -> Obj:
    allow(params, "name", "description", "metadata", "active")
    product = _product(ctx, params)
    return product


def _product(ctx: Ctx, params: Params, prefix: str = "") -> Obj:
    name = params.get("name")
    if not name:
        raise missing(f"{prefix}name" if not prefix else f"{prefix}[name]")
    product = shape(
        "product",
        id=new_id("prod", 14),
        name=name,
        created=now(),
        updated=now(),
        description=params.get("description"),
        metadata=metadata(params),
        default_price=None,
        package_dimensions=None,
    )
    return ctx.account.put(product)


def create_price(ctx: Ctx, params: Params) -> Obj:
    allow(params, "currency", "unit_amount", "product", "product_data", "metadata", "nickname")
    return _price(ctx, params, "")


def _price(ctx: Ctx, params: Params, prefix: str) -> Obj:
    def name(field: str) -> str:
        return f"{prefix}[{field}]" if prefix else field

    currency = params.get("currency")
    if not currency:
        raise missing(name("currency"))
    amount = integer(params, "unit_amount")
    if amount is None:
        raise missing(name("unit_amount"))
    if amount < 0:
        raise invalid(name("unit_amount"), "This value must be greater than or equal to 0.")
    if params.get("product"):
        product = ctx.account.get("product", params["product"], param=name("product"))
    elif isinstance(params.get("product_data"), dict):
        product = _product(ctx, params["product_data"], name("product_data"))
    else:
        raise missing(name("product"))
    price = shape(
        "price",
        id=new_id("price"),
        currency=str(currency).lower(),
        created=now(),
        unit_amount=amount,
        unit_amount_decimal=str(amount),
        product=product["id"],
        type="one_time",
        recurring=None,
        transform_quantity=None,
        metadata=metadata(params) if not prefix else {},
    )
    return ctx.account.put(price)


def create_payment_link(ctx: Ctx, params: Params) -> Obj:
    allow(params, *LINK_PARAMS)
    items = required(params, "line_items")
    if not isinstance(items, list) or not items:
        raise invalid("line_items", "Invalid array", code="parameter_invalid_array")
    line_items = [_line_item(ctx, item, i) for i, item in enumerate(items)]
    currencies = {li["price"]["currency"] for li in line_items}
    if len(currencies) != 1:
        raise invalid("line_items", "All prices on a payment link must use the same currency.")
    link = shape(
        "payment_link",
        id=new_id("plink"),
        active=True,
        currency=currencies.pop(),
        metadata=metadata(params),
        url=f"https://buy.stripe.com/test_{new_id('x', 22)[2:]}",
        restrictions=_restrictions(params.get("restrictions")),
        payment_intent_data=None,
        transfer_data=None,
        shipping_address_collection=None,
        custom_text={
            "after_submit": None,
            "shipping_address": None,
            "submit": None,
            "terms_of_service_acceptance": None,
        },
        invoice_creation={"enabled": False, "invoice_data": None},
        payment_method_options=None,
        inactive_message=params.get("inactive_message"),
    )
    link.pop("managed_payments", None)
    pi_data = params.get("payment_intent_data")
    if isinstance(pi_data, dict):
        link["payment_intent_data"] = _payment_intent_data(pi_data)
    ctx.shared.setdefault("line_items", {})[link["id"]] = line_items
    return ctx.account.put(link)


def _payment_intent_data(raw: Params) -> Obj:
    return {
        "capture_method": None,
        "description": None,
        "metadata": metadata(raw),
        "setup_future_usage": None,
        "statement_descriptor": None,
        "statement_descriptor_suffix": None,
        "transfer_group": None,
    }


def _line_item(ctx: Ctx, item: object, index: int) -> Obj:
    prefix = f"line_items[{index}]"
    if not isinstance(item, dict):
        raise invalid(prefix, "Invalid hash", code="parameter_invalid_hash")
    quantity = positive_amount(item, "quantity", required_=False)
    if quantity is None:
        raise missing(f"{prefix}[quantity]")
    if item.get("price"):
        price = ctx.account.get("price", item["price"], param=f"{prefix}[price]")
    elif isinstance(item.get("price_data"), dict):
        price = _price(ctx, item["price_data"], f"{prefix}[price_data]")
    else:
        raise missing(f"{prefix}[price]")
    return {
        "id": new_id("li", 14),
        "object": "item",
        "price": price,
        "quantity": quantity,
        "amount_total": price["unit_amount"] * quantity,
        "currency": price["currency"],
        "description": ctx.account.get("product", price["product"])["name"],
    }


def _restrictions(raw: object) -> Obj | None:
    if raw is None or raw == "":
        return None
    sessions = raw.get("completed_sessions") if isinstance(raw, dict) else None
    if not isinstance(sessions, dict):
        raise missing("restrictions[completed_sessions]")
    limit = integer(sessions, "limit")
    if limit is None or limit < 1:
        raise missing("restrictions[completed_sessions][limit]")
    return {"completed_sessions": {"count": 0, "limit": limit}}


def retrieve_payment_link(ctx: Ctx, params: Params, link_id: str) -> Obj:
    allow(params)
    return ctx.account.get("payment_link", link_id)


def update_payment_link(ctx: Ctx, params: Params, link_id: str) -> Obj:
    allow(params, "active", "metadata", "inactive_message", "restrictions")
    link = ctx.account.get("payment_link", link_id)
    active = boolean(params, "active")
    if active is not None:
        link["active"] = active
    link["metadata"] = metadata(params, link["metadata"])
    if "inactive_message" in params:
        link["inactive_message"] = params["inactive_message"] or None
    if "restrictions" in params:
        link["restrictions"] = _restrictions(params["restrictions"])
    ctx.emit("payment_link.updated", link)
    return link


def list_line_items(ctx: Ctx, params: Params, link_id: str) -> Obj:
    allow(params, *LIST_PARAMS)
    ctx.account.get("payment_link", link_id)
    url = f"/v1/payment_links/{link_id}/line_items"
    return list_objects(list(ctx.shared["line_items"][link_id]), params, url)


def list_payment_links(ctx: Ctx, params: Params) -> Obj:
    allow(params, *LIST_PARAMS, "active")
    active = boolean(params, "active")
    return list_objects(
        ctx.account.all("payment_link"),
        params,
        "/v1/payment_links",
        lambda p: active is None or p["active"] == active,
    )


def pay_payment_link(ctx: Ctx, link_id: str, email: str, number: str) -> Obj:
    """A customer opens the link and pays by card: the session completes (or the card fails)."""
    link = ctx.account.get("payment_link", link_id)
    if not link["active"]:
        raise StripeApiError(400, link["inactive_message"] or "This link is no longer active.")
    total = sum(li["amount_total"] for li in ctx.shared["line_items"][link_id])
    pi_meta = (link["payment_intent_data"] or {}).get("metadata", {})
    pi = shape(
        "payment_intent",
        id=new_id("pi"),
        amount=total,
        currency=link["currency"],
        created=now(),
        payment_method_types=["card"],
        capture_method="automatic_async",
        metadata=dict(pi_meta),
        canceled_at=None,
        last_payment_error=None,
        next_action=None,
        processing=None,
        shipping=None,
        transfer_data=None,
        description=None,
        automatic_payment_methods=None,
        payment_method_configuration_details=None,
    )
    pi.pop("managed_payments", None)
    pi["client_secret"] = f"{pi['id']}_secret_x"
    ctx.account.put(pi)
    charge = settle(ctx, pi, "card", cards.outcome_for(number))
    if charge["status"] != "succeeded":
        return pi
    session = _completed_session(link, pi, email, total)
    ctx.account.put(session)
    ctx.emit("checkout.session.completed", session)
    _count_session(ctx, link)
    return session


def _completed_session(link: Obj, pi: Obj, email: str, total: int) -> Obj:
    session = shape(
        "checkout.session",
        id=new_id("cs_test", 58),
        payment_link=link["id"],
        payment_intent=pi["id"],
        amount_total=total,
        amount_subtotal=total,
        currency=link["currency"],
        created=now(),
        expires_at=now() + 86400,
        status="complete",
        payment_status="paid",
        metadata=dict(link["metadata"]),
        mode="payment",
        success_url=None,
        cancel_url=None,
        shipping_cost=None,
        total_details={"amount_discount": 0, "amount_shipping": 0, "amount_tax": 0},
        currency_conversion=None,
        collected_information=None,
        shipping_address_collection=None,
        payment_method_configuration_details=None,
        url=None,
        customer_email=None,
    )
    session.pop("managed_payments", None)
    session["customer_details"].update(email=email, name=None)
    return session


def _count_session(ctx: Ctx, link: Obj) -> None:
    restriction = (link["restrictions"] or {}).get("completed_sessions")
    if restriction is None:
        return
    restriction["count"] += 1
    if restriction["count"] >= restriction["limit"]:
        link["active"] = False
        ctx.emit("payment_link.updated", link, {"active": True})


def retrieve_session(ctx: Ctx, params: Params, session_id: str) -> Obj:
    allow(params)
    return ctx.account.get("checkout.session", session_id)


def list_sessions(ctx: Ctx, params: Params) -> Obj:
    allow(params, *LIST_PARAMS, "payment_link", "payment_intent", "status")
    filters = {k: params[k] for k in ("payment_link", "payment_intent", "status") if k in params}
    return list_objects(
        ctx.account.all("checkout.session"),
        params,
        "/v1/checkout/sessions",
        lambda s: all(s[k] == v for k, v in filters.items()),
    )


ROUTES = [
    ("POST", r"/v1/products", create_product),
    ("POST", r"/v1/prices", create_price),
    ("POST", r"/v1/payment_links", create_payment_link),
    ("GET", r"/v1/payment_links", list_payment_links),
    ("GET", r"/v1/payment_links/(?P<id>[^/]+)", retrieve_payment_link),
    ("POST", r"/v1/payment_links/(?P<id>[^/]+)", update_payment_link),
    ("GET", r"/v1/payment_links/(?P<id>[^/]+)/line_items", list_line_items),
    ("GET", r"/v1/checkout/sessions", list_sessions),
    ("GET", r"/v1/checkout/sessions/(?P<id>[^/]+)", retrieve_session),
]
