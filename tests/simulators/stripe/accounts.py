"""Connect Standard accounts and onboarding links (platform-level calls)."""

from __future__ import annotations

from .common import LIST_PARAMS, allow, list_objects, one_of, required_str
from .errors import StripeApiError, no_such
from .forms import metadata
from .shapes import new_id, now, shape
from .state import AccountState, Ctx, Obj, Params

LINK_TYPES = ("account_onboarding", "account_update")


def new_account_object(params: Params) -> Obj:
    """A Standard account that has not finished onboarding yet."""
    account_id = new_id("acct", 16)
    account = shape(
        "account",
        id=account_id,
        type=params.get("type") or "standard",
        created=now(),
        email=params.get("email"),
        country=params.get("country") or "US",
        charges_enabled=False,
        payouts_enabled=False,
        details_submitted=False,
        metadata=metadata(params),
    )
    account["external_accounts"]["url"] = f"/v1/accounts/{account_id}/external_accounts"
    return account


def finish_onboarding(account: Obj) -> Obj:
    """What Stripe shows once the owner completed onboarding; returns previous attributes."""
    previous = {k: account[k] for k in ("charges_enabled", "payouts_enabled", "details_submitted")}
    previous["requirements"] = dict(account["requirements"])
    account.update(charges_enabled=True, payouts_enabled=True, details_submitted=True)
    account["requirements"].update(
        currently_due=[], eventually_due=[], past_due=[], disabled_reason=None
    )
    return previous


def _platform_only(ctx: Ctx) -> None:
    if ctx.account.id is not None:
        raise StripeApiError(
            400, "Only the platform can manage connected accounts; do not send Stripe-Account."
        )


def create_account(ctx: Ctx, params: Params) -> Obj:
    allow(
        params,
        "type",
        "email",
        "country",
        "metadata",
        "controller",
        "business_type",
        "business_profile",
        "capabilities",
    )
    _platform_only(ctx)
    one_of(params, "type", ("standard", "express", "custom"), "standard")
    state = ctx.new_account(params)
    assert state.obj is not None
    return state.obj


def _connected(ctx: Ctx, account_id: str) -> AccountState:
    state = ctx.find_account(account_id)
    if state is None or state.obj is None:
        raise no_such("account", account_id, "account")
    return state


def retrieve_account(ctx: Ctx, params: Params, account_id: str) -> Obj:
    allow(params)
    if ctx.account.id is not None and ctx.account.id != account_id:
        raise no_such("account", account_id)
    obj = _connected(ctx, account_id).obj
    assert obj is not None
    return obj


def retrieve_own_account(ctx: Ctx, params: Params) -> Obj:
    """``GET /v1/account``: the account the request is made for."""
    allow(params)
    if ctx.account.obj is None:
        raise StripeApiError(400, "GET /v1/account needs a Stripe-Account header here.")
    return ctx.account.obj


def list_accounts(ctx: Ctx, params: Params) -> Obj:
    allow(params, *LIST_PARAMS)
    _platform_only(ctx)
    accounts = ctx.shared.get("accounts", [])
    return list_objects(list(reversed(accounts)), params, "/v1/accounts")


def create_account_link(ctx: Ctx, params: Params) -> Obj:
    allow(params, "account", "refresh_url", "return_url", "type", "collect", "collection_options")
    _platform_only(ctx)
    account_id = required_str(params, "account")
    _connected(ctx, account_id)
    required_str(params, "type")
    one_of(params, "type", LINK_TYPES, None)
    required_str(params, "refresh_url")
    required_str(params, "return_url")
    return shape(
        "account_link",
        created=now(),
        expires_at=now() + 300,
        url=f"https://connect.stripe.com/setup/s/{account_id}/{new_id('x', 12)[2:]}",
    )


ROUTES = [
    ("POST", r"/v1/accounts", create_account),
    ("GET", r"/v1/accounts", list_accounts),
    ("GET", r"/v1/accounts/(?P<id>[^/]+)", retrieve_account),
    ("GET", r"/v1/account", retrieve_own_account),
    ("POST", r"/v1/account_links", create_account_link),
]
