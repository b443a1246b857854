"""Connect Standard accounts and onboarding links."""

from __future__ import annotations

import pytest
import stripe

from tests.simulators.stripe import StripeSimulator
from tests.simulators.stripe.fixtures import stripe_client


def test_account_and_onboarding_link(stripe_sim: StripeSimulator) -> None:
    client = stripe_client(stripe_sim)
    account = client.v1.accounts.create({"type": "standard", "email": "owner@example.com"})
    assert account.id.startswith("acct_") and account.type == "standard"
    assert (account.charges_enabled, account.details_submitted) == (False, False)
    link = client.v1.account_links.create(
        {
            "account": account.id,
            "type": "account_onboarding",
            "refresh_url": "https://app.example/refresh",
            "return_url": "https://app.example/done",
        }
    )
    assert link.url.startswith("https://") and link.expires_at > link.created
    stripe_sim.complete_onboarding(account.id)
    again = client.v1.accounts.retrieve(account.id)
    assert (again.charges_enabled, again.details_submitted) == (True, True)
    assert again["requirements"]["currently_due"] == []


def test_account_link_needs_its_params_and_a_known_account(stripe_sim: StripeSimulator) -> None:
    client = stripe_client(stripe_sim)
    acct = stripe_sim.create_connected_account()
    with pytest.raises(stripe.InvalidRequestError) as err:
        client.v1.account_links.create(
            {"account": acct, "type": "account_onboarding", "refresh_url": "https://x.example"}
        )
    assert err.value.code == "parameter_missing" and err.value.param == "return_url"
    with pytest.raises(stripe.InvalidRequestError) as err:
        client.v1.accounts.retrieve("acct_unknown")
    assert err.value.http_status == 404
